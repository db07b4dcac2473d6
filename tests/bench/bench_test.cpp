#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "cost.hpp"
#include "counters.hpp"
#include "refunds.hpp"
#include "report.hpp"
#include "shop/domain/json.hpp"
#include "stats.hpp"

namespace shop::bench {
namespace {

TEST(Percentile, NearestRank) {
    std::vector<double> v;
    for (int i = 1; i <= 100; ++i) {
        v.push_back(i);
    }
    EXPECT_EQ(percentile(v, 50), 50);
    EXPECT_EQ(percentile(v, 90), 90);
    EXPECT_EQ(percentile(v, 99), 99);
    EXPECT_EQ(percentile(v, 100), 100);
    EXPECT_EQ(percentile(v, 0), 1);
    EXPECT_EQ(percentile({}, 99), 0);
    EXPECT_EQ(percentile({7}, 99), 7);
    // With fewer than 100 values p99 is the maximum, never an interpolation below it.
    EXPECT_EQ(percentile({1, 2, 3, 1000}, 99), 1000);
    EXPECT_EQ(percentile({1, 2, 3, 1000}, 50), 2);
}

TEST(Summarize, SortsAndSummarizes) {
    const auto s = summarize({5, 1, 4, 2, 3});
    EXPECT_EQ(s.count, 5u);
    EXPECT_EQ(s.p50, 3);
    EXPECT_EQ(s.p99, 5);
    EXPECT_EQ(s.max, 5);
    EXPECT_DOUBLE_EQ(s.mean, 3);
    EXPECT_EQ(summarize({}).count, 0u);
}

TEST(OpenLoopSchedule, DueTimesFollowTheClockNotTheAnswers) {
    const OpenLoopSchedule s(300, 10);
    EXPECT_EQ(s.count(), 3000u);
    EXPECT_EQ(s.offsetOf(0).count(), 0);
    EXPECT_EQ(s.offsetOf(300).count(), 1'000'000'000);
    EXPECT_EQ(s.offsetOf(1).count(), 3'333'333);
    const OpenLoopSchedule slow(0.5, 1);
    EXPECT_EQ(slow.count(), 1u);
    EXPECT_THROW(OpenLoopSchedule(0, 10), std::invalid_argument);
    EXPECT_THROW(OpenLoopSchedule(10, -1), std::invalid_argument);
}

TEST(ParseHttpUrl, HostAndPort) {
    const auto a = parseHttpUrl("http://127.0.0.1:8080");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->host, "127.0.0.1");
    EXPECT_EQ(a->port, 8080);
    const auto b = parseHttpUrl("http://localhost/");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->port, 80);
    EXPECT_TRUE(parseHttpUrl("ws://127.0.0.1:58080"));
    EXPECT_FALSE(parseHttpUrl("https://127.0.0.1:8080"));
    EXPECT_FALSE(parseHttpUrl("http://127.0.0.1:8080/orders"));
    EXPECT_FALSE(parseHttpUrl("http://127.0.0.1:99999"));
    EXPECT_FALSE(parseHttpUrl("http://127.0.0.1:80a"));
    EXPECT_FALSE(parseHttpUrl("http://"));
}

TEST(OutcomeUnknown, NoAnswerOrA5xxMayHavePlacedTheOrder) {
    EXPECT_TRUE(outcomeUnknown("timeout"));
    EXPECT_TRUE(outcomeUnknown("connection_error"));
    EXPECT_TRUE(outcomeUnknown("http_504_UPSTREAM_TIMEOUT"));
    EXPECT_TRUE(outcomeUnknown("http_503_UPSTREAM_UNAVAILABLE"));
    EXPECT_TRUE(outcomeUnknown("http_500"));
    EXPECT_FALSE(outcomeUnknown("http_400_BAD_REQUEST"));
    EXPECT_FALSE(outcomeUnknown("http_429_RATE_LIMITED"));
    EXPECT_FALSE(outcomeUnknown("not_sent_overloaded"));
    EXPECT_FALSE(outcomeUnknown("bad_201_body"));
}

TEST(Cents, ParseAndFormat) {
    EXPECT_EQ(parseCents("199.99"), 19999);
    EXPECT_EQ(parseCents("5"), 500);
    EXPECT_EQ(parseCents("0.5"), 50);
    EXPECT_EQ(parseCents("1000000.00"), 100000000);
    EXPECT_FALSE(parseCents(""));
    EXPECT_FALSE(parseCents("1."));
    EXPECT_FALSE(parseCents("1.234"));
    EXPECT_FALSE(parseCents("-1.00"));
    EXPECT_FALSE(parseCents("1e3"));
    EXPECT_EQ(formatCents(19999), "199.99");
    EXPECT_EQ(formatCents(5), "0.05");
    EXPECT_EQ(formatCents(100000000), "1000000.00");
    EXPECT_EQ(formatCents(-150), "-1.50");
}

TEST(Bucketize, OneBucketPerSecond) {
    std::vector<Sample> samples;
    // Due at 0.5 s, answered 10 ms later, final pushed at 1.2 s.
    samples.push_back(Sample{500'000'000, 510'000'000, true, false, 1'200'000'000, true});
    // Due at 1.5 s, failed.
    samples.push_back(Sample{1'500'000'000, 1'600'000'000, false, true, -1, false});
    const auto b = bucketize(samples);
    ASSERT_EQ(b.size(), 2u);
    EXPECT_EQ(b[0].accepted, 1u);
    EXPECT_EQ(b[0].completed, 0u);
    EXPECT_DOUBLE_EQ(b[0].post.p99, 10.0);
    EXPECT_DOUBLE_EQ(b[0].push.p99, 700.0);
    EXPECT_EQ(b[1].completed, 1u);
    EXPECT_EQ(b[1].errors, 1u);
    EXPECT_EQ(b[1].post.count, 0u);
    EXPECT_TRUE(bucketize({}).empty());
}

Results sampleResults() {
    Results r;
    r.mode = "open";
    r.rate = 300;
    r.completedPerS = 299.44;
    r.post.p99 = 12.345;
    r.push.p99 = 80.5;
    r.pushAvailable = true;
    r.lost = 0;
    r.errors["timeout"] = 2;
    r.errors["http_503_UPSTREAM_UNAVAILABLE"] = 1;
    return r;
}

TEST(Report, SummaryLineHasTheAgreedShape) {
    auto r = sampleResults();
    EXPECT_EQ(summaryLine(r),
              "bench: completed_per_s=299.4 post_p99_ms=12.35 push_p99_ms=80.50 lost=0 errors=3");
    r.pushAvailable = false;
    EXPECT_EQ(summaryLine(r),
              "bench: completed_per_s=299.4 post_p99_ms=12.35 push_p99_ms=unavailable lost=0 "
              "errors=3");
}

TEST(Report, JsonParsesAndNeverInventsPushFigures) {
    auto r = sampleResults();
    r.pushAvailable = false;
    r.buckets = bucketize({Sample{0, 1'000'000, true, false, -1, false}});
    r.proxies = {ProxyRun{"gateway", "http://a", 10, 0, 800, {}, {}},
                 ProxyRun{"nginx", "http://b", 10, 0, 1000, {}, {}}};
    r.proxies[0].latency.p99 = 3;
    r.proxies[1].latency.p99 = 2;
    r.proxies[0].cost = {GroupCost{"gateway", true, "", 1.0, 25, 4},
                         GroupCost{"nginx", false, "no --nginx-pid-file", 0, 0, 0}};
    std::string error;
    const auto json = domain::parseJson(toJson(r), error);
    ASSERT_TRUE(json) << error;
    ASSERT_TRUE(json->find("push_latency"));
    EXPECT_TRUE(json->find("push_latency")->isNull());
    EXPECT_EQ(json->find("error_count")->numberText(), "3");
    const auto* cmp = json->find("proxy_comparison");
    ASSERT_TRUE(cmp);
    EXPECT_EQ(cmp->find("throughput_ratio")->numberText(), "0.800");
    EXPECT_EQ(cmp->find("p99_ratio")->numberText(), "1.500");
    const auto& gatewayCost = cmp->find("runs")->items()[0].find("cost_per_request")->items();
    ASSERT_EQ(gatewayCost.size(), 1u);  // the group not metered is left out
    EXPECT_EQ(gatewayCost[0].find("name")->asString(), "gateway");
    EXPECT_EQ(gatewayCost[0].find("cpu_us")->numberText(), "100.0");
    EXPECT_EQ(gatewayCost[0].find("ctx_switches")->numberText(), "2.50");
    EXPECT_EQ(json->find("timeseries")->items().size(), 1u);
}

TEST(Report, ProxyCostPerAnsweredRequest) {
    ProxyRun run{"gateway", "http://a", 4, 0, 400, {}, {}};
    run.cost = {GroupCost{"gateway", true, "", 0.4, 10, 3},
                GroupCost{"nginx", false, "no --nginx-pid-file", 0, 0, 0},
                GroupCost{"orders", true, "", 0.2, 3, 7},
                GroupCost{"total", true, "", 0.6, 13, 10}};
    EXPECT_EQ(proxyCostText(run),
              "gateway 100 us 2.5 cs, orders 50 us 0.8 cs, total 150 us 3.2 cs");
    run.requests = 0;
    EXPECT_EQ(proxyCostText(run), "no requests answered");
    run.requests = 4;
    run.cost.clear();
    EXPECT_EQ(proxyCostText(run), "no process metered");
}

TEST(Report, TimeseriesAndGnuplotScript) {
    const auto data = timeseriesData(bucketize({Sample{0, 2'000'000, true, false, -1, false}}));
    EXPECT_NE(data.find("0 1 0 0 2.000 2.000 NaN NaN"), std::string::npos) << data;
    const auto script = gnuplotScript("/tmp/it's.dat", "/tmp/c.png", "t");
    EXPECT_NE(script.find("'/tmp/it''s.dat'"), std::string::npos);
    EXPECT_NE(script.find("set output '/tmp/c.png'"), std::string::npos);
}

TEST(Refunds, PickTheirShareOfTheOrdersOfEveryAccount) {
    for (double ratio : {0.1, 0.25, 0.5}) {
        SCOPED_TRACE(ratio);
        int picked = 0;
        std::vector<int> byAccount(10, 0);  // the bench's accounts take orders in turn
        for (std::size_t seq = 0; seq < 10000; ++seq) {
            if (picksForRefund(seq, ratio)) {
                ++picked;
                ++byAccount[seq % 10];
            }
        }
        EXPECT_NEAR(picked, ratio * 10000, 10000 * 0.01);
        for (int account = 0; account < 10; ++account) {
            EXPECT_NEAR(byAccount[account], ratio * 1000, 1000 * 0.05) << account;
        }
    }
    for (std::size_t seq = 0; seq < 1000; ++seq) {
        EXPECT_FALSE(picksForRefund(seq, 0.0));
        EXPECT_TRUE(picksForRefund(seq, 1.0));
    }
}

TEST(Refunds, WholeAmountsAndHalves) {
    EXPECT_EQ(refundCentsFor(4, 1999), 1999);
    EXPECT_EQ(refundCentsFor(5, 1999), 999);
    EXPECT_EQ(refundCentsFor(7, 1), 1);  // never a refund of nothing
}

TEST(Report, JsonCarriesTheRefunds) {
    auto r = sampleResults();
    r.refunds.ratio = 0.1;
    r.refunds.offered = 12;
    r.refunds.sent = 11;
    r.refunds.accepted = 10;
    r.refunds.completed = 10;
    r.refunds.notPaid = 1;
    r.refunds.errors["http_409_CONFLICT"] = 1;
    std::string error;
    const auto json = domain::parseJson(toJson(r), error);
    ASSERT_TRUE(json) << error;
    const auto* refunds = json->find("refunds");
    ASSERT_TRUE(refunds);
    EXPECT_EQ(refunds->find("ratio")->numberText(), "0.100");
    EXPECT_EQ(refunds->find("completed")->numberText(), "10");
    EXPECT_EQ(refunds->find("not_paid")->numberText(), "1");
    EXPECT_EQ(refunds->find("errors")->find("http_409_CONFLICT")->numberText(), "1");
}

TEST(ProcStat, CommWithSpacesAndParentheses) {
    const auto s = parseProcStat(
        "123 (postgres: a (b)) S 1 123 123 0 -1 4194560 2035 0 0 0 17 4 21 9 20 0 1 0 4242 "
        "223 5 18446744073709551615 1 1 0 0 0 0 4194304 19935239 536883719 0 0 0 17 1 0 0 0 0 0\n");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->pid, 123);
    EXPECT_EQ(s->comm, "postgres: a (b)");
    EXPECT_EQ(s->state, 'S');
    EXPECT_EQ(s->ppid, 1);
    EXPECT_EQ(s->utime, 17);
    EXPECT_EQ(s->stime, 4);
    EXPECT_EQ(s->cutime, 21);
    EXPECT_EQ(s->cstime, 9);
    EXPECT_EQ(s->threads, 1);
    EXPECT_FALSE(parseProcStat(""));
    EXPECT_FALSE(parseProcStat("123 (x) S 1 2 3"));
    EXPECT_FALSE(parseProcStat("123 x) S 1"));
}

TEST(ProcStat, ReadsThisProcess) {
    const auto table = readProcessTable();
    const auto tree = processTree(table, static_cast<int>(getpid()));
    ASSERT_FALSE(tree.empty());
    EXPECT_EQ(tree.front(), static_cast<int>(getpid()));
}

TEST(ProcStat, TreeCountsDescendantsAndReapedChildren) {
    const auto proc = [](int pid, int ppid, std::int64_t u, std::int64_t cu) {
        ProcStat p;
        p.pid = pid;
        p.ppid = ppid;
        p.utime = u;
        p.stime = 1;
        p.cutime = cu;
        p.threads = 2;
        return p;
    };
    // 10 is the root; 11 its child, 12 a grandchild; 20 is unrelated.
    const std::vector<ProcStat> table{proc(1, 0, 0, 0), proc(10, 1, 5, 100), proc(11, 10, 7, 3),
                                      proc(12, 11, 2, 0), proc(20, 1, 1000, 0)};
    const auto tree = processTree(table, 10);
    EXPECT_EQ(tree, (std::vector<int>{10, 11, 12}));
    EXPECT_EQ(treeCpuTicks(table, tree), (5 + 1 + 100) + (7 + 1 + 3) + (2 + 1));
    EXPECT_TRUE(processTree(table, 99).empty());
    EXPECT_TRUE(processTree(table, 0).empty());
}

TEST(ContextSwitches, StatusLines) {
    const std::string status =
        "Name:\tpostgres\nThreads:\t1\nvoluntary_ctxt_switches:\t1200\n"
        "nonvoluntary_ctxt_switches:\t34\n";
    EXPECT_EQ(parseContextSwitches(status), 1234);
    EXPECT_EQ(parseContextSwitches("voluntary_ctxt_switches:  7\n"), 7);
    EXPECT_FALSE(parseContextSwitches("Name:\tx\nThreads:\t1\n"));
}

TEST(ContextSwitches, NewThreadsCountWholeExitedThreadsAreLost) {
    const ThreadSwitches before{{1, 100}, {2, 50}, {3, 10}};
    const ThreadSwitches after{{1, 130}, {2, 50}, {4, 7}};
    EXPECT_EQ(switchesBetween(before, after), 30 + 0 + 7);
}

TEST(Cost, PerOrderDivision) {
    EXPECT_DOUBLE_EQ(*perOrder(812, 1000), 0.812);
    EXPECT_DOUBLE_EQ(*perOrder(0, 3), 0);
    EXPECT_FALSE(perOrder(5, 0));
    GroupSample a;
    a.alive = true;
    a.cpuTicks = 100;
    a.switches = {{1, 10}};
    GroupSample b = a;
    b.cpuTicks = 350;
    b.switches = {{1, 40}, {2, 5}};
    b.threads = 14;
    const auto c = costBetween("postgresql", a, b, 100);
    EXPECT_TRUE(c.available);
    EXPECT_DOUBLE_EQ(c.cpuMs, 2500);
    EXPECT_EQ(c.contextSwitches, 35);
    EXPECT_EQ(c.threads, 14);
    EXPECT_FALSE(costBetween("x", a, GroupSample{}, 100).available);
    const auto total = totalCost({c, GroupCost{"gone", false, "not running", 0, 0, 0}, c});
    EXPECT_EQ(total.name, "total");
    EXPECT_DOUBLE_EQ(total.cpuMs, 5000);
    EXPECT_EQ(total.contextSwitches, 70);
}

TEST(Broker, AdminUrlAndOverview) {
    const auto a = parseAdminUrl("http://guest:gu:est@127.0.0.1:55673");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->user, "guest");
    EXPECT_EQ(a->password, "gu:est");
    EXPECT_EQ(a->endpoint.host, "127.0.0.1");
    EXPECT_EQ(a->endpoint.port, 55673);
    EXPECT_TRUE(parseAdminUrl("http://127.0.0.1:15672/"));
    EXPECT_FALSE(parseAdminUrl("https://guest:guest@127.0.0.1"));
    EXPECT_FALSE(parseAdminUrl("http://guest:guest@"));
    const auto o =
        parseOverview(R"({"message_stats": {"publish": 40, "publish_details": {"rate": 1.0},)"
                      R"( "deliver_get": 38, "ack": 30}, "node": "x"})");
    ASSERT_TRUE(o);
    EXPECT_EQ(o->published, 40);
    EXPECT_EQ(o->delivered, 38);
    EXPECT_EQ(o->acked, 30);
    EXPECT_EQ(parseOverview(R"({"node": "x"})")->published, 0);
    EXPECT_FALSE(parseOverview("[]"));
}

TEST(Report, CostTableAndJson) {
    auto r = sampleResults();
    r.cost.orders = 250;
    r.cost.groups = {GroupCost{"postgresql", true, "", 203, 3075, 14},
                     GroupCost{"rabbitmq", false, "not running", 0, 0, 0}};
    r.cost.groups.push_back(totalCost(r.cost.groups));
    r.cost.transactions = 755;
    r.cost.statementsNote = "pg_stat_statements is not loaded";
    r.cost.broker = BrokerCounts{1000, 1000, 750};
    const auto table = costTable(r.cost);
    EXPECT_NE(table.find("cost per completed order (250 orders):"), std::string::npos) << table;
    const std::string row =
        "\n  postgresql" + std::string(26, ' ') + "   0.812           12.3       14\n";
    EXPECT_NE(table.find(row), std::string::npos) << table;
    EXPECT_NE(table.find("rabbitmq                            unavailable: not running"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("database: 3.02 transactions per order, statements unavailable; broker: "
                         "4.0 published, 4.0 delivered, 3.0 acked per order\n"),
              std::string::npos)
        << table;
    EXPECT_NE(table.find("  database statements unavailable: pg_stat_statements is not loaded"),
              std::string::npos);

    std::string error;
    const auto json = domain::parseJson(toJson(r), error);
    ASSERT_TRUE(json) << error;
    const auto* cost = json->find("cost");
    ASSERT_TRUE(cost);
    EXPECT_EQ(cost->find("completed_orders")->numberText(), "250");
    const auto& groups = cost->find("processes")->items();
    ASSERT_EQ(groups.size(), 3u);
    EXPECT_EQ(groups[0].find("cpu_ms_per_order")->numberText(), "0.8120");
    EXPECT_EQ(groups[2].find("group")->asString(), "total");
    const auto* db = cost->find("database");
    EXPECT_EQ(db->find("transactions_per_order")->numberText(), "3.020");
    EXPECT_TRUE(db->find("statements_per_order")->isNull());
    EXPECT_EQ(cost->find("broker")->find("acked_per_order")->numberText(), "3.000");

    r.cost.orders = 0;
    EXPECT_EQ(costTable(r.cost), "cost per completed order: no completed orders\n");
    ASSERT_TRUE(domain::parseJson(toJson(r), error)) << error;
}

}  // namespace
}  // namespace shop::bench
