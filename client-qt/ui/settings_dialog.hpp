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
class SettingsDialog final : public QDialog {
    Q_OBJECT

  public:
    /// `overrideNote` says when --gateway or SHOP_GATEWAY_URL decides the URL of this run.
    SettingsDialog(const QUrl& gatewayUrl, std::chrono::milliseconds timeout,
                   const QString& overrideNote, QWidget* parent = nullptr);

    QUrl gatewayUrl() const;
    std::chrono::milliseconds timeout() const;

  private:
    void revalidate();

    QLineEdit* m_url;
    QLabel* m_urlError;
    QSpinBox* m_timeout;
    QDialogButtonBox* m_buttons;
};

}  // namespace shop::client::ui
