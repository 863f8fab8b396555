#include "healthmodels.h"

#include "common/qtconv.h"
#include "common/statestyle.h"
#include "common/theme.h"

#include <QBrush>
#include <QFont>

namespace nbaops::ui {

namespace {
QString shortTime(const std::string& iso)
{
    const auto t = parseIsoUtc(iso);
    return t ? qs(formatEastern(*t)) : QString();
}
} // namespace

int FailuresModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FailuresModel::data(const QModelIndex& index, int role) const
{
    const auto* row = rowAt(index);
    if (!row)
        return {};
    const auto& f = *row;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Date: return qs(f.gameDate);
        case Processor: return qs(f.processor);
        case Phase: return f.phase;
        case Criticality: return qs(f.criticality);
        case Category: return qs(f.category);
        case Status: return f.resolved ? tr("resolved") : tr("open");
        case Blocked: return f.blocked > 0 ? tr("%n run(s)", nullptr, f.blocked) : QString();
        case Error: return qs(f.error);
        }
    }
    if (role == Qt::ToolTipRole)
        return QString(qs(f.error) + QStringLiteral("\n\nrun ") + qs(f.runId) +
                       QStringLiteral(", attempt ") + QString::number(f.attempt) +
                       (f.failedRuns > 1 ? tr(" (%1 failed runs of this date)").arg(f.failedRuns) : QString()) +
                       QStringLiteral(", finished ") + shortTime(f.finishedAt));
    if (role == Qt::ForegroundRole) {
        if (f.resolved)
            return QBrush(theme().muted);
        if (index.column() == Category || index.column() == Status)
            return QBrush(styleFor(health::State::Failed).foreground);
    }
    if (role == Qt::FontRole && !f.resolved && index.column() == Processor) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant FailuresModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Date: return tr("Game date");
    case Processor: return tr("Processor");
    case Phase: return tr("Phase");
    case Criticality: return tr("Criticality");
    case Category: return tr("Category");
    case Status: return tr("Status");
    case Blocked: return tr("Blocked downstream");
    case Error: return tr("What happened");
    }
    return {};
}

int FreshnessModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FreshnessModel::data(const QModelIndex& index, int role) const
{
    const auto* row = rowAt(index);
    if (!row)
        return {};
    const auto& f = *row;
    const health::State st = f.state == "fresh" ? health::State::Healthy
                             : f.state == "empty" ? health::State::NotRun
                                                  : health::State::Failed;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Table: return qs(f.table);
        case State: return qs(f.state);
        case LatestGameDate: return f.latestGameDate ? qs(*f.latestGameDate) : QStringLiteral("-");
        case LastWrite: return f.lastWriteAt ? shortTime(*f.lastWriteAt) : QStringLiteral("-");
        case Producer: return qs(f.producer);
        }
    }
    if (role == Qt::BackgroundRole && index.column() == State)
        return QBrush(styleFor(st).background);
    if (role == Qt::ForegroundRole && index.column() == State)
        return QBrush(styleFor(st).foreground);
    return {};
}

QVariant FreshnessModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Table: return tr("Table");
    case State: return tr("State");
    case LatestGameDate: return tr("Latest game date");
    case LastWrite: return tr("Last written");
    case Producer: return tr("Written by");
    }
    return {};
}

int RecentDaysModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : 8;
}

QVariant RecentDaysModel::data(const QModelIndex& index, int role) const
{
    const auto* row = rowAt(index);
    if (!row)
        return {};
    const auto& d = *row;
    if (index.column() == 0)
        return role == Qt::DisplayRole ? QVariant(qs(d.date)) : QVariant();
    const health::State st = index.column() == 1 ? d.overall : d.phases[size_t(index.column() - 2)];
    const StateStyle style = styleFor(st);
    switch (role) {
    case Qt::DisplayRole: return style.label;
    case Qt::BackgroundRole: return QBrush(style.background);
    case Qt::ForegroundRole: return QBrush(style.foreground);
    case Qt::TextAlignmentRole: return int(Qt::AlignCenter);
    default: return {};
    }
}

QVariant RecentDaysModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == 0)
        return tr("Game date");
    if (section == 1)
        return tr("Overall");
    return tr("Phase %1").arg(section - 1);
}

} // namespace nbaops::ui
