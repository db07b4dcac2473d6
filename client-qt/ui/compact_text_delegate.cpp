#include "ui/compact_text_delegate.hpp"

#include <QApplication>
#include <QStyle>
#include <cmath>

#include "core/table_roles.hpp"

namespace shop::client::ui {
namespace {

int textMargins(const QWidget* widget) {
    const QStyle* style = widget != nullptr ? widget->style() : QApplication::style();
    // As QCommonStyle pads an item view's text: the focus frame margin plus one, each side.
    return 2 * (style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, widget) + 1);
}

}  // namespace

int CompactTextDelegate::textWidth(const QWidget* widget, const QString& text) {
    const QFontMetricsF metrics(widget != nullptr ? widget->font() : QApplication::font());
    // The style elides when the text's natural width, a fraction, exceeds the whole pixels left
    // between the margins; a table's grid line takes one more pixel of the column.
    constexpr int kGridLine = 1;
    return static_cast<int>(std::ceil(metrics.horizontalAdvance(text))) + textMargins(widget) +
           kGridLine;
}

QString CompactTextDelegate::shownText(const QWidget* widget, const QModelIndex& index,
                                       int cellWidth) {
    const QString text = index.data().toString();
    if (text.isEmpty() || textWidth(widget, text) <= cellWidth) {
        return text;
    }
    const QString compact = index.data(CompactTextRole).toString();
    return compact.isEmpty() ? text : compact;
}

void CompactTextDelegate::initStyleOption(QStyleOptionViewItem* option,
                                          const QModelIndex& index) const {
    QStyledItemDelegate::initStyleOption(option, index);
    // No rect when asked for a size hint: the full text decides the width wanted.
    if (option->rect.width() <= 0 || option->text.isEmpty()) {
        return;
    }
    option->text = shownText(option->widget, index, option->rect.width());
}

}  // namespace shop::client::ui
