#pragma once

#include <QDialog>
#include <optional>

#include "core/api_types.hpp"
#include "core/requests.hpp"

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace shop::client {
class ApiClient;
struct ApiError;
}  // namespace shop::client

namespace shop::client::ui {

class AmountField;
class FieldMessage;
class RefundsView;

/// Refunds (part of) a FINISHED order: the amount, prefilled with what is still refundable and
/// checked against it while typing, and an optional reason (at most 200 characters). The
/// refundable remainder is the order's amount less its refunds, read with GET
/// /orders/{id}/refunds (listed below the form); until they are in, less its refunded amount.
///
/// The dialog sends the request itself and stays open on a failure, showing it. Sending again
/// after a failure that may not have reached the server (no answer, 409 in flight, 429, 5xx)
/// with the same amount and reason resends the very same request, Idempotency-Key included, so
/// the order is refunded once; any other refund gets a new key. Closes once a refund is accepted.
class RefundDialog final : public QDialog {
    Q_OBJECT

  public:
    RefundDialog(ApiClient* api, const Order& order, QWidget* parent = nullptr);

    RefundsView* refundsView() const { return m_refunds; }
    /// The request the next send would make (its key reused when it retries the last one).
    RefundRequest pendingRequest() const;

    /// Sends the refund in the fields (the Refund button).
    void submit();

  signals:
    /// The gateway accepted the refund (202, PENDING); the dialog closes next.
    void refundRequested(const shop::client::Refund& refund);

  private:
    void applyRemainder(const QString& remainder);
    void showFailure(const ApiError& error);
    void updateButtons();

    ApiClient* m_api;
    Order m_order;
    AmountField* m_amount;
    QLineEdit* m_reason;
    FieldMessage* m_reasonError;
    QLabel* m_refundable;
    QLabel* m_error;
    RefundsView* m_refunds;
    QDialogButtonBox* m_buttons;
    /// The last request sent that failed in a way a retry may fix: sent again as is.
    std::optional<RefundRequest> m_retryable;
    bool m_amountEdited = false;
    bool m_busy = false;
};

}  // namespace shop::client::ui
