#pragma once

#include <QTimer>
#include <QWidget>

#include "core/rate_counter.hpp"

QT_BEGIN_NAMESPACE
class QChart;
class QChartView;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace shop::client::ui {

/// Orders finished and cancelled per second over the last minute, redrawn every second: two
/// smoothed lines (RateCounter::rates(), a trailing average over a few seconds), so a steady
/// rate reads as a level line rather than one-second spikes.
class LiveChart final : public QWidget {
    Q_OBJECT

  public:
    explicit LiveChart(QWidget* parent = nullptr);

    /// Counts a pushed status (only FINISHED and CANCELLED count) at the current second.
    void record(const QString& status);
    /// Totals over the window: finished and cancelled.
    QPair<int, int> totals() const { return m_totals; }
    /// The points drawn: (seconds before now, smoothed rate), oldest first.
    QList<QPointF> finishedPoints() const;
    QList<QPointF> cancelledPoints() const;
    /// Forgets what was recorded and draws the empty window.
    void clear();
    /// Draws what was recorded up to now (the timer does it every second).
    void redraw();

  signals:
    /// After each redraw, with the totals over the window.
    void totalsChanged(int finished, int cancelled);

  private:
    RateCounter m_counter;
    QChart* m_chart;
    QChartView* m_view;
    QLineSeries* m_finished;
    QLineSeries* m_cancelled;
    QValueAxis* m_x;
    QValueAxis* m_y;
    QTimer m_timer;
    QPair<int, int> m_totals{0, 0};
};

}  // namespace shop::client::ui
