#pragma once

#include <QColor>
#include <QStyledItemDelegate>

namespace shop::client::ui {

/// How an order status looks: a colour and a symbol, always next to the status word, so the
/// status reads without colour too.
struct StatusLook {
    QColor background;
    QColor foreground;
    QString symbol;
};

/// The look of a wire status ("NEW", "FINISHED", "CANCELLED", "REFUNDED"; anything else is
/// neutral).
StatusLook statusLook(const QString& status);

/// Paints a status cell as a coloured pill holding the symbol and the status word.
class StatusDelegate final : public QStyledItemDelegate {
    Q_OBJECT

  public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

}  // namespace shop::client::ui
