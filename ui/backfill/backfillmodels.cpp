#include "backfillmodels.h"

#include "common/qtconv.h"
#include "common/statestyle.h"

#include <map>

namespace nbaops::ui {

QVariant PlanModel::data(const QModelIndex& index, int role) const
{
    const auto* r = rowAt(index);
    if (!r || role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case 0:
        return qs(r->date.iso());
    case 1:
        return qs(r->band);
    case 2:
        return int(r->processors.size());
    default: {
        std::map<std::string, int> reasons;
        for (const auto& p : r->processors)
            ++reasons[p.reason.rfind("needs ", 0) == 0 ? "downstream" : p.reason];
        QStringList parts;
        for (const auto& [why, n] : reasons)
            parts << QStringLiteral("%1 %2").arg(n).arg(qs(why));
        return parts.join(QStringLiteral(", "));
    }
    }
}

QVariant PlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == 2)
        return tr("Processor runs the date needs: each missing or failed processor, and what it holds up downstream");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Date", "Band", "Runs", "Why"};
    return tr(names[section]);
}

QVariant BackfillHistoryModel::data(const QModelIndex& index, int role) const
{
    const auto* b = rowAt(index);
    if (!b)
        return {};
    if (role == Qt::ForegroundRole && index.column() == 1) {
        const auto s = b->state == "done" ? (b->failed > 0 ? health::State::Degraded : health::State::Healthy)
                       : b->state == "paused" ? health::State::Degraded
                                              : health::State::NotRun;
        return styleFor(s).foreground;
    }
    if (role == Qt::ToolTipRole)
        return qs(b->reason);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case 0:
        return qlonglong(b->id);
    case 1:
        return qs(b->state);
    case 2:
        return QStringLiteral("%1 … %2").arg(qs(b->firstDate), qs(b->lastDate));
    case 3:
        return QStringLiteral("%1/%2").arg(b->done + b->failed + b->skipped).arg(b->items);
    case 4:
        return b->failed;
    case 5:
        return QStringLiteral("%1, %2").arg(qs(b->createdBy), qs(b->createdAt.substr(0, 16)));
    default:
        return qs(b->reason);
    }
}

QVariant BackfillHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (section) {
        case 0: return tr("The backfill's number: nbaops backfill status ID, resume ID, cancel ID");
        case 2: return tr("Game dates in the backfill");
        case 3: return tr("Processor runs done of those planned");
        case 4: return tr("Processor runs that failed for real (retried up to the limit)");
        default: return {};
        }
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Id", "State", "Dates", "Runs", "Failed", "Started by", "Outcome"};
    return tr(names[section]);
}

} // namespace nbaops::ui
