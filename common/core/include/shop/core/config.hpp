#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace shop::core {

/// Thrown when configuration is invalid; the message lists every problem found, one per line.
class ConfigError final : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Looks up one variable; returns nullopt when it is not set.
using EnvLookup = std::function<std::optional<std::string>(std::string_view)>;

/// The process environment.
std::optional<std::string> processEnv(std::string_view name);

/// Reads typed settings from an environment, collecting every problem instead of stopping at the
/// first, so a bad start-up lists them all at once. Call finish() after the last read.
class EnvReader final {
  public:
    explicit EnvReader(EnvLookup lookup = processEnv);

    std::string string(std::string_view name, std::string_view fallback);
    /// A value that must be set and non-empty.
    std::string required(std::string_view name);
    std::int64_t integer(std::string_view name, std::int64_t fallback, std::int64_t min,
                         std::int64_t max);
    bool flag(std::string_view name, bool fallback);
    /// `host:port`; the port must be 0..65535.
    std::pair<std::string, std::uint16_t> address(std::string_view name, std::string_view fallback);

    /// SHOP_LOG_LEVEL (debug, info, warn, error; default info), applied to the process at once.
    void applyLogLevel();

    /// Records a problem found by the caller's own checks.
    void addProblem(std::string message) { m_problems.push_back(std::move(message)); }

    /// Throws ConfigError with every problem recorded so far.
    void finish() const;
    const std::vector<std::string>& problems() const { return m_problems; }

  private:
    EnvLookup m_lookup;
    std::vector<std::string> m_problems;
};

/// `postgresql://user:secret@host/db` -> `postgresql://user:***@host/db` for start-up logs.
std::string maskSecrets(std::string_view url);

}  // namespace shop::core
