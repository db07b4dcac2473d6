#include "ui/live_chart.hpp"

#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLineSeries>
#include <QPen>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>

namespace shop::client::ui {

LiveChart::LiveChart(QWidget* parent)
    : QWidget(parent),
      m_counter(60, 5),
      m_chart(new QChart),
      m_view(new QChartView(m_chart, this)),
      m_finished(new QLineSeries(m_chart)),
      m_cancelled(new QLineSeries(m_chart)),
      m_x(new QValueAxis(m_chart)),
      m_y(new QValueAxis(m_chart)) {
    setObjectName(QStringLiteral("liveChart"));
    // Pushes come in bursts: a count per second jumps between nothing and twice the rate, so
    // each point is the average over the seconds before it.
    m_finished->setName(tr("\u2714 finished / s (%1 s average)").arg(m_counter.smoothingSeconds()));
    m_cancelled->setName(
        tr("\u2716 cancelled / s (%1 s average)").arg(m_counter.smoothingSeconds()));
    m_finished->setPen(QPen(QColor(0x2e, 0x7d, 0x32), 2));
    // Dashed as well as red, so the two lines differ without colour.
    m_cancelled->setPen(QPen(QColor(0xc6, 0x28, 0x28), 2, Qt::DashLine));
    m_chart->addSeries(m_finished);
    m_chart->addSeries(m_cancelled);
    m_x->setRange(-(m_counter.windowSeconds() - 1), 0);
    m_x->setLabelFormat(QStringLiteral("%d s"));
    m_x->setTickCount(7);
    m_y->setRange(0, 4);
    // The top is always a multiple of 4 (see redraw), so five ticks fall on whole numbers. (Six
    // would leave a label less room than its height in a short chart, and Qt then elides it.)
    m_y->setTickCount(5);
    m_y->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(m_x, Qt::AlignBottom);
    m_chart->addAxis(m_y, Qt::AlignLeft);
    for (QLineSeries* series : {m_finished, m_cancelled}) {
        series->attachAxis(m_x);
        series->attachAxis(m_y);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumSize(320, 180);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(&m_timer, &QTimer::timeout, this, &LiveChart::redraw);
    m_timer.start(1000);
    redraw();
}

void LiveChart::record(const QString& status) {
    m_counter.record(status, QDateTime::currentSecsSinceEpoch());
}

QList<QPointF> LiveChart::finishedPoints() const {
    return m_finished->points();
}

QList<QPointF> LiveChart::cancelledPoints() const {
    return m_cancelled->points();
}

void LiveChart::clear() {
    m_counter.clear();
    redraw();
}

void LiveChart::redraw() {
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QPair<int, int> totals{0, 0};
    for (const RateCounter::Bucket& bucket : m_counter.window(now)) {
        totals.first += bucket.finished;
        totals.second += bucket.cancelled;
    }
    const QList<RateCounter::Rate> rates = m_counter.rates(now);
    QList<QPointF> finished;
    QList<QPointF> cancelled;
    finished.reserve(rates.size());
    cancelled.reserve(rates.size());
    double peak = 0;
    for (const RateCounter::Rate& rate : rates) {
        const auto x = static_cast<qreal>(rate.second - now);
        finished.append(QPointF(x, rate.finished));
        cancelled.append(QPointF(x, rate.cancelled));
        peak = std::max({peak, rate.finished, rate.cancelled});
    }
    m_finished->replace(finished);
    m_cancelled->replace(cancelled);
    // Round the scale up to a friendly number so it does not jitter every second.
    int top = 4;
    while (top < peak) {
        top = top < 40 ? top + 4 : top * 2;
    }
    m_y->setRange(0, top);
    m_totals = totals;
    emit totalsChanged(totals.first, totals.second);
}

}  // namespace shop::client::ui
