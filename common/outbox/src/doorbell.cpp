#include "shop/outbox/doorbell.hpp"

#include <libpq-fe.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <iterator>
#include <map>
#include <mutex>
#include <system_error>
#include <vector>

namespace shop::outbox {
namespace {

/// The hand-offs of the relays of one database in this process, in registration order.
struct Relays {
    std::mutex mutex;
    std::vector<Handoff*> handoffs;
};

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<Relays>, std::less<>> byDatabase;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace

Doorbell::Doorbell() : m_fd(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (m_fd < 0) {
        throw std::system_error(errno, std::generic_category(), "eventfd");
    }
}

Doorbell::~Doorbell() {
    ::close(m_fd);
}

void Doorbell::ring() noexcept {
    const std::uint64_t one = 1;
    // EAGAIN only when the counter is near 2^64: the relay is awake anyway.
    [[maybe_unused]] const auto written = ::write(m_fd, &one, sizeof one);
}

bool Doorbell::drain() noexcept {
    std::uint64_t count = 0;
    return ::read(m_fd, &count, sizeof count) == static_cast<ssize_t>(sizeof count) && count > 0;
}

std::string databaseKey(const pg::Connection& connection) {
    std::string key;
    const PGconn* conn = connection.raw();
    if (conn != nullptr) {
        for (const char* part :
             {PQhost(conn), PQport(conn), PQdb(conn), PQuser(conn), PQoptions(conn)}) {
            key.append(part != nullptr ? part : "").push_back('|');
        }
    }
    return key;
}

void Handoff::post(std::vector<HandedRow> rows) {
    {
        std::lock_guard lock(m_mutex);
        if (m_rows.empty()) {
            m_rows = std::move(rows);
        } else {
            m_rows.insert(m_rows.end(), std::make_move_iterator(rows.begin()),
                          std::make_move_iterator(rows.end()));
        }
    }
    m_bell.ring();
}

std::vector<HandedRow> Handoff::take(std::size_t max, bool& more) {
    std::vector<HandedRow> taken;
    std::lock_guard lock(m_mutex);
    if (m_rows.size() <= max) {
        taken.swap(m_rows);
    } else {
        const auto split = m_rows.begin() + static_cast<std::ptrdiff_t>(max);
        taken.assign(std::make_move_iterator(m_rows.begin()), std::make_move_iterator(split));
        m_rows.erase(m_rows.begin(), split);
    }
    more = !m_rows.empty();
    return taken;
}

void Handoff::published(const PublishedRows& rows) {
    if (rows.empty()) {
        return;
    }
    std::vector<std::string> ids(rows.ids);  // copied first: what follows cannot throw halfway
    std::lock_guard lock(m_mutex);
    m_published.seqs.reserve(m_published.size() + rows.size());
    m_published.ids.reserve(m_published.size() + rows.size());
    if (m_published.empty()) {
        m_publishedSince = Clock::now();
    }
    m_published.seqs.insert(m_published.seqs.end(), rows.seqs.begin(), rows.seqs.end());
    m_published.ids.insert(m_published.ids.end(), std::make_move_iterator(ids.begin()),
                           std::make_move_iterator(ids.end()));
}

PublishedRows Handoff::takePublished(std::size_t max) {
    PublishedRows taken;
    std::lock_guard lock(m_mutex);
    if (m_published.size() <= max) {
        std::swap(taken, m_published);
    } else {
        // The oldest first; the rest keep their (slightly early) start of waiting.
        const auto n = static_cast<std::ptrdiff_t>(max);
        taken.seqs.assign(m_published.seqs.begin(), m_published.seqs.begin() + n);
        taken.ids.assign(std::make_move_iterator(m_published.ids.begin()),
                         std::make_move_iterator(m_published.ids.begin() + n));
        m_published.seqs.erase(m_published.seqs.begin(), m_published.seqs.begin() + n);
        m_published.ids.erase(m_published.ids.begin(), m_published.ids.begin() + n);
    }
    return taken;
}

std::optional<Handoff::Clock::time_point> Handoff::publishedSince() {
    std::lock_guard lock(m_mutex);
    if (m_published.empty()) {
        return std::nullopt;
    }
    return m_publishedSince;
}

RelayRegistration::RelayRegistration(std::string databaseKey, Handoff& handoff)
    : m_key(std::move(databaseKey)), m_handoff(handoff) {
    auto& reg = registry();
    // Both locks, in the destructor's order: a registration going away meanwhile cannot drop the
    // entry this one joins.
    std::lock_guard lock(reg.mutex);
    auto& slot = reg.byDatabase[m_key];
    if (!slot) {
        slot = std::make_shared<Relays>();
    }
    std::lock_guard relaysLock(slot->mutex);
    slot->handoffs.push_back(&m_handoff);
}

RelayRegistration::~RelayRegistration() {
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    const auto it = reg.byDatabase.find(m_key);
    if (it == reg.byDatabase.end()) {
        return;
    }
    {
        std::lock_guard relaysLock(it->second->mutex);
        std::erase(it->second->handoffs, &m_handoff);
        if (!it->second->handoffs.empty()) {
            return;
        }
    }
    reg.byDatabase.erase(it);
}

namespace {

std::shared_ptr<Relays> relaysOf(const pg::Connection& connection) {
    const std::string key = databaseKey(connection);
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    const auto it = reg.byDatabase.find(key);
    return it == reg.byDatabase.end() ? nullptr : it->second;
}

}  // namespace

std::optional<HandOffTerms> handOffTerms(const pg::Connection& connection,
                                         std::size_t takePublished) {
    const auto relays = relaysOf(connection);
    if (!relays) {
        return std::nullopt;
    }
    std::lock_guard lock(relays->mutex);
    if (relays->handoffs.empty()) {
        return std::nullopt;
    }
    Handoff& handoff = *relays->handoffs.front();
    HandOffTerms terms{handoff.grace(), Handoff::Clock::now() + handoff.grace(), {}};
    if (takePublished > 0) {
        terms.toDelete = handoff.takePublished(takePublished);
    }
    return terms;
}

void handOff(const pg::Connection& connection, std::vector<HandedRow> rows) {
    if (rows.empty()) {
        return;
    }
    const auto relays = relaysOf(connection);
    if (!relays) {
        return;
    }
    // Posting under the lock: a registration cannot go (and its relay with it) meanwhile.
    std::lock_guard lock(relays->mutex);
    if (!relays->handoffs.empty()) {
        relays->handoffs.front()->post(std::move(rows));
    }
}

void givePublishedBack(const pg::Connection& connection, const PublishedRows& rows) {
    if (rows.empty()) {
        return;
    }
    const auto relays = relaysOf(connection);
    if (!relays) {
        return;  // the rows are claimed again after their grace: published twice, deduplicated
    }
    std::lock_guard lock(relays->mutex);
    if (!relays->handoffs.empty()) {
        relays->handoffs.front()->published(rows);
    }
}

}  // namespace shop::outbox
