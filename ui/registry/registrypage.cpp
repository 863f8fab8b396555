#include "registrypage.h"

#include "common/qtconv.h"
#include "common/widgets.h"
#include "pipeline/runner.h"
#include "registry/registry.h"
#include "registrymodel.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace nbaops::ui {

RegistryPage::RegistryPage(QWidget* parent) : Page(parent)
{
    const auto impl = pipeline::Runner::implementedProcessors();
    m_model = new RegistryModel(registry::Registry::builtin(), {impl.begin(), impl.end()}, this);
    auto* root = new QVBoxLayout(this);
    root->setContentsMargins(16, 12, 16, 12);
    root->addWidget(makeHeading(tr("Processor registry"), this));
    root->addWidget(makeSubtitle(tr("%1 processors in dependency order. Grey rows are registered but not run by "
                                    "this build yet. Select one to see its impact.")
                                     .arg(registry::Registry::builtin().processors().size()), this));
    m_view = makeTable(m_model, this);
    m_view->setObjectName(QStringLiteral("registryView"));
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->horizontalHeader()->setSectionResizeMode(RegistryModel::DependsOn, QHeaderView::Stretch);
    root->addWidget(m_view, 1);
    auto* box = new QGroupBox(tr("Impact"), this);
    auto* bl = new QVBoxLayout(box);
    m_impact = new QLabel(box);
    m_impact->setObjectName(QStringLiteral("impact"));
    m_impact->setWordWrap(true);
    m_impact->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bl->addWidget(m_impact);
    root->addWidget(box);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& cur) { showImpact(cur.row()); });
    m_view->selectRow(0);
}

void RegistryPage::refresh()
{
    // The registry is compiled in and validated at start; nothing to load.
    QTimer::singleShot(0, this, [this] { Q_EMIT loaded(); });
}

void RegistryPage::showImpact(int row)
{
    const QString name = m_model->processorAt(row);
    if (name.isEmpty())
        return;
    const auto& reg = registry::Registry::builtin();
    const auto down = reg.downstream(ss(name));
    const auto up = reg.upstream(ss(name));
    QStringList d, u;
    for (const auto& n : down)
        d << QStringLiteral("%1 (phase %2, %3)").arg(qs(n)).arg(reg.get(n).phase).arg(qs(registry::toString(reg.get(n).criticality)));
    for (const auto& n : up)
        u << qs(n);
    m_impact->setText(tr("<b>If %1 fails</b>, %2 downstream processor(s) break: %3<br><b>It needs</b> %4 upstream: %5")
                          .arg(name)
                          .arg(down.size())
                          .arg(d.isEmpty() ? tr("none") : d.join(QStringLiteral(", ")))
                          .arg(up.size())
                          .arg(u.isEmpty() ? tr("nothing") : u.join(QStringLiteral(", "))));
}

} // namespace nbaops::ui
