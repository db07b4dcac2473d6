#include "shop/core/config.hpp"

#include <charconv>
#include <cstdlib>

#include "shop/core/log.hpp"

namespace shop::core {

std::optional<std::string> processEnv(std::string_view name) {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) {
        return std::nullopt;
    }
    return std::string(value);
}

EnvReader::EnvReader(EnvLookup lookup) : m_lookup(std::move(lookup)) {}

std::string EnvReader::string(std::string_view name, std::string_view fallback) {
    auto value = m_lookup(name);
    return value ? *value : std::string(fallback);
}

std::string EnvReader::required(std::string_view name) {
    auto value = m_lookup(name);
    if (!value || value->empty()) {
        m_problems.push_back(std::string(name) + " must be set");
        return {};
    }
    return *value;
}

std::int64_t EnvReader::integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) {
    auto value = m_lookup(name);
    if (!value) {
        return fallback;
    }
    std::int64_t parsed = 0;
    const char* begin = value->data();
    const char* end = begin + value->size();
    auto [ptr, ec] = std::from_chars(begin, end, parsed);
    if (ec != std::errc{} || ptr != end || value->empty()) {
        m_problems.push_back(std::string(name) + " must be an integer, got '" + *value + "'");
        return fallback;
    }
    if (parsed < min || parsed > max) {
        m_problems.push_back(std::string(name) + " must be between " + std::to_string(min) +
                             " and " + std::to_string(max) + ", got " + *value);
        return fallback;
    }
    return parsed;
}

bool EnvReader::flag(std::string_view name, bool fallback) {
    auto value = m_lookup(name);
    if (!value) {
        return fallback;
    }
    if (*value == "1" || *value == "true" || *value == "yes" || *value == "on") {
        return true;
    }
    if (*value == "0" || *value == "false" || *value == "no" || *value == "off") {
        return false;
    }
    m_problems.push_back(std::string(name) + " must be true or false, got '" + *value + "'");
    return fallback;
}

std::pair<std::string, std::uint16_t> EnvReader::address(std::string_view name,
                                                         std::string_view fallback) {
    const std::string value = string(name, fallback);
    const auto colon = value.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        m_problems.push_back(std::string(name) + " must be host:port, got '" + value + "'");
        return {"127.0.0.1", 0};
    }
    const std::string portText = value.substr(colon + 1);
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(portText.data(), portText.data() + portText.size(), port);
    if (ec != std::errc{} || ptr != portText.data() + portText.size() || portText.empty() ||
        port > 65535) {
        m_problems.push_back(std::string(name) + " has an invalid port in '" + value + "'");
        return {"127.0.0.1", 0};
    }
    return {value.substr(0, colon), static_cast<std::uint16_t>(port)};
}

void EnvReader::applyLogLevel() {
    const std::string name = string("SHOP_LOG_LEVEL", "info");
    if (auto level = parseLogLevel(name)) {
        setLogLevel(*level);
    } else {
        m_problems.push_back("SHOP_LOG_LEVEL must be debug, info, warn or error, got '" + name +
                             "'");
    }
}

void EnvReader::finish() const {
    if (m_problems.empty()) {
        return;
    }
    std::string message = "invalid configuration:";
    for (const auto& problem : m_problems) {
        message += "\n  - " + problem;
    }
    throw ConfigError(message);
}

std::string maskSecrets(std::string_view url) {
    const auto scheme = url.find("://");
    const auto at = url.find('@');
    if (scheme == std::string_view::npos || at == std::string_view::npos || at < scheme) {
        return std::string(url);
    }
    const auto colon = url.find(':', scheme + 3);
    if (colon == std::string_view::npos || colon > at) {
        return std::string(url);
    }
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

}  // namespace shop::core
