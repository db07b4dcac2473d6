#include "shop/core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace shop::core {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
/// Set once or twice per process and read by every line: a pointer to a string that is never
/// freed, so a reader needs no lock (a replaced name is leaked, which costs a few bytes).
std::atomic<const std::string*> g_service{nullptr};

std::string_view levelName(LogLevel level) {
    switch (level) {
        case LogLevel::Debug:
            return "debug";
        case LogLevel::Info:
            return "info";
        case LogLevel::Warn:
            return "warn";
        case LogLevel::Error:
            return "error";
    }
    return "info";
}

void appendValue(std::string& out, std::string_view value) {
    bool needsQuotes = value.empty();
    for (char c : value) {
        if (c == ' ' || c == '"' || c == '=' || c == '\n' || c == '\t') {
            needsQuotes = true;
            break;
        }
    }
    if (!needsQuotes) {
        out.append(value);
        return;
    }
    out.push_back('"');
    for (char c : value) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(c);
        } else if (c == '\n') {
            out.append("\\n");
        } else {
            out.push_back(c);
        }
    }
    out.push_back('"');
}

std::string timestamp() {
    using namespace std::chrono;
    const auto now = system_clock::now();
    const auto secs = system_clock::to_time_t(now);
    const auto millis = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    return buf;
}

}  // namespace

std::optional<LogLevel> parseLogLevel(std::string_view name) {
    for (auto level : {LogLevel::Debug, LogLevel::Info, LogLevel::Warn, LogLevel::Error}) {
        if (levelName(level) == name) {
            return level;
        }
    }
    return std::nullopt;
}

void setLogLevel(LogLevel level) {
    g_level.store(static_cast<int>(level));
}

bool logEnabled(LogLevel level) {
    return static_cast<int>(level) >= g_level.load();
}

void setLogService(std::string_view service) {
    g_service.store(new std::string(service));
}

void log(LogLevel level, std::string_view message, std::initializer_list<LogField> fields) {
    if (!logEnabled(level)) {
        return;
    }
    try {
        std::string line;
        line.reserve(160);
        line.append("ts=").append(timestamp());
        line.append(" level=").append(levelName(level));
        if (const std::string* service = g_service.load();
            service != nullptr && !service->empty()) {
            line.append(" service=").append(*service);
        }
        line.append(" msg=");
        appendValue(line, message);
        for (const auto& [key, value] : fields) {
            line.push_back(' ');
            line.append(key).push_back('=');
            appendValue(line, value);
        }
        line.push_back('\n');
        // One write(2) per line, without stdio's lock (threads logging at once queued on it):
        // appends to a file, and writes to a pipe up to PIPE_BUF, are not interleaved.
        std::size_t written = 0;
        while (written < line.size()) {
            const ssize_t n = ::write(STDERR_FILENO, line.data() + written, line.size() - written);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                break;
            }
            written += static_cast<std::size_t>(n);
        }
    } catch (...) {
        // Logging must never take the process down.
    }
}

}  // namespace shop::core
