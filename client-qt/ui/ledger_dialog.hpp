#pragma once

#include <QDialog>
#include <functional>

class QLabel;
class QPushButton;
class QTableView;

namespace shop::client {
class ApiClient;
class LedgerModel;
struct ApiError;
}  // namespace shop::client

namespace shop::client::ui {

/// An account's history: its ledger entries newest first (GET /accounts/{id}/ledger, paged with
/// "Load more"), each with the balance after it, walked back from the account's current balance
/// (read with GET /accounts/{id} just before the first page). "Export CSV…" reads every page
/// still on the server, then writes all entries to a file. Not modal.
class LedgerDialog final : public QDialog {
    Q_OBJECT

  public:
    /// Reads the account and the first page at once.
    LedgerDialog(ApiClient* api, const QString& userId, QWidget* parent = nullptr);

    LedgerModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QString userId() const { return m_userId; }

    /// Reads the balance and the first page again.
    void reload();
    /// Reads the next page, if there is one.
    void loadMore();
    /// Reads every page still on the server, then writes every entry to `path` as CSV
    /// (LedgerModel::toCsv()); ends with exported(), at once with `ok` false while a read is
    /// still in progress.
    void exportCsv(const QString& path);

  signals:
    /// A read finished (the balance with the first page, or a further page); `ok` is false when
    /// it failed.
    void loaded(bool ok);
    /// An export finished; `ok` is false when a page could not be read or the file not written.
    void exported(const QString& path, bool ok);

  private:
    void loadPage(bool first, std::function<void(bool)> then);
    void loadRemaining(std::function<void(bool)> then);
    void showError(const QString& what, const ApiError& error);
    void showStatus(const QString& text);
    void updateControls();

    static constexpr int kPageSize = 100;

    ApiClient* m_api;
    QString m_userId;
    LedgerModel* m_model;
    QTableView* m_view;
    QLabel* m_summary;
    QLabel* m_status;
    QPushButton* m_more;
    QPushButton* m_reload;
    QPushButton* m_export;
    int m_generation = 0;
    bool m_busy = false;
};

}  // namespace shop::client::ui
