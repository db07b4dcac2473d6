// shop-bench: load generator for the orders pipeline (issue 7). See README "Performance".
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cost.hpp"
#include "counters.hpp"
#include "load.hpp"
#include "refunds.hpp"
#include "report.hpp"
#include "shop/domain/json.hpp"
#include "stats.hpp"

namespace {

using namespace shop::bench;
using shop::domain::Json;

constexpr const char* kUsage = R"(usage: shop-bench [options]
  --gateway URL          gateway base URL (default http://127.0.0.1:8080)
  --rate R               open loop: R orders per second, due by the clock (default 300);
                         orders still unsent 10 s after the duration count as errors
  --connections N        closed loop: N connections as fast as they go (with --rate: the number
                         of sending connections, default 64)
  --duration S           seconds of load (default 10, at most 600)
  --accounts N           accounts to create and fund (default 50); every 10th gets only 20.00,
                         so some of its orders are CANCELLED
  --drain S              seconds to wait for final statuses after the load (default 30)
  --refund-ratio F       refund this fraction (0..1, default 0) of the orders as they finish
                         (whole amounts and halves), during the load; the balance check counts
                         the refunds (needs the WebSocket push)
  --nginx URL            nginx in front of the same orders service: compare GET /orders/{id}
  --nginx-pid-file FILE  nginx's pid file: its CPU and context switches per request of the
                         comparison, beside those of every other process group
  --skip-nginx           no gateway/nginx comparison
  --compare-duration S   seconds of each GET run of the comparison (default 5)
  --compare-connections N  connections of each GET run (default 16)
  --user U               sign in to the gateway as U (default: $SHOP_ADMIN_USER)
  --password P           and with P (default: $SHOP_ADMIN_PASSWORD); a gateway without
                         POST /auth/token (404) is used without a token
  --pid-dir DIR          read <service>.pid files here for the memory and cost reports
  --pg-pid-file FILE     PostgreSQL's postmaster.pid: CPU and context switches of the postmaster
                         and its backends per completed order
  --rabbitmq-pid-file FILE  the RabbitMQ node's pid file: the same for the Erlang VM
  --pg-url URL           superuser libpq URL (not of orders or payments): transactions and, with
                         pg_stat_statements loaded and created in database orders, statements
                         per completed order (default: $SHOP_BENCH_PG_URL, which keeps the
                         password out of the command line)
  --amqp-admin URL       RabbitMQ management API, http://user:password@host:port: messages
                         published, delivered and acked per completed order
  --out DIR              results.json, timeseries.dat, chart.gp, chart.png (default build/bench)
)";

/// `word` as one word of a /bin/sh command line (std::system): in single quotes, each ' written
/// as '\''. --out may name a directory whose path holds spaces or quotes.
std::string shellWord(const std::string& word) {
    std::string quoted = "'";
    for (const char c : word) {
        quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    }
    return quoted + "'";
}

std::string envOr(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

struct Options {
    std::string gateway = "http://127.0.0.1:8080";
    std::optional<double> rate;
    std::optional<std::size_t> connections;
    double duration = 10;
    std::size_t accounts = 50;
    double drain = 30;
    double refundRatio = 0;
    std::string nginx;
    std::string nginxPidFile;
    bool skipNginx = false;
    double compareDuration = 5;
    std::size_t compareConnections = 16;
    std::string pidDir;
    std::string pgPidFile;
    std::string rabbitmqPidFile;
    std::string pgUrl = envOr("SHOP_BENCH_PG_URL");
    std::optional<AdminUrl> amqpAdmin;
    std::string out = "build/bench";
    std::string user = envOr("SHOP_ADMIN_USER");
    std::string password = envOr("SHOP_ADMIN_PASSWORD");
};

[[noreturn]] void fail(const std::string& message) {
    std::cerr << "shop-bench: error: " << message << "\n";
    std::exit(2);
}

double number(const std::string& name, const std::string& text, double lo, double hi) {
    try {
        std::size_t used = 0;
        const double v = std::stod(text, &used);
        if (used == text.size() && v >= lo && v <= hi) {
            return v;
        }
    } catch (const std::exception&) {
    }
    fail(name + " must be a number in [" + fixed(lo, 0) + ", " + fixed(hi, 0) + "], got '" + text +
         "'");
}

Options parseOptions(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        const auto eq = arg.find('=');
        if (eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
        }
        const auto next = [&]() -> std::string {
            if (eq != std::string::npos) {
                return value;
            }
            if (i + 1 >= argc) {
                fail(arg + " needs a value");
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            std::exit(0);
        } else if (arg == "--gateway") {
            o.gateway = next();
        } else if (arg == "--rate") {
            o.rate = number(arg, next(), 1, 20000);
        } else if (arg == "--connections") {
            o.connections = static_cast<std::size_t>(number(arg, next(), 1, 512));
        } else if (arg == "--duration") {
            o.duration = number(arg, next(), 1, 600);
        } else if (arg == "--accounts") {
            o.accounts = static_cast<std::size_t>(number(arg, next(), 1, 10000));
        } else if (arg == "--drain") {
            o.drain = number(arg, next(), 1, 300);
        } else if (arg == "--refund-ratio") {
            o.refundRatio = number(arg, next(), 0, 1);
        } else if (arg == "--nginx") {
            o.nginx = next();
        } else if (arg == "--skip-nginx") {
            o.skipNginx = true;
        } else if (arg == "--compare-duration") {
            o.compareDuration = number(arg, next(), 1, 120);
        } else if (arg == "--compare-connections") {
            o.compareConnections = static_cast<std::size_t>(number(arg, next(), 1, 256));
        } else if (arg == "--user") {
            o.user = next();
        } else if (arg == "--password") {
            o.password = next();
        } else if (arg == "--pid-dir") {
            o.pidDir = next();
        } else if (arg == "--nginx-pid-file") {
            o.nginxPidFile = next();
        } else if (arg == "--pg-pid-file") {
            o.pgPidFile = next();
        } else if (arg == "--rabbitmq-pid-file") {
            o.rabbitmqPidFile = next();
        } else if (arg == "--pg-url") {
            o.pgUrl = next();
        } else if (arg == "--amqp-admin") {
            o.amqpAdmin = parseAdminUrl(next());
            if (!o.amqpAdmin) {
                // Not echoed: it may hold a password.
                fail("--amqp-admin must be http://user:password@host[:port]");
            }
        } else if (arg == "--out") {
            o.out = next();
        } else {
            std::cerr << kUsage;
            fail("unknown option " + arg);
        }
    }
    return o;
}

std::string stringAt(const Json* object, std::string_view key) {
    if (!object || !object->isObject()) {
        return {};
    }
    const auto* v = object->find(key);
    return v && v->isString() ? v->asString() : std::string{};
}

const Json* dataOf(const std::optional<Json>& json) {
    return json && json->isObject() ? json->find("data") : nullptr;
}

std::optional<Json> parse(const std::string& body) {
    std::string error;
    return shop::domain::parseJson(body, error);
}

std::int64_t secondsToNs(double seconds) {
    return static_cast<std::int64_t>(seconds * 1e9);
}

std::int64_t sinceStart(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
}

struct Account {
    std::string userId;
    std::int64_t fundedCents = 0;
    bool uncertain = false;  ///< an order of it may exist that we have no answer for
};

struct Order {
    Sample sample;
    std::string orderId;
    std::size_t account = 0;
    std::int64_t amountCents = 0;
    std::string errorKind;
    std::string finalStatus;
};

void log(const std::string& line) {
    std::cout << "shop-bench: " << line << std::endl;
}

/// Runs `work(i)` for i in [0, count) on `threads` threads.
template <typename Work>
void parallelFor(std::size_t count, std::size_t threads, Work work) {
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> pool;
    for (std::size_t t = 0; t < std::min(threads, count); ++t) {
        pool.emplace_back([&, t] {
            for (std::size_t i = next++; i < count; i = next++) {
                work(t, i);
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
}

std::vector<Account> createAccounts(const Endpoint& gateway, Auth& auth, std::size_t count) {
    constexpr std::size_t kThreads = 8;
    std::vector<Account> accounts(count);
    std::vector<std::unique_ptr<HttpConnection>> connections;
    for (std::size_t t = 0; t < kThreads; ++t) {
        connections.push_back(
            std::make_unique<HttpConnection>(gateway, std::chrono::seconds(10), &auth));
    }
    std::mutex mutex;
    std::string problem;
    parallelFor(count, kThreads, [&](std::size_t t, std::size_t i) {
        // Every 10th account can afford only a few orders, so CANCELLED shows up too.
        const std::int64_t cents = i % 10 == 9 ? 2000 : 100'000'000;
        const std::string body = R"({"balance": ")" + formatCents(cents) + R"("})";
        try {
            const auto reply = connections[t]->send("POST", "/accounts", &body);
            const auto id = stringAt(dataOf(parse(reply.body)), "user_id");
            if (reply.status != 201 || id.empty()) {
                std::lock_guard lock(mutex);
                problem = "POST /accounts answered " + std::to_string(reply.status) + " " +
                          reply.body.substr(0, 300);
                return;
            }
            accounts[i] = Account{id, cents, false};
        } catch (const TransportError& e) {
            std::lock_guard lock(mutex);
            problem = "POST /accounts failed: " + std::string(e.what());
        }
    });
    if (!problem.empty()) {
        fail(problem);
    }
    return accounts;
}

/// Sends one order and fills in `order`; `dueNs` is already set.
void sendOrder(HttpConnection& connection, Order& order, const std::vector<Account>& accounts,
               std::size_t seq, Clock::time_point start) {
    order.account = seq % accounts.size();
    order.amountCents = 100 + static_cast<std::int64_t>((seq * 37) % 900);
    const std::string body = R"({"user_id": ")" + accounts[order.account].userId +
                             R"(", "amount": ")" + formatCents(order.amountCents) +
                             R"(", "description": "bench order )" + std::to_string(seq) + "\"}";
    try {
        const auto reply = connection.send("POST", "/orders", &body);
        order.sample.answeredNs =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
        if (reply.status == 201) {
            order.orderId = stringAt(dataOf(parse(reply.body)), "order_id");
            if (!order.orderId.empty()) {
                order.sample.accepted = true;
                return;
            }
            order.errorKind = "bad_201_body";
        } else {
            order.errorKind = httpErrorKind(reply);
        }
    } catch (const TransportError& e) {
        order.sample.answeredNs =
            std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count();
        order.errorKind = e.kind();
    }
    order.sample.failed = true;
}

/// GET /orders/{id} of every order in `pending` until each is final or `deadline` passes.
void pollFinals(const Endpoint& gateway, Auth& auth, std::vector<Order*> pending,
                Clock::time_point start, Clock::time_point deadline) {
    constexpr std::size_t kThreads = 8;
    std::vector<std::unique_ptr<HttpConnection>> connections;
    for (std::size_t t = 0; t < kThreads; ++t) {
        connections.push_back(
            std::make_unique<HttpConnection>(gateway, std::chrono::seconds(10), &auth));
    }
    while (!pending.empty()) {
        parallelFor(pending.size(), kThreads, [&](std::size_t t, std::size_t i) {
            Order& order = *pending[i];
            try {
                const auto reply = connections[t]->send("GET", "/orders/" + order.orderId);
                const auto status = stringAt(dataOf(parse(reply.body)), "status");
                if (reply.status == 200 && (status == "FINISHED" || status == "CANCELLED")) {
                    order.finalStatus = status;
                    order.sample.completedNs =
                        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                            .count();
                }
            } catch (const TransportError&) {
                // Asked again next round.
            }
        });
        std::erase_if(pending, [](const Order* o) { return !o->finalStatus.empty(); });
        if (pending.empty() || Clock::now() >= deadline) {
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
}

/// Checks every account's balance against its funding, its FINISHED orders and, with
/// `refunds`, its completed refunds.
void checkBalances(const Endpoint& gateway, Auth& auth, const std::vector<Account>& accounts,
                   const std::vector<Order>& orders, const RefundMixer* refunds, Results& results) {
    std::vector<std::int64_t> expected(accounts.size());
    std::vector<bool> uncertain(accounts.size(), false);
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        expected[i] = accounts[i].fundedCents;
        if (refunds != nullptr) {
            expected[i] += refunds->refundedCents()[i];
            uncertain[i] = refunds->uncertain()[i];
        }
    }
    for (const auto& o : orders) {
        if (o.sample.accepted && o.finalStatus.empty()) {
            uncertain[o.account] = true;
        } else if (o.sample.failed && outcomeUnknown(o.errorKind)) {
            uncertain[o.account] = true;
        } else if (o.finalStatus == "FINISHED") {
            expected[o.account] -= o.amountCents;
        }
    }
    std::mutex mutex;
    HttpConnection connection(gateway, std::chrono::seconds(10), &auth);
    for (std::size_t i = 0; i < accounts.size(); ++i) {
        std::string problem;
        try {
            const auto reply = connection.send("GET", "/accounts/" + accounts[i].userId);
            const auto balance = parseCents(stringAt(dataOf(parse(reply.body)), "balance"));
            if (reply.status != 200 || !balance) {
                problem = accounts[i].userId + ": GET answered " + std::to_string(reply.status);
            } else if (uncertain[i]) {
                ++results.balancesUnverifiable;
                continue;
            } else if (*balance != expected[i] || *balance < 0) {
                problem = accounts[i].userId + ": balance " + formatCents(*balance) +
                          ", expected " + formatCents(expected[i]);
            }
        } catch (const TransportError& e) {
            problem = accounts[i].userId + ": " + e.what();
        }
        ++results.balancesChecked;
        if (!problem.empty()) {
            ++results.balanceMismatches;
            if (results.balanceProblems.size() < 10) {
                results.balanceProblems.push_back(problem);
            }
        }
    }
}

std::string describe(const LatencySummary& s) {
    return "p50=" + fixed(s.p50, 2) + " p90=" + fixed(s.p90, 2) + " p99=" + fixed(s.p99, 2) +
           " max=" + fixed(s.max, 2) + " ms (n=" + std::to_string(s.count) + ")";
}

}  // namespace

int main(int argc, char** argv) {
    const Options options = parseOptions(argc, argv);
    const auto gateway = parseHttpUrl(options.gateway);
    if (!gateway) {
        fail("--gateway must be http://host[:port], got '" + options.gateway + "'");
    }
    Results results;
    results.gateway = options.gateway;
    results.durationS = options.duration;
    results.accounts = options.accounts;
    const bool open = options.rate.has_value() || !options.connections.has_value();
    results.mode = open ? "open" : "closed";
    results.rate = open ? options.rate.value_or(300) : 0;
    results.connections = options.connections.value_or(open ? 64 : 16);

    {
        HttpConnection probe(*gateway, std::chrono::seconds(5));
        try {
            const auto reply = probe.send("GET", "/health/ready");
            if (reply.status != 200) {
                log("warning: /health/ready answered " + std::to_string(reply.status) + ": " +
                    reply.body.substr(0, 300));
            }
        } catch (const TransportError& e) {
            fail("the gateway at " + options.gateway + " does not answer (" + e.what() +
                 "); start the stack with ./shop up");
        }
    }

    Auth auth(*gateway, options.user, options.password);
    try {
        if (auth.signIn()) {
            log("signed in to the gateway as '" + options.user + "'");
        } else {
            log("the gateway has no POST /auth/token (404): going on without a token");
        }
    } catch (const std::exception& e) {
        fail(std::string("cannot sign in: ") + e.what());
    }

    log("creating and funding " + std::to_string(options.accounts) + " accounts");
    const auto accounts = createAccounts(*gateway, auth, options.accounts);

    PushListener push;
    std::string pushNote;
    results.pushAvailable = push.connect(*gateway, pushNote, &auth);
    if (!results.pushAvailable) {
        std::cerr << "\n"
                  << "shop-bench: ******************************************************\n"
                  << "shop-bench: WebSocket push is NOT AVAILABLE: " << pushNote << "\n"
                  << "shop-bench: falling back to polling GET /orders/{id} for final status;\n"
                  << "shop-bench: push_* latencies are reported as unavailable.\n"
                  << "shop-bench: ******************************************************\n\n";
        results.pushNote = pushNote;
    } else {
        results.pushNote = "final-status frames on ws://" + gateway->host + ":" +
                           std::to_string(gateway->port) + "/ws/orders";
    }

    std::unique_ptr<RefundMixer> mixer;
    results.refunds.ratio = options.refundRatio;
    // A short head start so every worker is waiting when the first order is due.
    const auto start = Clock::now() + std::chrono::milliseconds(100);
    if (options.refundRatio > 0 && !results.pushAvailable) {
        results.refunds.note =
            "no refunds: they wait for each order's FINISHED frame, and push "
            "is not available";
        log("warning: " + results.refunds.note);
    } else if (options.refundRatio > 0) {
        mixer = std::make_unique<RefundMixer>(*gateway, auth, push, options.refundRatio,
                                              accounts.size(), start);
        mixer->start();
    }
    const auto offer = [&mixer](std::size_t seq, const Order& order) {
        if (mixer && order.sample.accepted) {
            mixer->offer(seq, order.orderId, order.account, order.amountCents);
        }
    };

    MemorySampler memory(options.pidDir);
    CostMeter costMeter(processGroups(options.pgPidFile, options.rabbitmqPidFile, options.pidDir));
    CounterProbe counters(options.pgUrl, options.amqpAdmin);
    memory.start();
    costMeter.start();
    counters.start();

    push.run(start);
    std::vector<Order> orders;
    if (open) {
        const OpenLoopSchedule schedule(results.rate, options.duration);
        log("open loop: " + fixed(results.rate, 0) + " orders/s for " + fixed(options.duration, 0) +
            " s (" + std::to_string(schedule.count()) + " orders) on " +
            std::to_string(results.connections) + " connections");
        orders.resize(schedule.count());
        // Bounded in time: what is not sent by then is counted as not sent.
        const auto hardStop = start + std::chrono::nanoseconds(secondsToNs(options.duration)) +
                              std::chrono::seconds(10);
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> workers;
        for (std::size_t w = 0; w < results.connections; ++w) {
            workers.emplace_back([&] {
                HttpConnection connection(*gateway, std::chrono::seconds(10), &auth);
                for (std::size_t i = next++; i < orders.size(); i = next++) {
                    const auto due = start + schedule.offsetOf(i);
                    std::this_thread::sleep_until(due);
                    orders[i].sample.dueNs = schedule.offsetOf(i).count();
                    if (Clock::now() > hardStop) {
                        // The server fell so far behind that this order was never sent: an
                        // error, not a silently smaller run.
                        orders[i].sample.failed = true;
                        orders[i].sample.answeredNs = sinceStart(start);
                        orders[i].errorKind = "not_sent_overloaded";
                        continue;
                    }
                    sendOrder(connection, orders[i], accounts, i, start);
                    offer(i, orders[i]);
                }
            });
        }
        for (auto& t : workers) {
            t.join();
        }
    } else {
        log("closed loop: " + std::to_string(results.connections) + " connections for " +
            fixed(options.duration, 0) + " s");
        const auto end = start + std::chrono::nanoseconds(secondsToNs(options.duration));
        std::vector<std::vector<Order>> perWorker(results.connections);
        std::atomic<std::size_t> seq{0};
        std::vector<std::thread> workers;
        for (std::size_t w = 0; w < results.connections; ++w) {
            workers.emplace_back([&, w] {
                HttpConnection connection(*gateway, std::chrono::seconds(10), &auth);
                std::this_thread::sleep_until(start);
                while (Clock::now() < end) {
                    Order order;
                    order.sample.dueNs =
                        std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start)
                            .count();
                    const std::size_t n = seq++;
                    sendOrder(connection, order, accounts, n, start);
                    offer(n, order);
                    perWorker[w].push_back(std::move(order));
                }
            });
        }
        for (auto& t : workers) {
            t.join();
        }
        for (auto& v : perWorker) {
            std::move(v.begin(), v.end(), std::back_inserter(orders));
        }
    }
    const double loadSeconds = std::chrono::duration<double>(Clock::now() - start).count();

    // Drain: wait for the final status of every accepted order.
    std::vector<Order*> accepted;
    for (auto& o : orders) {
        if (o.sample.accepted) {
            accepted.push_back(&o);
        }
    }
    log("load done: " + std::to_string(orders.size()) + " sent, " +
        std::to_string(accepted.size()) + " accepted; waiting up to " + fixed(options.drain, 0) +
        " s for final statuses");
    const auto deadline = Clock::now() + std::chrono::nanoseconds(secondsToNs(options.drain));
    std::vector<Order*> pending = accepted;
    if (results.pushAvailable) {
        const auto takePushed = [&] {
            std::erase_if(pending, [&](Order* o) {
                if (auto f = push.find(o->orderId)) {
                    o->finalStatus = f->status;
                    o->sample.completedNs = f->atNs;
                    o->sample.pushed = true;
                    return true;
                }
                return false;
            });
        };
        while (true) {
            takePushed();
            if (pending.empty() || Clock::now() >= deadline || !push.failure().empty()) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        if (mixer) {
            // Every order that will finish has: send the refunds still waiting for theirs.
            mixer->finishSending(Clock::now());
        }
        push.stop();
        takePushed();
        if (!push.failure().empty()) {
            log("warning: " + push.failure());
            results.pushNote += "; " + push.failure();
        }
        if (!pending.empty()) {
            // No frame for these: ask over REST whether they are final (push missing) or not
            // (lost).
            pollFinals(*gateway, auth, pending, start, std::max(deadline, Clock::now()));
            for (const auto* o : pending) {
                if (!o->finalStatus.empty()) {
                    ++results.pushMissing;
                }
            }
        }
    } else {
        pollFinals(*gateway, auth, pending, start, deadline);
    }
    auto services = memory.finish();
    costMeter.finish();
    counters.finish(Clock::now(), [](const std::string& line) { log(line); });
    if (mixer) {
        log("refunds: " + std::to_string(mixer->results().accepted) + " accepted; waiting up to " +
            fixed(options.drain, 0) + " s for them to complete");
        mixer->awaitCompletion(Clock::now() + std::chrono::nanoseconds(secondsToNs(options.drain)));
        results.refunds = mixer->results();
    }

    // Tally.
    std::vector<double> postMs;
    std::vector<double> pushMs;
    std::vector<Sample> samples;
    std::int64_t lastCompletedNs = 0;
    std::size_t completed = 0;
    for (auto& o : orders) {
        samples.push_back(o.sample);
        if (o.sample.failed) {
            ++results.errors[o.errorKind];
            if (o.errorKind == "timeout" || o.errorKind == "connection_error") {
                ++results.unknownOutcome;
            }
            continue;
        }
        postMs.push_back(static_cast<double>(o.sample.answeredNs - o.sample.dueNs) / 1e6);
        if (o.finalStatus.empty()) {
            ++results.lost;
            continue;
        }
        ++completed;
        lastCompletedNs = std::max(lastCompletedNs, o.sample.completedNs);
        (o.finalStatus == "FINISHED" ? results.finished : results.cancelled)++;
        if (o.sample.pushed) {
            pushMs.push_back(static_cast<double>(o.sample.completedNs - o.sample.dueNs) / 1e6);
        }
    }
    results.sent = orders.size();
    results.accepted = accepted.size();
    results.acceptedPerS = static_cast<double>(results.accepted) / loadSeconds;
    results.completedPerS = lastCompletedNs > 0 ? static_cast<double>(completed) /
                                                      (static_cast<double>(lastCompletedNs) / 1e9)
                                                : 0;
    results.post = summarize(std::move(postMs));
    results.push = summarize(std::move(pushMs));
    results.buckets = bucketize(samples);
    results.memory = services;
    results.cost.orders = completed;
    results.cost.groups = costMeter.costs();
    counters.fill(results.cost);

    log("checking balances of " + std::to_string(accounts.size()) + " accounts");
    checkBalances(*gateway, auth, accounts, orders, mixer.get(), results);

    // Gateway against nginx, GET /orders/{id}, closed loop, same connections and duration.
    if (options.skipNginx) {
        results.proxyNote = "skipped (--skip-nginx)";
    } else if (options.nginx.empty()) {
        results.proxyNote = "skipped: no --nginx URL (./shop bench sets one up)";
    } else if (const auto nginx = parseHttpUrl(options.nginx); !nginx) {
        results.proxyNote = "skipped: bad --nginx URL " + options.nginx;
    } else if (accepted.empty()) {
        results.proxyNote = "skipped: no accepted orders to read";
    } else {
        std::vector<std::string> targets;
        for (std::size_t i = 0; i < accepted.size() && targets.size() < 1000; ++i) {
            targets.push_back("/orders/" + accepted[i]->orderId);
        }
        const auto each =
            std::chrono::milliseconds(static_cast<std::int64_t>(options.compareDuration * 1000));
        log("GET /orders/{id}, closed loop, " + std::to_string(options.compareConnections) +
            " connections, " + fixed(options.compareDuration, 0) + " s each: gateway, then nginx");
        // What each request costs every process (the proxy, the orders service and its
        // database, this one) tells where a throughput gap comes from.
        std::vector<ProcessGroup> groups =
            processGroups(options.pgPidFile, options.rabbitmqPidFile, options.pidDir);
        groups.push_back(pidFileGroup("nginx", options.nginxPidFile, "--nginx-pid-file"));
        const auto metered = [&](const std::string& name, const std::string& url,
                                 const Endpoint& endpoint) {
            CostMeter meter(groups);
            meter.start();
            ProxyRun run =
                runGetLoad(name, url, endpoint, targets, options.compareConnections, each, &auth);
            meter.finish();
            run.cost = meter.costs();
            return run;
        };
        // nginx goes straight to the orders service, which trusts its X-Internal-Secret (set by
        // the nginx configuration) and ignores the token; sending it costs both sides the same.
        results.proxies.push_back(metered("gateway", options.gateway, *gateway));
        results.proxies.push_back(metered("nginx", options.nginx, *nginx));
        results.proxyNote = "GET /orders/{id}, closed loop, " +
                            std::to_string(options.compareConnections) + " connections, " +
                            fixed(options.compareDuration, 0) + " s each";
    }

    // Files.
    const std::filesystem::path out(options.out);
    std::filesystem::create_directories(out);
    const auto write = [&](const std::string& name, const std::string& text) {
        std::ofstream file(out / name, std::ios::binary | std::ios::trunc);
        file << text;
    };
    write("results.json", toJson(results));
    write("timeseries.dat", timeseriesData(results.buckets));
    const std::string title = "shop bench: " + results.mode + " loop, " +
                              (open ? fixed(results.rate, 0) + " orders/s"
                                    : std::to_string(results.connections) + " connections") +
                              ", " + fixed(options.duration, 0) + " s";
    write("chart.gp",
          gnuplotScript((out / "timeseries.dat").string(), (out / "chart.png").string(), title));
    std::string chart = "not drawn: gnuplot is not installed";
    if (std::system("command -v gnuplot >/dev/null 2>&1") == 0) {
        const std::string command = "gnuplot " + shellWord((out / "chart.gp").string()) + " 2>&1";
        chart = std::system(command.c_str()) == 0
                    ? (out / "chart.png").string()
                    : "gnuplot failed on " + (out / "chart.gp").string();
    }

    // Report.
    std::cout << "\n";
    log("orders: sent=" + std::to_string(results.sent) + " accepted=" +
        std::to_string(results.accepted) + " finished=" + std::to_string(results.finished) +
        " cancelled=" + std::to_string(results.cancelled) + " lost=" +
        std::to_string(results.lost) + " push_missing=" + std::to_string(results.pushMissing));
    log("throughput: accepted/s=" + fixed(results.acceptedPerS, 1) +
        " completed/s=" + fixed(results.completedPerS, 1));
    log("POST /orders latency (from the due time): " + describe(results.post));
    if (results.pushAvailable) {
        log("POST -> final-status push latency: " + describe(results.push));
    } else {
        log("POST -> final-status push latency: UNAVAILABLE (" + results.pushNote + ")");
    }
    for (const auto& [kind, count] : results.errors) {
        log("errors: " + kind + "=" + std::to_string(count));
    }
    if (const RefundResults& r = results.refunds; r.ratio > 0) {
        log("refunds: offered=" + std::to_string(r.offered) + " sent=" + std::to_string(r.sent) +
            " accepted=" + std::to_string(r.accepted) +
            " completed=" + std::to_string(r.completed) + " not_paid=" + std::to_string(r.notPaid) +
            " unsettled=" + std::to_string(r.unsettled) +
            (r.note.empty() ? "" : " (" + r.note + ")"));
        log("POST /orders/{id}/refunds latency: " + describe(r.post));
        for (const auto& [kind, count] : r.errors) {
            log("refund errors: " + kind + "=" + std::to_string(count));
        }
    }
    if (results.lost > 0) {
        log("warning: " + std::to_string(results.lost) + " accepted orders were not final " +
            fixed(options.drain, 0) +
            " s after the load (counted as lost; raise --drain to wait longer)");
    }
    log("balances: " + std::to_string(results.balancesUnverifiable) +
        " skipped (an order of theirs is not final, or its POST got no answer or a 5xx), " +
        std::to_string(results.balancesChecked) + " checked, " +
        std::to_string(results.balanceMismatches) + " wrong");
    for (const auto& p : results.balanceProblems) {
        log("  balance problem: " + p);
    }
    if (results.memory.empty()) {
        log("memory: no pid files (--pid-dir) to read");
    }
    for (const auto& m : results.memory) {
        log("memory: " + m.name + " (pid " + std::to_string(m.pid) + ") peak RSS " +
            fixed(static_cast<double>(m.peakKb) / 1024.0, 1) + " MiB, at the end " +
            fixed(static_cast<double>(m.rssEndKb) / 1024.0, 1) + " MiB");
    }
    std::istringstream costLines(costTable(results.cost));
    for (std::string line; std::getline(costLines, line);) {
        log(line);
    }
    for (const auto& p : results.proxies) {
        log("proxy " + p.name + ": " + fixed(p.perSecond, 0) + " req/s, " + describe(p.latency) +
            ", errors=" + std::to_string(p.errors));
        log("  per request: " + proxyCostText(p));
    }
    if (results.proxies.size() == 2 && results.proxies[1].perSecond > 0 &&
        results.proxies[1].latency.p99 > 0) {
        log("gateway/nginx: throughput ratio " +
            fixed(results.proxies[0].perSecond / results.proxies[1].perSecond, 2) + ", p99 ratio " +
            fixed(results.proxies[0].latency.p99 / results.proxies[1].latency.p99, 2));
    } else {
        log("gateway/nginx: " + results.proxyNote);
    }
    log("results: " + (out / "results.json").string() + ", chart: " + chart);
    std::cout << summaryLine(results) << std::endl;
    const std::size_t refundsLost = results.refunds.accepted - results.refunds.completed;
    if (refundsLost > 0) {
        log("warning: " + std::to_string(refundsLost) + " accepted refunds had not completed " +
            fixed(options.drain, 0) + " s after the load");
    }
    return results.lost > 0 || refundsLost > 0 || results.balanceMismatches > 0 ? 1 : 0;
}
