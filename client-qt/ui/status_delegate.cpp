#include "ui/status_delegate.hpp"

#include <QApplication>
#include <QPainter>
#include <QPainterPath>

namespace shop::client::ui {

StatusLook statusLook(const QString& status) {
    if (status == QLatin1StringView("FINISHED")) {
        return {QColor(0xd8, 0xf3, 0xdc), QColor(0x1b, 0x5e, 0x20), QStringLiteral("\u2714")};
    }
    if (status == QLatin1StringView("CANCELLED")) {
        return {QColor(0xfd, 0xde, 0xde), QColor(0xb7, 0x1c, 0x1c), QStringLiteral("\u2716")};
    }
    if (status == QLatin1StringView("REFUNDED")) {
        return {QColor(0xe3, 0xf2, 0xfd), QColor(0x0d, 0x47, 0xa1), QStringLiteral("\u21ba")};
    }
    if (status == QLatin1StringView("NEW")) {
        return {QColor(0xff, 0xf1, 0xc2), QColor(0x8a, 0x5a, 0x00), QStringLiteral("\u25cf")};
    }
    return {QColor(0xee, 0xee, 0xee), QColor(0x42, 0x42, 0x42), QStringLiteral("?")};
}

void StatusDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const {
    QStyleOptionViewItem base = option;
    initStyleOption(&base, index);
    const QString status = base.text;
    base.text.clear();
    // The selection and focus background, drawn by the style as for any cell.
    const QWidget* widget = option.widget;
    QStyle* style = widget != nullptr ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &base, painter, widget);
    if (status.isEmpty()) {
        return;
    }

    const StatusLook look = statusLook(status);
    const QString label = look.symbol + u' ' + status;
    QFont font = option.font;
    font.setBold(true);
    const QFontMetrics metrics(font);
    const int padding = 6;
    const int width = metrics.horizontalAdvance(label) + 2 * padding;
    const int height = std::min(option.rect.height() - 4, metrics.height() + 4);
    const QRect pill(option.rect.left() + 4, option.rect.center().y() - height / 2, width, height);

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    QPainterPath path;
    path.addRoundedRect(QRectF(pill), height / 2.0, height / 2.0);
    painter->fillPath(path, look.background);
    painter->setPen(look.foreground);
    painter->drawPath(path);
    painter->setFont(font);
    painter->drawText(pill, Qt::AlignCenter, label);
    painter->restore();
}

QSize StatusDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    QFont font = option.font;
    font.setBold(true);
    const QFontMetrics metrics(font);
    const QString label = QStringLiteral("\u2716 ") + index.data().toString();
    size.setWidth(std::max(size.width(), metrics.horizontalAdvance(label) + 20));
    size.setHeight(std::max(size.height(), metrics.height() + 8));
    return size;
}

}  // namespace shop::client::ui
