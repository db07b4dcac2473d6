#include <gtest/gtest.h>

#include <string>
#include <vector>

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
    r.proxies = {ProxyRun{"gateway", "http://a", 10, 0, 800, {}},
                 ProxyRun{"nginx", "http://b", 10, 0, 1000, {}}};
    r.proxies[0].latency.p99 = 3;
    r.proxies[1].latency.p99 = 2;
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
    EXPECT_EQ(json->find("timeseries")->items().size(), 1u);
}

TEST(Report, TimeseriesAndGnuplotScript) {
    const auto data = timeseriesData(bucketize({Sample{0, 2'000'000, true, false, -1, false}}));
    EXPECT_NE(data.find("0 1 0 0 2.000 2.000 NaN NaN"), std::string::npos) << data;
    const auto script = gnuplotScript("/tmp/it's.dat", "/tmp/c.png", "t");
    EXPECT_NE(script.find("'/tmp/it''s.dat'"), std::string::npos);
    EXPECT_NE(script.find("set output '/tmp/c.png'"), std::string::npos);
}

}  // namespace
}  // namespace shop::bench
