#include "ui/refunds_view.hpp"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/api_client.hpp"
#include "core/money_text.hpp"
#include "core/refund_model.hpp"
#include "ui/table_tools.hpp"

namespace shop::client::ui {

RefundsView::RefundsView(ApiClient* api, const QString& orderId, QWidget* parent)
    : QWidget(parent),
      m_api(api),
      m_orderId(orderId),
      m_model(new RefundModel(this)),
      m_view(new QTableView(this)),
      m_summary(new QLabel(this)),
      m_status(new QLabel(this)),
      m_reload(new QPushButton(tr("Re&load"), this)) {
    setObjectName(QStringLiteral("refundsView"));
    m_view->setObjectName(QStringLiteral("refundsTable"));
    m_view->setModel(TableTools::sortProxy(m_model, this));
    auto* tools = new TableTools(m_view, RefundModel::RefundIdRole, tr("refund id"));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(RefundModel::ReasonColumn,
                                                     QHeaderView::Stretch);
    m_view->setColumnWidth(RefundModel::CreatedColumn, 140);
    m_view->setColumnWidth(RefundModel::AmountColumn, 80);
    m_view->setColumnWidth(RefundModel::StatusColumn, 96);
    m_view->setColumnWidth(RefundModel::RefundIdColumn, 96);
    tools->fitColumns({RefundModel::AmountColumn});
    m_view->setMinimumHeight(110);
    m_summary->setObjectName(QStringLiteral("refundsSummary"));
    m_status->setObjectName(QStringLiteral("refundsStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_reload->setObjectName(QStringLiteral("reloadRefunds"));

    auto* footer = new QHBoxLayout;
    footer->addWidget(m_summary, 1);
    footer->addWidget(m_reload);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addLayout(footer);
    layout->addWidget(m_status);

    connect(m_reload, &QPushButton::clicked, this, &RefundsView::reload);
    connect(m_model, &QAbstractItemModel::modelReset, this, &RefundsView::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &RefundsView::updateSummary);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &RefundsView::updateSummary);
    updateSummary();
    reload();
}

void RefundsView::reload() {
    const int generation = ++m_generation;
    m_status->setText(tr("Reading the refunds…"));
    m_status->setStyleSheet(QString());
    m_api->listRefunds(m_orderId, this, [this, generation](const ApiResult<QList<Refund>>& result) {
        if (generation != m_generation) {
            return;  // a newer read decides
        }
        if (!result.ok()) {
            m_status->setText(tr("Reading the refunds failed: %1").arg(result.error().describe()));
            m_status->setStyleSheet(QStringLiteral("color: #b71c1c;"));
            emit loaded(false);
            return;
        }
        m_status->clear();
        m_model->reset(result.value());
        emit loaded(true);
    });
}

void RefundsView::addRefund(const Refund& refund) {
    m_model->upsert(refund);
}

void RefundsView::updateSummary() {
    const int count = m_model->rowCount();
    if (count == 0) {
        m_summary->setText(tr("No refunds."));
        return;
    }
    const qint64 completed = m_model->completedMinor();
    const qint64 pending = m_model->requestedMinor() - completed;
    m_summary->setText(tr("%n refund(s): %1 completed, %2 pending", nullptr, count)
                           .arg(moneyDisplayText(completed), moneyDisplayText(pending)));
}

RefundsDialog::RefundsDialog(ApiClient* api, const Order& order, QWidget* parent)
    : QDialog(parent), m_refunds(new RefundsView(api, order.orderId, this)) {
    setObjectName(QStringLiteral("refundsDialog"));
    setWindowTitle(tr("Refunds of order %1").arg(order.orderId.left(8)));
    setMinimumWidth(620);
    auto* orderId = new QLabel(order.orderId, this);
    orderId->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* form = new QFormLayout;
    form->addRow(tr("Order"), orderId);
    form->addRow(tr("Amount"), new QLabel(moneyDisplayText(order.amount), this));
    form->addRow(tr("Status"), new QLabel(order.status, this));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_refunds, 1);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

}  // namespace shop::client::ui
