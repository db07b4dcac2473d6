#pragma once
// What the server reads and writes on a connection once a request head has been checked: the
// body (Content-Length or chunked, within the limit and the armed deadline), the response as
// one buffer, the WebSocket handshake's answer. Internal to shop_http.

#include <cstddef>
#include <string>
#include <string_view>

#include "guarded_socket.hpp"
#include "shop/http/message.hpp"
#include "shop/http/request_head.hpp"

namespace shop::http::detail {

enum class BodyRead { Complete, TooLarge, Incomplete };

/// Reads the body `head` announces from the socket's pending bytes and then the socket, within
/// its armed deadline, into `out`. TooLarge as soon as it is known to exceed `limit` (the rest
/// is left unread); Incomplete when the client stopped sending (a timeout: see
/// guarded.fault()), closed, or broke the chunked framing: such a body never reaches a handler.
/// Bytes after the body stay pending (a pipelined request).
BodyRead readBody(GuardedSocketImpl& guarded, const RequestHead& head, std::size_t limit,
                  std::string& out);

/// Reads and drops `length` bytes (a body refused for its size, so that the answer is read
/// before the connection closes); true when all of them arrived.
bool skipBody(GuardedSocketImpl& guarded, std::size_t length);

/// Whether the connection may carry another request after this one (RFC 9112 section 9.3).
bool wantsKeepAlive(const RequestHead& head);

/// The value of the first field named `lowerName` (lowercase), or empty.
std::string_view headerOf(const RequestHead& head, std::string_view lowerName);

std::string_view reasonPhrase(int status);

/// The whole answer to a request: status line in the request's version, Date, Content-Type,
/// X-Request-Id, the response's headers, Content-Length, Connection when it closes (or, for
/// HTTP/1.0, stays open), then the body unless `headOnly`.
std::string serializeResponse(const Response& response, std::string_view requestId,
                              std::string_view version, bool keepAlive, bool headOnly);

/// Sec-WebSocket-Accept for a handshake's Sec-WebSocket-Key (RFC 6455 section 4.2.2).
std::string webSocketAccept(std::string_view key);

}  // namespace shop::http::detail
