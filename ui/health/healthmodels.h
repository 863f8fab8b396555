#pragma once

#include "health/health.h"

#include <QAbstractTableModel>

#include <vector>

namespace nbaops::ui {

// Real failures of the health report: unresolved first. Expected no-data runs are not here.
class FailuresModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Date, Processor, Phase, Criticality, Category, Status, Error, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
public Q_SLOTS:
    void resetData(const std::vector<nbaops::health::FailureItem>& rows);

private:
    std::vector<health::FailureItem> m_rows;
};

class FreshnessModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Table, State, LatestGameDate, LastWrite, Producer, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
public Q_SLOTS:
    void resetData(const std::vector<nbaops::health::Freshness>& rows);

private:
    std::vector<health::Freshness> m_rows;
};

// One row per recent day: overall and phases 1-6, coloured by state.
class RecentDaysModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override; // date, overall, 6 phases
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
public Q_SLOTS:
    void resetData(const std::vector<nbaops::health::DayHealth>& rows);

private:
    std::vector<health::DayHealth> m_rows;
};

} // namespace nbaops::ui
