#include "load.hpp"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "shop/domain/json.hpp"

namespace shop::bench {
namespace {

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::int64_t sinceNs(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

}  // namespace

HttpConnection::HttpConnection(Endpoint endpoint, std::chrono::milliseconds timeout, Auth* auth)
    : m_endpoint(std::move(endpoint)), m_auth(auth), m_timeout(timeout) {}

HttpConnection::~HttpConnection() = default;

Reply HttpConnection::send(const std::string& method, const std::string& target,
                           const std::string* body) {
    const bool withToken = m_auth != nullptr && !target.starts_with("/health");
    Reply reply = sendOnce(method, target, body, withToken ? m_auth->header() : std::string());
    if (withToken && reply.status == 401 && m_auth->renew()) {
        // The token ran out (or was revoked) between two requests: the request was refused
        // without effect, so sending it again with a fresh token is safe.
        reply = sendOnce(method, target, body, m_auth->header());
    }
    return reply;
}

Reply HttpConnection::sendOnce(const std::string& method, const std::string& target,
                               const std::string* body, const std::string& authorization) {
    try {
        if (!m_session) {
            m_session =
                std::make_unique<Poco::Net::HTTPClientSession>(m_endpoint.host, m_endpoint.port);
            m_session->setKeepAlive(true);
            m_session->setTimeout(span(std::chrono::milliseconds(2000)), span(m_timeout),
                                  span(m_timeout));
        }
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        if (!authorization.empty()) {
            request.set("Authorization", authorization);
        }
        if (body) {
            request.setContentType("application/json");
            request.setContentLength64(static_cast<Poco::Int64>(body->size()));
        }
        std::ostream& out = m_session->sendRequest(request);
        if (body) {
            out.write(body->data(), static_cast<std::streamsize>(body->size()));
        }
        Poco::Net::HTTPResponse response;
        std::istream& in = m_session->receiveResponse(response);
        Reply reply;
        reply.status = static_cast<int>(response.getStatus());
        if (response.hasContentLength()) {
            reply.body.resize(static_cast<std::size_t>(response.getContentLength64()));
            in.read(reply.body.data(), static_cast<std::streamsize>(reply.body.size()));
            reply.body.resize(static_cast<std::size_t>(in.gcount()));
        } else {
            std::ostringstream all;
            all << in.rdbuf();
            reply.body = all.str();
        }
        if (!response.getKeepAlive()) {
            m_session.reset();
        }
        return reply;
    } catch (const Poco::TimeoutException& e) {
        m_session.reset();
        throw TransportError("timeout", e.displayText());
    } catch (const Poco::Exception& e) {
        m_session.reset();
        throw TransportError("connection_error", e.displayText());
    } catch (const std::ios_base::failure& e) {
        m_session.reset();
        throw TransportError("connection_error", e.what());
    }
}

// ---------------------------------------------------------------------------------------------

Auth::Auth(Endpoint gateway, std::string user, std::string password)
    : m_gateway(std::move(gateway)), m_user(std::move(user)), m_password(std::move(password)) {}

Auth::~Auth() = default;

bool Auth::signIn() {
    std::lock_guard lock(m_mutex);
    signInLocked();
    return m_enabled;
}

std::string Auth::header() {
    std::lock_guard lock(m_mutex);
    if (m_enabled && Clock::now() >= m_renewAt) {
        try {
            signInLocked();
        } catch (const std::exception&) {
            // Keep the old token while it lasts; a 401 will ask again.
            m_renewAt = Clock::now() + std::chrono::seconds(5);
        }
    }
    return m_header;
}

bool Auth::renew() {
    std::lock_guard lock(m_mutex);
    if (!m_enabled) {
        return false;
    }
    // Several workers see the same expired token at once: one sign-in serves them all.
    if (Clock::now() - m_signedInAt > std::chrono::seconds(2)) {
        try {
            signInLocked();
        } catch (const std::exception&) {
            return false;
        }
    }
    return true;
}

bool Auth::enabled() const {
    std::lock_guard lock(m_mutex);
    return m_enabled;
}

void Auth::signInLocked() {
    domain::JsonWriter body;
    body.beginObject().field("username", m_user).field("password", m_password).endObject();
    const std::string text = body.take();
    HttpConnection connection(m_gateway, std::chrono::seconds(10));
    const Reply reply = connection.send("POST", "/auth/token", &text);
    if (reply.status == 404 && !m_enabled) {
        m_header.clear();
        return;  // a gateway without sign-in
    }
    std::string error;
    const auto json = domain::parseJson(reply.body, error);
    const domain::Json* data = json && json->isObject() ? json->find("data") : nullptr;
    const domain::Json* token = data && data->isObject() ? data->find("access_token") : nullptr;
    if (reply.status != 200 || !token || !token->isString() || token->asString().empty()) {
        throw std::runtime_error(
            "POST /auth/token as '" + m_user + "' answered " + std::to_string(reply.status) + " " +
            reply.body.substr(0, 300) +
            (m_user.empty() || m_password.empty()
                 ? " (pass --user/--password or set SHOP_ADMIN_USER/SHOP_ADMIN_PASSWORD)"
                 : ""));
    }
    long long lifetime = 900;
    if (const domain::Json* expires = data->find("expires_in"); expires && expires->isNumber()) {
        try {
            lifetime = std::max(1LL, std::stoll(expires->numberText()));
        } catch (const std::exception&) {
        }
    }
    m_enabled = true;
    m_header = "Bearer " + token->asString();
    m_signedInAt = Clock::now();
    // Sign in again with a minute (or a third of a short lifetime) to spare.
    const long long margin = std::min(60LL, lifetime / 3);
    m_renewAt = m_signedInAt + std::chrono::seconds(lifetime - margin);
}

std::string httpErrorKind(const Reply& reply) {
    std::string kind = "http_" + std::to_string(reply.status);
    std::string error;
    if (auto json = domain::parseJson(reply.body, error); json && json->isObject()) {
        if (const auto* envelope = json->find("error"); envelope && envelope->isObject()) {
            if (const auto* code = envelope->find("code"); code && code->isString()) {
                kind += "_" + code->asString();
            }
        }
    }
    return kind;
}

bool outcomeUnknown(std::string_view errorKind) {
    return errorKind == "timeout" || errorKind == "connection_error" ||
           errorKind.substr(0, 6) == "http_5";
}

// ---------------------------------------------------------------------------------------------

struct PushListener::Impl {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::unique_ptr<Poco::Net::WebSocket> socket;
    std::thread thread;
    std::atomic<bool> stop{false};
    mutable std::mutex mutex;
    std::unordered_map<std::string, FinalStatus> finals;
    std::string failure;
};

PushListener::PushListener() : m_impl(std::make_unique<Impl>()) {}

PushListener::~PushListener() {
    stop();
}

bool PushListener::connect(const Endpoint& gateway, std::string& note, Auth* auth) {
    try {
        m_impl->session =
            std::make_unique<Poco::Net::HTTPClientSession>(gateway.host, gateway.port);
        m_impl->session->setTimeout(Poco::Timespan(5, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/ws/orders",
                                       Poco::Net::HTTPMessage::HTTP_1_1);
        if (auth != nullptr) {
            if (const std::string authorization = auth->header(); !authorization.empty()) {
                request.set("Authorization", authorization);
            }
        }
        Poco::Net::HTTPResponse response;
        m_impl->socket =
            std::make_unique<Poco::Net::WebSocket>(*m_impl->session, request, response);
        m_impl->socket->setReceiveTimeout(Poco::Timespan(0, 200'000));
        return true;
    } catch (const Poco::Net::WebSocketException& e) {
        note = "WebSocket upgrade of ws://" + gateway.host + ":" + std::to_string(gateway.port) +
               "/ws/orders refused: " + e.displayText();
    } catch (const Poco::Exception& e) {
        note = "cannot open ws://" + gateway.host + ":" + std::to_string(gateway.port) +
               "/ws/orders: " + e.displayText();
    }
    m_impl->socket.reset();
    return false;
}

void PushListener::run(Clock::time_point start) {
    if (!m_impl->socket) {
        return;
    }
    m_impl->thread = std::thread([this, start] {
        Poco::Buffer<char> buffer(0);
        auto& socket = *m_impl->socket;
        while (!m_impl->stop.load()) {
            int flags = 0;
            int n = 0;
            buffer.resize(0);
            try {
                n = socket.receiveFrame(buffer, flags);
            } catch (const Poco::TimeoutException&) {
                continue;
            } catch (const Poco::Exception& e) {
                std::lock_guard lock(m_impl->mutex);
                m_impl->failure = "WebSocket failed during the run: " + e.displayText();
                return;
            }
            const int opcode = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
            if (n == 0 && flags == 0) {
                std::lock_guard lock(m_impl->mutex);
                m_impl->failure = "WebSocket closed by the gateway during the run";
                return;
            }
            if (opcode == Poco::Net::WebSocket::FRAME_OP_PING) {
                socket.sendFrame(buffer.begin(), n,
                                 static_cast<int>(Poco::Net::WebSocket::FRAME_FLAG_FIN) |
                                     static_cast<int>(Poco::Net::WebSocket::FRAME_OP_PONG));
                continue;
            }
            if (opcode == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
                std::lock_guard lock(m_impl->mutex);
                m_impl->failure = "WebSocket closed by the gateway during the run";
                return;
            }
            if (opcode != Poco::Net::WebSocket::FRAME_OP_TEXT) {
                continue;
            }
            const auto at = sinceNs(start);
            ++m_frames;
            std::string error;
            const auto frame =
                domain::parseJson(std::string_view(buffer.begin(), buffer.size()), error);
            if (!frame || !frame->isObject()) {
                continue;
            }
            const auto* type = frame->find("type");
            const auto* id = frame->find("order_id");
            const auto* status = frame->find("status");
            if (!type || !type->isString() || type->asString() != "order.status" || !id ||
                !id->isString() || !status || !status->isString()) {
                continue;
            }
            const auto& s = status->asString();
            if (s != "FINISHED" && s != "CANCELLED") {
                continue;
            }
            std::lock_guard lock(m_impl->mutex);
            m_impl->finals.try_emplace(id->asString(), FinalStatus{s, at, true});
        }
    });
}

void PushListener::stop() {
    m_impl->stop.store(true);
    if (m_impl->thread.joinable()) {
        m_impl->thread.join();
    }
    if (m_impl->socket) {
        try {
            m_impl->socket->shutdown();
        } catch (const Poco::Exception&) {
            // Already closed by the other side.
        }
        m_impl->socket.reset();
    }
}

std::optional<FinalStatus> PushListener::find(const std::string& orderId) const {
    std::lock_guard lock(m_impl->mutex);
    const auto it = m_impl->finals.find(orderId);
    if (it == m_impl->finals.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::string PushListener::failure() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->failure;
}

// ---------------------------------------------------------------------------------------------

std::optional<std::pair<std::int64_t, std::int64_t>> readMemoryKb(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    if (!in) {
        return std::nullopt;
    }
    std::int64_t hwm = 0;
    std::int64_t rss = 0;
    std::string line;
    while (std::getline(in, line)) {
        if (line.starts_with("VmHWM:")) {
            hwm = std::stoll(line.substr(6));
        } else if (line.starts_with("VmRSS:")) {
            rss = std::stoll(line.substr(6));
        }
    }
    return std::make_pair(hwm, rss);
}

MemorySampler::MemorySampler(const std::filesystem::path& pidDir) {
    std::error_code ec;
    if (pidDir.empty() || !std::filesystem::is_directory(pidDir, ec)) {
        return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(pidDir, ec)) {
        if (entry.path().extension() != ".pid") {
            continue;
        }
        std::ifstream in(entry.path());
        int pid = 0;
        if (in >> pid && pid > 0 && readMemoryKb(pid)) {
            m_services.push_back(ServiceMemory{entry.path().stem().string(), pid, 0, 0, 0});
        }
    }
    std::sort(m_services.begin(), m_services.end(),
              [](const auto& a, const auto& b) { return a.name < b.name; });
}

MemorySampler::~MemorySampler() {
    finish();
}

void MemorySampler::start() {
    if (m_services.empty()) {
        return;
    }
    m_thread = std::thread([this] {
        while (!m_stop.load()) {
            {
                std::lock_guard lock(m_mutex);
                for (auto& s : m_services) {
                    if (auto kb = readMemoryKb(s.pid)) {
                        s.rssMaxSeenKb = std::max(s.rssMaxSeenKb, kb->second);
                    }
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(250));
        }
    });
}

std::vector<ServiceMemory> MemorySampler::finish() {
    m_stop.store(true);
    if (m_thread.joinable()) {
        m_thread.join();
    }
    std::lock_guard lock(m_mutex);
    for (auto& s : m_services) {
        if (auto kb = readMemoryKb(s.pid)) {
            s.peakKb = kb->first;
            s.rssEndKb = kb->second;
            s.rssMaxSeenKb = std::max(s.rssMaxSeenKb, kb->second);
        }
    }
    return m_services;
}

// ---------------------------------------------------------------------------------------------

ProxyRun runGetLoad(const std::string& name, const std::string& url, const Endpoint& endpoint,
                    const std::vector<std::string>& targets, std::size_t connections,
                    std::chrono::milliseconds duration, Auth* auth) {
    ProxyRun run;
    run.name = name;
    run.url = url;
    if (targets.empty() || connections == 0) {
        return run;
    }
    std::mutex mutex;
    std::vector<double> latencies;
    std::size_t errors = 0;
    const auto start = Clock::now();
    const auto end = start + duration;
    std::vector<std::thread> workers;
    for (std::size_t w = 0; w < connections; ++w) {
        workers.emplace_back([&, w] {
            HttpConnection connection(endpoint, std::chrono::seconds(10), auth);
            std::vector<double> mine;
            std::size_t myErrors = 0;
            for (std::size_t i = w; Clock::now() < end; i += connections) {
                const auto sent = Clock::now();
                try {
                    const auto reply = connection.send("GET", targets[i % targets.size()]);
                    if (reply.status == 200) {
                        mine.push_back(
                            std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
                    } else {
                        ++myErrors;
                    }
                } catch (const TransportError&) {
                    ++myErrors;
                }
            }
            std::lock_guard lock(mutex);
            latencies.insert(latencies.end(), mine.begin(), mine.end());
            errors += myErrors;
        });
    }
    for (auto& t : workers) {
        t.join();
    }
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    run.requests = latencies.size();
    run.errors = errors;
    run.perSecond = static_cast<double>(run.requests) / seconds;
    run.latency = summarize(std::move(latencies));
    return run;
}

}  // namespace shop::bench
