#pragma once

#include <QStyledItemDelegate>

namespace shop::client::ui {

/// Draws a cell's full text (a whole id, a date with its time) when the column is wide enough,
/// and the model's CompactTextRole (core/table_roles.hpp: "3f2a6c1e…", "14:03:27") when it is
/// not, instead of cutting the full text at the end. Cells without a compact text are drawn as
/// usual.
class CompactTextDelegate final : public QStyledItemDelegate {
    Q_OBJECT

  public:
    using QStyledItemDelegate::QStyledItemDelegate;

    /// The width a cell needs to show `text` in `widget`'s font without eliding it.
    static int textWidth(const QWidget* widget, const QString& text);
    /// What a cell of `index` in `widget` shows in `cellWidth` pixels: its display text when it
    /// fits, else its CompactTextRole when it has one, else its display text (elided).
    static QString shownText(const QWidget* widget, const QModelIndex& index, int cellWidth);

  protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

}  // namespace shop::client::ui
