#include "ui/form_field.hpp"

#include <QFontMetrics>
#include <QFormLayout>
#include <QLineEdit>
#include <QStyle>
#include <QStyleOptionFrame>
#include <QVBoxLayout>
#include <algorithm>

#include "core/input_validation.hpp"
#include "core/money_text.hpp"

namespace shop::client::ui {
namespace {

// QLineEdit keeps this much room between its contents rectangle and its text on each side.
constexpr int kLineEditTextMargin = 2;

QColor colorOf(FieldMessage::Kind kind, const QPalette& palette) {
    switch (kind) {
        case FieldMessage::Kind::Error:
            return QColor(0xb7, 0x1c, 0x1c);
        case FieldMessage::Kind::Warning:
            return QColor(0x8a, 0x50, 0x00);
        case FieldMessage::Kind::Hint:
            break;
    }
    return palette.color(QPalette::PlaceholderText);
}

}  // namespace

FieldMessage::FieldMessage(QWidget* parent, int lines) : QLabel(parent), m_lines(lines) {
    setWordWrap(true);
    setAlignment(Qt::AlignLeft | Qt::AlignTop);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // As wide as the field above it and never wider; as tall as `lines` lines, always.
    QSizePolicy policy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    policy.setRetainSizeWhenHidden(true);
    setSizePolicy(policy);
    hide();
}

void FieldMessage::setMessage(Kind kind, const QString& text) {
    m_kind = kind;
    QPalette colors = palette();
    colors.setColor(QPalette::WindowText, colorOf(kind, colors));
    setPalette(colors);
    setText(text);
    setVisible(!text.isEmpty());
}

QSize FieldMessage::sizeHint() const {
    const QMargins margins = contentsMargins();
    return {
        0, m_lines * fontMetrics().lineSpacing() + margins.top() + margins.bottom() + 2 * margin()};
}

QSize FieldMessage::minimumSizeHint() const {
    return sizeHint();
}

void addRowWithMessage(QFormLayout* form, const QString& label, QWidget* field,
                       FieldMessage* message) {
    auto* box = new QVBoxLayout;
    box->setContentsMargins(0, 0, 0, 0);
    box->setSpacing(2);
    box->addWidget(field);
    box->addWidget(message);
    // A row's label for a layout has no buddy of its own: without one, "&Reason" shows its "&".
    auto* title = new QLabel(label, field->parentWidget());
    title->setBuddy(field);
    form->addRow(title, box);
}

void reserveTextRoom(QLineEdit* edit, const QString& text) {
    const QString shown = text.isEmpty() ? edit->placeholderText() : text;
    // What the style and the text margins take of the width, measured at the current width.
    QStyleOptionFrame option;
    option.initFrom(edit);
    option.rect = edit->rect();
    option.lineWidth = edit->hasFrame()
                           ? edit->style()->pixelMetric(QStyle::PM_DefaultFrameWidth, &option, edit)
                           : 0;
    const QRect contents =
        edit->style()->subElementRect(QStyle::SE_LineEditContents, &option, edit);
    const QMargins margins = edit->textMargins();
    const int chrome = option.rect.width() - contents.width() + margins.left() + margins.right() +
                       2 * kLineEditTextMargin;
    // One pixel more: the text is drawn from a fractional position.
    const int needed = edit->fontMetrics().horizontalAdvance(shown) + chrome + 1;
    edit->setMinimumWidth(std::max(edit->minimumWidth(), needed));
}

QString moneyShown(const QString& money) {
    const auto minor = moneyMinor(money);
    return minor ? moneyDisplayText(*minor) : money;
}

}  // namespace shop::client::ui
