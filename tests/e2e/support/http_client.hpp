#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "shop/domain/json.hpp"

namespace shop::e2e {

/// One HTTP answer: status, headers (names as received), body, and the body parsed as JSON.
struct HttpResponse {
    int status = 0;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::optional<domain::Json> json;  ///< nullopt when the body is not JSON

    /// Case-insensitive header lookup; the first value wins.
    std::optional<std::string> header(std::string_view name) const;
    /// `data` of a success envelope, or nullptr.
    const domain::Json* data() const;
    /// `error` of an error envelope, or nullptr.
    const domain::Json* error() const;
    /// `error.code` of an error envelope, or "".
    std::string errorCode() const;
    /// "<status> <body>" for assertion messages.
    std::string describe() const;
};

/// One request. `contentType` is sent only when set; `body` is sent when set (also empty).
struct HttpRequest {
    std::string method = "GET";
    std::string target = "/";
    std::optional<std::string> body;
    std::optional<std::string> contentType;
    std::vector<std::pair<std::string, std::string>> headers;
};

/// A small blocking HTTP/1.1 client over Poco::Net::HTTPClientSession: one connection per
/// request, so it is safe to use from many threads at once. Transport failures throw
/// std::runtime_error; any HTTP status is a normal answer.
class HttpClient final {
  public:
    HttpClient(std::string host, std::uint16_t port,
               std::chrono::milliseconds timeout = std::chrono::seconds(10));

    HttpResponse send(const HttpRequest& request) const;

    HttpResponse get(const std::string& target,
                     std::vector<std::pair<std::string, std::string>> headers = {}) const;
    /// POST with Content-Type: application/json.
    HttpResponse postJson(const std::string& target, const std::string& json,
                          std::vector<std::pair<std::string, std::string>> headers = {}) const;

    std::uint16_t port() const { return m_port; }

    /// A copy that sends `Authorization: Bearer <token>` with every request that does not set
    /// its own Authorization header (an empty token sends none).
    HttpClient withToken(std::string token) const;

  private:
    std::string m_host;
    std::uint16_t m_port;
    std::chrono::milliseconds m_timeout;
    std::string m_token;
};

/// Shortcuts over a parsed value, empty/neutral when absent.
std::string str(const domain::Json* object, std::string_view key);
const domain::Json* member(const domain::Json* object, std::string_view key);
/// The number lexeme of a member ("" when absent or not a number).
std::string num(const domain::Json* object, std::string_view key);
/// True when the member is present and JSON null.
bool isNullMember(const domain::Json* object, std::string_view key);
/// `value` as a JSON string literal (quoted and escaped).
std::string jsonString(std::string_view value);

}  // namespace shop::e2e
