#pragma once

#include "common/rowsmodel.h"
#include "model/versions.h"

namespace nbaops::ui {

// The registry's versions, newest first.
class VersionsModel : public RowsModel<model::ModelVersion>
{
public:
    using RowsModel::RowsModel;
    enum Column { Version, Created, By, Objective, Trees, ValidMae, TestMae, Baseline, Better, Window, Aliases, Count };
    int columnCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : Count; }
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    QVariant data(const QModelIndex& index, int role) const override;
};

} // namespace nbaops::ui
