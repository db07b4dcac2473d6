#pragma once

#include <QSet>
#include <QWidget>
#include <optional>

#include "core/api_types.hpp"
#include "ui/notification_bar.hpp"

class QAction;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace shop::client {
class AccountModel;
class ApiClient;
}  // namespace shop::client

namespace shop::client::ui {

class TableTools;

/// All accounts with their balances, newest first as GET /accounts pages them ("Load more"
/// fetches older ones). Sortable by any column, Ctrl+C copies the selected rows, balances never
/// elided (TableTools). Failures go to the NotificationBar with a retry. (An account that is not
/// loaded is found on the server with the main window's SearchBox.)
class AccountsPanel final : public QWidget {
    Q_OBJECT

  public:
    AccountsPanel(ApiClient* api, NotificationBar* notifications, QWidget* parent = nullptr);

    AccountModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QLabel* summaryLabel() const { return m_summary; }
    TableTools* tableTools() const { return m_tools; }

    /// Adds entries (the window's Top up, New order, …) to the table's context menu, above
    /// "Copy user id".
    void addContextActions(const QList<QAction*>& actions);

    /// Loads the first page again (the selection is kept when the account is still there).
    void reload();
    /// Loads the next page, if there is one.
    void loadMore();
    /// Re-reads one account (GET /accounts/{id}) if it is shown, e.g. after its order was paid.
    void refreshAccount(const QString& userId);
    /// Shows a new or changed account and, with `select`, selects it.
    void upsert(const Account& account, bool select);
    /// Shows no account (signed out, another gateway): answers still on their way are dropped,
    /// and currentAccountChanged("") is emitted if one was selected.
    void clear();

    /// The selected account, if any.
    std::optional<Account> currentAccount() const;

  signals:
    /// The selection changed; `userId` is empty when nothing is selected.
    void currentAccountChanged(const QString& userId);
    /// A page finished loading (successfully or not).
    void loaded();

  private:
    void loadPage(const QString& cursor);
    void selectUserId(const QString& userId);
    /// Puts `account` in the model, and keeps it over a first page still loading.
    void write(const Account& account);
    void updateSummary();

    static constexpr int kPageSize = 100;

    ApiClient* m_api;
    NotificationBar* m_notifications;
    /// The one notification of this list not loading: a load that fails again replaces it.
    NotificationBar::ProblemId m_loadProblem;
    AccountModel* m_model;
    QSortFilterProxyModel* m_proxy;
    QTableView* m_view;
    TableTools* m_tools;
    QLabel* m_summary;
    QPushButton* m_more;
    QString m_nextCursor;
    QString m_lastSelected;
    int m_generation = 0;
    bool m_loading = false;
    /// Accounts written here (made, topped up, refreshed) while a first page was loading: that
    /// page was read before them, so it must not drop or undo them.
    QList<Account> m_newerThanLoad;
    QSet<QString> m_refreshing;
};

}  // namespace shop::client::ui
