#pragma once

#include <QDialog>
#include <QUrl>
#include <chrono>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace shop::client::ui {

/// The gateway URL and the request timeout. The caller saves them (QSettings) and applies them.
/// A URL without a scheme ("localhost:8080") is taken as http and the dialog shows what it will
/// use; a URL it cannot use disables OK with a message saying why, wrapped, never cut off.
class SettingsDialog final : public QDialog {
    Q_OBJECT

  public:
    /// `note` says what happens with a new URL (applied now, saved for later starts) and when
    /// --gateway or SHOP_GATEWAY_URL decide the URL of later runs.
    SettingsDialog(const QUrl& gatewayUrl, std::chrono::milliseconds timeout, const QString& note,
                   QWidget* parent = nullptr);

    /// The URL as it will be used (with http:// added when no scheme was typed); empty while the
    /// text is not a usable URL.
    QUrl gatewayUrl() const;
    std::chrono::milliseconds timeout() const;

  private:
    void revalidate();

    QLineEdit* m_url;
    QLabel* m_urlError;
    QLabel* m_urlHint;
    QSpinBox* m_timeout;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
