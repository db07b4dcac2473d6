#include "shop/core/signals.hpp"

#include <pthread.h>

#include <csignal>

#include "shop/core/log.hpp"

namespace shop::core {

std::function<void()> interceptTerminationSignals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return [set] {
        int signal = 0;
        sigwait(&set, &signal);
        logInfo("termination requested", {{"signal", signal == SIGINT ? "SIGINT" : "SIGTERM"}});
    };
}

}  // namespace shop::core
