#include "shop/amqp/url.hpp"

#include <cctype>
#include <optional>
#include <stdexcept>
#include <string>

#include "shop/domain/text_codec.hpp"

namespace shop::amqp {
namespace {

constexpr std::string_view kScheme = "amqp://";

std::string percentEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
            out.push_back(c);
        } else {
            out.push_back('%');
            out.push_back(kHex[u >> 4]);
            out.push_back(kHex[u & 0x0F]);
        }
    }
    return out;
}

bool validHost(std::string_view host, bool bracketed) {
    for (char c : host) {
        const auto u = static_cast<unsigned char>(c);
        const bool ok = std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' ||
                        (bracketed && (c == ':' || c == '%'));
        if (!ok) {
            return false;
        }
    }
    return true;
}

std::string maskedOne(std::string_view text) {
    const auto scheme = text.find("://");
    const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto slash = text.find('/', start);
    const std::string_view authority = text.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) {
        return std::string(text);
    }
    const auto colon = authority.find(':');
    if (colon == std::string_view::npos || colon > at) {
        return std::string(text);
    }
    std::string out(text.substr(0, start + colon + 1));
    out += "***";
    out += text.substr(start + at);
    return out;
}

/// Each part of a comma-separated list, without the spaces around it.
std::vector<std::string_view> listItems(std::string_view text) {
    std::vector<std::string_view> items;
    while (true) {
        const auto comma = text.find(',');
        std::string_view item = text.substr(0, comma);
        while (!item.empty() && item.front() == ' ') {
            item.remove_prefix(1);
        }
        while (!item.empty() && item.back() == ' ') {
            item.remove_suffix(1);
        }
        items.push_back(item);
        if (comma == std::string_view::npos) {
            return items;
        }
        text.remove_prefix(comma + 1);
    }
}

}  // namespace

std::string maskedUrl(std::string_view text) {
    std::string out;
    bool first = true;
    for (const std::string_view item : listItems(text)) {
        out += (first ? "" : ",") + maskedOne(item);
        first = false;
    }
    return out;
}

std::vector<Url> parseUrls(std::string_view text) {
    std::vector<Url> urls;
    for (const std::string_view item : listItems(text)) {
        if (item.empty()) {
            throw std::invalid_argument("invalid AMQP URL list '" + maskedUrl(text) +
                                        "': an empty entry (expected URLs separated by commas)");
        }
        urls.push_back(parseUrl(item));
    }
    return urls;
}

std::string Url::masked() const {
    std::string out(kScheme);
    out += percentEncode(user);
    out += ":***@";
    if (host.find(':') != std::string::npos) {
        out += "[" + host + "]";
    } else {
        out += host;
    }
    out += ":" + std::to_string(port) + "/";
    if (vhost != "/") {
        out += percentEncode(vhost);
    }
    return out;
}

Url parseUrl(std::string_view text) {
    const auto fail = [&](std::string_view why) {
        throw std::invalid_argument("invalid AMQP URL '" + maskedUrl(text) +
                                    "': " + std::string(why));
    };
    if (!text.starts_with(kScheme)) {
        if (text.starts_with("amqps://")) {
            fail("amqps (TLS) is not supported");
        }
        fail("expected amqp://user:password@host:port/vhost");
    }
    const std::string_view rest = text.substr(kScheme.size());
    if (rest.find_first_of("?#") != std::string_view::npos) {
        fail("query parameters and fragments are not supported");
    }
    const auto slash = rest.find('/');
    std::string_view authority = rest.substr(0, slash);
    Url url;

    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
        const std::string_view userinfo = authority.substr(0, at);
        authority = authority.substr(at + 1);
        const auto colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            fail("expected user:password before '@'");
        }
        auto user = domain::percentDecode(userinfo.substr(0, colon), domain::PlusSign::Literal);
        auto password =
            domain::percentDecode(userinfo.substr(colon + 1), domain::PlusSign::Literal);
        if (!user || !password) {
            fail("bad percent escape in the credentials");
        }
        if (user->empty()) {
            fail("empty user name");
        }
        url.user = std::move(*user);
        url.password = std::move(*password);
    }

    std::string_view host = authority;
    std::string_view port;
    bool hasPort = false;
    bool bracketed = false;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            fail("unterminated '[' in the host");
        }
        bracketed = true;
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                fail("unexpected text after ']'");
            }
            port = after.substr(1);
            hasPort = true;
        }
    } else if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        hasPort = true;
    }
    if (host.empty()) {
        fail("missing host");
    }
    if (!validHost(host, bracketed)) {
        fail("invalid character in the host");
    }
    url.host = std::string(host);

    if (hasPort) {
        if (port.empty() || port.size() > 5) {
            fail("the port must be a number from 1 to 65535");
        }
        unsigned value = 0;
        for (char c : port) {
            if (c < '0' || c > '9') {
                fail("the port must be a number from 1 to 65535");
            }
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        if (value == 0 || value > 65535) {
            fail("the port must be a number from 1 to 65535");
        }
        url.port = static_cast<std::uint16_t>(value);
    }

    if (slash != std::string_view::npos) {
        const std::string_view path = rest.substr(slash + 1);
        if (path.find('/') != std::string_view::npos) {
            fail("the vhost is one path segment; write '/' inside it as %2F");
        }
        if (!path.empty()) {
            auto vhost = domain::percentDecode(path, domain::PlusSign::Literal);
            if (!vhost) {
                fail("bad percent escape in the vhost");
            }
            url.vhost = std::move(*vhost);
        }
    }
    return url;
}

}  // namespace shop::amqp
