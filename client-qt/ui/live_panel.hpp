#pragma once

#include <QWidget>

#include "core/api_types.hpp"

class QLabel;
class QTableView;

namespace shop::client {
class TimelineModel;
}

namespace shop::client::ui {

class LiveChart;

/// The live panel: the timeline of pushed status changes beside the per-second chart.
class LivePanel final : public QWidget {
    Q_OBJECT

  public:
    explicit LivePanel(QWidget* parent = nullptr);

    /// A pushed change: a timeline row, and a point on the chart when the order was paid or
    /// cancelled (not when a refund completed).
    void addEvent(const OrderEvent& event);
    /// Empties the timeline (signed out, another gateway); the chart's counts of the last
    /// minute stay, they name no account or order.
    void clear();

    TimelineModel* timeline() const { return m_timeline; }
    QTableView* timelineView() const { return m_view; }
    LiveChart* chart() const { return m_chart; }

  private:
    TimelineModel* m_timeline;
    QTableView* m_view;
    LiveChart* m_chart;
    QLabel* m_totals;
};

}  // namespace shop::client::ui
