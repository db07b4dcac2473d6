// shop-migrate: applies a service's database migrations, e.g.
//   shop-migrate --db postgresql://orders_svc:...@127.0.0.1:55432/orders --dir database/orders
// Exit status: 0 applied (or nothing to do), 1 failed, 2 bad usage.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "shop/pg/connection.hpp"
#include "shop/pg/migrate.hpp"

namespace {

constexpr std::string_view kUsage =
    "usage: shop-migrate --db URL --dir DIR [--wait SECONDS]\n"
    "  --db URL        database to migrate (default: $SHOP_DB_URL)\n"
    "  --dir DIR       directory of NNNN_name.sql migration files\n"
    "  --wait SECONDS  keep retrying to connect for up to SECONDS while the server starts "
    "(default 0)\n";

struct Options {
    std::string db;
    std::string dir;
    int waitSeconds = 0;
};

int usageError(const std::string& message) {
    std::fprintf(stderr, "shop-migrate: %s\n%.*s", message.c_str(), static_cast<int>(kUsage.size()),
                 kUsage.data());
    return 2;
}

// Returns the options, or the exit status when the program should stop here.
std::optional<Options> parseArgs(int argc, char** argv, int& exitStatus) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        const auto eq = arg.find('=');
        const bool inlineValue = arg.rfind("--", 0) == 0 && eq != std::string::npos;
        if (inlineValue) {
            value = arg.substr(eq + 1);
            arg.resize(eq);
        }
        if (arg == "-h" || arg == "--help") {
            std::printf("%.*s", static_cast<int>(kUsage.size()), kUsage.data());
            exitStatus = 0;
            return std::nullopt;
        }
        if (arg != "--db" && arg != "--dir" && arg != "--wait") {
            exitStatus = usageError("unknown argument '" + arg + "'");
            return std::nullopt;
        }
        if (!inlineValue) {
            if (i + 1 >= argc) {
                exitStatus = usageError(arg + " needs a value");
                return std::nullopt;
            }
            value = argv[++i];
        }
        if (arg == "--db") {
            options.db = value;
        } else if (arg == "--dir") {
            options.dir = value;
        } else {
            char* end = nullptr;
            const long seconds = std::strtol(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || seconds < 0 || seconds > 3600) {
                exitStatus = usageError("--wait needs a number of seconds between 0 and 3600");
                return std::nullopt;
            }
            options.waitSeconds = static_cast<int>(seconds);
        }
    }
    if (options.db.empty()) {
        if (const char* env = std::getenv("SHOP_DB_URL"); env != nullptr) {
            options.db = env;
        }
    }
    if (options.db.empty()) {
        exitStatus = usageError("no database given: pass --db URL or set SHOP_DB_URL");
        return std::nullopt;
    }
    if (options.dir.empty()) {
        exitStatus = usageError("no migrations directory given: pass --dir DIR");
        return std::nullopt;
    }
    return options;
}

}  // namespace

int main(int argc, char** argv) {
    int exitStatus = 0;
    const std::optional<Options> options = parseArgs(argc, argv, exitStatus);
    if (!options) {
        return exitStatus;
    }
    const std::string target = shop::pg::redactPassword(options->db);
    try {
        const auto deadline =
            std::chrono::steady_clock::now() + std::chrono::seconds(options->waitSeconds);
        std::optional<shop::pg::Connection> conn;
        while (!conn) {
            try {
                conn.emplace(options->db, "shop-migrate");
            } catch (const shop::pg::ConnectionLost&) {
                if (std::chrono::steady_clock::now() >= deadline) {
                    throw;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(500));
            }
        }
        // Printed as each one commits, so a failure later still shows what was applied.
        const auto applied =
            shop::pg::applyMigrations(*conn, options->dir, [](const std::string& version) {
                std::printf("applied %s\n", version.c_str());
                std::fflush(stdout);
            });
        std::printf("shop-migrate: %s: %zu migration%s applied, database is up to date\n",
                    target.c_str(), applied.size(), applied.size() == 1 ? "" : "s");
        return 0;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "shop-migrate: %s: migration failed: %s\n", target.c_str(),
                     error.what());
        return 1;
    }
}
