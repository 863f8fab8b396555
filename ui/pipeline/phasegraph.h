#pragma once

#include <QPointer>
#include <QWidget>

class QAbstractItemModel;

namespace nbaops::ui {

// The processors of the six phases as a graph: a column per phase, a box per processor
// coloured by its state, a line per dependency. Reads a PipelineModel.
class PhaseGraph : public QWidget
{
    Q_OBJECT
public:
    explicit PhaseGraph(QWidget* parent = nullptr);
    void setModel(QAbstractItemModel* model);
    QSize minimumSizeHint() const override { return {760, neededHeight()}; }
    QSize sizeHint() const override { return {1100, neededHeight()}; }
    // Tall enough for the phase with the most processors.
    int neededHeight() const;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QPointer<QAbstractItemModel> m_model;
};

} // namespace nbaops::ui
