#include "versionsmodel.h"

#include "common/qtconv.h"

#include <QFont>

namespace nbaops::ui {

QVariant VersionsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (section) {
        case Trees: return tr("Boosted trees kept (early stopping picks the count)");
        case ValidMae: return tr("Mean absolute error on the validation window, in points per player-game");
        case TestMae: return tr("Mean absolute error on the test window, in points per player-game");
        case Baseline: return tr("The best baseline's MAE on the same test rows, in points per player-game");
        case Better: return tr("How much lower the model's test MAE is than the best baseline's");
        default: return {};
        }
    }
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* names[] = {"Version", "Created (UTC)", "By", "Objective", "Trees", "Valid MAE", "Test MAE",
                                  "Best baseline", "Better", "Test window", "Aliases"};
    return QString::fromLatin1(names[section]);
}

QVariant VersionsModel::data(const QModelIndex& index, int role) const
{
    const auto* v = rowAt(index);
    if (!v)
        return {};
    if (role == Qt::TextAlignmentRole && index.column() >= Trees && index.column() <= Better)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::FontRole && !v->aliases.empty()) {
        QFont f;
        f.setBold(true);
        return f;
    }
    if (role != Qt::DisplayRole)
        return {};
    const auto s = v->summary();
    switch (index.column()) {
    case Version: return qs(v->version);
    case Created: return qs(v->createdAt.substr(0, 16)).replace(QLatin1Char('T'), QLatin1Char(' '));
    case By: return qs(v->createdBy);
    case Objective: return qs(v->objective).remove(QStringLiteral("reg:"));
    case Trees: return v->trees;
    case ValidMae: return QString::number(v->validMae, 'f', 3);
    case TestMae: return QString::number(v->testMae, 'f', 3);
    case Baseline: return QString::number(s["best_baseline_mae"].get<double>(), 'f', 3);
    case Better: return QString(QString::number(s["improvement_pct"].get<double>(), 'f', 2) + QLatin1Char('%'));
    case Window: return qs(v->split.testFrom.iso() + " .. " + v->split.testUntil.iso());
    case Aliases: {
        QStringList a;
        for (const auto& x : v->aliases)
            a << qs(x);
        return a.join(QStringLiteral(", "));
    }
    default: return {};
    }
}

} // namespace nbaops::ui
