#pragma once

#include "model/versiondiff.h"

#include <QDialog>

namespace nbaops::ui {

// "What changed" between two versions, as a table (parameters, data and results, features, MAE
// by segment; changes in bold) and the two on the same rows.
class VersionDiffDialog : public QDialog
{
    Q_OBJECT
public:
    VersionDiffDialog(const model::VersionDiff& diff, QWidget* parent = nullptr);
};

} // namespace nbaops::ui
