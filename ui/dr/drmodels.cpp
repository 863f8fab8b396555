#include "drmodels.h"

#include "common/qtconv.h"
#include "common/statestyle.h"

namespace nbaops::ui {

namespace {

QVariant header(int section, Qt::Orientation orientation, int role,
                std::initializer_list<const char*> names)
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 ||
        section >= int(names.size()))
        return {};
    return QObject::tr(*(names.begin() + section));
}

QColor stateColor(const std::string& state)
{
    if (state == "done" || state == "passed" || state == "ok")
        return styleFor(health::State::Healthy).foreground;
    if (state == "failed" || state == "FAILED")
        return styleFor(health::State::Failed).foreground;
    if (state == "deviation" || state == "interrupted" || state == "running" || state == "ended")
        return styleFor(health::State::Degraded).foreground;
    return styleFor(health::State::NotRun).foreground;
}

} // namespace

QString sizeText(qint64 bytes)
{
    if (bytes >= 1024LL * 1024 * 1024)
        return QStringLiteral("%1 GiB").arg(double(bytes) / (1024.0 * 1024 * 1024), 0, 'f', 2);
    return QStringLiteral("%1 MiB").arg(double(bytes) / (1024.0 * 1024), 0, 'f', 1);
}

QVariant BackupsModel::data(const QModelIndex& index, int role) const
{
    const auto* b = rowAt(index);
    if (!b)
        return {};
    const std::string verified = b->verifyOk ? (*b->verifyOk ? "ok" : "FAILED") : "";
    const std::string proven = b->provenOk ? (*b->provenOk ? "ok" : "FAILED") : "";
    if (role == Qt::ForegroundRole) {
        if (index.column() == 4 && !verified.empty())
            return stateColor(verified);
        if (index.column() == 5 && !proven.empty())
            return stateColor(proven);
        if (!b->problem.empty())
            return stateColor("failed");
        return {};
    }
    if (role == Qt::ToolTipRole)
        return qs(!b->problem.empty()   ? b->problem
                  : index.column() == 5 ? b->provenDetail
                                        : b->verifyDetail);
    if (role != Qt::DisplayRole)
        return {};
    if (!b->manifest)
        return index.column() == 0 ? qs(b->id) : index.column() == 1 ? qs(b->problem) : QVariant();
    const auto& m = *b->manifest;
    switch (index.column()) {
    case 0:
        return qs(b->id);
    case 1:
        return QString(
            qs(m.kind) +
            (m.whole() ? QString() : QStringLiteral(" (%1 tables)").arg(m.chosenTables.size())));
    case 2:
        return qs(m.createdAt.substr(0, 16)).replace(QLatin1Char('T'), QLatin1Char(' '));
    case 3:
        return QStringLiteral("%1, %2 files").arg(sizeText(m.totalBytes())).arg(m.files.size());
    case 4:
        return verified.empty() ? tr("not yet") : qs(verified + "  " + b->verifiedAt.substr(0, 16));
    default:
        return proven.empty() ? tr("not yet")
                              : qs(proven + "  " + b->provenAt.substr(0, 16)) +
                                    QStringLiteral(" (%1 s)").arg(b->provenSeconds, 0, 'f', 1);
    }
}

QVariant BackupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header(section, orientation, role,
                  {"Backup", "Kind", "Made (UTC)", "Size", "Verified", "Proven restorable"});
}

void DrillStepsModel::setStep(size_t i, const dr::DrillStep& s)
{
    if (i >= m_rows.size())
        return;
    m_rows[i] = s;
    if (s.state != "running" && m_running == int(i))
        m_running = -1;
    Q_EMIT dataChanged(index(int(i), 0), index(int(i), columnCount() - 1));
}

void DrillStepsModel::setRunning(int row, double seconds)
{
    m_running = row;
    m_runningSeconds = seconds;
    if (row >= 0 && row < rowCount())
        Q_EMIT dataChanged(index(row, 3), index(row, 3));
}

QVariant DrillStepsModel::data(const QModelIndex& index, int role) const
{
    const auto* s = rowAt(index);
    if (!s)
        return {};
    if (role == Qt::ForegroundRole && index.column() == 2)
        return stateColor(s->state);
    if (role == Qt::ToolTipRole)
        return qs(s->note.empty() ? s->command : s->note);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case 0:
        return qs(s->id);
    case 1:
        return qs(s->title);
    case 2:
        return QString(qs(s->state) +
                       (s->note.empty() ? QString() : QString(QStringLiteral(": ") + qs(s->note))));
    default:
        if (index.row() == m_running)
            return QString(qs(dr::durationText(m_runningSeconds)) + QStringLiteral(" …"));
        return s->state == "pending" ? QString() : qs(dr::durationText(s->seconds));
    }
}

QVariant DrillStepsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header(section, orientation, role, {"#", "Step", "Result", "Time"});
}

QVariant DrillHistoryModel::data(const QModelIndex& index, int role) const
{
    const auto* d = rowAt(index);
    if (!d)
        return {};
    if (role == Qt::ForegroundRole && index.column() == 2)
        return stateColor(d->state);
    if (role == Qt::ToolTipRole)
        return qs(d->summary);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case 0:
        return qlonglong(d->id);
    case 1:
        return QString(qs(d->scenario) + QStringLiteral(" (") + qs(d->mode) + QStringLiteral(")"));
    case 2:
        return qs(d->state);
    case 3:
        return qs(d->startedAt.substr(0, 16)).replace(QLatin1Char('T'), QLatin1Char(' '));
    case 4:
        return QString(qs(dr::durationText(d->rtoSeconds)) + QStringLiteral(" / ") +
                       qs(dr::durationText(d->rtoTarget)));
    case 5:
        return d->rpoRows < 0 ? QString()
                              : QStringLiteral("%1 rows, %2")
                                    .arg(d->rpoRows)
                                    .arg(qs(dr::durationText(d->rpoSeconds)));
    default:
        return d->deviations;
    }
}

QVariant DrillHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header(
        section, orientation, role,
        {"Id", "Scenario", "Result", "Started (UTC)", "RTO / target", "RPO", "Deviations"});
}

QVariant AuditModel::data(const QModelIndex& index, int role) const
{
    const auto* a = rowAt(index);
    if (!a)
        return {};
    if (role == Qt::ToolTipRole)
        return a->detail;
    if (role == Qt::ForegroundRole && index.column() == 5 &&
        a->result.startsWith(QLatin1String("failed")))
        return stateColor("failed");
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case 0:
        return a->at.left(19).replace(QLatin1Char('T'), QLatin1Char(' '));
    case 1:
        return a->actor;
    case 2:
        return a->action;
    case 3:
        return a->detail;
    case 4:
        return a->args;
    default:
        return a->result;
    }
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    return header(section, orientation, role,
                  {"When (UTC)", "Who", "Action", "What", "Arguments", "Result"});
}

} // namespace nbaops::ui
