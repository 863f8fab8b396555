#include "trendspage.h"

#include "trendcharts.h"
#include "common/logging.h"

#include "common/chartutil.h"
#include "common/csv.h"
#include "common/qtconv.h"
#include "common/widgets.h"
#include "registry/registry.h"
#include "store/database.h"
#include "util/files.h"
#include "util/text.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <chrono>

namespace nbaops::ui {

namespace {

QString fileStem(const QString& series)
{
    QString s = series;
    s.replace(QLatin1Char(' '), QLatin1Char('_'));
    return QStringLiteral("trends_") + s;
}

QString thousands(int64_t n) { return QLocale(QLocale::English).toString(qlonglong(n)); }

struct TrendsLoaded
{
    health::TrendsReport report;
    double ms = 0;
};

} // namespace

void TrendsPage::refresh() { load(); }

void TrendsPage::setRangeDays(int days)
{
    m_days = std::clamp(days, 1, kMaxRangeDays);
    m_until.reset();
    const int index = m_range->findData(m_days);
    m_range->setCurrentIndex(index >= 0 ? index : m_range->count() - 1);
    load();
}

void TrendsPage::setRange(QDate from, QDate until)
{
    if (!from.isValid() || !until.isValid() || from > until) {
        m_summary->setText(tr("The range must run forwards: %1 is after %2. Pick the first day, then the last.")
                               .arg(from.toString(Qt::ISODate), until.toString(Qt::ISODate)));
        return;
    }
    m_days = int(std::min<qint64>(from.daysTo(until) + 1, kMaxRangeDays));
    m_until = until;
    m_range->setCurrentIndex(m_range->count() - 1);
    load();
}

void TrendsPage::load()
{
    const std::string path = ss(m_dbPath);
    health::TrendsQuery q;
    q.days = m_days;
    q.clampToHistory = !m_until; // a preset: a young history fills the charts
    if (m_until)
        q.until = Date::ymd(m_until->year(), unsigned(m_until->month()), unsigned(m_until->day()));
    const registry::Registry* reg = &m_registry;
    const auto read = [path, reg](health::TrendsQuery query) {
        return std::function<TrendsLoaded()>([path, reg, query] {
            const auto t0 = std::chrono::steady_clock::now();
            auto db = store::Database::open(path, store::Database::Mode::ReadOnly);
            TrendsLoaded l{health::trends(db, *reg, query), 0};
            l.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
            return l;
        });
    };
    const auto fail = [this](const QString& message) {
        m_summary->setText(tr("The trends could not be read: %1").arg(message));
        qCWarning(lcTrends) << "reading the trends failed:" << message;
        Q_EMIT failed(message);
    };
    // Two reads: the phases first from their own daily statistics (the page paints in a
    // fraction of the time), then every processor's series, warnings and timeouts. A newer
    // load drops both.
    health::TrendsQuery phases = q;
    phases.withProcessors = false;
    m_jobs.run<TrendsLoaded>(
        read(phases),
        [this, q, read, fail](TrendsLoaded l) {
            display(std::move(l.report), l.ms, false);
            m_jobs.run<TrendsLoaded>(read(q), [this](TrendsLoaded full) { display(std::move(full.report), full.ms, true); }, fail);
        },
        fail);
}

void TrendsPage::display(health::TrendsReport r, double ms, bool complete)
{
    m_loadMs = ms;
    m_complete = complete;
    m_report = std::move(r);
    for (auto* e : {m_from, m_to})
        e->blockSignals(true);
    m_from->setDate(isoToQDate(m_report->from));
    m_to->setDate(isoToQDate(m_report->until));
    for (auto* e : {m_from, m_to})
        e->blockSignals(false);

    m_series->blockSignals(true);
    m_series->clear();
    for (const auto& s : m_report->phases) {
        QString label = qs(s.name);
        for (const auto& ph : m_registry.phases()) {
            if (ph.phase == s.phase)
                label += QStringLiteral(" · ") + qs(ph.name);
        }
        m_series->addItem(label, qs(s.name));
    }
    m_series->insertSeparator(m_series->count());
    for (int phase = 1; phase <= 6; ++phase) {
        for (const auto& s : m_report->processors) {
            if (s.phase == phase)
                m_series->addItem(QStringLiteral("    ") + qs(s.name) + tr(" (phase %1)").arg(phase), qs(s.name));
        }
    }
    if (!complete) {
        m_series->addItem(tr("    processors: reading…"));
        qobject_cast<QStandardItemModel*>(m_series->model())->item(m_series->count() - 1)->setEnabled(false);
    }
    // The series the user chose; while the processors are read, its phase stands in.
    int index = m_series->findData(m_wanted);
    if (const auto* spec = m_registry.find(ss(m_wanted)); index < 0 && !complete && spec)
        index = m_series->findData(QStringLiteral("phase %1").arg(spec->phase));
    m_series->setCurrentIndex(index >= 0 ? index : m_series->findData(QStringLiteral("phase 3")));
    m_series->blockSignals(false);

    m_warnings->clear();
    for (const auto& a : m_report->anomalies) {
        auto* item = new QListWidgetItem(QStringLiteral("⚠ ") + qs(a.sentence), m_warnings);
        if (series(qs(a.series)))
            item->setData(Qt::UserRole, qs(a.series));
        item->setToolTip(tr("%1 · %2 · robust z %3").arg(qs(a.series), qs(a.metric)).arg(a.z, 0, 'f', 1));
    }
    if (m_report->anomalies.empty()) {
        auto* item = new QListWidgetItem(
            m_report->empty ? tr("No runs in this range.")
                            : tr("No early warning: durations and failures are within their usual range for every "
                                 "phase and processor (each day against the 30 before it, weekday-aware)."),
            m_warnings);
        item->setFlags(Qt::NoItemFlags);
    }
    int changed = 0;
    QStringList lines;
    for (const auto& t : m_report->timeouts) {
        if (t.suggestedS == t.currentS)
            continue;
        ++changed;
        if (lines.size() < 12)
            lines << tr("%1: %2 s -> %3 s (%4)").arg(qs(t.processor)).arg(t.currentS).arg(t.suggestedS).arg(qs(t.basis));
    }
    // The suggestions are shown on every backend; applied only where the timeouts table is the
    // pipeline's own (a cloud project's cache is overwritten by its next sync).
    const bool owns = m_backend->ownsDatabase();
    m_timeouts->setEnabled(changed > 0 && owns);
    m_timeouts->setText(!complete ? tr("Timeouts: reading…")
                        : changed ? (owns ? tr("Apply suggested timeouts (%1)") : tr("Suggested timeouts (%1)")).arg(changed)
                                  : tr("Timeouts match their P95"));
    m_timeouts->setToolTip((changed ? tr("Timeouts of 3 x each processor's P95 duration:\n") + lines.join(u'\n')
                                    : tr("Every processor's timeout already is 3 x its P95 (or it has fewer than 20 runs)."))
                           + (owns ? QString() : QStringLiteral("\n\n") + qs(m_backend->whyReadOnly())));
    m_export->setEnabled(!m_report->empty);
    showSeries();
    if (complete)
        Q_EMIT loaded();
    else
        Q_EMIT phasesShown();
}

const health::TrendSeries* TrendsPage::series(const QString& name) const
{
    if (!m_report)
        return nullptr;
    for (const auto* list : {&m_report->phases, &m_report->processors}) {
        for (const auto& s : *list) {
            if (qs(s.name) == name)
                return &s;
        }
    }
    return nullptr;
}

QString TrendsPage::currentSeries() const { return m_series->currentData().toString(); }

bool TrendsPage::selectSeries(const QString& name)
{
    const int index = m_series->findData(name);
    if (index < 0)
        return false;
    m_series->setCurrentIndex(index);
    showSeries();
    return true;
}

void TrendsPage::showSeries()
{
    const auto* s = series(currentSeries());
    if (!m_report)
        return;
    if (m_report->empty || !s) {
        m_summary->setText(tr("No runs between %1 and %2. Run the pipeline (nbaops run) or build the demo (nbaops demo); "
                              "the trends fill in as runs finish.")
                               .arg(qs(m_report->from), qs(m_report->until)));
        for (auto* v : {m_successView, m_durationView, m_failureView}) {
            clearChart(v->chart());
            v->chart()->setTitle(tr("No runs in this range"));
        }
        return;
    }
    trendcharts::fillSuccessRate(m_successView->chart(), *s);
    trendcharts::fillDurations(m_durationView->chart(), *s);
    trendcharts::fillFailures(m_failureView->chart(), *s);
    const auto& t = s->total;
    QString text = tr("%1 from %2 to %3 (%4 days): %5 runs, %6 succeeded (no-data runs not counted), %7 real failures, "
                      "P95 %8.")
                       .arg(qs(s->name), qs(m_report->from), qs(m_report->until))
                       .arg(m_report->days)
                       .arg(thousands(t.runs), qs(percentText(t.successRate())))
                       .arg(t.failures)
                       .arg(t.p95Ms ? qs(health::durationText(*t.p95Ms)) : tr("n/a"));
    if (!m_until && m_report->days < m_days)
        text += tr(" The history starts on %1.").arg(qs(m_report->from));
    text += tr(" %n early warning(s) across the pipeline.", nullptr, int(m_report->anomalies.size()));
    text += tr(" Read %1 runs in %2 ms.").arg(thousands(m_report->runs)).arg(m_loadMs, 0, 'f', 0);
    if (!m_complete)
        text += tr(" Reading the processors…");
    m_summary->setText(text);
}

void TrendsPage::chartMenu(QChartView* view, const QPoint& pos)
{
    if (!m_report || m_report->empty)
        return;
    QMenu menu(this);
    const QString stem = fileStem(currentSeries()) + QLatin1Char('_') + view->objectName();
    menu.addAction(tr("Save chart as PNG..."), this, [this, view, stem] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save chart"), stem + QStringLiteral(".png"),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty())
            Q_EMIT statusMessage(saveChart(view, path) ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
    });
    menu.addAction(tr("Save data as CSV..."), this, [this, view, stem] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save data"), stem + QStringLiteral(".csv"),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            Q_EMIT statusMessage(saveTable(view, path) ? tr("Saved %1").arg(path) : tr("Could not write %1").arg(path));
    });
    menu.exec(view->mapToGlobal(pos));
}

bool TrendsPage::saveChart(QChartView* view, const QString& path) { return view->grab().save(path, "PNG"); }

bool TrendsPage::saveTable(QChartView* view, const QString& path)
{
    const auto* s = series(currentSeries());
    if (!s)
        return false;
    const auto t = view == m_successView    ? trendcharts::successRateTable(*s)
                   : view == m_durationView ? trendcharts::durationsTable(*s)
                                            : trendcharts::failuresTable(*s);
    return writeCsv(path, t.header, t.rows);
}

QStringList TrendsPage::exportAll(const QString& dir)
{
    QStringList written;
    if (!m_report || m_report->empty || !series(currentSeries()))
        return written; // nothing drawn: no empty files
    QDir().mkpath(dir);
    const QString stem = QDir(dir).filePath(fileStem(currentSeries()));
    const std::pair<QChartView*, const char*> charts[] = {
        {m_successView, "success_rate"}, {m_durationView, "durations"}, {m_failureView, "failures"}};
    for (const auto& [view, name] : charts) {
        const QString base = stem + QLatin1Char('_') + QLatin1String(name);
        if (saveChart(view, base + QStringLiteral(".png")))
            written << base + QStringLiteral(".png");
        if (saveTable(view, base + QStringLiteral(".csv")))
            written << base + QStringLiteral(".csv");
    }
    return written;
}

void TrendsPage::applySuggestedTimeouts()
{
    if (!m_report || !m_backend->ownsDatabase())
        return;
    std::vector<health::TimeoutSuggestion> changed;
    for (const auto& t : m_report->timeouts) {
        if (t.suggestedS != t.currentS)
            changed.push_back(t);
    }
    const std::string path = ss(m_dbPath);
    m_timeouts->setEnabled(false);
    m_jobs.run<int>(
        [path, changed] {
            auto db = store::Database::open(path);
            std::string who = currentUserName();
            return health::applyTimeouts(db, changed, who.empty() ? "operator" : who, std::chrono::system_clock::now());
        },
        [this](int n) {
            Q_EMIT statusMessage(tr("%n timeout(s) applied; the runner uses them from its next run.", nullptr, n));
            load();
        },
        [this](const QString& message) {
            m_timeouts->setEnabled(true);
            qCWarning(lcTrends) << "applying the timeouts failed:" << message;
            Q_EMIT failed(tr("The timeouts could not be applied: %1").arg(message));
        });
}

} // namespace nbaops::ui
