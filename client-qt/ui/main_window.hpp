#pragma once

#include <QMainWindow>
#include <QMultiHash>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <optional>

#include "core/api_types.hpp"
#include "core/client_options.hpp"
#include "core/requests.hpp"
#include "ui/notification_bar.hpp"

class QAction;
class QDockWidget;
class QSplitter;

namespace shop::client {
class ApiClient;
class AuthSession;
class EventStream;
class HealthMonitor;
class OrderHistory;
}  // namespace shop::client

namespace shop::client::ui {

class AccountsPanel;
class ConnectionStatus;
class LivePanel;
class OrdersPanel;
class SearchBox;
class SignInDialog;

/// The core objects the window works with; none is owned by the window.
struct ClientServices {
    ApiClient* api = nullptr;
    AuthSession* auth = nullptr;
    EventStream* stream = nullptr;
    HealthMonitor* health = nullptr;
};

/// The operator's window: accounts on the left, orders on the right, the live panel below,
/// problems in a bar on top, connection state in the status bar. Every action is asynchronous;
/// nothing here waits for the network.
class MainWindow final : public QMainWindow {
    Q_OBJECT

  public:
    MainWindow(const ClientServices& services, const ClientOptions& options,
               QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Restores the saved layout, starts health checks and asks for sign-in; once signed in,
    /// starts the live stream and the first loads.
    void start();

    AccountsPanel* accountsPanel() const { return m_accounts; }
    OrdersPanel* ordersPanel() const { return m_orders; }
    LivePanel* livePanel() const { return m_live; }
    NotificationBar* notifications() const { return m_notifications; }
    SearchBox* searchBox() const { return m_search; }
    OrderHistory* orderHistory() const { return m_orderHistory; }

    /// Opens the dialogs of the main actions (also on their menu entries and shortcuts).
    void newAccount();
    void topUp();
    void newOrder();
    void manageApiKeys();
    /// Refunds the current order (a FINISHED order, for an operator).
    void refundOrder();
    /// Shows the refunds of the current order, or of `orderId` when given.
    void showRefunds(const QString& orderId = {});
    /// Opens the detail view of an order, or raises it when it is open already; `known` (else
    /// the order's row, if shown) is shown until the order is read.
    void showOrder(const QString& orderId, const std::optional<Order>& known = {});
    /// Shows the selected account's history (its ledger).
    void showHistory();
    /// Opens Settings (over `over` when given, e.g. the sign-in dialog). A new gateway URL is
    /// saved and applied at once: signed out, the data cleared, and the sign-in asked for there.
    void openSettings(QWidget* over = nullptr);
    /// Shows the sign-in dialog (once; a second call while it is open shows `reason`, if any, in
    /// it and raises it).
    void showSignIn(const QString& reason);

  protected:
    void closeEvent(QCloseEvent* event) override;

  private:
    void createActions();
    void restoreLayout();
    void saveLayout() const;
    void applyGateway(const QUrl& url);
    void beginWork();
    void reloadAll();
    /// Enables the actions as enabledActions() (core/action_policy) decides from the session,
    /// the gateway's reachability and the selection.
    void updateActions();
    /// Empties the accounts, orders and live panels (signed out, or another gateway).
    void clearData();
    /// The operations whose failures a later success of the same operation makes stale.
    enum class Operation { NewAccount, TopUp, NewOrder };
    /// Remembers a failure the server decided (see MainWindow.cpp), or forgets that `problem`
    /// was one when it failed otherwise this time.
    void noteFailure(Operation operation, NotificationBar::ProblemId problem, const ApiError& error,
                     bool idempotent);
    /// Clears the decided failures of `operation`: a later attempt succeeded.
    void noteSuccess(Operation operation);
    /// Replaces the "placed, waiting for the payment" message once the order has moved on.
    void followPlacedOrder(const QString& orderId, const QString& status,
                           const QString& failureReason);
    // Each sends its request; `problem` is 0 on the first attempt, and on a retry the
    // notification of the attempt that failed, which a new failure replaces. `unanswered`: an
    // earlier attempt got no answer, so it may have created the account.
    void submitNewAccount(const NewAccountRequest& request, NotificationBar::ProblemId problem,
                          bool unanswered = false);
    void submitTopUp(const TopUpRequest& request, NotificationBar::ProblemId problem);
    void submitOrder(const NewOrderRequest& request, NotificationBar::ProblemId problem);
    void refreshBalanceSoon(const QString& userId);
    /// Says in the status bar that a refund was asked for (from either refund dialog).
    void noteRefundRequested(const Refund& refund);
    void probeSession();

    ClientServices m_services;
    ClientOptions m_options;
    NotificationBar* m_notifications;
    NotificationBar::ProblemId m_signedOutProblem;
    NotificationBar::ProblemId m_streamProblem;
    AccountsPanel* m_accounts;
    OrdersPanel* m_orders;
    LivePanel* m_live;
    QSplitter* m_splitter;
    QDockWidget* m_liveDock;
    ConnectionStatus* m_connection = nullptr;
    OrderHistory* m_orderHistory = nullptr;
    SearchBox* m_search = nullptr;
    QPointer<SignInDialog> m_signIn;
    bool m_working = false;
    bool m_probing = false;
    QMultiHash<int, NotificationBar::ProblemId> m_decidedFailures;  ///< by Operation
    QString m_placedOrderId;  ///< the order the status bar says is waiting for its payment
    QString m_placedMessage;  ///< that message, to tell whether it still shows
    QSet<QString> m_balancesToRefresh;
    /// Grows each time the window is emptied (sign-out, another gateway): an answer to a
    /// request sent before does not put what it read back on screen.
    quint64 m_dataGeneration = 0;
    QTimer m_balanceTimer;

    QAction* m_newAccountAction = nullptr;
    QAction* m_topUpAction = nullptr;
    QAction* m_newOrderAction = nullptr;
    QAction* m_apiKeysAction = nullptr;
    QAction* m_historyAction = nullptr;
    QAction* m_refundAction = nullptr;
    QAction* m_refundsAction = nullptr;
    QAction* m_refreshAction = nullptr;
};

}  // namespace shop::client::ui
