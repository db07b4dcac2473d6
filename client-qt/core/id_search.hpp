#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <optional>

#include "core/api_error.hpp"
#include "core/api_types.hpp"
#include "core/input_validation.hpp"

namespace shop::client {

class ApiClient;

/// An id, or the start of one, typed or pasted to find an account or an order: surrounding
/// whitespace is trimmed, and what is left must be 4..36 hex digits and dashes (CONTRACT
/// section 2, `id_prefix`). `value` is the prefix to send, in lowercase; `error` says what is
/// wrong in words for people.
FieldCheck checkIdPrefix(const QString& text);

/// Whether `prefix` (a value checkIdPrefix accepted) is a whole id: a canonical UUID.
bool isWholeId(const QString& prefix);

/// What one search found. For a whole id, the account and the order with exactly that id (each
/// absent when the gateway answered 404); for a prefix, those whose id starts with it, newest
/// first, at most IdSearch::limit() of each.
struct IdSearchResult {
    QString prefix;  ///< what was searched for (checked, lowercase)
    bool wholeId = false;
    QList<Account> accounts;
    QList<Order> orders;
    bool moreAccounts = false;  ///< the server has further accounts with this prefix
    bool moreOrders = false;    ///< the server has further orders with this prefix
    /// The first failure of the two requests (a 404 for a whole id is not one); what the other
    /// found is still reported.
    std::optional<ApiError> error;

    bool isEmpty() const { return accounts.isEmpty() && orders.isEmpty(); }
};

/// Looks an id prefix up on the server: GET /accounts?id_prefix= and GET /orders?id_prefix= at
/// once, or for a whole id GET /accounts/{id} and GET /orders/{id}. A new search drops the
/// one under way (its answers are ignored), so finished() only ever reports the latest search.
class IdSearch final : public QObject {
    Q_OBJECT

  public:
    /// Works on `api` (not owned; it must outlive this object).
    explicit IdSearch(ApiClient* api, QObject* parent = nullptr);

    /// How many accounts and how many orders a prefix search lists (default 8).
    void setLimit(int limit) { m_limit = limit; }
    int limit() const { return m_limit; }

    /// Searches for `prefix`, a value checkIdPrefix() accepted.
    void search(const QString& prefix);
    /// Drops the search under way, if any: finished() is not emitted for it.
    void cancel();
    /// Whether a search is under way.
    bool isBusy() const { return m_pending > 0; }

  signals:
    /// The latest search is complete.
    void finished(const shop::client::IdSearchResult& result);

  private:
    void settle(int generation, const std::optional<ApiError>& error);

    ApiClient* m_api;
    int m_limit = 8;
    int m_generation = 0;
    int m_pending = 0;
    IdSearchResult m_result;
};

}  // namespace shop::client
