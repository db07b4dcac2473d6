#include "ui/live_panel.hpp"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "core/input_validation.hpp"
#include "core/timeline_model.hpp"
#include "ui/live_chart.hpp"
#include "ui/status_delegate.hpp"
#include "ui/table_tools.hpp"

namespace shop::client::ui {

LivePanel::LivePanel(QWidget* parent)
    : QWidget(parent),
      m_timeline(new TimelineModel(500, this)),
      m_view(new QTableView(this)),
      m_chart(new LiveChart(this)),
      m_totals(new QLabel(this)) {
    m_view->setObjectName(QStringLiteral("timelineView"));
    m_view->setModel(TableTools::sortProxy(m_timeline, this));
    auto* tools = new TableTools(m_view, TimelineModel::OrderIdRole, tr("order id"));
    m_view->setItemDelegateForColumn(TimelineModel::StatusColumn, new StatusDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(24);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->setColumnWidth(TimelineModel::TimeColumn, 100);
    m_view->setColumnWidth(TimelineModel::StatusColumn, 130);
    m_view->setColumnWidth(TimelineModel::OrderColumn, 96);
    m_view->setColumnWidth(TimelineModel::AccountColumn, 96);
    tools->fitColumns({TimelineModel::AmountColumn});
    m_totals->setObjectName(QStringLiteral("liveTotals"));

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(
        new QLabel(tr("<b>Timeline</b> — status changes as they are pushed"), left));
    leftLayout->addWidget(m_view, 1);
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_totals);
    rightLayout->addWidget(m_chart, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("liveSplitter"));
    splitter->addWidget(left);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(splitter);

    connect(m_chart, &LiveChart::totalsChanged, this, [this](int finished, int cancelled) {
        m_totals->setText(tr("<b>Last minute</b>: \u2714 %1 finished, \u2716 %2 cancelled")
                              .arg(finished)
                              .arg(cancelled));
    });
    m_totals->setText(tr("<b>Last minute</b>: \u2714 0 finished, \u2716 0 cancelled"));
}

void LivePanel::clear() {
    m_timeline->clear();
    m_chart->clear();
}

void LivePanel::addEvent(const OrderEvent& event) {
    m_timeline->add(event, QDateTime::currentDateTimeUtc());
    // A part refund completing pushes the order again as FINISHED, with its refunded amount: a
    // refund, not another payment.
    if (moneyMinor(event.refundedAmount).value_or(0) == 0) {
        m_chart->record(event.status);
    }
}

}  // namespace shop::client::ui
