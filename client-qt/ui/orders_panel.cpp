#include "ui/orders_panel.hpp"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <utility>

#include "core/api_client.hpp"
#include "core/order_model.hpp"
#include "ui/notification_bar.hpp"
#include "ui/status_delegate.hpp"
#include "ui/table_tools.hpp"

namespace shop::client::ui {

OrdersPanel::OrdersPanel(ApiClient* api, NotificationBar* notifications, QWidget* parent)
    : QWidget(parent),
      m_api(api),
      m_notifications(notifications),
      m_loadProblem(notifications->newId()),
      m_model(new OrderModel(this)),
      m_proxy(TableTools::sortProxy(m_model, this)),
      m_view(new QTableView(this)),
      m_tools(nullptr),
      m_openDetails(new QAction(tr("&Open details"), this)),
      m_scope(new QComboBox(this)),
      m_status(new QComboBox(this)),
      m_summary(new QLabel(this)),
      m_more(new QPushButton(tr("Load m&ore"), this)) {
    m_view->setObjectName(QStringLiteral("ordersView"));
    m_view->setModel(m_proxy);
    m_tools = new TableTools(m_view, OrderModel::OrderIdRole, tr("order id"));
    m_openDetails->setObjectName(QStringLiteral("openOrderAction"));
    m_openDetails->setShortcuts({QKeySequence(Qt::Key_Return), QKeySequence(Qt::Key_Enter)});
    m_openDetails->setShortcutContext(Qt::WidgetShortcut);
    m_tools->addContextActions({m_openDetails});
    m_view->setItemDelegateForColumn(OrderModel::StatusColumn, new StatusDelegate(m_view));
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(26);
    QHeaderView* header = m_view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(OrderModel::DescriptionColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(OrderModel::StatusColumn, 128);
    m_view->setColumnWidth(OrderModel::AmountColumn, 90);
    m_view->setColumnWidth(OrderModel::RefundedColumn, 90);
    m_view->setColumnWidth(OrderModel::ReasonColumn, 130);
    // Ids and times in full when dragged wider, else "3f2a6c1e…" and "14:03:27".
    m_view->setColumnWidth(OrderModel::AccountColumn, 96);
    m_view->setColumnWidth(OrderModel::CreatedColumn, 120);
    m_view->setColumnWidth(OrderModel::UpdatedColumn, 120);
    m_view->setColumnWidth(OrderModel::OrderIdColumn, 96);
    m_tools->fitColumns({OrderModel::AmountColumn, OrderModel::RefundedColumn});

    m_scope->setObjectName(QStringLiteral("ordersScope"));
    m_scope->addItem(tr("Selected account"));
    m_scope->addItem(tr("Everyone"));
    m_status->setObjectName(QStringLiteral("ordersStatusFilter"));
    m_status->addItem(tr("Any status"), QString());
    m_status->addItem(QStringLiteral("\u25cf NEW"), QStringLiteral("NEW"));
    m_status->addItem(QStringLiteral("\u2714 FINISHED"), QStringLiteral("FINISHED"));
    m_status->addItem(QStringLiteral("\u2716 CANCELLED"), QStringLiteral("CANCELLED"));
    m_status->addItem(QStringLiteral("\u21ba REFUNDED"), QStringLiteral("REFUNDED"));
    m_summary->setObjectName(QStringLiteral("ordersSummary"));
    m_more->setObjectName(QStringLiteral("ordersLoadMore"));
    m_more->setEnabled(false);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("<b>Orders</b> of"), this));
    filters->addWidget(m_scope);
    auto* statusLabel = new QLabel(tr("&Status"), this);
    statusLabel->setBuddy(m_status);
    filters->addWidget(statusLabel);
    filters->addWidget(m_status);
    filters->addStretch(1);
    auto* footer = new QHBoxLayout;
    footer->addWidget(m_summary, 1);
    footer->addWidget(m_more);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addWidget(m_view, 1);
    layout->addLayout(footer);

    connect(m_scope, &QComboBox::currentIndexChanged, this, &OrdersPanel::reload);
    connect(m_status, &QComboBox::currentIndexChanged, this, &OrdersPanel::reload);
    connect(m_status, &QComboBox::currentIndexChanged, this, &OrdersPanel::updateSummary);
    connect(m_scope, &QComboBox::currentIndexChanged, this, &OrdersPanel::updateSummary);
    connect(m_more, &QPushButton::clicked, this, &OrdersPanel::loadMore);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &OrdersPanel::currentOrderChanged);
    // Rows of the view, so through the proxy: sorted, the current row is not the model's.
    connect(m_proxy, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
                const int current = m_view->selectionModel()->currentIndex().row();
                if (current >= topLeft.row() && current <= bottomRight.row()) {
                    emit currentOrderChanged();
                }
            });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &OrdersPanel::currentOrderChanged);
    connect(m_proxy, &QAbstractItemModel::rowsRemoved, this, &OrdersPanel::currentOrderChanged);
    connect(this, &OrdersPanel::currentOrderChanged, this, &OrdersPanel::updateOpenDetails);
    connect(m_view, &QAbstractItemView::doubleClicked, this, [this](const QModelIndex& index) {
        emit orderActivated(index.data(OrderModel::OrderIdRole).toString());
    });
    connect(m_openDetails, &QAction::triggered, this, [this] {
        if (const auto order = currentOrder()) {
            emit orderActivated(order->orderId);
        }
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &OrdersPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &OrdersPanel::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OrdersPanel::updateSummary);
    updateSummary();
    updateOpenDetails();
}

void OrdersPanel::addContextActions(const QList<QAction*>& actions) {
    m_tools->addContextActions(actions);
}

void OrdersPanel::updateOpenDetails() {
    m_openDetails->setEnabled(currentOrder().has_value());
}

void OrdersPanel::setSelectedAccount(const QString& userId) {
    if (userId == m_selectedAccount) {
        return;
    }
    m_selectedAccount = userId;
    if (scope() == Scope::SelectedAccount) {
        reload();
    }
}

void OrdersPanel::setScope(Scope scope) {
    m_scope->setCurrentIndex(scope == Scope::Everyone ? 1 : 0);
}

OrdersPanel::Scope OrdersPanel::scope() const {
    return m_scope->currentIndex() == 1 ? Scope::Everyone : Scope::SelectedAccount;
}

void OrdersPanel::setStatusFilter(const QString& status) {
    const int index = m_status->findData(status);
    m_status->setCurrentIndex(index < 0 ? 0 : index);
}

QString OrdersPanel::statusFilterValue() const {
    return m_status->currentData().toString();
}

OrdersQuery OrdersPanel::query(const QString& cursor) const {
    OrdersQuery query;
    query.userId = scope() == Scope::SelectedAccount ? m_selectedAccount : QString();
    query.status = statusFilterValue();
    query.limit = kPageSize;
    query.cursor = cursor;
    return query;
}

bool OrdersPanel::belongsToQuery(const QString& userId, const QString& status) const {
    if (scope() == Scope::SelectedAccount && userId != m_selectedAccount) {
        return false;
    }
    const QString wanted = statusFilterValue();
    return wanted.isEmpty() || wanted == status;
}

void OrdersPanel::setActive(bool active) {
    m_active = active;
}

void OrdersPanel::reload() {
    if (!m_active) {
        return;
    }
    ++m_generation;
    if (scope() == Scope::SelectedAccount && m_selectedAccount.isEmpty()) {
        m_loading = false;
        m_newerThanLoad.clear();
        m_pushedDuringLoad.clear();
        m_model->reset({});
        updateSummary();
        return;
    }
    loadPage(true);
}

void OrdersPanel::clear() {
    ++m_generation;
    m_loading = false;
    m_newerThanLoad.clear();
    m_pushedDuringLoad.clear();
    m_model->reset({});
    updateSummary();
}

void OrdersPanel::loadMore() {
    if (m_model->hasMore() && !m_model->isFull() && !m_loading) {
        loadPage(false);
    }
}

void OrdersPanel::loadPage(bool first) {
    // The model knows where the next page starts: after its last page, or where a page began
    // whose rows it had to drop to stay within its cap.
    const QString cursor = first ? QString() : m_model->moreCursor();
    m_newerThanLoad.clear();
    m_pushedDuringLoad.clear();
    m_loading = true;
    m_more->setEnabled(false);
    const int generation = m_generation;
    const QString title = tr("Loading orders failed:");
    m_api->listOrders(
        query(cursor), this,
        [this, first, cursor, generation, title](const ApiResult<Page<Order>>& result) {
            if (generation != m_generation) {
                return;  // the query changed since; its own answer decides
            }
            m_loading = false;
            if (!result.ok()) {
                // No page to apply them over: the rows shown already have them.
                m_newerThanLoad.clear();
                m_pushedDuringLoad.clear();
                m_notifications->showError(m_loadProblem, title, result.error(), [this, first] {
                    if (first) {
                        reload();
                    } else {
                        loadMore();
                    }
                });
                updateSummary();
                emit loaded();
                return;
            }
            m_notifications->clear(m_loadProblem);
            if (first) {
                m_model->reset(result.value().items, result.value().nextCursor);
            } else {
                // Ignored when rows were dropped meanwhile: "Load more" then asks again.
                m_model->append(cursor, result.value().items, result.value().nextCursor);
            }
            replayNewerThanLoad();
            updateSummary();
            emit loaded();
        });
}

void OrdersPanel::applyEvent(const OrderEvent& event) {
    if (m_loading) {
        // Only the newest push of each order is kept, one entry per order however many come:
        // it leaves the row as replaying them all would (a push carries the whole status, and
        // one older than the row is ignored). Of two of the same version the first stays, as in
        // the model.
        const auto held = m_pushedDuringLoad.constFind(event.orderId);
        if (held == m_pushedDuringLoad.cend() || held->version < event.version) {
            m_pushedDuringLoad.insert(event.orderId, event);
        }
    }
    if (applyToModel(event) != OrderModel::EventOutcome::Unknown) {
        return;
    }
    if (!belongsToQuery(event.userId, event.status)) {
        return;
    }
    if (event.carriesWholeOrder()) {
        // The contract's frames carry the whole order: shown as pushed, no request.
        write(event.toOrder());
        return;
    }
    if (m_fetching.contains(event.orderId)) {
        return;
    }
    // A frame without description or creation time: read the whole order once.
    m_fetching.insert(event.orderId);
    const int generation = m_generation;
    m_api->getOrder(event.orderId, this,
                    [this, generation, orderId = event.orderId](const ApiResult<Order>& result) {
                        m_fetching.remove(orderId);
                        if (result.ok() && generation == m_generation &&
                            belongsToQuery(result.value().userId, result.value().status)) {
                            write(result.value());
                        }
                    });
}

OrderModel::EventOutcome OrdersPanel::applyToModel(const OrderEvent& event) {
    const auto outcome = m_model->applyEvent(event);
    // Shown with a status filter (NEW, say), a row the push moved out of it goes.
    if (outcome == OrderModel::EventOutcome::Updated &&
        !belongsToQuery(event.userId, event.status)) {
        m_model->remove(event.orderId);
    }
    return outcome;
}

void OrdersPanel::addCreated(const Order& order) {
    if (belongsToQuery(order.userId, order.status)) {
        write(order);
    }
}

std::optional<Order> OrdersPanel::currentOrder() const {
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? m_model->orderAt(m_proxy->mapToSource(current).row()) : std::nullopt;
}

void OrdersPanel::write(const Order& order) {
    m_model->upsert(order);
    if (m_loading) {
        m_newerThanLoad.append(order);
    }
}

void OrdersPanel::replayNewerThanLoad() {
    // The page was read before these happened: an order placed or fetched meanwhile is not in
    // it (a first page would drop it from the list), and a push meanwhile is not reflected in
    // it (a page would bring back a row the push moved out of a status filter).
    for (const Order& order : std::exchange(m_newerThanLoad, {})) {
        m_model->upsert(order);
    }
    // In any order (a QHash's is unspecified): each push only updates or removes its own
    // order's row, never inserts one, so none affects another.
    const QHash<QString, OrderEvent> pushed = std::exchange(m_pushedDuringLoad, {});
    for (const OrderEvent& event : pushed) {
        applyToModel(event);
    }
}

void OrdersPanel::updateSummary() {
    const int count = m_model->rowCount();
    QString whose =
        scope() == Scope::Everyone
            ? tr("everyone")
            : (m_selectedAccount.isEmpty() ? tr("no account selected")
                                           : tr("account %1\u2026").arg(m_selectedAccount.left(8)));
    if (!statusFilterValue().isEmpty()) {
        whose += tr(" \u00b7 status %1").arg(statusFilterValue());
    }
    QString text;
    if (!m_model->hasMore()) {
        text = tr("%n order(s) of %1", nullptr, count).arg(whose);
    } else if (!m_model->isFull()) {
        text = tr("%n order(s) of %1 loaded, more on the server", nullptr, count).arg(whose);
    } else {
        text = tr("The newest %n order(s) of %1, as many as are kept; narrow the filter for older "
                  "ones",
                  nullptr, count)
                   .arg(whose);
    }
    m_summary->setText(text);
    m_more->setEnabled(m_model->hasMore() && !m_model->isFull() && !m_loading);
}

}  // namespace shop::client::ui
