#include "shop/pg/transaction.hpp"

#include <string>
#include <utility>

namespace shop::pg {
namespace {

const char* beginStatement(Isolation isolation) {
    switch (isolation) {
        case Isolation::RepeatableRead:
            return "BEGIN ISOLATION LEVEL REPEATABLE READ";
        case Isolation::Serializable:
            return "BEGIN ISOLATION LEVEL SERIALIZABLE";
        case Isolation::ReadCommitted:
            break;
    }
    return "BEGIN ISOLATION LEVEL READ COMMITTED";
}

}  // namespace

Transaction::Transaction(Connection& conn, Isolation isolation) : m_conn(&conn) {
    refuseToNest();
    m_conn->exec(beginStatement(isolation));
}

Transaction::Transaction(Pool& pool, Isolation isolation)
    : m_lease(pool.acquire()), m_conn(&m_lease->connection()) {
    refuseToNest();
    // A leased connection is this transaction's alone: its BEGIN can wait for the first
    // statement and travel with it (see the class comment).
    m_pendingBegin = beginStatement(isolation);
}

Transaction::~Transaction() {
    rollback();
}

void Transaction::refuseToNest() const {
    // A second BEGIN would only warn, and our ROLLBACK would then end the outer transaction.
    if (m_conn->healthy() && m_conn->inTransaction()) {
        throw Error("the connection is already inside a transaction", "25001");
    }
}

void Transaction::ensureActive() const {
    if (m_state == State::Aborted) {
        throw Error(
            "the transaction is aborted: an earlier statement failed; roll back and start again",
            "25P02");
    }
    if (m_state != State::Active) {
        throw Error("the transaction has already been committed or rolled back");
    }
}

Result Transaction::execParams(std::string_view sql, std::span<const Param> params) {
    ensureActive();
    try {
        if (m_pendingBegin != nullptr) {
            const char* begin = std::exchange(m_pendingBegin, nullptr);
            return m_conn->execPipelined(begin, sql, params, {});
        }
        return m_conn->execParams(sql, params);
    } catch (...) {
        m_state = State::Aborted;
        throw;
    }
}

Result Transaction::execScript(std::string_view sql) {
    ensureActive();
    try {
        if (m_pendingBegin != nullptr) {
            m_conn->exec(std::exchange(m_pendingBegin, nullptr));
        }
        return m_conn->execScript(sql);
    } catch (...) {
        m_state = State::Aborted;
        throw;
    }
}

void Transaction::commit() {
    finish({}, {});
}

Result Transaction::commitWithParams(std::string_view sql, std::span<const Param> params) {
    return finish(sql, params);
}

Result Transaction::finish(std::string_view sql, std::span<const Param> params) {
    if (m_state == State::Aborted) {
        rollback();
        throw Error(
            "cannot commit: an earlier statement failed and the transaction was rolled back",
            "25P02");
    }
    ensureActive();
    if (sql.empty() && m_pendingBegin != nullptr) {
        m_state = State::Committed;  // no statement ran: nothing to commit, no round trip
        runAfterCommit();
        return {};
    }
    const char* begin = std::exchange(m_pendingBegin, nullptr);
    std::string tag;
    Result result;
    bool sent = true;  // a plain COMMIT: as good as sent
    try {
        if (sql.empty()) {
            tag = m_conn->exec("COMMIT").commandTag();
        } else {
            sent = false;
            result = m_conn->execPipelined(begin != nullptr ? begin : "", sql, params, "COMMIT",
                                           &tag, &sent);
        }
    } catch (const ConnectionLost& lost) {
        m_state = State::RolledBack;  // as far as this object is concerned: nothing left to do
        if (!sent) {
            throw;  // lost before the COMMIT could leave (e.g. while preparing): nothing committed
        }
        throw CommitInDoubt(
            std::string("connection lost during COMMIT; the transaction may or may not have "
                        "been committed: ") +
                lost.what(),
            lost.sqlstate());
    } catch (...) {
        // A failed statement leaves the transaction aborted, awaiting ROLLBACK; a failed COMMIT
        // (serialization failure, deferred constraint) ends it.
        m_state = m_conn->inTransaction() ? State::Aborted : State::RolledBack;
        throw;
    }
    m_state = State::Committed;
    if (tag != "COMMIT") {
        // The server answers COMMIT of an aborted transaction with ROLLBACK, not an error.
        throw Error("the server rolled the transaction back instead of committing it", "40000");
    }
    runAfterCommit();
    return result;
}

void Transaction::afterCommit(std::function<void()> action) {
    m_afterCommit.push_back(std::move(action));
}

void Transaction::runAfterCommit() noexcept {
    for (auto& action : m_afterCommit) {
        try {
            action();
        } catch (...) {
            // The commit stands whatever a follow-up does; the action reports its own failures.
        }
    }
    m_afterCommit.clear();
}

void Transaction::rollback() noexcept {
    if (!open()) {
        return;
    }
    m_state = State::RolledBack;
    m_pendingBegin = nullptr;
    if (!m_conn->healthy()) {
        return;  // the server rolls back a transaction whose session ended
    }
    if (!m_conn->inTransaction()) {
        return;  // BEGIN was never sent (or never got through): nothing to roll back
    }
    try {
        m_conn->exec("ROLLBACK");
    } catch (...) {
        // A connection left inside the transaction is closed by the pool, not reused.
    }
}

}  // namespace shop::pg
