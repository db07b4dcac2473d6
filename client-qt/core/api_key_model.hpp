#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <optional>

#include "core/api_types.hpp"

namespace shop::client {

/// The API keys of one account, newest first, as GET /accounts/{id}/api-keys lists them: in
/// force or revoked, with their times. Never holds a key's secret.
class ApiKeyModel final : public QAbstractTableModel {
    Q_OBJECT

  public:
    enum Column { KeyIdColumn, StateColumn, CreatedColumn, RevokedColumn, ColumnCount };
    enum Role {
        KeyIdRole = Qt::UserRole + 1,  ///< the key id (QString)
        RevokedRole,                   ///< true once revoked (bool)
    };

    explicit ApiKeyModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// Replaces every row with the listed keys (kept in the order given).
    void reset(const QList<ApiKey>& keys);
    /// Updates the key's row (e.g. now revoked), or adds it first when it is not shown. The
    /// secret is dropped either way.
    void upsert(const ApiKey& key);

    /// The row of a key, or -1.
    int rowOf(const QString& keyId) const;
    /// The key in a row, std::nullopt when out of range.
    std::optional<ApiKey> keyAt(int row) const;
    /// How many keys are in force (not revoked).
    int activeCount() const;

  private:
    QList<ApiKey> m_keys;
};

}  // namespace shop::client
