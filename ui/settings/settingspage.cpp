#include "settingspage.h"

#include "cloud/settings.h"
#include "common/logging.h"
#include "common/qtconv.h"
#include "common/texttable.h"
#include "common/theme.h"
#include "common/widgets.h"
#include "secrets/secrets.h"
#include "store/audit.h"
#include "store/database.h"
#include "util/errors.h"

#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QVBoxLayout>

#include <chrono>

namespace nbaops::ui {

namespace {

// The datasets in the order of the form's fields.
constexpr std::array kDatasetFields = {&cloud::Datasets::raw, &cloud::Datasets::analytics,
                                       &cloud::Datasets::precompute, &cloud::Datasets::predictions,
                                       &cloud::Datasets::reference};

QColor rotationColour(secrets::Rotation r)
{
    switch (r) {
    case secrets::Rotation::Due:
        return {0xfc, 0xe8, 0xe6};
    case secrets::Rotation::Soon:
        return {0xfe, 0xf7, 0xe0};
    default:
        return {};
    }
}

} // namespace

SettingsPage::SettingsPage(BackendPtr backend, QWidget* parent)
    : Page(parent), m_backend(std::move(backend)), m_current(new QLabel(this)),
      m_choice(new QComboBox(this)), m_project(new QLineEdit(this)), m_region(new QLineEdit(this)),
      m_location(new QLineEdit(this)), m_capGiB(new QSpinBox(this)), m_services(new QLabel(this)),
      m_save(new QPushButton(tr("Save settings"), this)),
      m_sync(new QPushButton(tr("Sync now"), this)),
      m_secrets(new TextTableModel(
          {tr("Secret"), tr("For"), tr("Source"), tr("Age"), tr("Rotation"), tr("Note")}, this)),
      m_secretsView(makeTable(m_secrets, this, tr("Secrets"))), m_set(new QPushButton(tr("Set…"), this)),
      m_delete(new QPushButton(tr("Delete…"), this)), m_message(new QLabel(this))
{
    for (auto& edit : m_datasets)
        edit = new QLineEdit(this);
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->setSpacing(10);
    root->addWidget(makeHeading(tr("Settings"), this));
    auto* top = new QHBoxLayout;
    auto* backendBox = buildBackendBox();
    backendBox->setMaximumWidth(820);
    top->addWidget(backendBox, 1);
    top->addStretch(0);
    root->addLayout(top);
    root->addWidget(buildSecretsBox(), 1);
    m_message->setObjectName(QStringLiteral("settingsMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    root->addWidget(m_message);
    loadSettingsIntoForm();
}

QWidget* SettingsPage::buildBackendBox()
{
    auto* box = new QGroupBox(tr("Backend"), this);
    auto* form = new QFormLayout(box);
    m_current->setObjectName(QStringLiteral("currentBackend"));
    m_current->setWordWrap(true);
    auto* current = new QHBoxLayout;
    current->addWidget(m_current, 1);
    m_sync->setObjectName(QStringLiteral("syncNow"));
    m_sync->setToolTip(tr("Bring the cloud's run history into the cache now (the console also does "
                          "it every 5 minutes)."));
    m_sync->setVisible(m_backend->kind() == jobs::BackendKind::Cloud);
    current->addWidget(m_sync);
    form->addRow(tr("This window:"), current);
    connect(m_sync, &QPushButton::clicked, this, &SettingsPage::syncRequested);
    m_choice->setObjectName(QStringLiteral("backendChoice"));
    m_choice->addItem(tr("local: the embedded SQLite database"), QStringLiteral("local"));
    m_choice->addItem(tr("cloud: BigQuery and the Cloud Run services, through a local cache"),
                      QStringLiteral("cloud"));
    m_choice->setToolTip(
        tr("What nbaops-console and nbaops open when no --backend is given (settings.json)."));
    form->addRow(tr("Open at start:"), m_choice);
    m_project->setObjectName(QStringLiteral("cloudProject"));
    m_project->setPlaceholderText(tr("Google Cloud project id"));
    form->addRow(tr("Project:"), m_project);
    form->addRow(tr("Cloud Run region:"), m_region);
    form->addRow(tr("BigQuery location:"), m_location);
    const QStringList kinds = {tr("Raw dataset:"), tr("Analytics dataset:"),
                               tr("Precompute dataset:"), tr("Predictions dataset:"),
                               tr("Reference dataset:")};
    for (size_t i = 0; i < m_datasets.size(); ++i)
        form->addRow(kinds[int(i)], m_datasets[i]);
    m_capGiB->setRange(1, 100000);
    m_capGiB->setSuffix(tr(" GiB"));
    m_capGiB->setToolTip(
        tr("A query the console starts is dry-run first and refused above this many bytes."));
    form->addRow(tr("Cap per query:"), m_capGiB);
    // The datasets' fields were made after the others: Tab goes down the form as it is laid out.
    chainTabs({m_location, m_datasets[0], m_datasets[1], m_datasets[2], m_datasets[3], m_datasets[4], m_capGiB});
    m_services->setWordWrap(true);
    m_services->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Services:"), m_services);
    m_save->setObjectName(QStringLiteral("saveSettings"));
    form->addRow(QString(), m_save);
    connect(m_save, &QPushButton::clicked, this, [this] { saveSettings(); });
    return box;
}

QWidget* SettingsPage::buildSecretsBox()
{
    auto* box = new QGroupBox(tr("Secrets (the OS keychain; an environment variable wins)"), this);
    auto* v = new QVBoxLayout(box);
    m_secretsView->setObjectName(QStringLiteral("secretsTable"));
    m_secretsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_secretsView->horizontalHeader()->setStretchLastSection(true);
    m_secretsView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_secretsView->setSelectionMode(QAbstractItemView::SingleSelection);
    v->addWidget(m_secretsView, 1);
    auto* buttons = new QHBoxLayout;
    m_set->setObjectName(QStringLiteral("setSecret"));
    m_delete->setObjectName(QStringLiteral("deleteSecret"));
    m_set->setToolTip(tr("Store a new value in the keychain (typed hidden, never shown again)."));
    m_delete->setToolTip(
        tr("Remove the keychain's value (an environment variable still applies)."));
    buttons->addWidget(m_set);
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    auto* refresh = new QPushButton(tr("Check again"), this);
    buttons->addWidget(refresh);
    v->addLayout(buttons);
    connect(refresh, &QPushButton::clicked, this, &SettingsPage::refresh);
    connect(m_set, &QPushButton::clicked, this, [this] {
        const QString name = selectedSecret();
        if (name.isEmpty())
            return say(tr("Pick a secret in the table first."), true);
        bool ok = false;
        const QString value = QInputDialog::getText(
            this, tr("Set %1").arg(name), tr("New value of %1 (it is not shown again):").arg(name),
            QLineEdit::Password, QString(), &ok);
        if (ok && !value.isEmpty())
            setSecret(name, value);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const QString name = selectedSecret();
        if (name.isEmpty())
            return say(tr("Pick a secret in the table first."), true);
        if (QMessageBox::question(
                this, tr("Delete %1").arg(name),
                tr("Remove %1 from the keychain? What uses it fails until it is set again.")
                    .arg(name)) == QMessageBox::Yes)
            deleteSecret(name);
    });
    return box;
}

void SettingsPage::loadSettingsIntoForm()
{
    m_current->setText(qs(m_backend->label()) +
                       (m_backend->freshness().empty()
                            ? QString()
                            : QStringLiteral(" · ") + qs(m_backend->freshness())));
    cloud::Settings s;
    try {
        s = cloud::loadSettings();
    } catch (const std::exception& e) {
        say(tr("settings.json could not be read: %1. Saving writes a good one.").arg(qs(e.what())),
            true);
    }
    m_choice->setCurrentIndex(s.backend == "cloud" ? 1 : 0);
    m_project->setText(qs(s.cloud.project));
    m_region->setText(qs(s.cloud.region));
    m_location->setText(qs(s.cloud.bigqueryLocation));
    for (size_t i = 0; i < m_datasets.size(); ++i)
        m_datasets[i]->setText(qs(s.cloud.datasets.*kDatasetFields[i]));
    m_capGiB->setValue(int(std::max<int64_t>(1, s.cloud.maxBytesPerQuery >> 30)));
    QStringList services;
    for (const auto& [name, url] : s.cloud.services)
        services << qs(name) + QStringLiteral(": ") + qs(url);
    m_services->setText(services.isEmpty()
                            ? tr("none yet: nbaops cloud configure --service NAME=URL")
                            : services.join(u'\n'));
}

bool SettingsPage::saveSettings()
{
    cloud::Settings s;
    try {
        s = cloud::loadSettings(); // keeps what the form does not show (services, URLs)
    } catch (const std::exception&) {
        s = {};
    }
    s.backend = ss(m_choice->currentData().toString());
    s.cloud.project = ss(m_project->text().trimmed());
    s.cloud.region = ss(m_region->text().trimmed());
    s.cloud.bigqueryLocation = ss(m_location->text().trimmed());
    for (size_t i = 0; i < m_datasets.size(); ++i)
        s.cloud.datasets.*kDatasetFields[i] = ss(m_datasets[i]->text().trimmed());
    s.cloud.maxBytesPerQuery = int64_t(m_capGiB->value()) << 30;
    try {
        if (s.backend == "cloud" && s.cloud.project.empty())
            throw UsageError("the cloud backend needs a project id");
        cloud::saveSettings(s);
    } catch (const std::exception& e) {
        say(tr("Not saved: %1.").arg(qs(e.what())), true);
        return false;
    }
    audit("settings.save",
          "backend " + s.backend + (s.cloud.project.empty() ? "" : ", project " + s.cloud.project));
    say(tr("Saved to %1. The backend chosen applies when the console or nbaops next starts "
           "(or now with --backend).")
            .arg(qs(cloud::settingsPath().string())));
    Q_EMIT settingsSaved();
    return true;
}

void SettingsPage::refresh()
{
    loadSettingsIntoForm();
    m_jobs.run<std::vector<secrets::Status>>(
        [] { return secrets::status(std::chrono::system_clock::now()); },
        [this](const std::vector<secrets::Status>& all) {
            std::vector<QStringList> rows;
            std::vector<QColor> colours;
            for (const auto& st : all) {
                const QString age = !st.ageDays        ? QStringLiteral("—")
                                    : *st.ageDays == 0 ? tr("today")
                                                       : tr("%n day(s)", nullptr, *st.ageDays);
                QString rotation = st.source == secrets::Source::None
                                       ? QStringLiteral("—")
                                       : qs(secrets::rotationName(st.rotation));
                if (st.rotation == secrets::Rotation::Due || st.rotation == secrets::Rotation::Soon)
                    rotation += tr(" (every %1 days)").arg(st.spec.rotationDays);
                rows.push_back({qs(st.spec.name), qs(st.spec.what),
                                st.source == secrets::Source::Environment
                                    ? tr("environment (%1)").arg(qs(st.spec.envVar))
                                    : qs(secrets::sourceName(st.source)),
                                age, rotation, qs(st.problem)});
                colours.push_back(rotationColour(st.rotation));
            }
            m_secrets->reset(std::move(rows), std::move(colours));
            Q_EMIT loaded();
        },
        [this](const QString& m) {
            say(tr("The secrets could not be listed: %1").arg(m), true);
            Q_EMIT failed(m);
        });
}

void SettingsPage::setSecret(const QString& name, const QString& value)
{
    try {
        secrets::set(ss(name), ss(value), std::chrono::system_clock::now());
    } catch (const std::exception& e) {
        say(tr("%1 was not set: %2").arg(name, qs(e.what())), true);
        return;
    }
    audit("secrets.set", ss(name)); // by name only
    say(tr("%1 is set in the keychain.").arg(name));
    Q_EMIT secretChanged(name);
    refresh();
}

void SettingsPage::deleteSecret(const QString& name)
{
    bool removed = false;
    try {
        removed = secrets::remove(ss(name));
    } catch (const std::exception& e) {
        say(tr("%1 was not deleted: %2").arg(name, qs(e.what())), true);
        return;
    }
    if (removed)
        audit("secrets.delete", ss(name));
    say(removed ? tr("%1 is deleted from the keychain.").arg(name)
                : tr("The keychain held no %1.").arg(name));
    Q_EMIT secretChanged(name);
    refresh();
}

QString SettingsPage::selectedSecret() const
{
    const auto rows = m_secretsView->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_secrets->cell(rows.front().row(), 0);
}

QString SettingsPage::message() const
{
    return m_message->text();
}

// Into the audit log of the database this window reads, when there is one.
void SettingsPage::audit(const std::string& action, const std::string& detail)
{
    if (const auto why = store::auditIfPresent(m_backend->database(), {"", action, detail, "", "ok"}); !why.empty())
        say(tr("(not in the audit log: %1)").arg(qs(why)), true);
}

void SettingsPage::say(const QString& text, bool problem)
{
    if (problem)
        qCWarning(lcSettings) << text; // the messages never carry a secret's value
    m_message->setStyleSheet(QStringLiteral("color: %1;").arg((problem ? theme().errorText : theme().okText).name()));
    m_message->setText(text);
    Q_EMIT statusMessage(text);
}

} // namespace nbaops::ui
