#include "shop/amqp/connection.hpp"

#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <vector>

#include "detail.hpp"
#include "shop/core/log.hpp"

namespace shop::amqp {
namespace {

constexpr int kFrameMax = 131072;
// How long the destructor waits for the broker to answer channel.close / connection.close.
constexpr std::chrono::milliseconds kCloseTimeout{2000};

std::string joined(std::string_view what, std::string_view reason) {
    std::string text(what);
    text += ": ";
    text += reason;
    return text;
}

}  // namespace

Connection::Connection(const Url& url, ConnectionOptions options) : m_options(std::move(options)) {
    open(url);
}

Connection::Connection(std::string_view url, ConnectionOptions options)
    : m_options(std::move(options)) {
    open(parseUrl(url));
}

Connection::~Connection() {
    close();
}

void Connection::open(const Url& url) {
    m_maskedUrl = url.masked();
    const std::string what = "connect to " + m_maskedUrl;
    m_state = amqp_new_connection();
    if (m_state == nullptr) {
        throw ConnectionError(joined(what, "out of memory"));
    }
    try {
        amqp_socket_t* socket = amqp_tcp_socket_new(m_state);
        if (socket == nullptr) {
            fail(what, "cannot create a socket");
        }
        const timeval connectTimeout = detail::toTimeval(m_options.connectTimeout);
        const int opened =
            amqp_socket_open_noblock(socket, url.host.c_str(), url.port, &connectTimeout);
        if (opened != AMQP_STATUS_OK) {
            // rabbitmq-c's codes are coarse here (a refused or unreachable port can read as
            // "socket error" or even "invalid AMQP data"), so say what was attempted.
            fail(what, std::string(amqp_error_string2(opened)) +
                           " (TCP connect failed: is the broker up and reachable?)");
        }
        m_socketOpen = true;
        // stopReading() shuts the socket through a descriptor of its own: rabbitmq-c closes its
        // descriptor by itself on a heartbeat or RPC timeout, and that number may be reused.
        m_stopFd = ::fcntl(amqp_socket_get_sockfd(socket), F_DUPFD_CLOEXEC, 0);
        amqp_set_handshake_timeout(m_state, &connectTimeout);
        const timeval rpcTimeout = detail::toTimeval(m_options.rpcTimeout);
        amqp_set_rpc_timeout(m_state, &rpcTimeout);

        // rabbitmq-c 0.11 only advertises authentication_failure_close (it merges a given
        // capabilities table into its own). Without consumer_cancel_notify the broker silently
        // stops delivering when a consumed queue is deleted, instead of sending basic.cancel.
        amqp_table_entry_t capability{};
        capability.key = amqp_cstring_bytes("consumer_cancel_notify");
        capability.value.kind = AMQP_FIELD_KIND_BOOLEAN;
        capability.value.value.boolean = 1;
        amqp_table_entry_t capabilities{};
        capabilities.key = amqp_cstring_bytes("capabilities");
        capabilities.value.kind = AMQP_FIELD_KIND_TABLE;
        capabilities.value.value.table.num_entries = 1;
        capabilities.value.value.table.entries = &capability;
        std::vector<amqp_table_entry_t> properties{capabilities};
        if (!m_options.connectionName.empty()) {
            properties.push_back(detail::stringEntry("connection_name", m_options.connectionName));
        }
        const amqp_table_t propertyTable = detail::tableOf(properties);
        const amqp_rpc_reply_t login = amqp_login_with_properties(
            m_state, url.vhost.c_str(), 0, kFrameMax, static_cast<int>(m_options.heartbeat.count()),
            &propertyTable, AMQP_SASL_METHOD_PLAIN, url.user.c_str(), url.password.c_str());
        if (login.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
            (login.library_error == AMQP_STATUS_CONNECTION_CLOSED ||
             login.library_error == AMQP_STATUS_SOCKET_CLOSED)) {
            // Without the authentication_failure_close capability the broker just drops the
            // socket on bad credentials or an unknown vhost.
            fail(what, std::string(amqp_error_string2(login.library_error)) +
                           " during login (wrong user, password or vhost?)");
        }
        checkReply(login, what);

        amqp_channel_open(m_state, kChannel);
        m_channelOpen = true;  // so a refusal is answered with channel.close-ok
        checkLastReply("channel.open on " + m_maskedUrl);
    } catch (...) {
        close();
        throw;
    }
    core::logInfo("amqp connected", {{"url", m_maskedUrl},
                                     {"name", m_options.connectionName},
                                     {"heartbeat_s", std::to_string(amqp_get_heartbeat(m_state))}});
}

void Connection::close() noexcept {
    if (m_state == nullptr) {
        return;
    }
    // After stopReading() the owner failed on its read; the socket can still send
    // connection.close (best effort: the close-ok cannot be read).
    if (m_socketOpen || m_readingStopped.load()) {
        const timeval closeTimeout = detail::toTimeval(kCloseTimeout);
        amqp_set_rpc_timeout(m_state, &closeTimeout);
        if (m_channelOpen) {
            amqp_channel_close(m_state, kChannel, AMQP_REPLY_SUCCESS);
        }
        amqp_connection_close(m_state, AMQP_REPLY_SUCCESS);
    }
    m_channelOpen = false;
    m_socketOpen = false;
    std::lock_guard lock(m_destroyMutex);
    amqp_destroy_connection(m_state);
    m_state = nullptr;
    if (m_stopFd >= 0) {
        ::close(m_stopFd);
        m_stopFd = -1;
    }
}

void Connection::stopReading() noexcept {
    std::lock_guard lock(m_destroyMutex);
    if (m_stopFd >= 0) {
        m_readingStopped.store(true);
        ::shutdown(m_stopFd, SHUT_RD);
    }
}

void Connection::ensureOpen(std::string_view what) const {
    if (!isOpen()) {
        throw ConnectionError(joined(what, "the connection to " + m_maskedUrl + " is closed"));
    }
}

void Connection::fail(std::string_view what, std::string_view reason, int replyCode) {
    // The socket may still be up (e.g. after a protocol error); it is closed abruptly later.
    m_channelOpen = false;
    m_socketOpen = false;
    throw ConnectionError(joined(what, reason), replyCode);
}

void Connection::checkLastReply(std::string_view what) {
    checkReply(amqp_get_rpc_reply(m_state), what);
}

void Connection::checkReply(const amqp_rpc_reply_t& reply, std::string_view what) {
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return;
        case AMQP_RESPONSE_NONE:
            fail(what, "no reply from the broker");
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            fail(what, amqp_error_string2(reply.library_error));
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            handleServerClose(reply.reply, what);
    }
    fail(what, "unknown reply type");
}

void Connection::sendHeartbeat() {
    ensureOpen("heartbeat");
    amqp_frame_t frame{};
    frame.frame_type = AMQP_FRAME_HEARTBEAT;
    frame.channel = 0;
    checkStatus(amqp_send_frame(m_state, &frame), "heartbeat");
}

void Connection::checkStatus(int status, std::string_view what) {
    if (status < 0) {
        fail(what, amqp_error_string2(status));
    }
}

void Connection::handleAsyncFrame(const amqp_frame_t& frame, std::string_view what) {
    if (frame.frame_type != AMQP_FRAME_METHOD) {
        return;
    }
    if (frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
        frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        handleServerClose(frame.payload.method, what);
    }
}

void Connection::handleServerClose(const amqp_method_t& method, std::string_view what) {
    if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_channel_close_t*>(method.decoded);
        const int code = close->reply_code;
        const std::string text = detail::toString(close->reply_text);
        amqp_channel_close_ok_t ok{};
        amqp_send_method(m_state, kChannel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        m_channelOpen = false;
        core::logWarn("amqp channel closed by broker", {{"url", m_maskedUrl},
                                                        {"during", what},
                                                        {"code", std::to_string(code)},
                                                        {"reason", text}});
        // The connection itself is still fine; close() ends it politely.
        throw ConnectionError(
            joined(what, "channel closed by the broker: " + std::to_string(code) + " " + text),
            code);
    }
    if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
        const auto* close = static_cast<const amqp_connection_close_t*>(method.decoded);
        const int code = close->reply_code;
        const std::string text = detail::toString(close->reply_text);
        amqp_connection_close_ok_t ok{};
        amqp_send_method(m_state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        core::logWarn("amqp connection closed by broker", {{"url", m_maskedUrl},
                                                           {"during", what},
                                                           {"code", std::to_string(code)},
                                                           {"reason", text}});
        fail(what, "connection closed by the broker: " + std::to_string(code) + " " + text, code);
    }
    char id[16];
    std::snprintf(id, sizeof id, "0x%08X", method.id);
    fail(what, std::string("unexpected method ") + id + " from the broker");
}

}  // namespace shop::amqp
