#include "versiondiffdialog.h"

#include "common/qtconv.h"
#include "common/theme.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace nbaops::ui {

VersionDiffDialog::VersionDiffDialog(const model::VersionDiff& d, QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("versionDiffDialog"));
    setWindowTitle(tr("What changed from %1 to %2").arg(qs(d.from), qs(d.to)));
    resize(820, 640);
    auto* layout = new QVBoxLayout(this);
    auto* table = new QTableWidget(this);
    table->setObjectName(QStringLiteral("diffTable"));
    table->setAccessibleName(tr("What changed"));
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setTabKeyNavigation(false);
    table->verticalHeader()->setVisible(false);
    table->setColumnCount(3);
    table->setHorizontalHeaderLabels({tr("What"), qs(d.from), qs(d.to)});
    const auto section = [&](const QString& title) {
        const int row = table->rowCount();
        table->insertRow(row);
        auto* item = new QTableWidgetItem(title);
        QFont f = item->font();
        f.setBold(true);
        item->setFont(f);
        item->setBackground(theme().card);
        table->setItem(row, 0, item);
        table->setSpan(row, 0, 1, 3);
    };
    const auto add = [&](const QString& what, const QString& a, const QString& b, bool changed) {
        const int row = table->rowCount();
        table->insertRow(row);
        const QString cells[] = {what, a.isEmpty() ? QStringLiteral("—") : a, b.isEmpty() ? QStringLiteral("—") : b};
        for (int c = 0; c < 3; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (changed && c > 0) {
                QFont f = item->font();
                f.setBold(true);
                item->setFont(f);
            }
            table->setItem(row, c, item);
        }
    };
    const auto rows = [&](const std::vector<model::VersionDiff::Row>& v) {
        for (const auto& r : v)
            add(qs(r.what), qs(r.from), qs(r.to), r.changed());
    };
    section(tr("Parameters"));
    rows(d.params);
    section(tr("Data and results"));
    rows(d.data);
    section(tr("Features"));
    QStringList added, removed;
    for (const auto& f : d.featuresAdded)
        added << qs(f);
    for (const auto& f : d.featuresRemoved)
        removed << qs(f);
    add(tr("added"), QString(), added.isEmpty() ? tr("none") : added.join(QStringLiteral(", ")), !added.isEmpty());
    add(tr("removed"), removed.isEmpty() ? tr("none") : removed.join(QStringLiteral(", ")), QString(), !removed.isEmpty());
    section(tr("MAE by segment, each on its own test window"));
    rows(d.segments);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    layout->addWidget(table, 1);
    auto* same = new QLabel(this);
    same->setObjectName(QStringLiteral("diffSameRows"));
    same->setWordWrap(true);
    same->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (d.sameRows) {
        const auto& c = *d.sameRows;
        same->setText(tr("On the same rows, %1's test window %2 .. %3 (%4 player-games): %1 %5, %6 %7; difference "
                         "%8, 95% interval [%9, %10].")
                          .arg(qs(c.candidate), qs(c.from.iso()), qs(c.until.iso()))
                          .arg(c.rows)
                          .arg(c.candidateMae, 0, 'f', 3)
                          .arg(qs(c.reference))
                          .arg(c.referenceMae, 0, 'f', 3)
                          .arg(c.candidateMae - c.referenceMae, 0, 'f', 3)
                          .arg(c.diffCi95.first, 0, 'f', 3)
                          .arg(c.diffCi95.second, 0, 'f', 3) +
                      (c.note.empty() ? QString() : QStringLiteral(" ") + qs(c.note)));
    } else {
        same->setText(tr("Not compared on the same rows: %1").arg(qs(d.sameRowsError)));
    }
    layout->addWidget(same);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
}

} // namespace nbaops::ui
