#include "core/id_search.hpp"

#include <QUuid>

#include "core/api_client.hpp"

namespace shop::client {
namespace {

constexpr int kMinPrefix = 4;
constexpr int kMaxPrefix = 36;

bool isIdCharacter(QChar c) {
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || c == u'-';
}

}  // namespace

FieldCheck checkIdPrefix(const QString& text) {
    const QString prefix = text.trimmed().toLower();
    FieldCheck check;
    if (prefix.isEmpty()) {
        check.error = IdSearch::tr("Type or paste (the start of) an account or order id.");
        return check;
    }
    for (const QChar c : prefix) {
        if (!isIdCharacter(c)) {
            check.error = c.isSpace() ? IdSearch::tr("An id has no spaces inside it.")
                                      : IdSearch::tr(
                                            "An id has only hex digits (0-9, a-f) and "
                                            "dashes; \u201c%1\u201d is neither.")
                                            .arg(c);
            return check;
        }
    }
    if (prefix.size() < kMinPrefix) {
        check.error = IdSearch::tr("Type at least %1 characters of the id (%2 so far).")
                          .arg(kMinPrefix)
                          .arg(prefix.size());
        return check;
    }
    if (prefix.size() > kMaxPrefix) {
        check.error = IdSearch::tr("An id has at most %1 characters; this has %2.")
                          .arg(kMaxPrefix)
                          .arg(prefix.size());
        return check;
    }
    // As the gateway checks it: dashes exactly where 8-4-4-4-12 puts them.
    for (qsizetype i = 0; i < prefix.size(); ++i) {
        const bool dashHere = i == 8 || i == 13 || i == 18 || i == 23;
        if (dashHere != (prefix[i] == u'-')) {
            check.error = dashHere ? IdSearch::tr(
                                         "An id has a dash after its first %1 "
                                         "characters (8-4-4-4-12 digits).")
                                         .arg(i)
                                   : IdSearch::tr(
                                         "An id has dashes only between groups of "
                                         "8-4-4-4-12 digits.");
            return check;
        }
    }
    check.value = prefix;
    return check;
}

bool isWholeId(const QString& prefix) {
    if (prefix.size() != kMaxPrefix) {
        return false;
    }
    const QUuid uuid = QUuid::fromString(prefix);
    return !uuid.isNull() && uuid.toString(QUuid::WithoutBraces) == prefix;
}

IdSearch::IdSearch(ApiClient* api, QObject* parent) : QObject(parent), m_api(api) {}

void IdSearch::cancel() {
    ++m_generation;
    m_pending = 0;
}

void IdSearch::search(const QString& prefix) {
    cancel();
    const int generation = m_generation;
    m_result = IdSearchResult();
    m_result.prefix = prefix;
    m_result.wholeId = isWholeId(prefix);
    m_pending = 2;

    if (m_result.wholeId) {
        // 404 answers "no such id", not a failure: the other request may well find it.
        auto failure = [](const ApiError& error) {
            return error.httpStatus == 404 ? std::nullopt : std::optional<ApiError>(error);
        };
        m_api->getAccount(
            prefix, this, [this, generation, failure](const ApiResult<Account>& result) {
                if (generation != m_generation) {
                    return;
                }
                if (result.ok()) {
                    m_result.accounts = {result.value()};
                }
                settle(generation, result.ok() ? std::nullopt : failure(result.error()));
            });
        m_api->getOrder(prefix, this, [this, generation, failure](const ApiResult<Order>& result) {
            if (generation != m_generation) {
                return;
            }
            if (result.ok()) {
                m_result.orders = {result.value()};
            }
            settle(generation, result.ok() ? std::nullopt : failure(result.error()));
        });
        return;
    }

    AccountsQuery accounts;
    accounts.limit = m_limit;
    accounts.idPrefix = prefix;
    m_api->listAccounts(accounts, this, [this, generation](const ApiResult<Page<Account>>& result) {
        if (generation != m_generation) {
            return;
        }
        if (result.ok()) {
            m_result.accounts = result.value().items;
            m_result.moreAccounts = !result.value().nextCursor.isEmpty();
        }
        settle(generation, result.ok() ? std::nullopt : std::optional(result.error()));
    });
    OrdersQuery orders;
    orders.limit = m_limit;
    orders.idPrefix = prefix;
    m_api->listOrders(orders, this, [this, generation](const ApiResult<Page<Order>>& result) {
        if (generation != m_generation) {
            return;
        }
        if (result.ok()) {
            m_result.orders = result.value().items;
            m_result.moreOrders = !result.value().nextCursor.isEmpty();
        }
        settle(generation, result.ok() ? std::nullopt : std::optional(result.error()));
    });
}

void IdSearch::settle(int generation, const std::optional<ApiError>& error) {
    if (generation != m_generation || m_pending == 0) {
        return;
    }
    if (error && !m_result.error) {
        m_result.error = error;
    }
    if (--m_pending == 0) {
        emit finished(m_result);
    }
}

}  // namespace shop::client
