#include "support/http_client.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace shop::e2e {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

/// Reads a body of Content-Length bytes (or to the end of the stream without one).
void readBody(std::istream& stream, const Poco::Net::HTTPResponse& response, std::string& out) {
    if (!response.hasContentLength()) {
        Poco::StreamCopier::copyToString(stream, out);
        return;
    }
    out.resize(static_cast<std::size_t>(response.getContentLength64()));
    stream.read(out.data(), static_cast<std::streamsize>(out.size()));
    out.resize(static_cast<std::size_t>(stream.gcount()));
}

}  // namespace

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

const domain::Json* HttpResponse::data() const {
    return json && json->isObject() ? json->find("data") : nullptr;
}

const domain::Json* HttpResponse::error() const {
    return json && json->isObject() ? json->find("error") : nullptr;
}

std::string HttpResponse::errorCode() const {
    return str(error(), "code");
}

std::string HttpResponse::describe() const {
    std::string shown = body.size() > 600 ? body.substr(0, 600) + "..." : body;
    return std::to_string(status) + " " + shown;
}

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout)
    : m_host(std::move(host)), m_port(port), m_timeout(timeout) {}

HttpClient HttpClient::withToken(std::string token) const {
    HttpClient copy = *this;
    copy.m_token = std::move(token);
    return copy;
}

HttpResponse HttpClient::send(const HttpRequest& request) const {
    try {
        Poco::Net::HTTPClientSession session(m_host, m_port);
        const Poco::Timespan timeout(static_cast<Poco::Timespan::TimeDiff>(m_timeout.count()) *
                                     1000);
        session.setTimeout(timeout, timeout, timeout);
        session.setKeepAlive(false);
        Poco::Net::HTTPRequest out(request.method, request.target,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
        if (!m_token.empty()) {
            out.set("Authorization", "Bearer " + m_token);
        }
        for (const auto& [name, value] : request.headers) {
            out.set(name, value);
        }
        if (request.contentType) {
            out.setContentType(*request.contentType);
        }
        if (request.body) {
            out.setContentLength(static_cast<std::streamsize>(request.body->size()));
        }
        std::ostream& body = session.sendRequest(out);
        if (request.body) {
            body.write(request.body->data(), static_cast<std::streamsize>(request.body->size()));
            body.flush();
        }
        HttpResponse response;
        Poco::Net::HTTPResponse in;
        if (request.body && (!body.good() || session.networkException() != nullptr)) {
            // The server answered (413) and closed before reading the whole body, as HTTP
            // allows. Poco refuses to read a response after a failed send, but the answer is in
            // the socket: read it from there.
            Poco::Net::SocketStream raw(session.socket());
            in.read(raw);
            std::istream& stream = raw;
            readBody(stream, in, response.body);
        } else {
            std::istream& stream = session.receiveResponse(in);
            Poco::StreamCopier::copyToString(stream, response.body);
        }
        response.status = static_cast<int>(in.getStatus());
        for (const auto& [name, value] : in) {
            response.headers.emplace_back(name, value);
        }
        std::string error;
        response.json = domain::parseJson(response.body, error);
        return response;
    } catch (const Poco::Exception& error) {
        throw std::runtime_error(request.method + " " + request.target + " on port " +
                                 std::to_string(m_port) + " failed: " + error.displayText());
    }
}

HttpResponse HttpClient::get(const std::string& target,
                             std::vector<std::pair<std::string, std::string>> headers) const {
    HttpRequest request;
    request.target = target;
    request.headers = std::move(headers);
    return send(request);
}

HttpResponse HttpClient::postJson(const std::string& target, const std::string& json,
                                  std::vector<std::pair<std::string, std::string>> headers) const {
    HttpRequest request;
    request.method = "POST";
    request.target = target;
    request.body = json;
    request.contentType = "application/json";
    request.headers = std::move(headers);
    return send(request);
}

const domain::Json* member(const domain::Json* object, std::string_view key) {
    return object != nullptr ? object->find(key) : nullptr;
}

std::string str(const domain::Json* object, std::string_view key) {
    const domain::Json* value = member(object, key);
    return value != nullptr ? value->asString() : std::string();
}

std::string num(const domain::Json* object, std::string_view key) {
    const domain::Json* value = member(object, key);
    return value != nullptr ? value->numberText() : std::string();
}

bool isNullMember(const domain::Json* object, std::string_view key) {
    const domain::Json* value = member(object, key);
    return value != nullptr && value->isNull();
}

std::string jsonString(std::string_view value) {
    return domain::jsonQuote(value);
}

}  // namespace shop::e2e
