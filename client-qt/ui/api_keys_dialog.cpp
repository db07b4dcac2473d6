#include "ui/api_keys_dialog.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include "core/api_client.hpp"
#include "core/api_key_model.hpp"

namespace shop::client::ui {

ApiKeysDialog::ApiKeysDialog(ApiClient* api, const QString& userId, QWidget* parent)
    : QDialog(parent),
      m_api(api),
      m_userId(userId),
      m_model(new ApiKeyModel(this)),
      m_view(new QTableView(this)),
      m_create(new QPushButton(tr("&Create API key"), this)),
      m_newKey(new QLineEdit(this)),
      m_copy(new QPushButton(tr("Cop&y"), this)),
      m_newKeyNote(new QLabel(this)),
      m_reload(new QPushButton(tr("Re&load"), this)),
      m_revoke(new QPushButton(tr("&Revoke selected…"), this)),
      m_summary(new QLabel(this)),
      m_status(new QLabel(this)) {
    setObjectName(QStringLiteral("apiKeysDialog"));
    setWindowTitle(tr("API keys of %1").arg(userId));
    setMinimumWidth(760);

    m_create->setObjectName(QStringLiteral("createApiKey"));
    m_newKey->setObjectName(QStringLiteral("newApiKey"));
    m_newKey->setReadOnly(true);
    m_newKey->setPlaceholderText(tr("a new key appears here, once"));
    m_copy->setObjectName(QStringLiteral("copyApiKey"));
    m_copy->setEnabled(false);
    m_newKeyNote->setWordWrap(true);
    m_newKeyNote->setText(
        tr("The key is shown only now: the gateway stores only a hash of it. Give it to the "
           "script that acts for this account; it signs in with POST /auth/token {\"api_key\"}."));

    m_view->setObjectName(QStringLiteral("apiKeysView"));
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setSectionResizeMode(ApiKeyModel::KeyIdColumn,
                                                     QHeaderView::Stretch);
    m_view->setColumnWidth(ApiKeyModel::StateColumn, 80);
    m_view->setColumnWidth(ApiKeyModel::CreatedColumn, 130);
    m_view->setColumnWidth(ApiKeyModel::RevokedColumn, 130);
    m_reload->setObjectName(QStringLiteral("reloadApiKeys"));
    m_revoke->setObjectName(QStringLiteral("revokeApiKey"));
    m_summary->setObjectName(QStringLiteral("apiKeysSummary"));
    m_status->setObjectName(QStringLiteral("apiKeysStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* createBox = new QGroupBox(tr("New key"), this);
    auto* createLayout = new QVBoxLayout(createBox);
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_create);
    keyRow->addWidget(m_newKey, 1);
    keyRow->addWidget(m_copy);
    createLayout->addLayout(keyRow);
    createLayout->addWidget(m_newKeyNote);

    auto* listBox = new QGroupBox(tr("Keys of this account"), this);
    auto* listLayout = new QVBoxLayout(listBox);
    listLayout->addWidget(m_view, 1);
    auto* listRow = new QHBoxLayout;
    listRow->addWidget(m_summary, 1);
    listRow->addWidget(m_reload);
    listRow->addWidget(m_revoke);
    listLayout->addLayout(listRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createBox);
    layout->addWidget(listBox, 1);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_create, &QPushButton::clicked, this, &ApiKeysDialog::create);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_newKey->text()); });
    connect(m_reload, &QPushButton::clicked, this, &ApiKeysDialog::reload);
    connect(m_revoke, &QPushButton::clicked, this, &ApiKeysDialog::revokeSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ApiKeysDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ApiKeysDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ApiKeysDialog::updateButtons);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ApiKeysDialog::updateButtons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateButtons();
    reload();
}

void ApiKeysDialog::reload() {
    m_reload->setEnabled(false);
    showStatus(tr("Reading the keys…"));
    m_api->listApiKeys(m_userId, this, [this](const ApiResult<QList<ApiKey>>& result) {
        m_reload->setEnabled(true);
        if (!result.ok()) {
            showError(tr("Reading the keys failed:"), result.error());
            emit loaded();
            return;
        }
        const QString selected = selectedKeyId();
        m_model->reset(result.value());
        const int row = m_model->rowOf(selected);
        if (row >= 0) {
            m_view->selectRow(row);
        }
        showStatus(QString());
        emit loaded();
    });
}

void ApiKeysDialog::create() {
    m_busy = true;
    updateButtons();
    showStatus(tr("Creating a key…"));
    m_api->createApiKey(m_userId, this, [this](const ApiResult<ApiKey>& result) {
        m_busy = false;
        updateButtons();
        if (!result.ok()) {
            showError(tr("Creating the key failed:"), result.error());
            return;
        }
        const ApiKey& key = result.value();
        m_newKey->setText(key.apiKey);
        m_shownKeyId = key.keyId;
        m_newKey->setFocus();
        m_newKey->selectAll();
        m_copy->setEnabled(true);
        m_model->upsert(key);
        m_view->selectRow(m_model->rowOf(key.keyId));
        showStatus(tr("Key %1 created. Copy it now: it is not shown again.").arg(key.keyId));
    });
}

void ApiKeysDialog::revokeSelected() {
    const QString keyId = selectedKeyId();
    const auto key = m_model->keyAt(m_model->rowOf(keyId));
    if (!key || key->isRevoked() || m_busy) {
        return;
    }
    auto* confirm = new QMessageBox(
        QMessageBox::Warning, tr("Revoke API key"),
        tr("Revoke key %1?\n\nScripts that sign in with it are refused from now on; this "
           "cannot be undone.")
            .arg(keyId),
        QMessageBox::Cancel, this);
    confirm->setObjectName(QStringLiteral("revokeConfirm"));
    QPushButton* yes = confirm->addButton(tr("Revoke"), QMessageBox::DestructiveRole);
    yes->setObjectName(QStringLiteral("revokeConfirmButton"));
    confirm->setDefaultButton(QMessageBox::Cancel);
    confirm->setAttribute(Qt::WA_DeleteOnClose);
    connect(confirm, &QMessageBox::buttonClicked, this, [this, yes, keyId](QAbstractButton* b) {
        if (b == yes) {
            revoke(keyId);
        }
    });
    confirm->open();
}

void ApiKeysDialog::revoke(const QString& keyId) {
    m_busy = true;
    updateButtons();
    showStatus(tr("Revoking %1…").arg(keyId));
    m_api->revokeApiKey(m_userId, keyId, this, [this, keyId](const ApiResult<ApiKey>& result) {
        m_busy = false;
        updateButtons();
        if (!result.ok()) {
            showError(tr("Revoking %1 failed:").arg(keyId), result.error());
            return;
        }
        m_model->upsert(result.value());
        if (keyId == m_shownKeyId) {
            // No point in copying a key that no longer signs in.
            m_newKey->clear();
            m_copy->setEnabled(false);
            m_shownKeyId.clear();
        }
        showStatus(tr("Key %1 revoked: it no longer signs in.").arg(keyId));
    });
}

QString ApiKeysDialog::selectedKeyId() const {
    // The selection, not the current index: a view that gets the focus makes its first row
    // current without selecting it, and "Revoke selected" must not act on a row not shown
    // as selected.
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(ApiKeyModel::KeyIdRole).toString();
}

void ApiKeysDialog::updateButtons() {
    const auto key = m_model->keyAt(m_model->rowOf(selectedKeyId()));
    m_create->setEnabled(!m_busy);
    m_revoke->setEnabled(!m_busy && key && !key->isRevoked());
    const int count = m_model->rowCount();
    m_summary->setText(
        count == 0 ? tr("No keys yet.")
                   : tr("%n key(s), %1 in force", nullptr, count).arg(m_model->activeCount()));
}

void ApiKeysDialog::showError(const QString& what, const ApiError& error) {
    m_status->setStyleSheet(QStringLiteral("color: #b71c1c;"));
    m_status->setText(what + u' ' + error.describe());
}

void ApiKeysDialog::showStatus(const QString& text) {
    m_status->setStyleSheet(QString());
    m_status->setText(text);
}

}  // namespace shop::client::ui
