#pragma once

#include "health/health.h"

#include "common/rowsmodel.h"

#include <vector>

namespace nbaops::ui {

// The root causes among the real failures, unresolved first, each with the number of runs it
// blocked downstream. Expected no-data runs are not here.
class FailuresModel : public RowsModel<health::FailureItem>
{
    Q_OBJECT
public:
    enum Column { Date, Processor, Phase, Criticality, Category, Status, Blocked, Error, ColumnCount };
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
};

class FreshnessModel : public RowsModel<health::Freshness>
{
    Q_OBJECT
public:
    enum Column { Table, State, LatestGameDate, LastWrite, Producer, ColumnCount };
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
};

// One row per recent day: overall and phases 1-6, coloured by state.
class RecentDaysModel : public RowsModel<health::DayHealth>
{
    Q_OBJECT
public:
    using RowsModel::RowsModel;
    int columnCount(const QModelIndex& parent = {}) const override; // date, overall, 6 phases
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
};

} // namespace nbaops::ui
