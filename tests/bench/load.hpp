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
#include <string_view>
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

/// The gateway's sign-in: POST /auth/token {"username","password"} for an access token, sent as
/// `Authorization: Bearer <token>` on every request but /health*. Signs in again before the
/// token expires (and after a 401). Thread-safe.
class Auth final {
  public:
    Auth(Endpoint gateway, std::string user, std::string password);
    ~Auth();
    Auth(const Auth&) = delete;
    Auth& operator=(const Auth&) = delete;

    /// The first sign-in. Returns true with a token; false when the gateway has no sign-in
    /// (POST /auth/token answers 404), and then requests go without a token. Throws
    /// std::runtime_error when the sign-in is refused or fails.
    bool signIn();
    /// "Bearer <token>", signing in again first when the token is near its end; empty without
    /// a sign-in.
    std::string header();
    /// After a 401: signs in again unless another thread just did. True when there is a token.
    bool renew();
    bool enabled() const;

  private:
    void signInLocked();

    Endpoint m_gateway;
    std::string m_user;
    std::string m_password;
    mutable std::mutex m_mutex;
    bool m_enabled = false;
    std::string m_header;
    std::chrono::steady_clock::time_point m_signedInAt;
    std::chrono::steady_clock::time_point m_renewAt;
};

/// One keep-alive HTTP/1.1 connection (reopened after a failure). Not thread-safe: one per
/// worker. Throws TransportError when there is no answer. With `auth`, every request but
/// /health* carries its token, and a 401 is retried once after signing in again.
class HttpConnection final {
  public:
    HttpConnection(Endpoint endpoint, std::chrono::milliseconds timeout, Auth* auth = nullptr);
    ~HttpConnection();
    HttpConnection(const HttpConnection&) = delete;
    HttpConnection& operator=(const HttpConnection&) = delete;

    /// `body`, when given, is sent as application/json.
    Reply send(const std::string& method, const std::string& target,
               const std::string* body = nullptr);

  private:
    Reply sendOnce(const std::string& method, const std::string& target, const std::string* body,
                   const std::string& authorization);

    Endpoint m_endpoint;
    Auth* m_auth;
    std::chrono::milliseconds m_timeout;
    std::unique_ptr<Poco::Net::HTTPClientSession> m_session;
};

/// The error kind of an HTTP answer that was not the expected success:
/// "http_<status>_<error.code>" (or "http_<status>" without an envelope).
std::string httpErrorKind(const Reply& reply);

/// Whether a request that failed with `errorKind` (httpErrorKind's or a TransportError's kind)
/// may still have been carried out: it got no answer (timeout, connection_error) or a 5xx, which
/// the gateway also gives when its upstream was too slow to answer but may have committed.
bool outcomeUnknown(std::string_view errorKind);

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

    /// Opens the socket (the upgrade carries `auth`'s token when given). Returns false, with the
    /// reason in `note`, when the endpoint is not there (connection refused, 404 or 401 on the
    /// upgrade, no handshake).
    bool connect(const Endpoint& gateway, std::string& note, Auth* auth = nullptr);
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
/// for `duration`, signed in with `auth` when given.
ProxyRun runGetLoad(const std::string& name, const std::string& url, const Endpoint& endpoint,
                    const std::vector<std::string>& targets, std::size_t connections,
                    std::chrono::milliseconds duration, Auth* auth = nullptr);

}  // namespace shop::bench
