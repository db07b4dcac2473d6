#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace shop::client {
class ApiClient;
class ApiKeyModel;
struct ApiError;
}  // namespace shop::client

namespace shop::client::ui {

/// The operator's view of one account's API keys (scripts acting for that account): every key
/// with its created and revoked times, read from the gateway when the dialog opens; a new key is
/// created with its secret shown once (with a copy button); the selected key is revoked after a
/// confirmation. Not modal: the main window stays usable.
class ApiKeysDialog final : public QDialog {
    Q_OBJECT

  public:
    ApiKeysDialog(ApiClient* api, const QString& userId, QWidget* parent = nullptr);

    ApiKeyModel* model() const { return m_model; }
    QTableView* view() const { return m_view; }

    /// Reads the account's keys again.
    void reload();
    /// Creates a key; its secret appears in the "new key" field.
    void create();
    /// Asks for confirmation, then revokes the selected key (when it is in force).
    void revokeSelected();

  signals:
    /// The list was read (or reading it failed); for tests and the status line.
    void loaded();

  private:
    void revoke(const QString& keyId);
    void showError(const QString& what, const ApiError& error);
    void showStatus(const QString& text);
    void updateButtons();
    QString selectedKeyId() const;

    ApiClient* m_api;
    QString m_userId;
    ApiKeyModel* m_model;
    QTableView* m_view;
    QPushButton* m_create;
    QLineEdit* m_newKey;
    QPushButton* m_copy;
    QLabel* m_newKeyNote;
    QPushButton* m_reload;
    QPushButton* m_revoke;
    QLabel* m_summary;
    QLabel* m_status;
    QString m_shownKeyId;  ///< the key whose secret is in m_newKey
    bool m_busy = false;
};

}  // namespace shop::client::ui
