#include "ui/api_keys_dialog.hpp"

#include <QApplication>
#include <QClipboard>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include "core/api_client.hpp"

namespace shop::client::ui {

ApiKeysDialog::ApiKeysDialog(ApiClient* api, const QString& userId, QWidget* parent)
    : QDialog(parent),
      m_api(api),
      m_userId(userId),
      m_create(new QPushButton(tr("&Create API key"), this)),
      m_newKey(new QLineEdit(this)),
      m_copy(new QPushButton(tr("Cop&y"), this)),
      m_newKeyNote(new QLabel(this)),
      m_keys(new QTableWidget(0, 3, this)),
      m_revokeId(new QLineEdit(this)),
      m_status(new QLabel(this)) {
    setObjectName(QStringLiteral("apiKeysDialog"));
    setWindowTitle(tr("API keys of %1").arg(userId));
    setMinimumWidth(560);

    m_newKey->setObjectName(QStringLiteral("newApiKey"));
    m_newKey->setReadOnly(true);
    m_newKey->setPlaceholderText(tr("a new key appears here, once"));
    m_copy->setEnabled(false);
    m_newKeyNote->setWordWrap(true);
    m_newKeyNote->setText(
        tr("The key is shown only now: the gateway stores only a hash of it. Give it to the "
           "script that acts for this account; it signs in with POST /auth/token {\"api_key\"}."));
    m_keys->setObjectName(QStringLiteral("apiKeysTable"));
    m_keys->setHorizontalHeaderLabels({tr("Key id"), tr("Created"), QString()});
    m_keys->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_keys->verticalHeader()->hide();
    m_keys->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_revokeId->setPlaceholderText(tr("key id"));
    m_status->setObjectName(QStringLiteral("apiKeysStatus"));
    m_status->setWordWrap(true);

    auto* createBox = new QGroupBox(tr("New key"), this);
    auto* createLayout = new QVBoxLayout(createBox);
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_create);
    keyRow->addWidget(m_newKey, 1);
    keyRow->addWidget(m_copy);
    createLayout->addLayout(keyRow);
    createLayout->addWidget(m_newKeyNote);

    auto* revokeBox = new QGroupBox(tr("Revoke"), this);
    auto* revokeLayout = new QVBoxLayout(revokeBox);
    revokeLayout->addWidget(m_keys);
    auto* revokeRow = new QHBoxLayout;
    auto* revokeButton = new QPushButton(tr("&Revoke key id"), this);
    revokeRow->addWidget(m_revokeId, 1);
    revokeRow->addWidget(revokeButton);
    revokeLayout->addLayout(revokeRow);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(createBox);
    layout->addWidget(revokeBox);
    layout->addWidget(m_status);
    layout->addWidget(buttons);

    connect(m_create, &QPushButton::clicked, this, &ApiKeysDialog::create);
    connect(m_copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_newKey->text()); });
    connect(revokeButton, &QPushButton::clicked, this, [this] {
        if (!m_revokeId->text().trimmed().isEmpty()) {
            revoke(m_revokeId->text().trimmed());
        }
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

void ApiKeysDialog::create() {
    m_create->setEnabled(false);
    m_status->setText(tr("Creating…"));
    m_api->createApiKey(m_userId, this, [this](const ApiResult<ApiKey>& result) {
        m_create->setEnabled(true);
        if (!result.ok()) {
            showError(tr("Creating the key failed:"), result.error());
            return;
        }
        const ApiKey& key = result.value();
        m_newKey->setText(key.apiKey);
        m_newKey->selectAll();
        m_copy->setEnabled(true);
        m_status->setText(tr("Key %1 created.").arg(key.keyId));
        const int row = m_keys->rowCount();
        m_keys->insertRow(row);
        m_keys->setItem(row, 0, new QTableWidgetItem(key.keyId));
        m_keys->setItem(row, 1,
                        new QTableWidgetItem(key.createdAt.toLocalTime().toString(Qt::ISODate)));
        auto* revokeButton = new QPushButton(tr("Revoke"), m_keys);
        const QString keyId = key.keyId;
        connect(revokeButton, &QPushButton::clicked, this, [this, keyId] { revoke(keyId); });
        m_keys->setCellWidget(row, 2, revokeButton);
    });
}

void ApiKeysDialog::revoke(const QString& keyId) {
    m_status->setText(tr("Revoking %1…").arg(keyId));
    m_api->revokeApiKey(m_userId, keyId, this, [this, keyId](const ApiResult<Done>& result) {
        if (!result.ok()) {
            showError(tr("Revoking %1 failed:").arg(keyId), result.error());
            return;
        }
        m_status->setText(tr("Key %1 revoked: it no longer signs in.").arg(keyId));
        for (int row = 0; row < m_keys->rowCount(); ++row) {
            if (m_keys->item(row, 0)->text() == keyId) {
                m_keys->removeRow(row);
                break;
            }
        }
        if (m_revokeId->text().trimmed() == keyId) {
            m_revokeId->clear();
        }
    });
}

void ApiKeysDialog::showError(const QString& what, const ApiError& error) {
    QString text = what + u' ' + error.describe();
    if (error.httpStatus == 404 && error.code == QLatin1StringView("NOT_FOUND") &&
        error.message.contains(QLatin1StringView("endpoint"))) {
        text += u'\n' + tr("This gateway has no API keys yet.");
    }
    m_status->setText(text);
}

}  // namespace shop::client::ui
