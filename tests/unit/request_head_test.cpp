// The strict request-head parser on its own: what a complete head yields, that every prefix of a
// valid head is only incomplete, and what a refusal keeps. (The status of each malformed case
// over a real connection is in http_limits_test.cpp.)
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "shop/http/request_head.hpp"

namespace shop::http {
namespace {

using State = HeadParse::State;

TEST(RequestHead, ReadsACompleteHeadAndWhereItEnds) {
    const std::string head =
        "\r\nPOST /orders?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length:  12 \r\n"
        "X-Request-Id: abc\r\n\r\n";
    const HeadParse parse = parseRequestHead(head + "{\"a\":\"body\"}GET", HeadLimits{});
    ASSERT_EQ(parse.state, State::Complete) << parse.message;
    EXPECT_EQ(parse.head.method, "POST");
    EXPECT_EQ(parse.head.target, "/orders?x=1");
    EXPECT_EQ(parse.head.version, "HTTP/1.1");
    EXPECT_EQ(parse.head.size, head.size());
    EXPECT_EQ(parse.head.body, RequestHead::Body::Length);
    EXPECT_EQ(parse.head.contentLength, 12u);
    ASSERT_EQ(parse.head.headers.size(), 3u);
    EXPECT_EQ(parse.head.headers[1].second, "12");  // trimmed
}

TEST(RequestHead, EveryPrefixOfAValidHeadIsIncomplete) {
    const std::string head =
        "GET /ping HTTP/1.0\r\nHost: a\r\nTransfer-Encoding-Not: x\r\nAccept: */*\r\n\r\n";
    for (std::size_t n = 0; n < head.size(); ++n) {
        EXPECT_EQ(parseRequestHead(head.substr(0, n), HeadLimits{}).state, State::Incomplete)
            << n << ": " << head.substr(0, n);
    }
    EXPECT_EQ(parseRequestHead(head, HeadLimits{}).state, State::Complete);
}

TEST(RequestHead, ChunkedIsTheOnlyCodingAndNeverBesideALength) {
    const auto framing = [](const std::string& fields) {
        return parseRequestHead("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\n", HeadLimits{});
    };
    const HeadParse chunked = framing("Transfer-Encoding: Chunked\r\n");
    ASSERT_EQ(chunked.state, State::Complete);
    EXPECT_EQ(chunked.head.body, RequestHead::Body::Chunked);
    EXPECT_EQ(framing("Transfer-Encoding: gzip\r\n").error, core::ErrorCode::NotImplemented);
    EXPECT_EQ(framing("Transfer-Encoding: chunked\r\nContent-Length: 1\r\n").error,
              core::ErrorCode::BadRequest);
    EXPECT_EQ(framing("Content-Length: 3, 3\r\nContent-Length: 3\r\n").head.contentLength, 3u);
    EXPECT_EQ(framing("").head.body, RequestHead::Body::None);
}

TEST(RequestHead, Http11NamesItsHostExactlyOnce) {
    const auto parse = [](const std::string& version, const std::string& fields) {
        return parseRequestHead("GET / " + version + "\r\n" + fields + "\r\n", HeadLimits{});
    };
    EXPECT_EQ(parse("HTTP/1.1", "Host: shop.example:8080\r\n").state, State::Complete);
    EXPECT_EQ(parse("HTTP/1.1", "Host: [::1]:8080\r\n").state, State::Complete);
    EXPECT_EQ(parse("HTTP/1.1", "Host:\r\n").state, State::Complete);  // no authority
    EXPECT_EQ(parse("HTTP/1.0", "").state, State::Complete);
    for (const auto& [version, fields] :
         std::vector<std::pair<std::string, std::string>>{{"HTTP/1.1", ""},
                                                          {"HTTP/1.1", "Host: a\r\nhost: a\r\n"},
                                                          {"HTTP/1.0", "Host: a\r\nHost: b\r\n"},
                                                          {"HTTP/1.1", "Host: a b\r\n"},
                                                          {"HTTP/1.1", "Host: user@a\r\n"},
                                                          {"HTTP/1.1", "Host: a/b\r\n"}}) {
        const HeadParse refused = parse(version, fields);
        EXPECT_EQ(refused.state, State::Invalid) << version << " " << fields;
        EXPECT_EQ(refused.error, core::ErrorCode::BadRequest) << version << " " << fields;
    }
}

TEST(RequestHead, ARefusalKeepsTheFieldsReadBeforeIt) {
    const HeadParse parse = parseRequestHead(
        "POST / HTTP/1.1\r\nX-Request-Id: keep-me\r\nContent-Length: 1x\r\n\r\n", HeadLimits{});
    ASSERT_EQ(parse.state, State::Invalid);
    EXPECT_EQ(parse.error, core::ErrorCode::BadRequest);
    EXPECT_EQ(parse.head.method, "POST");
    ASSERT_FALSE(parse.head.headers.empty());
    EXPECT_EQ(parse.head.headers[0].second, "keep-me");
}

TEST(RequestHead, JunkIsRefusedFromItsFirstByte) {
    EXPECT_EQ(parseRequestHead(std::string(1, '\x16'), HeadLimits{}).state, State::Invalid);
    EXPECT_EQ(parseRequestHead(std::string(1, '\0'), HeadLimits{}).state, State::Invalid);
    EXPECT_EQ(parseRequestHead("GET /a\x01", HeadLimits{}).state, State::Invalid);
    EXPECT_EQ(parseRequestHead("GET / HTTQ", HeadLimits{}).state, State::Invalid);
}

}  // namespace
}  // namespace shop::http
