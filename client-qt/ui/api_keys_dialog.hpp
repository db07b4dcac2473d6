#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace shop::client {
class ApiClient;
struct ApiError;
}  // namespace shop::client

namespace shop::client::ui {

/// The operator creates and revokes API keys of one account (scripts acting for that account).
/// A new key is shown once, with a copy button; keys created here are listed for revoking, and
/// any key can be revoked by its id. Not modal: the main window stays usable.
class ApiKeysDialog final : public QDialog {
    Q_OBJECT

  public:
    ApiKeysDialog(ApiClient* api, const QString& userId, QWidget* parent = nullptr);

  private:
    void create();
    void revoke(const QString& keyId);
    void showError(const QString& what, const ApiError& error);

    ApiClient* m_api;
    QString m_userId;
    QPushButton* m_create;
    QLineEdit* m_newKey;
    QPushButton* m_copy;
    QLabel* m_newKeyNote;
    QTableWidget* m_keys;
    QLineEdit* m_revokeId;
    QLabel* m_status;
};

}  // namespace shop::client::ui
