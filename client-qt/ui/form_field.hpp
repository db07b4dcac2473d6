#pragma once

#include <QLabel>

class QFormLayout;
class QLineEdit;

namespace shop::client::ui {

/// The message line under an input of a dialog's form: what is wrong with the input (an error,
/// red), what to mind about it (a warning, amber) or what it still needs (a hint, grey), so that
/// an OK button is never disabled without saying why.
///
/// The line keeps its room, `lines` lines tall, whether it shows a message or not (it is hidden
/// while empty), and wraps its text within the width the layout gives it instead of widening
/// the dialog: a message coming or going moves and resizes nothing.
class FieldMessage final : public QLabel {
    Q_OBJECT

  public:
    enum class Kind { Hint, Warning, Error };

    explicit FieldMessage(QWidget* parent = nullptr, int lines = 2);

    /// Shows `text` as `kind`; an empty `text` hides the line, its room kept.
    void setMessage(Kind kind, const QString& text);
    void clearMessage() { setMessage(Kind::Hint, QString()); }
    Kind kind() const { return m_kind; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return false; }

  private:
    int m_lines;
    Kind m_kind = Kind::Hint;
};

/// Adds a row to `form`: `label`, whose mnemonic moves the focus to `field`, and `field` with
/// `message` right under it.
void addRowWithMessage(QFormLayout* form, const QString& label, QWidget* field,
                       FieldMessage* message);

/// Makes `edit` at least wide enough to show all of `text` (when empty, its placeholder text)
/// in the current style and font.
void reserveTextRoom(QLineEdit* edit, const QString& text = QString());

/// Money text as the dialogs show it: the API's "1234.5" read exactly and shown as
/// moneyDisplayText shows money ("1,234.50" in en_US); a text that is not money as it is.
QString moneyShown(const QString& money);

}  // namespace shop::client::ui
