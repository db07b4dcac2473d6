#pragma once

#include <QDialog>

#include "core/requests.hpp"

class QDialogButtonBox;

namespace shop::client::ui {

class AmountField;

/// Collects a top-up of one account: an amount > 0, checked inline.
class TopUpDialog final : public QDialog {
    Q_OBJECT

  public:
    TopUpDialog(const QString& userId, const QString& balance, QWidget* parent = nullptr);

    /// The request to send, with a new Idempotency-Key; only meaningful once accepted.
    TopUpRequest request() const;

  private:
    QString m_userId;
    AmountField* m_amount;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
