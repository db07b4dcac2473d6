#pragma once

#include <optional>
#include <stdexcept>
#include <vector>

#include "shop/outbox/outbox.hpp"
#include "shop/pg/pool.hpp"
#include "shop/pg/transaction.hpp"

namespace shop::outbox {

/// Thrown by DeliveryTransaction::rollback() inside a batch: one delivery's work cannot be undone
/// apart from the others', so the ConsumerWorker rolls the whole batch back and handles each of
/// its deliveries on its own, where rollback() is an ordinary rollback.
class BatchAbandoned final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

namespace detail {

/// The one transaction shared by the handlers of a batch that a ConsumerWorker runs on the
/// current thread. Internal to the worker and DeliveryTransaction.
class BatchScope final {
  public:
    /// Makes this the current thread's batch (there must be none).
    BatchScope();
    /// Rolls back a transaction that was not committed, and forgets the batch.
    ~BatchScope();
    BatchScope(const BatchScope&) = delete;
    BatchScope& operator=(const BatchScope&) = delete;

    /// The batch of the current thread, or nullptr.
    static BatchScope* current() noexcept;

    /// The shared transaction, begun on `pool` by the first delivery that needs it. Every
    /// delivery of a batch must use the same pool (std::logic_error otherwise).
    pg::Transaction& join(pg::Pool& pool);
    /// Adds a message for the outbox; all of them are inserted in one statement at commit().
    void stage(OutboxMessage message) { m_staged.push_back(std::move(message)); }
    /// Inserts the staged outbox messages and commits the shared transaction, in one round
    /// trip, if one was begun; throws as pg::Transaction::commit.
    void commit();
    /// Records that a delivery left the batch unusable (it did not finish its work, or finished
    /// the shared transaction itself): the worker must roll back and go one by one.
    void markBroken() noexcept { m_broken = true; }
    /// True after markBroken(), or when the shared transaction is no longer usable.
    bool broken() const noexcept;

  private:
    pg::Pool* m_pool = nullptr;
    std::optional<pg::Transaction> m_tx;
    std::vector<OutboxMessage> m_staged;
    bool m_broken = false;
};

}  // namespace detail

/// The database transaction of one delivery handler; use it instead of pg::Transaction so the
/// handler can be batched.
///
/// Outside a batch it is a transaction of its own on `pool`: commit() commits, rollback() and
/// the destructor roll back. While a ConsumerWorker runs a batch on this thread, every handler of
/// the batch works in one shared transaction that the worker commits after the last handler, and
/// acks only then: commit() records that this delivery's work is complete (the delivery is not
/// settled before the shared commit succeeds), and rollback() throws BatchAbandoned. Leaving
/// without commit() also abandons the batch. Never finish transaction() yourself.
class DeliveryTransaction final {
  public:
    explicit DeliveryTransaction(pg::Pool& pool);
    /// Alone: rolls back unless committed. In a batch: abandons it unless commit() ran.
    ~DeliveryTransaction();
    DeliveryTransaction(const DeliveryTransaction&) = delete;
    DeliveryTransaction& operator=(const DeliveryTransaction&) = delete;

    /// The transaction to run this delivery's statements in.
    pg::Transaction& transaction() noexcept { return *m_tx; }
    /// outbox::enqueue() in this delivery's transaction. The rows are inserted by the commit,
    /// sent with it in one round trip (outbox::enqueueAllAndCommit); in a batch, the rows of all
    /// its deliveries together with the shared commit.
    void enqueue(OutboxMessage message);
    /// Alone: inserts the enqueued rows and commits (throws as pg::Transaction::commit). In a
    /// batch: marks the work complete.
    void commit();
    /// Alone: rolls back (never throws). In a batch: throws BatchAbandoned.
    void rollback();
    /// True when this delivery runs inside a batch.
    bool batched() const noexcept { return m_batch != nullptr; }

  private:
    detail::BatchScope* m_batch;
    std::optional<pg::Transaction> m_own;
    std::vector<OutboxMessage> m_staged;  ///< alone: what commit() inserts
    pg::Transaction* m_tx = nullptr;
    bool m_done = false;
};

}  // namespace shop::outbox
