// The Backfill page's widgets: the controls of a plan, the progress of the shown backfill.
#include "backfillpage.h"

#include "common/theme.h"
#include "common/widgets.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace nbaops::ui {

// Where the dates come from, the workers, Plan and Start.
QHBoxLayout* BackfillPage::buildControls()
{
    auto* row = new QHBoxLayout;
    row->addWidget(makeHeading(tr("Backfill"), this));
    row->addStretch();
    m_source->setObjectName(QStringLiteral("backfillSource"));
    m_source->addItem(tr("Range"), QStringLiteral("range"));
    m_source->addItem(tr("Dates file"), QStringLiteral("file"));
    m_source->addItem(tr("Fill the gaps"), QStringLiteral("gaps"));
    m_source->setCurrentIndex(2);
    row->addWidget(m_source);
    for (auto* d : {m_from, m_to}) {
        d->setCalendarPopup(true);
        d->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    }
    m_from->setDate(QDate::currentDate().addDays(-30));
    m_to->setDate(QDate::currentDate().addDays(-1));
    m_source->setAccessibleName(tr("Dates to backfill"));
    m_from->setAccessibleName(tr("First game date"));
    m_to->setAccessibleName(tr("Last game date"));
    m_file->setAccessibleName(tr("Dates file"));
    row->addWidget(m_from);
    row->addWidget(new QLabel(tr("to"), this));
    row->addWidget(m_to);
    m_file->setObjectName(QStringLiteral("datesFile"));
    m_file->setPlaceholderText(tr("one YYYY-MM-DD a line"));
    m_file->setMinimumWidth(180);
    row->addWidget(m_file);
    row->addWidget(m_browse);
    row->addSpacing(8);
    row->addWidget(makeLabelFor(tr("Workers"), m_workers, this));
    m_workers->setRange(1, 64);
    m_workers->setValue(4);
    m_workers->setObjectName(QStringLiteral("backfillWorkers"));
    row->addWidget(m_workers);
    m_force->setToolTip(tr("Rerun every processor of every date, not only what is missing, failed or incomplete"));
    row->addWidget(m_force);
    m_plan->setObjectName(QStringLiteral("planButton"));
    m_start->setObjectName(QStringLiteral("startButton"));
    row->addWidget(m_plan);
    row->addWidget(m_start);
    connect(m_source, &QComboBox::currentIndexChanged, this, &BackfillPage::updateSource);
    connect(m_browse, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getOpenFileName(this, tr("A file of dates"), {}, tr("Text (*.txt *.csv);;All (*)"));
        if (!f.isEmpty())
            m_file->setText(f);
    });
    connect(m_plan, &QPushButton::clicked, this, &BackfillPage::plan);
    connect(m_start, &QPushButton::clicked, this, &BackfillPage::start);
    updateSource();
    return row;
}

// The active backfill: its title, a bar per phase, the whole, the ETA and error rate, the
// buttons and the live log.
QWidget* BackfillPage::buildProgress()
{
    auto* box = new QWidget(this);
    auto* v = new QVBoxLayout(box);
    v->setContentsMargins(8, 0, 0, 0);
    m_title->setObjectName(QStringLiteral("backfillTitle"));
    m_title->setWordWrap(true);
    m_title->setStyleSheet(QStringLiteral("font-weight: 600;"));
    m_title->setText(tr("No backfill is active."));
    v->addWidget(m_title);
    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(10);
    grid->setVerticalSpacing(4);
    static const char* names[] = {"1 scrapers", "2 raw", "3 analytics", "4 precompute", "5 predictions", "6 publishing"};
    for (int i = 0; i < 6; ++i) {
        m_phases[size_t(i)] = new QProgressBar(box);
        m_phases[size_t(i)]->setObjectName(QStringLiteral("phaseBar%1").arg(i + 1));
        m_phases[size_t(i)]->setFormat(QStringLiteral("%v / %m"));
        m_phases[size_t(i)]->setRange(0, 1);
        m_phases[size_t(i)]->setValue(0);
        grid->addWidget(new QLabel(tr("Phase %1").arg(tr(names[i])), box), i, 0);
        grid->addWidget(m_phases[size_t(i)], i, 1);
    }
    m_overall->setObjectName(QStringLiteral("overallBar"));
    m_overall->setFormat(QStringLiteral("%v / %m runs (%p%)"));
    m_overall->setRange(0, 1);
    m_overall->setValue(0);
    grid->addWidget(new QLabel(tr("All"), box), 6, 0);
    grid->addWidget(m_overall, 6, 1);
    v->addLayout(grid);
    m_eta->setObjectName(QStringLiteral("backfillEta"));
    m_eta->setWordWrap(true);
    m_eta->setStyleSheet(QStringLiteral("color: %1;").arg(theme().muted.name()));
    v->addWidget(m_eta);
    auto* buttons = new QHBoxLayout;
    m_pause->setObjectName(QStringLiteral("pauseButton"));
    m_resume->setObjectName(QStringLiteral("resumeButton"));
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    for (auto* b : {m_pause, m_resume, m_cancel}) {
        b->setEnabled(false);
        buttons->addWidget(b);
    }
    buttons->addStretch();
    v->addLayout(buttons);
    m_log->setObjectName(QStringLiteral("backfillLog"));
    m_log->setAccessibleName(tr("Backfill log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Each run's outcome appears here while a backfill runs; for one started from the "
                                 "command line, its latest runs."));
    v->addWidget(m_log, 1);
    return box;
}

void BackfillPage::updateSource()
{
    const QString s = m_source->currentData().toString();
    m_file->setVisible(s == QStringLiteral("file"));
    m_browse->setVisible(s == QStringLiteral("file"));
    m_from->setEnabled(s != QStringLiteral("file"));
    m_to->setEnabled(s != QStringLiteral("file"));
}

} // namespace nbaops::ui
