#include "firststart.h"

#include "common/qtconv.h"
#include "common/theme.h"
#include "jobs/demo.h"
#include "store/database.h"

#include <QApplication>
#include <QCommandLinkButton>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMetaObject>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QThreadPool>
#include <QVBoxLayout>

#include <filesystem>

namespace nbaops::ui {

namespace {

constexpr int kDemoDays = 14;

QLabel* wrapped(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return l;
}

} // namespace

FirstStartDialog::FirstStartDialog(const QString& missing, const QString& demo, QWidget* parent)
    : QDialog(parent), m_demoPath(demo), m_stack(new QStackedWidget(this)), m_message(new QLabel(this))
{
    setObjectName(QStringLiteral("firstStart"));
    setWindowTitle(tr("nbaops console: first start"));
    setMinimumWidth(620);
    m_message->setObjectName(QStringLiteral("firstStartMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_stack->addWidget(buildChoices(missing));
    m_stack->addWidget(buildCloudForm());
    m_stack->addWidget(buildProgress());
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_stack);
    layout->addWidget(m_message);
}

FirstStartDialog::~FirstStartDialog()
{
    m_cancel->store(true); // a demo still building stops after its night; its nights are kept
}

QWidget* FirstStartDialog::buildChoices(const QString& missing)
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    auto* title = new QLabel(tr("Welcome to the nbaops console"), page);
    QFont f = title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    title->setFont(f);
    v->addWidget(title);
    v->addWidget(wrapped(tr("There is no database at %1 yet. Choose what to open:").arg(missing), page));

    const bool demoThere = QFileInfo::exists(m_demoPath);
    auto* demo = new QCommandLinkButton(
        demoThere ? tr("Open the demo") : tr("Build the demo"),
        tr("%1 simulated nights with faults injected on purpose, a trained model and a proven backup "
           "(under a minute), in %2. Every page has something to show.")
            .arg(kDemoDays)
            .arg(m_demoPath),
        page);
    if (demoThere)
        demo->setDescription(tr("The demo built earlier, in %1.").arg(m_demoPath));
    demo->setObjectName(QStringLiteral("firstStartDemo"));
    auto* open = new QCommandLinkButton(tr("Open a database…"),
                                        tr("An nbaops database made by the nightly runs or 'nbaops import'."), page);
    open->setObjectName(QStringLiteral("firstStartOpen"));
    auto* cloud = new QCommandLinkButton(
        tr("Connect to the cloud project…"),
        tr("Watch and drive the BigQuery + Cloud Run deployment; its history is cached here and works offline."),
        page);
    cloud->setObjectName(QStringLiteral("firstStartCloud"));
    for (auto* b : {demo, open, cloud})
        v->addWidget(b);
    v->addWidget(wrapped(tr("On a terminal: 'nbaops demo', 'nbaops --db FILE status', 'nbaops cloud configure "
                            "--project ID'."),
                         page));
    v->addStretch();
    auto* quit = new QDialogButtonBox(QDialogButtonBox::Close, page);
    v->addWidget(quit);
    connect(quit, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(demo, &QPushButton::clicked, this, [this] {
        if (!QFileInfo::exists(m_demoPath))
            buildDemo();
        else if (openDatabase(m_demoPath))
            accept();
    });
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open an nbaops database"), QString(),
                                                          tr("SQLite databases (*.db *.sqlite);;All files (*)"));
        if (!path.isEmpty() && openDatabase(path))
            accept();
    });
    connect(cloud, &QPushButton::clicked, this, [this] {
        m_message->clear();
        m_stack->setCurrentIndex(1);
        m_project->setFocus();
    });
    demo->setFocus();
    return page;
}

QWidget* FirstStartDialog::buildCloudForm()
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->addWidget(wrapped(tr("The Google Cloud project of the deployment. The console opens on the Settings page, "
                            "where the region, the datasets and the service-account key (kept in the OS keychain) "
                            "are set; the first sync then fills the cache."),
                         page));
    auto* form = new QFormLayout;
    m_project = new QLineEdit(page);
    m_project->setObjectName(QStringLiteral("firstStartProject"));
    m_project->setPlaceholderText(tr("for example nba-props-prod"));
    form->addRow(tr("Project id:"), m_project);
    v->addLayout(form);
    v->addStretch();
    auto* buttons = new QDialogButtonBox(page);
    auto* connectButton = buttons->addButton(tr("Connect"), QDialogButtonBox::AcceptRole);
    buttons->addButton(tr("Back"), QDialogButtonBox::RejectRole);
    v->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, [this] {
        m_message->clear();
        m_stack->setCurrentIndex(0);
    });
    connect(connectButton, &QPushButton::clicked, this, [this] {
        if (connectCloud(m_project->text()))
            accept();
    });
    connect(m_project, &QLineEdit::returnPressed, connectButton, &QPushButton::click);
    return page;
}

QWidget* FirstStartDialog::buildProgress()
{
    auto* page = new QWidget(this);
    auto* v = new QVBoxLayout(page);
    v->addWidget(wrapped(tr("Building the demo in %1: the simulated league's nights, as the scheduler runs them.")
                             .arg(m_demoPath),
                         page));
    m_bar = new QProgressBar(page);
    m_bar->setObjectName(QStringLiteral("firstStartProgress"));
    m_bar->setRange(0, kDemoDays + 2); // the history and its model, the nights, the backup
    m_bar->setFormat(tr("%v of %m steps"));
    v->addWidget(m_bar);
    m_step = wrapped(QString(), page);
    v->addWidget(m_step);
    v->addStretch();
    m_stop = new QPushButton(tr("Stop"), page);
    m_stop->setToolTip(tr("Stop after the night in progress; the finished nights are kept and open"));
    v->addWidget(m_stop, 0, Qt::AlignRight);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        m_cancel->store(true);
        m_stop->setEnabled(false);
        m_step->setText(tr("Stopping after the night in progress…"));
    });
    return page;
}

void FirstStartDialog::buildDemo()
{
    m_message->clear();
    m_stack->setCurrentIndex(2);
    m_bar->setValue(0);
    jobs::DemoOptions o;
    o.dbPath = ss(m_demoPath);
    o.days = kDemoDays;
    QPointer<FirstStartDialog> self(this);
    auto cancel = m_cancel;
    const auto post = [self](auto fn) {
        QMetaObject::invokeMethod(qApp, [self, fn] {
            if (self)
                fn(*self);
        }, Qt::QueuedConnection);
    };
    QThreadPool::globalInstance()->start([o, cancel, post] {
        jobs::TextControl control;
        control.cancel = cancel.get();
        control.progress = [post](const std::string& line) {
            const QString l = qs(line);
            post([l](FirstStartDialog& d) {
                static const QRegularExpression night(QStringLiteral("^\\d{4}-\\d\\d-\\d\\d: "));
                if (night.match(l).hasMatch() || l.startsWith(QStringLiteral("imported ")) ||
                    l.startsWith(QStringLiteral("backup ")))
                    d.m_bar->setValue(std::min(d.m_bar->maximum(), d.m_bar->value() + 1));
                d.m_step->setText(l.trimmed());
                Q_EMIT d.demoProgress(l);
            });
        };
        try {
            std::filesystem::create_directories(o.dbPath.parent_path());
            const auto sum = jobs::buildDemo(o, control);
            post([runs = sum.runs](FirstStartDialog& d) {
                if (runs == 0) {
                    d.m_stack->setCurrentIndex(0);
                    d.say(tr("The demo was stopped before its first night finished; nothing to open."), true);
                    return;
                }
                d.m_database = d.m_demoPath;
                d.accept();
            });
        } catch (const std::exception& e) {
            const QString why = qs(e.what());
            post([why](FirstStartDialog& d) {
                d.m_stack->setCurrentIndex(0);
                d.say(tr("The demo could not be built: %1. Check that the folder is writable and has space, "
                         "or run 'nbaops demo --db FILE' on a terminal to see each step.")
                          .arg(why),
                      true);
            });
        }
    });
}

bool FirstStartDialog::openDatabase(const QString& path)
{
    const QFileInfo info(path);
    if (!info.isFile()) {
        say(tr("%1 is not a file. Choose an nbaops database (a .db file).").arg(path), true);
        return false;
    }
    try {
        // As it is, read-only: a wrong file is refused without being touched (the window's open
        // brings an older nbaops database up to date, and refuses a newer one with the reason).
        auto db = store::Database::openCopy(ss(info.absoluteFilePath()), false);
        auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'processor_runs'");
        st.step();
        if (st.getInt(0) == 0) {
            say(tr("%1 is a SQLite database but not an nbaops one (it has no processor_runs table). Choose "
                   "another, or build the demo.")
                    .arg(path),
                true);
            return false;
        }
    } catch (const std::exception& e) {
        say(tr("%1 cannot be opened: %2").arg(path, qs(e.what())), true);
        return false;
    }
    m_database = info.absoluteFilePath();
    return true;
}

bool FirstStartDialog::connectCloud(const QString& project)
{
    try {
        auto settings = cloud::loadSettings();
        settings.backend = "cloud";
        settings.cloud.project = ss(project.trimmed());
        if (settings.cloud.project.empty()) {
            say(tr("Enter the Google Cloud project id of the deployment."), true);
            return false;
        }
        cloud::parseSettings(cloud::settingsJson(settings), "the project id"); // refuses a malformed id
        cloud::saveSettings(settings);
        m_cloud = settings.cloud;
        return true;
    } catch (const std::exception& e) {
        say(qs(e.what()), true);
        return false;
    }
}

QString FirstStartDialog::message() const
{
    return m_message->text();
}

void FirstStartDialog::say(const QString& text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? QStringLiteral("color: %1;").arg(theme().errorText.name()) : QString());
}

} // namespace nbaops::ui
