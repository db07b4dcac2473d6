#pragma once

#include <QDialog>
#include <optional>

#include "core/api_types.hpp"
#include "core/order_history.hpp"

class QLabel;
class QPushButton;
class QTableWidget;

namespace shop::client {
class ApiClient;
class AuthSession;
}  // namespace shop::client

namespace shop::client::ui {

class RefundsView;

/// Everything about one order, in a window of its own (not modal): every field of the order,
/// the status changes pushed to this client for it (OrderHistory, version by version with the
/// time each arrived), the X-Request-Id to quote when asking about it (of the answer that
/// created it when this client placed it, else of the GET that read it here, and labelled
/// which), copy buttons for the ids, its refunds (a RefundsView) and Refund… while the order
/// can be refunded by a signed-in operator.
///
/// It reads the order with GET /orders/{id} when opened (and on Reload), and follows the pushes
/// for it as they arrive; a push or an answer older than the version shown changes nothing.
class OrderDetailDialog final : public QDialog {
    Q_OBJECT

  public:
    /// Shows `known` at once when given (e.g. the row of the orders table) and reads the order.
    /// `api`, `auth` and `history` are not owned and must outlive the dialog.
    OrderDetailDialog(ApiClient* api, AuthSession* auth, OrderHistory* history,
                      const QString& orderId, const std::optional<Order>& known,
                      QWidget* parent = nullptr);

    QString orderId() const { return m_orderId; }
    /// The order as shown; std::nullopt until it was read.
    std::optional<Order> order() const { return m_order; }
    RefundsView* refundsView() const { return m_refunds; }
    QTableWidget* historyView() const { return m_historyView; }

    /// Reads the order (GET /orders/{id}) and its refunds again.
    void reload();

  signals:
    /// A read of the order finished; `ok` is false when it failed (the reason is shown).
    void loaded(bool ok);
    /// A refund was requested from this window and accepted by the gateway.
    void refundRequested(const shop::client::Refund& refund);

  private:
    void readOrder();
    void showOrder(const Order& order);
    void applyEvent(const OrderEvent& event);
    void addHistoryRow(const OrderHistoryEntry& entry);
    void updateHistorySummary();
    void updateRequestId();
    void updateRefundButton();
    void refund();

    ApiClient* m_api;
    AuthSession* m_auth;
    OrderHistory* m_orderHistory;
    QString m_orderId;
    std::optional<Order> m_order;
    QString m_loadRequestId;  ///< of the last GET /orders/{id} answered here
    int m_generation = 0;

    QLabel* m_orderIdLabel;
    QLabel* m_userId;
    QLabel* m_amount;
    QLabel* m_refunded;
    QLabel* m_description;
    QLabel* m_status;
    QLabel* m_version;
    QLabel* m_created;
    QLabel* m_updated;
    QLabel* m_requestId;
    QLabel* m_requestIdSource;
    QLabel* m_loadStatus;
    QLabel* m_historySummary;
    QTableWidget* m_historyView;
    RefundsView* m_refunds;
    QPushButton* m_copyOrderId;
    QPushButton* m_copyUserId;
    QPushButton* m_copyRequestId;
    QPushButton* m_refundButton;
    QPushButton* m_reload;
};

}  // namespace shop::client::ui
