#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shop::amqp {

/// The parts of an `amqp://user:password@host:port/vhost` URL, percent-decoded.
struct Url {
    std::string user = "guest";
    std::string password = "guest";
    std::string host;
    std::uint16_t port = 5672;
    std::string vhost = "/";

    /// The URL with the password replaced by `***`, for logs.
    std::string masked() const;
};

/// Parses `amqp://user:password@host[:port][/vhost]`. User, password and vhost are
/// percent-decoded (`%2F` is `/`); the port defaults to 5672; an absent or empty vhost is `/`;
/// absent credentials are guest:guest. IPv6 hosts are written in brackets.
/// Throws std::invalid_argument (the message shows the URL masked) for anything else: another
/// scheme (amqps is not supported), query or fragment, missing host, bad port, bad escape,
/// more than one path segment.
Url parseUrl(std::string_view text);

/// The nodes of one broker cluster: one URL, or several separated by commas, each parsed by
/// parseUrl (spaces around a URL are ignored; a comma in a password is written `%2C`).
/// Throws std::invalid_argument for an empty list or any URL parseUrl refuses.
std::vector<Url> parseUrls(std::string_view text);

/// The text with each password (between `user:` and `@`) replaced by `***`, URL by URL of a
/// comma-separated list; works on text that does not parse, so configuration errors can be
/// logged safely.
std::string maskedUrl(std::string_view text);

}  // namespace shop::amqp
