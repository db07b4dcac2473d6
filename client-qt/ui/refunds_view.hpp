#pragma once

#include <QDialog>
#include <QWidget>

#include "core/api_types.hpp"

class QLabel;
class QPushButton;
class QTableView;

namespace shop::client {
class ApiClient;
class RefundModel;
}  // namespace shop::client

namespace shop::client::ui {

/// The refunds of one order (GET /orders/{id}/refunds), oldest first, with a one-line summary
/// and a Reload button. A plain widget, so a dialog of its own (RefundsDialog), the refund
/// dialog and an order's detail view can all hold it.
class RefundsView final : public QWidget {
    Q_OBJECT

  public:
    /// Reads the refunds of `orderId` at once.
    RefundsView(ApiClient* api, const QString& orderId, QWidget* parent = nullptr);

    RefundModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }
    QString orderId() const { return m_orderId; }

    /// Reads the refunds again.
    void reload();
    /// Shows a refund just requested here (until the next reload brings it from the server).
    void addRefund(const Refund& refund);

  signals:
    /// A read finished; `ok` is false when it failed (the reason is shown in the view).
    void loaded(bool ok);

  private:
    void updateSummary();

    ApiClient* m_api;
    QString m_orderId;
    RefundModel* m_model;
    QTableView* m_view;
    QLabel* m_summary;
    QLabel* m_status;
    QPushButton* m_reload;
    int m_generation = 0;
};

/// A window showing one order's refunds (a RefundsView); not modal.
class RefundsDialog final : public QDialog {
    Q_OBJECT

  public:
    RefundsDialog(ApiClient* api, const Order& order, QWidget* parent = nullptr);

    RefundsView* refundsView() const { return m_refunds; }

  private:
    RefundsView* m_refunds;
};

}  // namespace shop::client::ui
