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

/// Orders finished and cancelled per second over the last minute, redrawn every second.
class LiveChart final : public QWidget {
    Q_OBJECT

  public:
    explicit LiveChart(QWidget* parent = nullptr);

    /// Counts a pushed status (only FINISHED and CANCELLED count) at the current second.
    void record(const QString& status);
    /// Totals over the window: finished and cancelled.
    QPair<int, int> totals() const { return m_totals; }

  signals:
    /// After each redraw, with the totals over the window.
    void totalsChanged(int finished, int cancelled);

  private:
    void redraw();

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
