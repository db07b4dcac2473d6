// The HA suite (label `ha`): the chaos fixture's stream of orders against a three-node RabbitMQ
// cluster and two PostgreSQL nodes under Patroni (`./shop test` starts them as the ha-test
// profile), while one node is lost. Each scenario checks every guarantee and prints the longest
// time without a successful POST (the failover time the client saw).
#include <map>
#include <thread>

#include "chaos_fixture.hpp"
#include "ws_client.hpp"

namespace shop::chaos {
namespace {

/// `./shop ha-ctl <profile> ARGS`: its output, trimmed; "" when it fails, which fails the test
/// unless `mayFail` (for waiting on an answer that is not there yet).
std::string haCtl(const std::string& args, bool mayFail) {
    const std::string command = requiredEnv("SHOP_TEST_HA_CTL") + " " + args + " 2>&1";
    std::string out;
    int rc = -1;
    if (FILE* pipe = ::popen(command.c_str(), "r")) {
        char buffer[256];
        while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) {
            out += buffer;
        }
        rc = ::pclose(pipe);
    }
    if (rc != 0) {
        if (!mayFail) {
            ADD_FAILURE() << "ha-ctl " << args << " failed: " << out;
        }
        return {};
    }
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
        out.pop_back();
    }
    return out;
}

/// Does something to a node, or asks what must be answered now.
std::string ctl(const std::string& args) {
    return haCtl(args, false);
}

/// Asks what may not be true yet.
std::string probe(const std::string& args) {
    return haCtl(args, true);
}

class HaTest : public ChaosTest {
  protected:
    void SetUp() override {
        // Every node is back from the previous scenario before this one starts.
        ASSERT_TRUE(testing::waitUntil([] { return probe("cluster-size") == "3"; }, 120s, 500ms))
            << "the RabbitMQ cluster is not whole";
        ASSERT_TRUE(testing::waitUntil(
            [] {
                const std::string primary = probe("primary");
                return !primary.empty() &&
                       probe(std::string("role ") +
                             (primary == "postgres-1" ? "postgres-2" : "postgres-1")) == "replica";
            },
            120s, 500ms))
            << "the PostgreSQL cluster has no primary with a replica";
        ChaosTest::SetUp();
    }
};

TEST_F(HaTest, KillTheRabbitNodeLeadingThePaymentsQueue) {
    const std::string leader = ctl("leader payments.payment-requested");
    ASSERT_FALSE(leader.empty());
    runLoad([&] { ctl("kill " + leader); });
    // Another node took the lead while it was gone.
    EXPECT_TRUE(testing::waitUntil(
        [&] {
            const std::string now = probe("leader payments.payment-requested");
            return !now.empty() && now != leader;
        },
        60s, 500ms));
    ctl("start " + leader);
    checkBooks(0, 0);
}

TEST_F(HaTest, KillARabbitNodeThatLeadsNothingAndItRejoins) {
    std::set<std::string> busy{ctl("leader payments.payment-requested"),
                               ctl("leader orders.payment-result"), ctl("feed-node")};
    std::string victim;
    for (const char* node : {"rabbitmq-3", "rabbitmq-2", "rabbitmq-1"}) {
        if (busy.count(node) == 0) {
            victim = node;
            break;
        }
    }
    if (victim.empty()) {
        victim = "rabbitmq-3";  // every node leads something: lose one anyway
    }
    runLoad([&] {
        ctl("kill " + victim);
        // Two of three nodes up: still ready, and the report names the one that is missing.
        e2e::HttpResponse ready;
        const auto missing = [&] {
            const domain::Json* gateway =
                e2e::member(e2e::member(ready.data(), "checks"), "gateway");
            const domain::Json* nodes =
                e2e::member(e2e::member(e2e::member(gateway, "checks"), "broker_nodes"), "missing");
            return nodes != nullptr ? nodes->items().size() : 0;
        };
        EXPECT_TRUE(testing::waitUntil(
            [&] {
                ready = s_stack->gateway().get("/health/ready");
                return missing() == 1;
            },
            30s, 200ms))
            << ready.describe();
        EXPECT_EQ(ready.status, 200) << ready.describe();
    });
    ctl("start " + victim);
    EXPECT_TRUE(testing::waitUntil([] { return probe("cluster-size") == "3"; }, 60s, 500ms))
        << victim << " did not rejoin the cluster";
    checkBooks(0, 0);
}

TEST_F(HaTest, KillThePostgresPrimary) {
    const std::string primary = ctl("primary");
    ASSERT_FALSE(primary.empty());
    runLoad([&] {
        ctl("kill " + primary);
        // Patroni promotes the synchronous standby.
        EXPECT_TRUE(testing::waitUntil(
            [&] {
                const std::string now = probe("primary");
                return !now.empty() && now != primary;
            },
            60s, 200ms))
            << "no failover";
    });
    // The old primary comes back as a replica of the new one (Patroni restarts it).
    EXPECT_TRUE(
        testing::waitUntil([&] { return probe("role " + primary) == "replica"; }, 120s, 500ms))
        << primary << " did not rejoin as a replica";
    checkBooks(0, 0);
}

TEST_F(HaTest, EtcdAwayForTenSeconds) {
    const std::string primary = ctl("primary");
    ASSERT_FALSE(primary.empty());
    runLoad([&] {
        ctl("stop etcd");
        // The outage itself; Patroni's failsafe mode keeps the primary serving meanwhile.
        std::this_thread::sleep_for(10s);
        ctl("start etcd");
    });
    // No split brain: the same single primary, and the other node still its replica.
    EXPECT_EQ(probe("primary"), primary);
    EXPECT_EQ(probe(std::string("role ") + (primary == "postgres-1" ? "postgres-2" : "postgres-1")),
              "replica");
    checkBooks(0, 0);
}

/// A live panel: subscribed to every order; when the gateway closes the socket it reconnects
/// and re-reads the state of every order of `users` over REST, as the desktop client does.
class Subscriber {
  public:
    Subscriber(std::uint16_t port, std::string token, std::vector<std::string> users)
        : m_port(port), m_token(std::move(token)), m_users(std::move(users)) {
        m_ws = std::make_unique<wstest::WsClient>(m_port, "/ws/orders", m_token);
        m_thread = std::thread([this] { run(); });
    }
    ~Subscriber() {
        m_stop = true;
        m_thread.join();
    }

    /// The status this panel shows for `orderId` ("" when it never learned of it).
    std::string statusOf(const std::string& orderId) {
        std::lock_guard lock(m_mutex);
        const auto found = m_state.find(orderId);
        return found == m_state.end() ? "" : found->second.second;
    }
    int resyncs() const { return m_resyncs; }

  private:
    void apply(const domain::Json& order) {
        const std::string id = e2e::str(&order, "order_id");
        const std::int64_t version = std::stoll(e2e::num(&order, "version"));
        std::lock_guard lock(m_mutex);
        auto& held = m_state[id];
        if (version > held.first) {
            held = {version, e2e::str(&order, "status")};
        }
    }

    void run() {
        while (!m_stop) {
            if (auto frame = m_ws->next(100ms)) {
                if (e2e::str(&*frame, "type") == "order.status" &&
                    !e2e::num(&*frame, "version").empty()) {
                    apply(*frame);
                }
                continue;
            }
            if (!m_ws->closed()) {
                continue;
            }
            // Closed (1012 after the gateway's feed moved to another node): subscribe again,
            // then re-read, so nothing between the two is missed.
            try {
                m_ws = std::make_unique<wstest::WsClient>(m_port, "/ws/orders", m_token);
                const e2e::HttpClient api("127.0.0.1", m_port, 10s);
                for (const auto& user : m_users) {
                    const auto page =
                        api.withToken(m_token).get("/orders?user_id=" + user + "&limit=200");
                    if (page.status != 200) {
                        throw std::runtime_error(page.describe());
                    }
                    for (const auto& order : e2e::member(page.data(), "items")->items()) {
                        apply(order);
                    }
                }
                ++m_resyncs;
            } catch (const std::exception&) {
                std::this_thread::sleep_for(200ms);  // the gateway is busy failing over: retry
            }
        }
    }

    std::uint16_t m_port;
    std::string m_token;
    std::vector<std::string> m_users;
    std::unique_ptr<wstest::WsClient> m_ws;
    std::mutex m_mutex;
    std::map<std::string, std::pair<std::int64_t, std::string>> m_state;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_resyncs{0};
    std::thread m_thread;
};

TEST_F(HaTest, TheGatewaysBrokerNodeIsLostWhileSubscribersListen) {
    const std::string node = ctl("feed-node");
    ASSERT_FALSE(node.empty());
    std::vector<std::unique_ptr<Subscriber>> panels;
    for (int i = 0; i < 3; ++i) {
        panels.push_back(std::make_unique<Subscriber>(s_stack->gatewayPort(),
                                                      s_stack->operatorToken(), m_users));
    }
    runLoad([&] { ctl("kill " + node); });
    ctl("start " + node);
    checkBooks(0, 0);
    // Every panel ends with every accepted order's final state.
    pg::Connection orders(s_stack->ordersAdminUrl);
    for (const auto& id : m_accepted) {
        const std::string final =
            orders.exec("SELECT status FROM orders WHERE order_id = $1::uuid", id).str(0, 0);
        for (std::size_t p = 0; p < panels.size(); ++p) {
            EXPECT_TRUE(testing::waitUntil([&] { return panels[p]->statusOf(id) == final; }, 30s))
                << "panel " << p << " shows " << panels[p]->statusOf(id) << " for " << id
                << ", not " << final;
        }
    }
    for (const auto& panel : panels) {
        EXPECT_GE(panel->resyncs(), 1) << "the gateway did not tell its subscribers to resync";
    }
}

}  // namespace
}  // namespace shop::chaos
