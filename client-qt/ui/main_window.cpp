#include "ui/main_window.hpp"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QDockWidget>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QToolBar>
#include <QVBoxLayout>

#include "core/action_policy.hpp"
#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
#include "core/money_text.hpp"
#include "core/order_history.hpp"
#include "ui/accounts_panel.hpp"
#include "ui/api_keys_dialog.hpp"
#include "ui/connection_status.hpp"
#include "ui/ledger_dialog.hpp"
#include "ui/live_panel.hpp"
#include "ui/new_account_dialog.hpp"
#include "ui/new_order_dialog.hpp"
#include "ui/notification_bar.hpp"
#include "ui/order_detail_dialog.hpp"
#include "ui/orders_panel.hpp"
#include "ui/refund_dialog.hpp"
#include "ui/refunds_view.hpp"
#include "ui/search_box.hpp"
#include "ui/settings_dialog.hpp"
#include "ui/sign_in_dialog.hpp"
#include "ui/top_up_dialog.hpp"

namespace shop::client::ui {
namespace {

constexpr auto kUsernameKey = "auth/username";
constexpr auto kTimeoutKey = "network/timeoutMs";
// Not "orders/header": the Refunded column moved every column after Amount, and a layout saved
// before it (widths, the stretched Description) would land on the wrong columns. Not
// "orders/header-v2" nor "accounts/header": saved before the tables sorted, they hold a sort
// indicator on the first column that restoring would apply (and widths fit for 8-character ids).
constexpr auto kOrdersHeaderKey = "orders/header-v3";
constexpr auto kAccountsHeaderKey = "accounts/header-v2";
constexpr int kMessageMs = 8000;

QString signedOutTitle() {
    return MainWindow::tr("Not signed in:");
}

/// Whether a failed request may still have had its effect: no answer, or a 5xx (the gateway
/// may have timed out waiting for a service that went on).
bool mayHaveGoneThrough(const ApiError& error) {
    return error.kind != ApiError::Kind::Http || error.httpStatus >= 500;
}

}  // namespace

MainWindow::MainWindow(const ClientServices& services, const ClientOptions& options,
                       QWidget* parent)
    : QMainWindow(parent),
      m_services(services),
      m_options(options),
      m_notifications(new NotificationBar(this)),
      m_signedOutProblem(m_notifications->newId()),
      m_streamProblem(m_notifications->newId()),
      m_accounts(new AccountsPanel(services.api, m_notifications, this)),
      m_orders(new OrdersPanel(services.api, m_notifications, this)),
      m_live(new LivePanel(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)),
      m_liveDock(new QDockWidget(tr("Live"), this)) {
    setObjectName(QStringLiteral("mainWindow"));
    m_splitter->setObjectName(QStringLiteral("mainSplitter"));
    m_splitter->addWidget(m_accounts);
    m_splitter->addWidget(m_orders);
    m_splitter->setStretchFactor(0, 2);
    m_splitter->setStretchFactor(1, 3);
    m_splitter->setChildrenCollapsible(false);

    auto* central = new QWidget(this);
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_notifications);
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

    m_liveDock->setObjectName(QStringLiteral("liveDock"));
    m_liveDock->setWidget(m_live);
    m_liveDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable |
                            QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::BottomDockWidgetArea, m_liveDock);

    m_connection =
        new ConnectionStatus(statusBar(), services.health, services.stream, services.auth, this);
    m_orderHistory = new OrderHistory(this);
    m_search = new SearchBox(services.api, this);
    createActions();

    connect(m_accounts, &AccountsPanel::currentAccountChanged, this, [this](const QString& id) {
        m_orders->setSelectedAccount(id);
        updateActions();
    });
    connect(m_orders, &OrdersPanel::currentOrderChanged, this, &MainWindow::updateActions);
    connect(services.health, &HealthMonitor::stateChanged, this,
            [this](HealthMonitor::State state) {
                updateActions();
                if (m_signIn) {
                    m_signIn->setGatewayUnreachable(state == HealthMonitor::State::Unreachable);
                }
            });
    // The "placed, waiting for the payment" message follows its order, pushed or re-read.
    connect(m_orders->model(), &QAbstractItemModel::dataChanged, this, [this] {
        const auto order = m_orders->model()->orderAt(m_orders->model()->rowOf(m_placedOrderId));
        if (order) {
            followPlacedOrder(order->orderId, order->status, order->failureReason);
        }
    });
    connect(m_orders, &OrdersPanel::orderActivated, this,
            [this](const QString& orderId) { showOrder(orderId); });
    connect(m_search, &SearchBox::accountChosen, this, [this](const Account& account) {
        // Found on the server: shown and selected even when no loaded page had it.
        m_accounts->upsert(account, true);
        m_accounts->view()->setFocus();
    });
    connect(m_search, &SearchBox::orderChosen, this,
            [this](const Order& order) { showOrder(order.orderId, order); });
    connect(services.auth, &AuthSession::stateChanged, this, &MainWindow::updateActions);
    connect(services.stream, &EventStream::orderEvent, this, [this](const OrderEvent& event) {
        m_orderHistory->record(event);
        m_orders->applyEvent(event);
        m_live->addEvent(event);
        followPlacedOrder(event.orderId, event.status, event.failureReason);
        // Paid, or (part) refunded: the balance moved.
        if (event.status == QLatin1StringView(status::kFinished) ||
            event.status == QLatin1StringView(status::kRefunded)) {
            refreshBalanceSoon(event.userId);
        }
    });
    connect(services.stream, &EventStream::resyncRequired, this, [this] {
        statusBar()->showMessage(tr("Live stream back: re-reading accounts and orders"),
                                 kMessageMs);
        reloadAll();
    });
    connect(services.stream, &EventStream::reconnectScheduled, this, [this] { probeSession(); });
    connect(services.stream, &EventStream::stateChanged, this, [this](EventStream::State state) {
        if (state == EventStream::State::Connected) {
            m_notifications->clear(m_streamProblem);  // it took the connection this time
        }
    });
    connect(services.stream, &EventStream::serverError, this,
            [this](const QString& code, const QString& message) {
                ApiError error;
                error.kind = ApiError::Kind::Http;
                error.code = code;
                error.message = message;
                m_notifications->showError(m_streamProblem, tr("Live stream refused:"), error);
            });
    connect(services.auth, &AuthSession::tokenChanged, services.stream,
            &EventStream::setAccessToken);
    // A 401 brings the sign-in back, also after the operator signed out or closed it before:
    // whatever got the 401 was asked for, and only signing in makes it work.
    connect(services.auth, &AuthSession::signInRequired, this,
            [this](const QString& reason) { showSignIn(reason); });

    m_balanceTimer.setSingleShot(true);
    m_balanceTimer.setInterval(300);
    connect(&m_balanceTimer, &QTimer::timeout, this, [this] {
        const QSet<QString> ids = std::exchange(m_balancesToRefresh, {});
        for (const QString& id : ids) {
            m_accounts->refreshAccount(id);
        }
    });
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createActions() {
    auto make = [this](const QString& text, const QString& name, const QKeySequence& shortcut,
                       auto slot) {
        auto* action = new QAction(text, this);
        action->setObjectName(name);
        if (!shortcut.isEmpty()) {
            action->setShortcut(shortcut);
        }
        connect(action, &QAction::triggered, this, slot);
        return action;
    };

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(make(tr("&Settings…"), QStringLiteral("settingsAction"),
                         QKeySequence(QStringLiteral("Ctrl+,")), [this] { openSettings(); }));
    file->addSeparator();
    file->addAction(make(tr("Sign &in…"), QStringLiteral("signInAction"), QKeySequence(),
                         [this] { showSignIn(QString()); }));
    file->addAction(make(tr("Sign &out"), QStringLiteral("signOutAction"), QKeySequence(), [this] {
        m_services.auth->signOut();
        // Pushes stop too, and what was read under the session goes: nothing stale stays on
        // screen, and signing in again reads everything anew.
        m_services.stream->stop();
        m_working = false;
        clearData();
        m_notifications->showMessage(m_signedOutProblem, signedOutTitle(), tr("You signed out."),
                                     tr("Sign &in…"), [this] { showSignIn(QString()); });
    }));
    file->addSeparator();
    file->addAction(
        make(tr("&Quit"), QStringLiteral("quitAction"), QKeySequence::Quit, [this] { close(); }));

    QMenu* accounts = menuBar()->addMenu(tr("&Accounts"));
    m_newAccountAction =
        make(tr("&New account…"), QStringLiteral("newAccountAction"),
             QKeySequence(QStringLiteral("Ctrl+Shift+N")), [this] { newAccount(); });
    m_topUpAction = make(tr("&Top up…"), QStringLiteral("topUpAction"),
                         QKeySequence(QStringLiteral("Ctrl+T")), [this] { topUp(); });
    m_apiKeysAction = make(tr("API &keys…"), QStringLiteral("apiKeysAction"),
                           QKeySequence(QStringLiteral("Ctrl+K")), [this] { manageApiKeys(); });
    m_historyAction = make(tr("&History…"), QStringLiteral("historyAction"),
                           QKeySequence(QStringLiteral("Ctrl+H")), [this] { showHistory(); });
    accounts->addAction(m_newAccountAction);
    accounts->addAction(m_topUpAction);
    accounts->addAction(m_apiKeysAction);
    accounts->addAction(m_historyAction);
    accounts->addSeparator();
    accounts->addAction(make(tr("&Find an account or order by id"), QStringLiteral("findAction"),
                             QKeySequence::Find, [this] { m_search->focusSearch(); }));
    accounts->addAction(make(tr("Load &more accounts"), QStringLiteral("moreAccountsAction"),
                             QKeySequence(), [this] { m_accounts->loadMore(); }));

    QMenu* orders = menuBar()->addMenu(tr("&Orders"));
    m_newOrderAction = make(tr("&New order…"), QStringLiteral("newOrderAction"),
                            QKeySequence(QStringLiteral("Ctrl+N")), [this] { newOrder(); });
    orders->addAction(m_newOrderAction);
    // Not Ctrl+R: GNOME and KDE bind it to Refresh (QKeySequence::Refresh) next to F5.
    m_refundAction = make(tr("Re&fund…"), QStringLiteral("refundAction"),
                          QKeySequence(QStringLiteral("Ctrl+Shift+R")), [this] { refundOrder(); });
    m_refundsAction = make(tr("Refun&ds of the order…"), QStringLiteral("refundsAction"),
                           QKeySequence(), [this] { showRefunds(); });
    orders->addAction(m_refundAction);
    orders->addAction(m_refundsAction);
    auto* refresh = make(tr("&Refresh"), QStringLiteral("refreshAction"), QKeySequence::Refresh,
                         [this] { reloadAll(); });
    m_refreshAction = refresh;
    orders->addAction(refresh);
    orders->addSeparator();
    orders->addAction(make(tr("Orders of the &selected account"),
                           QStringLiteral("scopeSelectedAction"),
                           QKeySequence(QStringLiteral("Ctrl+1")),
                           [this] { m_orders->setScope(OrdersPanel::Scope::SelectedAccount); }));
    orders->addAction(make(tr("Orders of &everyone"), QStringLiteral("scopeEveryoneAction"),
                           QKeySequence(QStringLiteral("Ctrl+2")),
                           [this] { m_orders->setScope(OrdersPanel::Scope::Everyone); }));
    orders->addAction(make(tr("Filter by s&tatus"), QStringLiteral("statusFilterAction"),
                           QKeySequence(QStringLiteral("Ctrl+Shift+F")), [this] {
                               m_orders->statusFilter()->setFocus();
                               m_orders->statusFilter()->showPopup();
                           }));

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* liveToggle = m_liveDock->toggleViewAction();
    liveToggle->setText(tr("&Live panel"));
    liveToggle->setShortcut(QKeySequence(QStringLiteral("Ctrl+L")));
    view->addAction(liveToggle);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(make(tr("&Keyboard shortcuts"), QStringLiteral("shortcutsAction"),
                         QKeySequence::HelpContents, [this] {
                             QStringList lines;
                             for (QAction* action : findChildren<QAction*>()) {
                                 if (!action->shortcut().isEmpty()) {
                                     lines << QStringLiteral("%1\t%2").arg(
                                         action->shortcut().toString(QKeySequence::NativeText),
                                         action->text().remove(u'&'));
                                 }
                             }
                             lines.sort();
                             auto* box =
                                 new QMessageBox(QMessageBox::Information, tr("Keyboard shortcuts"),
                                                 lines.join(u'\n'), QMessageBox::Close, this);
                             box->setAttribute(Qt::WA_DeleteOnClose);
                             box->setModal(false);
                             box->show();
                         }));
    help->addAction(make(tr("&About"), QStringLiteral("aboutAction"), QKeySequence(), [this] {
        auto* box = new QMessageBox(
            QMessageBox::Information, tr("About Shop"),
            tr("<b>Shop</b> desktop client, version %1<br>Accounts, orders and live order "
               "status through the gateway at %2.<br>Qt %3")
                .arg(QStringLiteral(SHOP_VERSION),
                     m_services.api->baseUrl().toString().toHtmlEscaped(),
                     QString::fromLatin1(qVersion())),
            QMessageBox::Close, this);
        box->setObjectName(QStringLiteral("aboutBox"));
        box->setTextFormat(Qt::RichText);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setModal(false);
        box->show();
    }));

    // The same actions on the rows, by right click (with the panels' own: open, copy).
    m_orders->addContextActions({m_refundAction, m_refundsAction});
    m_accounts->addContextActions(
        {m_topUpAction, m_newOrderAction, m_historyAction, m_apiKeysAction});

    QToolBar* toolBar = addToolBar(tr("Main"));
    toolBar->setObjectName(QStringLiteral("mainToolBar"));
    toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolBar->setMovable(false);
    toolBar->addAction(m_newAccountAction);
    toolBar->addAction(m_topUpAction);
    toolBar->addAction(m_newOrderAction);
    toolBar->addSeparator();
    toolBar->addAction(refresh);
    toolBar->addAction(m_apiKeysAction);
    auto* spacer = new QWidget(toolBar);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    toolBar->addWidget(spacer);
    toolBar->addWidget(m_search);
    m_search->lineEdit()->setToolTip(
        tr("Find an account or order by (the start of) its id, on the server (%1)")
            .arg(QKeySequence(QKeySequence::Find).toString(QKeySequence::NativeText)));
    for (QAction* action : toolBar->actions()) {
        if (!action->shortcut().isEmpty()) {
            action->setToolTip(QStringLiteral("%1 (%2)").arg(
                action->text().remove(u'&').remove(QStringLiteral("…")),
                action->shortcut().toString(QKeySequence::NativeText)));
        }
    }
}

void MainWindow::start() {
    restoreLayout();
    m_services.api->setTimeout(std::chrono::milliseconds(
        QSettings().value(QLatin1StringView(kTimeoutKey), 10000).toLongLong()));
    applyGateway(m_options.gatewayUrl);
    m_services.health->start();
    showSignIn(QString());
    if (m_options.hasCredentials && m_signIn) {
        m_signIn->submitWith(m_options.signInUser, m_options.signInPassword);
    }
}

void MainWindow::showSignIn(const QString& reason) {
    if (m_signIn) {
        if (!reason.isEmpty()) {
            m_signIn->setReason(reason);
        }
        m_signIn->raise();
        m_signIn->activateWindow();
        return;
    }
    const QString username = QSettings().value(QLatin1StringView(kUsernameKey)).toString();
    auto* dialog =
        new SignInDialog(m_services.auth, m_services.api->baseUrl(), username, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setGatewayUnreachable(m_services.health->state() == HealthMonitor::State::Unreachable);
    m_signIn = dialog;
    connect(dialog, &SignInDialog::settingsRequested, this,
            [this, dialog] { openSettings(dialog); });
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QSettings().setValue(QLatin1StringView(kUsernameKey), dialog->username());
        // Who is signed in shows in the status bar's permanent part (ConnectionStatus).
        m_notifications->clear(m_signedOutProblem);
        if (!m_working) {
            beginWork();
            return;
        }
        reloadAll();
        if (m_services.stream->state() == EventStream::State::Stopped) {
            m_services.stream->start();
        } else if (m_services.stream->state() != EventStream::State::Connected) {
            m_services.stream->reconnectNow();
        }
    });
    connect(dialog, &QDialog::rejected, this, [this] {
        // Without a session, pushes would only lead to requests that get 401 (a balance to
        // re-read) and so to this dialog again and again: they stop until signed in.
        if (m_services.auth->state() != AuthSession::State::SignedIn) {
            m_services.stream->stop();
        }
        m_notifications->showMessage(m_signedOutProblem, signedOutTitle(),
                                     tr("Nothing can be loaded or changed until you sign in."),
                                     tr("Sign &in…"), [this] { showSignIn(QString()); });
    });
    dialog->open();
}

void MainWindow::beginWork() {
    m_working = true;
    m_orders->setActive(true);
    m_services.stream->start();
    reloadAll();
}

void MainWindow::reloadAll() {
    m_accounts->reload();
    m_orders->reload();
}

void MainWindow::applyGateway(const QUrl& url) {
    m_services.api->setBaseUrl(url);
    m_services.stream->setUrl(EventStream::urlFor(url));
    m_connection->setGatewayUrl(url.toString());
    // Qt adds the application's display name ("Shop") to the title itself.
    setWindowTitle(url.toString());
    if (m_signIn) {
        m_signIn->setGatewayUrl(url);
    }
}

void MainWindow::clearData() {
    ++m_dataGeneration;
    m_orders->setActive(false);
    m_accounts->clear();
    m_orders->clear();
    m_live->clear();
    m_balancesToRefresh.clear();
    m_balanceTimer.stop();
    m_placedOrderId.clear();
    m_search->lineEdit()->clear();
    m_orderHistory->clear();
    // Windows opened on what the ended session read (an order's details, a history, refunds,
    // API keys, a half-filled action) would go on showing it: they close too.
    const auto windows = findChildren<QDialog*>(Qt::FindDirectChildrenOnly);
    for (QDialog* window : windows) {
        if (window != m_signIn && qobject_cast<SettingsDialog*>(window) == nullptr) {
            window->close();
        }
    }
    updateActions();
}

void MainWindow::updateActions() {
    WorkContext context;
    context.signedIn = m_services.auth->state() == AuthSession::State::SignedIn;
    context.operatorRole = m_services.auth->role() == QLatin1StringView("operator");
    context.gatewayReachable = m_services.health->state() != HealthMonitor::State::Unreachable;
    context.accountSelected = m_accounts->currentAccount().has_value();
    const auto order = m_orders->currentOrder();
    context.orderStatus = order ? order->status : QString();
    const EnabledActions enabled = enabledActions(context);
    const std::pair<QAction*, bool> actions[] = {
        {m_newAccountAction, enabled.newAccount}, {m_topUpAction, enabled.topUp},
        {m_newOrderAction, enabled.newOrder},     {m_apiKeysAction, enabled.apiKeys},
        {m_historyAction, enabled.history},       {m_refundAction, enabled.refund},
        {m_refundsAction, enabled.refunds},       {m_refreshAction, enabled.refresh},
    };
    for (const auto& [action, on] : actions) {
        action->setEnabled(on);
        // Hovering a disabled action says why, when the reason is the session or the gateway.
        action->setStatusTip(on ? QString() : enabled.reason);
    }
}

void MainWindow::newAccount() {
    if (!m_newAccountAction->isEnabled()) {
        return;
    }
    auto* dialog = new NewAccountDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { submitNewAccount(dialog->request(), 0); });
    dialog->open();
}

void MainWindow::topUp() {
    const auto account = m_accounts->currentAccount();
    if (!account || !m_topUpAction->isEnabled()) {
        return;
    }
    auto* dialog = new TopUpDialog(account->userId, account->balance, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { submitTopUp(dialog->request(), 0); });
    dialog->open();
}

void MainWindow::newOrder() {
    const auto account = m_accounts->currentAccount();
    if (!account || !m_newOrderAction->isEnabled()) {
        return;
    }
    auto* dialog = new NewOrderDialog(account->userId, account->balance, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { submitOrder(dialog->request(), 0); });
    dialog->open();
}

void MainWindow::manageApiKeys() {
    const auto account = m_accounts->currentAccount();
    if (!account) {
        return;
    }
    auto* dialog = new ApiKeysDialog(m_services.api, account->userId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::refundOrder() {
    const auto order = m_orders->currentOrder();
    if (!order || !m_refundAction->isEnabled()) {
        return;
    }
    auto* dialog = new RefundDialog(m_services.api, *order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &RefundDialog::refundRequested, this, &MainWindow::noteRefundRequested);
    dialog->open();
}

void MainWindow::noteRefundRequested(const Refund& refund) {
    statusBar()->showMessage(
        tr("Refund of %1 for order %2 requested: %3, the order follows "
           "once the account is credited")
            .arg(moneyDisplayText(refund.amount), refund.orderId, refund.status),
        kMessageMs);
}

void MainWindow::showRefunds(const QString& orderId) {
    std::optional<Order> order = m_orders->currentOrder();
    if (!orderId.isEmpty()) {
        order = m_orders->model()->orderAt(m_orders->model()->rowOf(orderId));
    }
    if (!order) {
        return;
    }
    auto* dialog = new RefundsDialog(m_services.api, *order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::showOrder(const QString& orderId, const std::optional<Order>& known) {
    for (OrderDetailDialog* open : findChildren<OrderDetailDialog*>()) {
        if (open->orderId() == orderId && open->isVisible()) {
            open->raise();
            open->activateWindow();
            return;
        }
    }
    std::optional<Order> order = known;
    if (!order) {
        order = m_orders->model()->orderAt(m_orders->model()->rowOf(orderId));
    }
    auto* dialog = new OrderDetailDialog(m_services.api, m_services.auth, m_orderHistory, orderId,
                                         order, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &OrderDetailDialog::refundRequested, this, &MainWindow::noteRefundRequested);
    dialog->show();
}

void MainWindow::showHistory() {
    const auto account = m_accounts->currentAccount();
    if (!account) {
        return;
    }
    auto* dialog = new LedgerDialog(m_services.api, account->userId, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::openSettings(QWidget* over) {
    QString note =
        tr("A new gateway URL applies at once: you are signed out and asked to sign in "
           "there. It is also saved for later starts.");
    if (m_options.gatewaySource == GatewaySource::CommandLine) {
        note += u' ' + tr("(Later starts with --gateway use the URL given there instead.)");
    } else if (m_options.gatewaySource == GatewaySource::Environment) {
        note += u' ' + tr("(Later starts with SHOP_GATEWAY_URL set use that URL instead.)");
    }
    auto* dialog = new SettingsDialog(m_services.api->baseUrl(), m_services.api->timeout(), note,
                                      over != nullptr ? over : this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const QUrl url = dialog->gatewayUrl();
        QSettings settings;
        settings.setValue(QLatin1StringView(kGatewaySettingsKey), url.toString());
        settings.setValue(QLatin1StringView(kTimeoutKey),
                          static_cast<qlonglong>(dialog->timeout().count()));
        m_services.api->setTimeout(dialog->timeout());
        if (url == m_services.api->baseUrl()) {
            return;
        }
        // Another gateway: a new session, a new stream, fresh data.
        m_options.gatewayUrl = url;
        m_options.gatewaySource = GatewaySource::Settings;
        m_services.stream->stop();
        m_services.auth->signOut();
        m_working = false;
        clearData();
        // A retry of a failure there would go to the new gateway: the failures go with it.
        m_notifications->clearAllBut(m_signedOutProblem);
        applyGateway(url);
        m_services.health->checkNow();
        statusBar()->showMessage(tr("Now using the gateway at %1").arg(url.toString()), kMessageMs);
        showSignIn(tr("Now using the gateway at %1: sign in there.").arg(url.toString()));
    });
    dialog->open();
}

void MainWindow::noteFailure(Operation operation, NotificationBar::ProblemId problem,
                             const ApiError& error, bool idempotent) {
    const int key = static_cast<int>(operation);
    m_decidedFailures.remove(key, problem);
    // Decided: the server answered 4xx, and sending the same request again gets the same
    // answer. Not 401 (signing in fixes it), not 429 (waiting does), and for a request with an
    // Idempotency-Key not 409 (the same request still in flight).
    const bool decided = error.kind == ApiError::Kind::Http && error.httpStatus >= 400 &&
                         error.httpStatus < 500 && error.httpStatus != 401 &&
                         error.httpStatus != 429 && !(idempotent && error.httpStatus == 409);
    if (decided) {
        m_decidedFailures.insert(key, problem);
    }
}

void MainWindow::noteSuccess(Operation operation) {
    // A decided failure offers nothing more to do once the operator got the same kind of thing
    // done; failures a retry may still fix (no answer, 5xx) stay with their Retry.
    const int key = static_cast<int>(operation);
    for (const NotificationBar::ProblemId problem : m_decidedFailures.values(key)) {
        m_notifications->clear(problem);
    }
    m_decidedFailures.remove(key);
}

void MainWindow::followPlacedOrder(const QString& orderId, const QString& status,
                                   const QString& failureReason) {
    if (m_placedOrderId.isEmpty() || orderId != m_placedOrderId ||
        status == QLatin1StringView(status::kNew)) {
        return;
    }
    m_placedOrderId.clear();
    if (statusBar()->currentMessage() != m_placedMessage) {
        return;  // gone already, or replaced by news about something else
    }
    QString text;
    if (status == QLatin1StringView(status::kFinished)) {
        text = tr("Order %1 paid: FINISHED").arg(orderId);
    } else if (status == QLatin1StringView(status::kCancelled)) {
        text = failureReason.isEmpty() ? tr("Order %1 CANCELLED").arg(orderId)
                                       : tr("Order %1 CANCELLED: %2").arg(orderId, failureReason);
    } else {
        text = tr("Order %1 is %2").arg(orderId, status);
    }
    statusBar()->showMessage(text, kMessageMs);
}

void MainWindow::submitNewAccount(const NewAccountRequest& request,
                                  NotificationBar::ProblemId problem, bool unanswered) {
    if (problem == 0) {
        problem = m_notifications->newId();
    }
    const QString title = tr("Creating account %1 failed:").arg(request.userId.left(8));
    statusBar()->showMessage(tr("Creating account %1…").arg(request.userId));
    const quint64 generation = m_dataGeneration;
    m_services.api->createAccount(
        request, this,
        [this, request, unanswered, problem, title, generation](const ApiResult<Account>& result) {
            if (result.ok()) {
                m_notifications->clear(problem);
                m_decidedFailures.remove(static_cast<int>(Operation::NewAccount), problem);
                noteSuccess(Operation::NewAccount);
                if (generation == m_dataGeneration) {  // else the window was emptied since
                    m_accounts->upsert(result.value(), true);
                }
                statusBar()->showMessage(
                    tr("Account %1 created, balance %2")
                        .arg(result.value().userId, moneyDisplayText(result.value().balance)),
                    kMessageMs);
                return;
            }
            const ApiError& error = result.error();
            // POST /accounts has no Idempotency-Key: once an attempt got no answer, a later 409
            // may be that attempt's doing, or the account may have been there before.
            const bool lost = unanswered || mayHaveGoneThrough(error);
            auto retry = [this, request, problem, lost] {
                submitNewAccount(request, problem, lost);
            };
            if (unanswered && error.httpStatus == 409) {
                m_services.api->getAccount(
                    request.userId, this,
                    [this, problem, title, error, retry,
                     generation](const ApiResult<Account>& account) {
                        if (!account.ok()) {
                            statusBar()->clearMessage();
                            m_notifications->showError(problem, title, error, retry);
                            return;
                        }
                        m_notifications->clear(problem);
                        if (generation == m_dataGeneration) {
                            m_accounts->upsert(account.value(), true);
                        }
                        statusBar()->showMessage(
                            tr("Account %1 exists, balance %2: the attempt that got no answer "
                               "created it, unless it was there before")
                                .arg(account.value().userId,
                                     moneyDisplayText(account.value().balance)),
                            kMessageMs);
                    });
                return;
            }
            statusBar()->clearMessage();
            noteFailure(Operation::NewAccount, problem, error, false);
            m_notifications->showError(problem, title, error, retry);
        });
}

void MainWindow::submitTopUp(const TopUpRequest& request, NotificationBar::ProblemId problem) {
    if (problem == 0) {
        problem = m_notifications->newId();
    }
    const QString title = tr("Top-up of %1 for %2 failed:")
                              .arg(moneyDisplayText(request.amount), request.userId.left(8));
    statusBar()->showMessage(
        tr("Topping up %1 by %2…").arg(request.userId, moneyDisplayText(request.amount)));
    const quint64 generation = m_dataGeneration;
    m_services.api->topUp(
        request, this,
        [this, request, problem, title, generation](const ApiResult<Account>& result) {
            if (!result.ok()) {
                statusBar()->clearMessage();
                noteFailure(Operation::TopUp, problem, result.error(), true);
                // Retry sends the very same request, Idempotency-Key included:
                // credited once.
                m_notifications->showError(
                    problem, title, result.error(),
                    [this, request, problem] { submitTopUp(request, problem); });
                return;
            }
            m_notifications->clear(problem);
            m_decidedFailures.remove(static_cast<int>(Operation::TopUp), problem);
            noteSuccess(Operation::TopUp);
            if (generation == m_dataGeneration) {
                m_accounts->upsert(result.value(), false);
            }
            statusBar()->showMessage(tr("Topped up %1 by %2: balance %3")
                                         .arg(request.userId, moneyDisplayText(request.amount),
                                              moneyDisplayText(result.value().balance)),
                                     kMessageMs);
        });
}

void MainWindow::submitOrder(const NewOrderRequest& request, NotificationBar::ProblemId problem) {
    if (problem == 0) {
        problem = m_notifications->newId();
    }
    const QString title = tr("Order of %1 for %2 failed:")
                              .arg(moneyDisplayText(request.amount), request.userId.left(8));
    statusBar()->showMessage(
        tr("Placing an order of %1 for %2…").arg(moneyDisplayText(request.amount), request.userId));
    const quint64 generation = m_dataGeneration;
    m_services.api->createOrder(
        request, this, [this, request, problem, title, generation](const ApiResult<Order>& result) {
            if (!result.ok()) {
                statusBar()->clearMessage();
                noteFailure(Operation::NewOrder, problem, result.error(), true);
                // Retry sends the very same request, Idempotency-Key included: one order at most.
                m_notifications->showError(
                    problem, title, result.error(),
                    [this, request, problem] { submitOrder(request, problem); });
                return;
            }
            m_notifications->clear(problem);
            m_decidedFailures.remove(static_cast<int>(Operation::NewOrder), problem);
            noteSuccess(Operation::NewOrder);
            if (generation != m_dataGeneration) {  // the window was emptied since
                statusBar()->showMessage(
                    tr("Order %1 placed: %2").arg(result.value().orderId, result.value().status),
                    kMessageMs);
                return;
            }
            m_orderHistory->notePlaced(result.value().orderId, result.requestId());
            m_orders->addCreated(result.value());
            m_placedMessage = tr("Order %1 placed: %2, waiting for the payment")
                                  .arg(result.value().orderId, result.value().status);
            statusBar()->showMessage(m_placedMessage, kMessageMs);
            m_placedOrderId = result.value().orderId;
            // The push may have come before this answer.
            const auto shown =
                m_orders->model()->orderAt(m_orders->model()->rowOf(m_placedOrderId));
            if (shown) {
                followPlacedOrder(shown->orderId, shown->status, shown->failureReason);
            }
        });
}

void MainWindow::probeSession() {
    // To the socket, a refused upgrade (401: the token was revoked or the gateway restarted
    // with another signing secret) looks like any other failed connection. One small
    // authenticated request tells them apart: a 401 brings the sign-in back, no answer at all
    // shows the gateway as unreachable at once instead of at the next health poll.
    if (m_probing || m_services.auth->state() != AuthSession::State::SignedIn) {
        m_services.health->checkNow();
        return;
    }
    m_probing = true;
    m_services.api->listAccounts(1, QString(), this,
                                 [this](const ApiResult<Page<Account>>&) { m_probing = false; });
}

void MainWindow::refreshBalanceSoon(const QString& userId) {
    if (m_services.auth->state() != AuthSession::State::SignedIn) {
        return;  // re-read once signed in again (everything is)
    }
    m_balancesToRefresh.insert(userId);
    if (!m_balanceTimer.isActive()) {
        m_balanceTimer.start();
    }
}

void MainWindow::restoreLayout() {
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        resize(1360, 860);
    }
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    if (!m_splitter->restoreState(
            settings.value(QStringLiteral("window/splitter")).toByteArray())) {
        m_splitter->setSizes({480, 880});
    }
    m_accounts->view()->horizontalHeader()->restoreState(
        settings.value(QLatin1StringView(kAccountsHeaderKey)).toByteArray());
    m_orders->view()->horizontalHeader()->restoreState(
        settings.value(QLatin1StringView(kOrdersHeaderKey)).toByteArray());
    m_orders->setScope(settings.value(QStringLiteral("orders/scope")).toInt() == 1
                           ? OrdersPanel::Scope::Everyone
                           : OrdersPanel::Scope::SelectedAccount);
    m_orders->setStatusFilter(settings.value(QStringLiteral("orders/status")).toString());
}

void MainWindow::saveLayout() const {
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
    settings.setValue(QLatin1StringView(kAccountsHeaderKey),
                      m_accounts->view()->horizontalHeader()->saveState());
    settings.setValue(QLatin1StringView(kOrdersHeaderKey),
                      m_orders->view()->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("orders/scope"),
                      m_orders->scope() == OrdersPanel::Scope::Everyone ? 1 : 0);
    settings.setValue(QStringLiteral("orders/status"), m_orders->statusFilterValue());
}

void MainWindow::closeEvent(QCloseEvent* event) {
    saveLayout();
    QMainWindow::closeEvent(event);
}

}  // namespace shop::client::ui
