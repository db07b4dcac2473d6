#include "ui/order_detail_dialog.hpp"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/money_text.hpp"
#include "core/order_model.hpp"
#include "core/time_text.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"

namespace shop::client::ui {
namespace {

enum HistoryColumn {
    VersionColumn,
    StatusColumn,
    RefundedColumn,
    UpdatedColumn,
    ReceivedColumn,
    HistoryColumnCount
};

QString preciseTime(const QDateTime& time) {
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                          : QString();
}

QString statusText(const QString& status, const QString& failureReason) {
    if (failureReason.isEmpty()) {
        return status;
    }
    return OrderDetailDialog::tr("%1, %2 (%3)")
        .arg(status, describeFailureReason(failureReason), failureReason);
}

QLabel* fieldLabel(const char* name, QWidget* parent) {
    auto* label = new QLabel(parent);
    label->setObjectName(QLatin1StringView(name));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

QPushButton* copyButton(const char* name, const QString& tip, QWidget* parent) {
    auto* button = new QPushButton(OrderDetailDialog::tr("Copy"), parent);
    button->setObjectName(QLatin1StringView(name));
    button->setToolTip(tip);
    button->setAutoDefault(false);
    return button;
}

QHBoxLayout* withButton(QLabel* label, QPushButton* button) {
    auto* row = new QHBoxLayout;
    row->addWidget(label, 1);
    row->addWidget(button);
    return row;
}

}  // namespace

OrderDetailDialog::OrderDetailDialog(ApiClient* api, AuthSession* auth, OrderHistory* history,
                                     const QString& orderId, const std::optional<Order>& known,
                                     QWidget* parent)
    : QDialog(parent),
      m_api(api),
      m_auth(auth),
      m_orderHistory(history),
      m_orderId(orderId),
      m_orderIdLabel(fieldLabel("detailOrderId", this)),
      m_userId(fieldLabel("detailUserId", this)),
      m_amount(fieldLabel("detailAmount", this)),
      m_refunded(fieldLabel("detailRefunded", this)),
      m_description(fieldLabel("detailDescription", this)),
      m_status(fieldLabel("detailStatus", this)),
      m_version(fieldLabel("detailVersion", this)),
      m_created(fieldLabel("detailCreated", this)),
      m_updated(fieldLabel("detailUpdated", this)),
      m_requestId(fieldLabel("detailRequestId", this)),
      m_requestIdSource(fieldLabel("detailRequestIdSource", this)),
      m_loadStatus(fieldLabel("detailLoadStatus", this)),
      m_historySummary(fieldLabel("detailHistorySummary", this)),
      m_historyView(new QTableWidget(0, HistoryColumnCount, this)),
      m_refunds(new RefundsView(api, orderId, this)),
      m_copyOrderId(copyButton("copyOrderId", tr("Copy the whole order id"), this)),
      m_copyUserId(copyButton("copyUserId", tr("Copy the whole user id"), this)),
      m_copyRequestId(copyButton("copyRequestId", tr("Copy the request id"), this)),
      m_refundButton(new QPushButton(tr("Re&fund…"), this)),
      m_reload(new QPushButton(tr("Reload &order"), this)) {
    setObjectName(QStringLiteral("orderDetailDialog"));
    setWindowTitle(tr("Order %1").arg(orderId.left(8)));
    setMinimumWidth(680);
    m_orderIdLabel->setText(orderId);
    m_description->setWordWrap(true);
    m_loadStatus->setWordWrap(true);
    m_refundButton->setObjectName(QStringLiteral("detailRefund"));
    m_refundButton->setAutoDefault(false);
    m_reload->setObjectName(QStringLiteral("detailReload"));
    m_reload->setAutoDefault(false);

    m_historyView->setObjectName(QStringLiteral("detailHistory"));
    m_historyView->setHorizontalHeaderLabels(
        {tr("Version"), tr("Status"), tr("Refunded"), tr("Updated (server)"), tr("Received here")});
    m_historyView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setAlternatingRowColors(true);
    m_historyView->setWordWrap(false);
    m_historyView->verticalHeader()->hide();
    m_historyView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(StatusColumn, QHeaderView::Stretch);
    m_historyView->setMinimumHeight(80);

    auto* requestIdBox = new QVBoxLayout;
    requestIdBox->setSpacing(2);
    requestIdBox->addLayout(withButton(m_requestId, m_copyRequestId));
    requestIdBox->addWidget(m_requestIdSource);
    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Order id"), withButton(m_orderIdLabel, m_copyOrderId));
    form->addRow(tr("Account (user id)"), withButton(m_userId, m_copyUserId));
    form->addRow(tr("Amount"), m_amount);
    form->addRow(tr("Refunded"), m_refunded);
    form->addRow(tr("Description"), m_description);
    form->addRow(tr("Status"), m_status);
    form->addRow(tr("Version"), m_version);
    form->addRow(tr("Created"), m_created);
    form->addRow(tr("Updated"), m_updated);
    form->addRow(tr("Request id"), requestIdBox);

    auto* historyBox = new QWidget(this);
    auto* historyLayout = new QVBoxLayout(historyBox);
    historyLayout->setContentsMargins(0, 6, 0, 0);
    historyLayout->addWidget(new QLabel(tr("<b>Status changes pushed to this client</b>"), this));
    historyLayout->addWidget(m_historyView, 1);
    historyLayout->addWidget(m_historySummary);
    auto* refundsBox = new QWidget(this);
    auto* refundsLayout = new QVBoxLayout(refundsBox);
    refundsLayout->setContentsMargins(0, 6, 0, 0);
    refundsLayout->addWidget(new QLabel(tr("<b>Refunds</b>"), this));
    refundsLayout->addWidget(m_refunds, 1);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_refundButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_reload, QDialogButtonBox::ActionRole);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_loadStatus);
    // History and refunds share what height there is; the operator moves the line between them.
    auto* lists = new QSplitter(Qt::Vertical, this);
    lists->setObjectName(QStringLiteral("detailSplitter"));
    lists->setChildrenCollapsible(false);
    lists->addWidget(historyBox);
    lists->addWidget(refundsBox);
    layout->addWidget(lists, 1);
    layout->addWidget(buttons);

    auto copy = [](QLabel* label) {
        return [label] { QGuiApplication::clipboard()->setText(label->text()); };
    };
    connect(m_copyOrderId, &QPushButton::clicked, this, copy(m_orderIdLabel));
    connect(m_copyUserId, &QPushButton::clicked, this, copy(m_userId));
    connect(m_copyRequestId, &QPushButton::clicked, this, copy(m_requestId));
    connect(m_refundButton, &QPushButton::clicked, this, &OrderDetailDialog::refund);
    connect(m_reload, &QPushButton::clicked, this, &OrderDetailDialog::reload);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_auth, &AuthSession::stateChanged, this, &OrderDetailDialog::updateRefundButton);
    connect(history, &OrderHistory::recorded, this, [this](const OrderHistoryEntry& entry) {
        if (entry.event.orderId != m_orderId) {
            return;
        }
        addHistoryRow(entry);
        applyEvent(entry.event);
    });

    for (const OrderHistoryEntry& entry : history->entries(orderId)) {
        addHistoryRow(entry);
    }
    updateHistorySummary();
    if (known) {
        showOrder(*known);
    } else {
        m_copyUserId->setEnabled(false);
    }
    updateRequestId();
    updateRefundButton();
    readOrder();
}

void OrderDetailDialog::reload() {
    readOrder();
    m_refunds->reload();
}

void OrderDetailDialog::readOrder() {
    const int generation = ++m_generation;
    m_loadStatus->setText(tr("Reading the order…"));
    m_loadStatus->setStyleSheet(QString());
    m_api->getOrder(m_orderId, this, [this, generation](const ApiResult<Order>& result) {
        if (generation != m_generation) {
            return;  // a newer read decides
        }
        if (!result.ok()) {
            const ApiError& error = result.error();
            m_loadStatus->setText(
                error.httpStatus == 404
                    ? tr("No order has the id %1 (request %2).").arg(m_orderId, error.requestId)
                    : tr("Reading the order failed: %1").arg(error.describe()));
            m_loadStatus->setStyleSheet(QStringLiteral("color: #b71c1c;"));
            emit loaded(false);
            return;
        }
        m_loadRequestId = result.requestId();
        m_loadStatus->clear();
        // A push may have brought a newer version while the answer was on its way.
        if (!m_order || result.value().version >= m_order->version) {
            showOrder(result.value());
        }
        updateRequestId();
        emit loaded(true);
    });
}

void OrderDetailDialog::showOrder(const Order& order) {
    m_order = order;
    m_userId->setText(order.userId);
    m_copyUserId->setEnabled(!order.userId.isEmpty());
    m_amount->setText(moneyDisplayText(order.amount));
    m_refunded->setText(moneyDisplayText(order.refundedAmount));
    m_description->setText(order.description);
    m_status->setText(statusText(order.status, order.failureReason));
    m_version->setText(QString::number(order.version));
    m_created->setText(fullTimeText(order.createdAt));
    m_updated->setText(fullTimeText(order.updatedAt));
    updateRefundButton();
}

void OrderDetailDialog::applyEvent(const OrderEvent& event) {
    if (m_order && event.version <= m_order->version) {
        return;  // not newer than what is shown
    }
    if (!m_order) {
        if (event.carriesWholeOrder()) {
            showOrder(event.toOrder());
        }
        return;
    }
    Order order = *m_order;
    order.status = event.status;
    order.failureReason = event.failureReason;
    order.version = event.version;
    if (!event.amount.isEmpty()) {
        order.amount = event.amount;
    }
    if (!event.description.isEmpty()) {
        order.description = event.description;
    }
    if (!event.refundedAmount.isEmpty()) {
        order.refundedAmount = event.refundedAmount;
    } else if (event.status == QLatin1StringView(status::kRefunded)) {
        order.refundedAmount = order.amount;
    }
    if (event.updatedAt.isValid()) {
        order.updatedAt = event.updatedAt;
    }
    const bool refundsMoved = order.refundedAmount != m_order->refundedAmount;
    showOrder(order);
    if (refundsMoved) {
        m_refunds->reload();  // a refund completed: its row is no longer PENDING
    }
}

void OrderDetailDialog::addHistoryRow(const OrderHistoryEntry& entry) {
    const OrderEvent& event = entry.event;
    const int row = m_historyView->rowCount();
    m_historyView->insertRow(row);
    auto set = [this, row](int column, const QString& text, const QString& tip = {}) {
        auto* item = new QTableWidgetItem(text);
        item->setToolTip(tip.isEmpty() ? text : tip);
        if (column == VersionColumn || column == RefundedColumn) {
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
        m_historyView->setItem(row, column, item);
    };
    set(VersionColumn, QString::number(event.version));
    set(StatusColumn, statusText(event.status, event.failureReason));
    set(RefundedColumn, moneyDisplayText(event.refundedAmount));
    set(UpdatedColumn, preciseTime(event.updatedAt), fullTimeText(event.updatedAt));
    set(ReceivedColumn, preciseTime(entry.receivedAt), fullTimeText(entry.receivedAt));
    updateHistorySummary();
}

void OrderDetailDialog::updateHistorySummary() {
    const int count = m_historyView->rowCount();
    m_historySummary->setText(
        count == 0
            ? tr("No status change of this order has been pushed to this client since it started.")
            : tr("%n version(s) pushed to this client, oldest first (the newest %1 are kept).",
                 nullptr, count)
                  .arg(m_orderHistory->maxVersions()));
}

void OrderDetailDialog::updateRequestId() {
    const QString placed = m_orderHistory->placedRequestId(m_orderId);
    if (!placed.isEmpty()) {
        m_requestId->setText(placed);
        m_requestIdSource->setText(tr("of the POST /orders that placed it from this client"));
        m_requestIdSource->setToolTip(
            tr("The X-Request-Id of the answer that created this order: the services logged its "
               "creation under it."));
    } else if (!m_loadRequestId.isEmpty()) {
        m_requestId->setText(m_loadRequestId);
        m_requestIdSource->setText(tr("of the GET /orders/{id} that read it here"));
        m_requestIdSource->setToolTip(
            tr("The X-Request-Id of the answer that last read this order here. The order was not "
               "placed from this client in this session, so the request that created it is not "
               "known here."));
    } else {
        m_requestId->setText(QString());
        m_requestIdSource->setText(tr("none yet: the order has not been read"));
        m_requestIdSource->setToolTip(QString());
    }
    m_copyRequestId->setEnabled(!m_requestId->text().isEmpty());
}

void OrderDetailDialog::updateRefundButton() {
    const bool operatorSession = m_auth->state() == AuthSession::State::SignedIn &&
                                 m_auth->role() == QLatin1StringView("operator");
    const bool finished = m_order && m_order->status == QLatin1StringView(status::kFinished);
    m_refundButton->setEnabled(operatorSession && finished);
    m_refundButton->setToolTip(!finished          ? tr("Only a FINISHED order can be refunded.")
                               : !operatorSession ? tr("Refunds are made by a signed-in operator.")
                                                  : tr("Refund all or part of this order"));
}

void OrderDetailDialog::refund() {
    if (!m_order || !m_refundButton->isEnabled()) {
        return;
    }
    auto* dialog = new RefundDialog(m_api, *m_order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RefundDialog::refundRequested, this, [this](const Refund& refund) {
        m_refunds->addRefund(refund);
        emit refundRequested(refund);
    });
    dialog->open();
}

}  // namespace shop::client::ui
