#pragma once

#include <memory>
#include <string>

#include "shop/pg/transaction.hpp"

namespace shop::outbox {

/// A process-local wake-up for a relay: an eventfd that writers ring after their outbox rows
/// commit, and that the relay polls beside its LISTEN socket. Rings before the relay reads them
/// add up to one wake-up, so under load one relay round takes the rows of many commits.
class Doorbell final {
  public:
    /// Throws std::system_error when no eventfd can be made.
    Doorbell();
    ~Doorbell();
    Doorbell(const Doorbell&) = delete;
    Doorbell& operator=(const Doorbell&) = delete;

    /// The descriptor to poll for POLLIN.
    int fd() const noexcept { return m_fd; }
    /// Wakes whoever polls fd(); never blocks, never throws.
    void ring() noexcept;
    /// Consumes the pending rings; true when there were any.
    bool drain() noexcept;

  private:
    int m_fd;
};

/// Which database a connection is on, as a key for the doorbell registry: host, port and name.
std::string databaseKey(const pg::Connection& connection);

/// While alive, `bell` rings after every commit of outbox rows into `databaseKey` made in this
/// process (see ringAfterCommit()). A relay holds one for as long as it runs.
class DoorbellRegistration final {
  public:
    DoorbellRegistration(std::string databaseKey, Doorbell& bell);
    ~DoorbellRegistration();
    DoorbellRegistration(const DoorbellRegistration&) = delete;
    DoorbellRegistration& operator=(const DoorbellRegistration&) = delete;

  private:
    std::string m_key;
    Doorbell& m_bell;
};

/// When a relay of this process serves the database of `tx`, arranges for its doorbell to ring
/// once `tx` commits and returns true; returns false when none does (the writer must then signal
/// relays elsewhere, with NOTIFY).
bool ringAfterCommit(pg::Transaction& tx);

}  // namespace shop::outbox
