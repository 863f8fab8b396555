#pragma once

#include "common/page.h"

class QLabel;
class QTableView;

namespace nbaops::ui {

class RegistryModel;

// Every processor with its phase, criticality, dependencies and SLA; selecting one shows what
// breaks downstream if it fails and what it needs upstream.
class RegistryPage : public Page
{
    Q_OBJECT
public:
    explicit RegistryPage(QWidget* parent = nullptr);
    QString pageId() const override { return QStringLiteral("registry"); }
    QString title() const override { return tr("Registry"); }
    void refresh() override;
    RegistryModel* model() const { return m_model; }

private:
    void showImpact(int row);
    RegistryModel* m_model;
    QTableView* m_view;
    QLabel* m_impact;
};

} // namespace nbaops::ui
