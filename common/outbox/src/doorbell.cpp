#include "shop/outbox/doorbell.hpp"

#include <libpq-fe.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <map>
#include <mutex>
#include <system_error>
#include <vector>

namespace shop::outbox {
namespace {

/// The doorbells of the relays of one database.
struct Bells {
    std::mutex mutex;
    std::vector<Doorbell*> bells;

    void ringAll() {
        std::lock_guard lock(mutex);
        for (Doorbell* bell : bells) {
            bell->ring();
        }
    }
};

struct Registry {
    std::mutex mutex;
    std::map<std::string, std::shared_ptr<Bells>, std::less<>> byDatabase;
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
        for (const char* part : {PQhost(conn), PQport(conn), PQdb(conn)}) {
            key.append(part != nullptr ? part : "").push_back('|');
        }
    }
    return key;
}

DoorbellRegistration::DoorbellRegistration(std::string databaseKey, Doorbell& bell)
    : m_key(std::move(databaseKey)), m_bell(bell) {
    auto& reg = registry();
    std::shared_ptr<Bells> bells;
    {
        std::lock_guard lock(reg.mutex);
        auto& slot = reg.byDatabase[m_key];
        if (!slot) {
            slot = std::make_shared<Bells>();
        }
        bells = slot;
    }
    std::lock_guard lock(bells->mutex);
    bells->bells.push_back(&m_bell);
}

DoorbellRegistration::~DoorbellRegistration() {
    auto& reg = registry();
    std::lock_guard lock(reg.mutex);
    const auto it = reg.byDatabase.find(m_key);
    if (it == reg.byDatabase.end()) {
        return;
    }
    {
        std::lock_guard bellsLock(it->second->mutex);
        std::erase(it->second->bells, &m_bell);
        if (!it->second->bells.empty()) {
            return;
        }
    }
    reg.byDatabase.erase(it);
}

bool ringAfterCommit(pg::Transaction& tx) {
    const std::string key = databaseKey(tx.connection());
    std::shared_ptr<Bells> bells;
    {
        auto& reg = registry();
        std::lock_guard lock(reg.mutex);
        const auto it = reg.byDatabase.find(key);
        if (it == reg.byDatabase.end()) {
            return false;
        }
        bells = it->second;
    }
    // A registration that goes away before the commit leaves `bells` ringing nobody: harmless.
    tx.afterCommit([bells = std::move(bells)] { bells->ringAll(); });
    return true;
}

}  // namespace shop::outbox
