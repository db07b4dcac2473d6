#include "core/api_key_model.hpp"

#include <algorithm>

#include "core/time_text.hpp"

namespace shop::client {

ApiKeyModel::ApiKeyModel(QObject* parent) : QAbstractTableModel(parent) {}

int ApiKeyModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_keys.size());
}

int ApiKeyModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ApiKeyModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) {
        return {};
    }
    const ApiKey& key = m_keys.at(index.row());
    switch (role) {
        case Qt::DisplayRole:
            switch (index.column()) {
                case KeyIdColumn:
                    return key.keyId;
                case StateColumn:
                    return key.isRevoked() ? tr("Revoked") : tr("Active");
                case CreatedColumn:
                    return shortTimeText(key.createdAt);
                case RevokedColumn:
                    return shortTimeText(key.revokedAt);
                default:
                    return {};
            }
        case Qt::ToolTipRole:
            switch (index.column()) {
                case KeyIdColumn:
                    return key.keyId;
                case StateColumn:
                    return key.isRevoked() ? tr("Revoked: it no longer signs in")
                                           : tr("In force: a script can sign in with it");
                case CreatedColumn:
                    return fullTimeText(key.createdAt);
                case RevokedColumn:
                    return fullTimeText(key.revokedAt);
                default:
                    return {};
            }
        case KeyIdRole:
            return key.keyId;
        case RevokedRole:
            return key.isRevoked();
        default:
            return {};
    }
}

QVariant ApiKeyModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return QAbstractTableModel::headerData(section, orientation, role);
    }
    switch (section) {
        case KeyIdColumn:
            return tr("Key id");
        case StateColumn:
            return tr("State");
        case CreatedColumn:
            return tr("Created");
        case RevokedColumn:
            return tr("Revoked");
        default:
            return {};
    }
}

void ApiKeyModel::reset(const QList<ApiKey>& keys) {
    beginResetModel();
    m_keys.clear();
    for (ApiKey key : keys) {
        key.apiKey.clear();
        m_keys.append(std::move(key));
    }
    endResetModel();
}

void ApiKeyModel::upsert(const ApiKey& key) {
    ApiKey kept = key;
    kept.apiKey.clear();
    const int row = rowOf(key.keyId);
    if (row < 0) {
        beginInsertRows({}, 0, 0);
        m_keys.prepend(std::move(kept));
        endInsertRows();
        return;
    }
    m_keys[row] = std::move(kept);
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

int ApiKeyModel::rowOf(const QString& keyId) const {
    for (qsizetype i = 0; i < m_keys.size(); ++i) {
        if (m_keys.at(i).keyId == keyId) {
            return static_cast<int>(i);
        }
    }
    return -1;
}

std::optional<ApiKey> ApiKeyModel::keyAt(int row) const {
    if (row < 0 || row >= m_keys.size()) {
        return std::nullopt;
    }
    return m_keys.at(row);
}

int ApiKeyModel::activeCount() const {
    return static_cast<int>(std::count_if(m_keys.begin(), m_keys.end(),
                                          [](const ApiKey& k) { return !k.isRevoked(); }));
}

}  // namespace shop::client
