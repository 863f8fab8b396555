#include "versionspanel.h"

#include "common/csv.h"
#include "common/qtconv.h"
#include "common/widgets.h"
#include "versionsmodel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace nbaops::ui {

VersionsPanel::VersionsPanel(QWidget* parent) : QWidget(parent), m_model(new VersionsModel(this))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("<b>Versions</b>"), this));
    m_actionResult = new QLabel(this);
    m_actionResult->setObjectName(QStringLiteral("actionResult"));
    m_actionResult->setWordWrap(true);
    bar->addWidget(m_actionResult, 1);
    m_compare = new QPushButton(tr("Compare with champion"), this);
    m_diff = new QPushButton(tr("What changed..."), this);
    m_diff->setObjectName(QStringLiteral("diffButton"));
    m_diff->setToolTip(tr("The selected version against the champion (or the champion against the version before "
                          "it): parameters, features, data windows, MAE by segment, and both on the same rows"));
    m_promote = new QPushButton(tr("Promote to champion"), this);
    m_export = new QPushButton(tr("Export charts and tables..."), this);
    for (auto* b : {m_compare, m_diff, m_promote, m_export})
        bar->addWidget(b);
    layout->addLayout(bar);
    m_serving = new QLabel(this);
    m_serving->setObjectName(QStringLiteral("servingLabel"));
    m_serving->setTextFormat(Qt::RichText);
    layout->addWidget(m_serving);
    m_table = makeTable(m_model, this, tr("Model versions"));
    m_table->setObjectName(QStringLiteral("versionsTable"));
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_table);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { Q_EMIT selectionChanged(selected()); });
    connect(m_compare, &QPushButton::clicked, this, &VersionsPanel::compareRequested);
    connect(m_diff, &QPushButton::clicked, this, &VersionsPanel::diffRequested);
    connect(m_promote, &QPushButton::clicked, this, &VersionsPanel::promoteRequested);
    connect(m_export, &QPushButton::clicked, this, &VersionsPanel::exportRequested);
}

void VersionsPanel::setVersions(const std::vector<model::ModelVersion>& versions)
{
    m_model->resetData(versions);
    m_compare->setEnabled(!versions.empty());
    m_diff->setEnabled(versions.size() >= 2);
    m_promote->setEnabled(!versions.empty());
}

const std::vector<model::ModelVersion>& VersionsPanel::versions() const
{
    return m_model->rows();
}

void VersionsPanel::setServing(const QString& html)
{
    m_serving->setText(html);
}

void VersionsPanel::setActionResult(const QString& text)
{
    m_actionResult->setText(text);
}

void VersionsPanel::select(int row)
{
    m_table->selectRow(row);
}

QString VersionsPanel::selected() const
{
    const auto idx = m_table->currentIndex();
    if (!idx.isValid() || idx.row() >= int(m_model->rows().size()))
        return {};
    return qs(m_model->rows()[size_t(idx.row())].version);
}

bool VersionsPanel::exportCsv(const QString& path) const
{
    QStringList header;
    for (int c = 0; c < m_model->columnCount(); ++c)
        header << m_model->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString();
    QList<QStringList> rows;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        QStringList row;
        for (int c = 0; c < m_model->columnCount(); ++c)
            row << m_model->data(m_model->index(r, c), Qt::DisplayRole).toString();
        rows << row;
    }
    return writeCsv(path, header, rows);
}

} // namespace nbaops::ui
