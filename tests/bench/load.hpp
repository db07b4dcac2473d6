#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "report.hpp"
#include "stats.hpp"

namespace Poco::Net {
class HTTPClientSession;
}

namespace shop::bench {

using Clock = std::chrono::steady_clock;

/// A request that got no HTTP answer. `kind` is "timeout" or "connection_error".
class TransportError final : public std::runtime_error {
  public:
    TransportError(std::string kind, const std::string& what)
        : std::runtime_error(what), m_kind(std::move(kind)) {}
    const std::string& kind() const { return m_kind; }

  private:
    std::string m_kind;
};

struct Reply {
    int status = 0;
    std::string body;
};

/// One keep-alive HTTP/1.1 connection (reopened after a failure). Not thread-safe: one per
/// worker. Throws TransportError when there is no answer.
class HttpConnection final {
  public:
    HttpConnection(Endpoint endpoint, std::chrono::milliseconds timeout);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    /// `body`, when given, is sent as application/json.
    Reply send(const std::string& method, const std::string& target,
               const std::string* body = nullptr);

  private:
    Endpoint m_endpoint;
    std::chrono::milliseconds m_timeout;
    std::unique_ptr<Poco::Net::HTTPClientSession> m_session;
};

/// The error kind of an HTTP answer that was not the expected success:
/// "http_<status>_<error.code>" (or "http_<status>" without an envelope).
std::string httpErrorKind(const Reply& reply);

/// A final status as seen by the tool.
struct FinalStatus {
    std::string status;     ///< FINISHED or CANCELLED
    std::int64_t atNs = 0;  ///< since the start of the run
    bool pushed = false;
};

/// Listens on ws://.../ws/orders (every order) and remembers the first final-status frame of
/// each order with the time it arrived. Answers pings.
class PushListener final {
  public:
    PushListener();
    ~PushListener();

    /// Opens the socket. Returns false, with the reason in `note`, when the endpoint is not
    /// there (connection refused, 404 on the upgrade, no handshake).
    bool connect(const Endpoint& gateway, std::string& note);
    /// Starts reading frames; times are taken relative to `start`.
    void run(Clock::time_point start);
    /// Stops reading and closes the socket.
    void stop();

    std::optional<FinalStatus> find(const std::string& orderId) const;
    /// Non-empty when the socket failed after it was opened.
    std::string failure() const;
    std::size_t frames() const { return m_frames.load(); }

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
    std::atomic<std::size_t> m_frames{0};
};

/// Samples VmRSS of the services named by `<dir>/<name>.pid` every 250 ms; VmHWM at the end.
class MemorySampler final {
  public:
    explicit MemorySampler(const std::filesystem::path& pidDir);
    ~MemorySampler();
    void start();
    /// Stops sampling and returns what it saw (empty without a pid directory).
    std::vector<ServiceMemory> finish();

  private:
    std::vector<ServiceMemory> m_services;
    std::atomic<bool> m_stop{false};
    std::thread m_thread;
    std::mutex m_mutex;
};

/// `VmHWM` and `VmRSS` (kB) of a process; nullopt when it is gone.
std::optional<std::pair<std::int64_t, std::int64_t>> readMemoryKb(int pid);

/// Closed-loop GET `targets` (round robin) through `endpoint` with `connections` connections
/// for `duration`.
ProxyRun runGetLoad(const std::string& name, const std::string& url, const Endpoint& endpoint,
                    const std::vector<std::string>& targets, std::size_t connections,
                    std::chrono::milliseconds duration);

}  // namespace shop::bench
