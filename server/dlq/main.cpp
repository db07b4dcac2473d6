// shop-dlq: lists and re-drives dead-lettered messages (see dlq.hpp).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dlq.hpp"
#include "shop/core/config.hpp"
#include "shop/core/log.hpp"

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: shop-dlq list [queue] [--limit N]\n"
                 "       shop-dlq redrive [queue]\n"
                 "SHOP_AMQP_URL names the broker. Without a queue: every work queue.\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    shop::core::setLogService("dlq");
    // Connection chatter would drown the table: warnings and errors only, unless asked.
    ::setenv("SHOP_LOG_LEVEL", "warn", /*overwrite=*/0);
    shop::core::EnvReader(shop::core::processEnv).applyLogLevel();
    const char* url = std::getenv("SHOP_AMQP_URL");
    if (argc < 2 || url == nullptr || *url == '\0') {
        return usage();
    }
    const std::string command = argv[1];
    std::vector<std::string> queues;
    std::size_t limit = 100;
    for (int i = 2; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--limit" && i + 1 < argc) {
            limit = static_cast<std::size_t>(std::strtoul(argv[++i], nullptr, 10));
        } else if (!arg.empty() && arg[0] != '-') {
            queues.push_back(arg.ends_with(".dlq") ? arg.substr(0, arg.size() - 4) : arg);
        } else {
            return usage();
        }
    }
    if (queues.empty()) {
        queues = shop::dlq::workQueues();
    }
    try {
        if (command == "list") {
            std::vector<shop::dlq::DeadLetter> all;
            for (const auto& queue : queues) {
                auto letters = shop::dlq::list(url, queue, limit);
                all.insert(all.end(), letters.begin(), letters.end());
            }
            std::fputs(shop::dlq::formatTable(all).c_str(), stdout);
            std::printf("%zu dead-lettered message(s)\n", all.size());
            return 0;
        }
        if (command == "redrive") {
            int rc = 0;
            for (const auto& queue : queues) {
                const auto result = shop::dlq::redrive(url, queue);
                std::printf("%s: redriven %zu, failed %zu\n", queue.c_str(), result.redriven,
                            result.failed);
                rc = result.failed > 0 ? 1 : rc;
            }
            return rc;
        }
        return usage();
    } catch (const std::exception& error) {
        std::fprintf(stderr, "shop-dlq: %s\n", error.what());
        return 1;
    }
}
