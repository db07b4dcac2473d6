// Broker-free tests of URL parsing and backoff; they live in this executable because they
// belong to shop_amqp.

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <thread>

#include "shop/amqp/backoff.hpp"
#include "shop/amqp/endpoints.hpp"
#include "shop/amqp/url.hpp"

namespace shop::amqp {
namespace {

using namespace std::chrono_literals;

struct ValidRow {
    const char* text;
    const char* user;
    const char* password;
    const char* host;
    std::uint16_t port;
    const char* vhost;
};

TEST(AmqpUrl, ParsesValidUrls) {
    const ValidRow rows[] = {
        {"amqp://guest:guest@127.0.0.1:56672/", "guest", "guest", "127.0.0.1", 56672, "/"},
        {"amqp://u:p@host", "u", "p", "host", 5672, "/"},
        {"amqp://u:p@host/", "u", "p", "host", 5672, "/"},
        {"amqp://u:p@host:5673/%2F", "u", "p", "host", 5673, "/"},
        {"amqp://u:p@host:5673/%2f", "u", "p", "host", 5673, "/"},
        {"amqp://u:p@rabbit.internal/shop", "u", "p", "rabbit.internal", 5672, "shop"},
        {"amqp://us%40er:p%3Ass%2F@h/v%2Fh", "us@er", "p:ss/", "h", 5672, "v/h"},
        // A '+' is a plus here (RFC 3986), never a space as in a query string.
        {"amqp://u+1:p+q%2B@h/v+h", "u+1", "p+q+", "h", 5672, "v+h"},
        {"amqp://host", "guest", "guest", "host", 5672, "/"},
        {"amqp://u:@host", "u", "", "host", 5672, "/"},
        {"amqp://u:p@[::1]:5672/", "u", "p", "::1", 5672, "/"},
        {"amqp://u:p@[::1]", "u", "p", "::1", 5672, "/"},
        {"amqp://u:p@h:65535", "u", "p", "h", 65535, "/"},
        {"amqp://u:p@h:1", "u", "p", "h", 1, "/"},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.text);
        const Url url = parseUrl(row.text);
        EXPECT_EQ(url.user, row.user);
        EXPECT_EQ(url.password, row.password);
        EXPECT_EQ(url.host, row.host);
        EXPECT_EQ(url.port, row.port);
        EXPECT_EQ(url.vhost, row.vhost);
    }
}

TEST(AmqpUrl, RejectsEverythingElse) {
    const char* rows[] = {
        "",
        "127.0.0.1:5672",
        "http://h:5672/",
        "amqps://u:p@h:5671/",
        "amqp://",
        "amqp://u:p@",
        "amqp://u:p@:5672/",
        "amqp://h:0",
        "amqp://h:65536",
        "amqp://h:123456",
        "amqp://h:abc",
        "amqp://h:-1",
        "amqp://h:",
        "amqp://h/a/b",
        "amqp://h/%zz",
        "amqp://h/%2",
        "amqp://u:p%4@h/",
        "amqp://h?heartbeat=10",
        "amqp://h/vhost#x",
        "amqp://user@h",
        "amqp://:p@h",
        "amqp://[::1",
        "amqp://[::1]x",
        "amqp://h h",
    };
    for (const char* row : rows) {
        SCOPED_TRACE(row);
        EXPECT_THROW(parseUrl(row), std::invalid_argument);
    }
}

TEST(AmqpUrl, ErrorsNeverShowThePassword) {
    try {
        parseUrl("amqp://user:s3cret@h:99999/");
        FAIL() << "expected std::invalid_argument";
    } catch (const std::invalid_argument& e) {
        const std::string message = e.what();
        EXPECT_EQ(message.find("s3cret"), std::string::npos) << message;
        EXPECT_NE(message.find("***"), std::string::npos) << message;
        EXPECT_NE(message.find("port"), std::string::npos) << message;
    }
}

TEST(AmqpUrl, MasksThePassword) {
    EXPECT_EQ(parseUrl("amqp://guest:guest@127.0.0.1:56672/").masked(),
              "amqp://guest:***@127.0.0.1:56672/");
    EXPECT_EQ(parseUrl("amqp://u:p@h/shop").masked(), "amqp://u:***@h:5672/shop");
    EXPECT_EQ(parseUrl("amqp://u:p@h/v%2Fh").masked(), "amqp://u:***@h:5672/v%2Fh");
    EXPECT_EQ(parseUrl("amqp://u:p@[::1]").masked(), "amqp://u:***@[::1]:5672/");
    EXPECT_EQ(maskedUrl("amqp://u:s3cret@h:1/"), "amqp://u:***@h:1/");
    EXPECT_EQ(maskedUrl("amqp://u:s3:cr@et@h/"), "amqp://u:***@h/");
    EXPECT_EQ(maskedUrl("amqp://h:5672/"), "amqp://h:5672/");
    EXPECT_EQ(maskedUrl("not a url"), "not a url");
}

TEST(AmqpUrl, ParsesTheNodesOfAClusterSeparatedByCommas) {
    const auto urls = parseUrls(
        "amqp://u:p@127.0.0.1:55672/, amqp://u:p%2Cq@127.0.0.1:55682 ,amqp://127.0.0.1:55692/v");
    ASSERT_EQ(urls.size(), 3u);
    EXPECT_EQ(urls[0].port, 55672);
    EXPECT_EQ(urls[1].port, 55682);
    EXPECT_EQ(urls[1].password, "p,q");
    EXPECT_EQ(urls[2].port, 55692);
    EXPECT_EQ(urls[2].vhost, "v");
    EXPECT_EQ(parseUrls("amqp://h").size(), 1u);
}

TEST(AmqpUrl, RejectsAListWithAnEmptyOrBadEntryWithoutShowingAPassword) {
    for (const char* text : {"", ",", "amqp://u:secret@h,", "amqp://u:secret@h,,amqp://h2",
                             "amqp://h1,http://u:secret@h2"}) {
        try {
            parseUrls(text);
            ADD_FAILURE() << "accepted '" << text << "'";
        } catch (const std::invalid_argument& error) {
            EXPECT_EQ(std::string(error.what()).find("secret"), std::string::npos) << error.what();
        }
    }
}

TEST(AmqpUrl, MasksEveryPasswordOfAList) {
    EXPECT_EQ(maskedUrl("amqp://a:one@h1:1/,amqp://b:two@h2:2/"),
              "amqp://a:***@h1:1/,amqp://b:***@h2:2/");
}

TEST(AmqpUrl, ReadUrlsRecordsAMissingOrMalformedListAsAProblem) {
    const auto problems = [](std::optional<std::string> value) {
        core::EnvReader env([value](std::string_view) { return value; });
        readUrls(env, "SHOP_AMQP_URL");
        return env.problems().size();
    };
    EXPECT_EQ(problems(std::nullopt), 1u);
    EXPECT_EQ(problems("amqp://h1,nonsense"), 1u);
    EXPECT_EQ(problems("amqp://h1, amqp://h2"), 0u);
}

TEST(AmqpBackoff, GrowsWithJitterUpToTheCap) {
    Backoff backoff(100ms, 5s);
    auto ceiling = 100ms;
    for (int i = 0; i < 20; ++i) {
        const auto delay = backoff.next();
        EXPECT_GE(delay, ceiling / 2) << "attempt " << i;
        EXPECT_LE(delay, ceiling) << "attempt " << i;
        ceiling = std::min(ceiling * 2, std::chrono::milliseconds(5s));
    }
    EXPECT_EQ(backoff.attempts(), 20u);
    backoff.reset();
    EXPECT_EQ(backoff.attempts(), 0u);
    const auto first = backoff.next();
    EXPECT_GE(first, 50ms);
    EXPECT_LE(first, 100ms);
}

TEST(AmqpBackoff, SleepReturnsTrueWhenTheTimePasses) {
    std::stop_source source;
    const auto start = std::chrono::steady_clock::now();
    EXPECT_TRUE(sleepFor(20ms, source.get_token()));
    EXPECT_GE(std::chrono::steady_clock::now() - start, 20ms);
}

TEST(AmqpBackoff, SleepEndsAtOnceOnStop) {
    std::stop_source stopped;
    stopped.request_stop();
    EXPECT_FALSE(sleepFor(10s, stopped.get_token()));

    const auto start = std::chrono::steady_clock::now();
    std::jthread sleeper([](std::stop_token token) { EXPECT_FALSE(sleepFor(30s, token)); });
    sleeper.request_stop();
    sleeper.join();
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

}  // namespace
}  // namespace shop::amqp
