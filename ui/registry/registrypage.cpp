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

#include <algorithm>
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
    const size_t total = registry::Registry::builtin().processors().size();
    root->addWidget(makeSubtitle(impl.size() < total
                                     ? tr("%1 processors in dependency order; grey rows are registered but not run by "
                                          "this build yet. a | b: either, b the fallback. Select one to see its impact.")
                                           .arg(total)
                                     : tr("%1 processors in dependency order, all run by this build. a | b: either, b "
                                          "the fallback. Select one to see its impact.")
                                           .arg(total),
                                 this));
    m_view = makeTable(m_model, this, tr("Processor registry"));
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
    const auto blocked = reg.blockedBy({ss(name)});
    const auto up = reg.upstream(ss(name));
    QStringList b, f, u;
    for (const auto& n : down) {
        const QString item = QStringLiteral("%1 (phase %2, %3)").arg(qs(n)).arg(reg.get(n).phase).arg(qs(registry::toString(reg.get(n).criticality)));
        (std::find(blocked.begin(), blocked.end(), n) != blocked.end() ? b : f) << item;
    }
    for (const auto& n : up)
        u << qs(n);
    QString text = tr("<b>If %1 fails</b>, %2 downstream processor(s) break: %3").arg(name).arg(b.size())
                       .arg(b.isEmpty() ? tr("none") : b.join(QStringLiteral(", ")));
    if (!f.isEmpty())
        text += tr("<br><b>Go on from a fallback source</b> (%1): %2").arg(f.size()).arg(f.join(QStringLiteral(", ")));
    text += tr("<br><b>It needs</b> %1 upstream: %2").arg(up.size()).arg(u.isEmpty() ? tr("nothing") : u.join(QStringLiteral(", ")));
    m_impact->setText(text);
}

} // namespace nbaops::ui
