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

#include "core/api_client.hpp"
#include "core/auth_session.hpp"
#include "core/event_stream.hpp"
#include "core/health_monitor.hpp"
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
// before it (widths, the stretched Description) would land on the wrong columns.
constexpr auto kOrdersHeaderKey = "orders/header-v2";
constexpr int kMessageMs = 8000;

QString signedOutTitle() {
    return MainWindow::tr("Not signed in:");
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
        updateAccountActions();
    });
    connect(m_orders, &OrdersPanel::currentOrderChanged, this, &MainWindow::updateOrderActions);
    connect(m_orders, &OrdersPanel::orderActivated, this,
            [this](const QString& orderId) { showOrder(orderId); });
    connect(m_search, &SearchBox::accountChosen, this, [this](const Account& account) {
        // Found on the server: shown and selected even when no loaded page had it.
        m_accounts->upsert(account, true);
        m_accounts->view()->setFocus();
    });
    connect(m_search, &SearchBox::orderChosen, this,
            [this](const Order& order) { showOrder(order.orderId, order); });
    connect(services.auth, &AuthSession::stateChanged, this, &MainWindow::updateOrderActions);
    connect(services.stream, &EventStream::orderEvent, this, [this](const OrderEvent& event) {
        m_orderHistory->record(event);
        m_orders->applyEvent(event);
        m_live->addEvent(event);
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
    connect(services.auth, &AuthSession::signInRequired, this, [this](const QString& reason) {
        if (m_signInDeclined) {
            m_notifications->showMessage(m_signedOutProblem, signedOutTitle(), reason,
                                         tr("Sign &in…"), [this] {
                                             m_signInDeclined = false;
                                             showSignIn(QString());
                                         });
            return;
        }
        showSignIn(reason);
    });

    m_balanceTimer.setSingleShot(true);
    m_balanceTimer.setInterval(300);
    connect(&m_balanceTimer, &QTimer::timeout, this, [this] {
        const QSet<QString> ids = std::exchange(m_balancesToRefresh, {});
        for (const QString& id : ids) {
            m_accounts->refreshAccount(id);
        }
    });
    updateAccountActions();
    updateOrderActions();
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
        // Pushes stop too: what is on screen stays, nothing new arrives until signed in again.
        m_services.stream->stop();
        m_signInDeclined = true;
        m_notifications->showMessage(m_signedOutProblem, signedOutTitle(), tr("You signed out."),
                                     tr("Sign &in…"), [this] {
                                         m_signInDeclined = false;
                                         showSignIn(QString());
                                     });
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
        QMessageBox::about(this, tr("About Shop"),
                           tr("<b>Shop</b> desktop client<br>Accounts, orders and live order "
                              "status through the gateway at %1.")
                               .arg(m_services.api->baseUrl().toString().toHtmlEscaped()));
    }));

    // The same actions on the rows, by right click.
    m_orders->view()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_orders->view()->addActions({m_refundAction, m_refundsAction});
    m_accounts->view()->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_accounts->view()->addActions(
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
        m_signIn->raise();
        m_signIn->activateWindow();
        return;
    }
    const QString username = QSettings().value(QLatin1StringView(kUsernameKey)).toString();
    auto* dialog = new SignInDialog(m_services.auth, username, reason, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    m_signIn = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        QSettings().setValue(QLatin1StringView(kUsernameKey), dialog->username());
        statusBar()->showMessage(tr("Signed in as %1").arg(dialog->username()), kMessageMs);
        m_signInDeclined = false;
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
        m_signInDeclined = true;
        m_notifications->showMessage(m_signedOutProblem, signedOutTitle(),
                                     tr("Nothing can be loaded or changed until you sign in."),
                                     tr("Sign &in…"), [this] {
                                         m_signInDeclined = false;
                                         showSignIn(QString());
                                     });
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
    setWindowTitle(tr("Shop — %1").arg(url.toString()));
}

void MainWindow::updateAccountActions() {
    const bool selected = m_accounts->currentAccount().has_value();
    m_topUpAction->setEnabled(selected);
    m_newOrderAction->setEnabled(selected);
    m_apiKeysAction->setEnabled(selected);
    m_historyAction->setEnabled(selected);
}

void MainWindow::updateOrderActions() {
    const auto order = m_orders->currentOrder();
    // Refunds are an operator's: an account's token gets 403 for them.
    const bool operatorSession = m_services.auth->state() == AuthSession::State::SignedIn &&
                                 m_services.auth->role() == QLatin1StringView("operator");
    m_refundAction->setEnabled(operatorSession && order &&
                               order->status == QLatin1StringView(status::kFinished));
    m_refundsAction->setEnabled(order.has_value());
}

void MainWindow::newAccount() {
    auto* dialog = new NewAccountDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { submitNewAccount(dialog->request(), 0); });
    dialog->open();
}

void MainWindow::topUp() {
    const auto account = m_accounts->currentAccount();
    if (!account) {
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
    if (!account) {
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
    connect(dialog, &RefundDialog::refundRequested, this, [this](const Refund& refund) {
        statusBar()->showMessage(tr("Refund of %1 for order %2 requested: %3, the order follows "
                                    "once the account is credited")
                                     .arg(refund.amount, refund.orderId, refund.status),
                                 kMessageMs);
    });
    dialog->open();
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

void MainWindow::openSettings() {
    QString note;
    if (m_options.gatewaySource == GatewaySource::CommandLine) {
        note =
            tr("This run uses the gateway given with --gateway; the URL saved here is used "
               "when the client is started without it.");
    } else if (m_options.gatewaySource == GatewaySource::Environment) {
        note =
            tr("This run uses the gateway from SHOP_GATEWAY_URL; the URL saved here is used "
               "when it is not set.");
    }
    auto* dialog =
        new SettingsDialog(m_services.api->baseUrl(), m_services.api->timeout(), note, this);
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
        m_services.stream->stop();
        m_services.auth->signOut();
        m_working = false;
        applyGateway(url);
        m_services.health->checkNow();
        showSignIn(tr("Sign in to %1").arg(url.toString()));
    });
    dialog->open();
}

void MainWindow::submitNewAccount(const NewAccountRequest& request,
                                  NotificationBar::ProblemId problem) {
    const bool isRetry = problem != 0;
    if (!isRetry) {
        problem = m_notifications->newId();
    }
    const QString title = tr("Creating account %1 failed:").arg(request.userId.left(8));
    statusBar()->showMessage(tr("Creating account %1…").arg(request.userId));
    auto created = [this, problem](const Account& account) {
        m_notifications->clear(problem);
        m_accounts->upsert(account, true);
        statusBar()->showMessage(
            tr("Account %1 created, balance %2").arg(account.userId, account.balance), kMessageMs);
    };
    m_services.api->createAccount(
        request, this,
        [this, request, isRetry, problem, title, created](const ApiResult<Account>& result) {
            if (result.ok()) {
                created(result.value());
                return;
            }
            auto retry = [this, request, problem] { submitNewAccount(request, problem); };
            if (isRetry && result.error().httpStatus == 409) {
                // The client chose the id: 409 on a retry means the first attempt got through.
                m_services.api->getAccount(
                    request.userId, this,
                    [this, problem, title, created, retry](const ApiResult<Account>& account) {
                        if (account.ok()) {
                            created(account.value());
                        } else {
                            m_notifications->showError(problem, title, account.error(), retry);
                        }
                    });
                return;
            }
            statusBar()->clearMessage();
            m_notifications->showError(problem, title, result.error(), retry);
        });
}

void MainWindow::submitTopUp(const TopUpRequest& request, NotificationBar::ProblemId problem) {
    if (problem == 0) {
        problem = m_notifications->newId();
    }
    const QString title =
        tr("Top-up of %1 for %2 failed:").arg(request.amount, request.userId.left(8));
    statusBar()->showMessage(tr("Topping up %1 by %2…").arg(request.userId, request.amount));
    m_services.api->topUp(request, this,
                          [this, request, problem, title](const ApiResult<Account>& result) {
                              if (!result.ok()) {
                                  statusBar()->clearMessage();
                                  // Retry sends the very same request, Idempotency-Key included:
                                  // credited once.
                                  m_notifications->showError(
                                      problem, title, result.error(),
                                      [this, request, problem] { submitTopUp(request, problem); });
                                  return;
                              }
                              m_notifications->clear(problem);
                              m_accounts->upsert(result.value(), false);
                              statusBar()->showMessage(
                                  tr("Topped up %1 by %2: balance %3")
                                      .arg(request.userId, request.amount, result.value().balance),
                                  kMessageMs);
                          });
}

void MainWindow::submitOrder(const NewOrderRequest& request, NotificationBar::ProblemId problem) {
    if (problem == 0) {
        problem = m_notifications->newId();
    }
    const QString title =
        tr("Order of %1 for %2 failed:").arg(request.amount, request.userId.left(8));
    statusBar()->showMessage(
        tr("Placing an order of %1 for %2…").arg(request.amount, request.userId));
    m_services.api->createOrder(
        request, this, [this, request, problem, title](const ApiResult<Order>& result) {
            if (!result.ok()) {
                statusBar()->clearMessage();
                // Retry sends the very same request, Idempotency-Key included: one order at most.
                m_notifications->showError(
                    problem, title, result.error(),
                    [this, request, problem] { submitOrder(request, problem); });
                return;
            }
            m_notifications->clear(problem);
            m_orderHistory->notePlaced(result.value().orderId, result.requestId());
            m_orders->addCreated(result.value());
            statusBar()->showMessage(tr("Order %1 placed: %2, waiting for the payment")
                                         .arg(result.value().orderId, result.value().status),
                                     kMessageMs);
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
        settings.value(QStringLiteral("accounts/header")).toByteArray());
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
    settings.setValue(QStringLiteral("accounts/header"),
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
