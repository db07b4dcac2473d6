#pragma once

#include <QHash>
#include <QSet>
#include <QWidget>
#include <optional>

#include "core/api_types.hpp"
#include "core/order_model.hpp"
#include "core/requests.hpp"
#include "ui/notification_bar.hpp"

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace shop::client {
class ApiClient;
}  // namespace shop::client

namespace shop::client::ui {

class TableTools;

/// Order history, newest first: of the selected account or of everyone, optionally one status
/// only. Rows change in place from live pushes (never to an older version); an order that is
/// pushed but not shown yet is shown from the frame when it fits the filter (read over REST
/// only when the frame lacks its description or creation time). A page answers for the
/// moment it was read: orders placed or fetched and pushes received while it loaded are applied
/// again over it, so it never drops or undoes them. Sortable by any column (pages and pushes
/// land where the sort puts them), Ctrl+C copies the selected rows, amounts never elided
/// (TableTools); a double-click or "Open details" in the context menu asks for the order's
/// details (orderActivated()).
class OrdersPanel final : public QWidget {
    Q_OBJECT

  public:
    enum class Scope { SelectedAccount, Everyone };

    OrdersPanel(ApiClient* api, NotificationBar* notifications, QWidget* parent = nullptr);

    OrderModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QComboBox* statusFilter() const { return m_status; }
    QLabel* summaryLabel() const { return m_summary; }
    TableTools* tableTools() const { return m_tools; }
    /// "Open details" of the context menu: emits orderActivated() for the current order.
    QAction* openDetailsAction() const { return m_openDetails; }

    /// Adds entries (the window's Refund…, Refunds…) to the table's context menu, below "Open
    /// details" and above "Copy order id".
    void addContextActions(const QList<QAction*>& actions);

    /// The account whose orders are shown in the SelectedAccount scope.
    void setSelectedAccount(const QString& userId);
    void setScope(Scope scope);
    Scope scope() const;
    /// "" for every status, else NEW, FINISHED, CANCELLED or REFUNDED.
    void setStatusFilter(const QString& status);
    QString statusFilterValue() const;

    /// Until activated, filter changes load nothing (the gateway may not be known yet).
    void setActive(bool active);
    /// Loads the first page of the current query again.
    void reload();
    /// Loads the next page, if there is one and the model has room for it (it keeps at most
    /// OrderModel::maxRows(), pushed orders included).
    void loadMore();
    /// A pushed status change: updates the row in place, or, when the order is not shown but
    /// belongs to the current query, shows it from the frame (or fetches it when the frame does
    /// not carry the whole order).
    void applyEvent(const OrderEvent& event);
    /// An order just created here: shown at the top when it belongs to the current query.
    void addCreated(const Order& order);
    /// Shows no order (signed out, another gateway): answers still on their way are dropped.
    void clear();
    /// The order of the current row, if any.
    std::optional<Order> currentOrder() const;

  signals:
    /// A page finished loading (successfully or not).
    void loaded();
    /// The current row moved to another order, or the current order changed (e.g. by a push).
    void currentOrderChanged();
    /// A row was double-clicked, or "Open details" chosen for it (context menu, or Enter).
    void orderActivated(const QString& orderId);

  private:
    OrdersQuery query(const QString& cursor) const;
    bool belongsToQuery(const QString& userId, const QString& status) const;
    /// The first page of the query (replacing the rows) or the next one (adding to them).
    void loadPage(bool first);
    /// Applies a push to the model, letting go of a row it moved out of the query.
    OrderModel::EventOutcome applyToModel(const OrderEvent& event);
    /// Puts `order` in the model, and keeps it over a page still loading.
    void write(const Order& order);
    /// After a page: writes and pushes that came while it loaded, again.
    void replayNewerThanLoad();
    void updateSummary();
    void updateOpenDetails();

    static constexpr int kPageSize = 100;

    ApiClient* m_api;
    NotificationBar* m_notifications;
    /// The one notification of this list not loading: a load that fails again replaces it.
    NotificationBar::ProblemId m_loadProblem;
    OrderModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    TableTools* m_tools;
    QAction* m_openDetails;
    QComboBox* m_scope;
    QComboBox* m_status;
    QLabel* m_summary;
    QPushButton* m_more;
    QString m_selectedAccount;
    int m_generation = 0;
    bool m_loading = false;
    bool m_active = false;
    /// Orders written here (placed, fetched after a push) and pushes received while a page was
    /// loading: that page was read before them, so it must not drop or undo them.
    QList<Order> m_newerThanLoad;
    QHash<QString, OrderEvent> m_pushedDuringLoad;  ///< by order id, the newest push
    QSet<QString> m_fetching;
};

}  // namespace shop::client::ui
