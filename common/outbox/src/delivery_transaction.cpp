#include "shop/outbox/delivery_transaction.hpp"

namespace shop::outbox {
namespace detail {
namespace {

thread_local BatchScope* t_batch = nullptr;

}  // namespace

BatchScope::BatchScope() {
    if (t_batch != nullptr) {
        throw std::logic_error("a consumer batch is already running on this thread");
    }
    t_batch = this;
}

BatchScope::~BatchScope() {
    t_batch = nullptr;
    // m_tx rolls back in its destructor unless commit() succeeded.
}

BatchScope* BatchScope::current() noexcept {
    return t_batch;
}

pg::Transaction& BatchScope::join(pg::Pool& pool) {
    if (!m_tx) {
        m_pool = &pool;
        m_tx.emplace(pool);
    } else if (m_pool != &pool) {
        throw std::logic_error("the deliveries of one batch must use one database pool");
    }
    return *m_tx;
}

void BatchScope::commit() {
    if (m_tx) {
        enqueueAllAndCommit(*m_tx, m_staged);
    }
}

bool BatchScope::broken() const noexcept {
    // A transaction some handler finished (or that a failed statement aborted) cannot carry the
    // rest of the batch.
    return m_broken || (m_tx && !m_tx->open());
}

}  // namespace detail

DeliveryTransaction::DeliveryTransaction(pg::Pool& pool) : m_batch(detail::BatchScope::current()) {
    if (m_batch != nullptr) {
        m_tx = &m_batch->join(pool);
    } else {
        m_tx = &m_own.emplace(pool);
    }
}

DeliveryTransaction::~DeliveryTransaction() {
    if (m_batch != nullptr && !m_done) {
        m_batch->markBroken();
    }
    // m_own rolls back in its destructor unless committed.
}

void DeliveryTransaction::enqueue(OutboxMessage message) {
    if (m_batch != nullptr) {
        m_batch->stage(std::move(message));
    } else {
        m_staged.push_back(std::move(message));
    }
}

void DeliveryTransaction::commit() {
    if (m_batch == nullptr) {
        enqueueAllAndCommit(*m_own, m_staged);
    }
    m_done = true;
}

void DeliveryTransaction::rollback() {
    if (m_batch != nullptr) {
        m_batch->markBroken();
        throw BatchAbandoned("a delivery rolled back inside a batch");
    }
    m_own->rollback();
    m_done = true;
}

}  // namespace shop::outbox
