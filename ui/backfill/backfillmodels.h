#pragma once

#include "common/rowsmodel.h"
#include "jobs/backfill.h"

namespace nbaops::ui {

// The plan: one row per date in work order (date, band, processors, why).
class PlanModel : public RowsModel<jobs::PlannedDate>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 4; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

// Every backfill, newest first.
class BackfillHistoryModel : public RowsModel<jobs::BackfillInfo>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : 7; }
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
};

} // namespace nbaops::ui
