#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace shop::core {

enum class LogLevel { Debug, Info, Warn, Error };

/// One key=value pair of a log line. Values are quoted when they contain spaces or quotes.
using LogField = std::pair<std::string_view, std::string_view>;

/// Writes one line `ts=... level=... msg=... k=v ...` to stderr, atomically per line.
/// Thread-safe; never throws.
void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields = {});

/// "debug", "info", "warn" or "error"; nullopt otherwise.
std::optional<LogLevel> parseLogLevel(std::string_view name);

/// Lines below this level are dropped. Read once from SHOP_LOG_LEVEL by the services.
void setLogLevel(LogLevel level);
bool logEnabled(LogLevel level);

/// Sets the `service=` field printed on every line of this process.
void setLogService(std::string_view service);

inline void logInfo(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Info, m, f);
}
inline void logWarn(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Warn, m, f);
}
inline void logError(std::string_view m, std::initializer_list<LogField> f = {}) {
    log(LogLevel::Error, m, f);
}
inline void logDebug(std::string_view m, std::initializer_list<LogField> f = {}) {
    if (logEnabled(LogLevel::Debug)) {
        log(LogLevel::Debug, m, f);
    }
}

}  // namespace shop::core
