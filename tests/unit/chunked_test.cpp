// The chunked-body decoder (RFC 9112 section 7.1) on its own: what it accepts, what it refuses,
// and that bytes arriving one at a time give the answer all of them at once give.
#include <gtest/gtest.h>

#include <string>

#include "shop/http/chunked.hpp"

namespace shop::http {
namespace {

using State = ChunkedParse::State;

ChunkedParse decode(std::string_view bytes, std::string& data, std::size_t limit = 1024) {
    return decodeChunked(bytes, limit, data);
}

TEST(Chunked, DecodesChunksWithExtensionsAndATrailerAndSaysWhereTheBodyEnds) {
    const std::string body =
        "4 ;a=1;b=\"x y\"\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks."
        "\r\n0\r\nExpires: never\r\nX-Other: 1\r\n\r\n";
    std::string data;
    const ChunkedParse parse = decode(body + "GET /next", data);
    EXPECT_EQ(parse.state, State::Complete);
    EXPECT_EQ(parse.consumed, body.size());
    EXPECT_EQ(data, "Wikipedia in\r\n\r\nchunks.");
}

TEST(Chunked, EveryPrefixOfAValidBodyIsIncompleteAndTheWholeOfItComplete) {
    const std::string body = "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\n";
    std::string data;
    for (std::size_t size = 0; size < body.size(); ++size) {
        EXPECT_EQ(decode(body.substr(0, size), data).state, State::Incomplete) << size;
    }
    EXPECT_EQ(decode(body, data).state, State::Complete);
    EXPECT_EQ(data, "abc0123456789abcdef");
}

TEST(Chunked, RefusesWhatIsNotChunkedFraming) {
    const char* cases[] = {
        "zz\r\n",                // not hex
        "\r\nabc\r\n0\r\n\r\n",  // no size
        "-1\r\n",                // a sign
        "0x3\r\nabc\r\n0\r\n\r\n",
        "3\r\nabcd\r\n0\r\n\r\n",      // data longer than its size
        "3\r\nabc\n0\r\n\r\n",         // a bare LF after the data
        "3 x\r\nabc\r\n0\r\n\r\n",     // something other than an extension after the size
        "3;\x01\r\nabc\r\n0\r\n\r\n",  // a control character in an extension
        "q",                           // junk, refused before its line ends
    };
    for (const char* body : cases) {
        std::string data;
        EXPECT_EQ(decode(body, data).state, State::Invalid) << body;
    }
}

TEST(Chunked, FedOneByteAtATimeItAnswersAsItDoesFedAtOnce) {
    const std::string body = "3;x=y\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\nT: v\r\n\r\nNEXT";
    ChunkedDecoder decoder(1024);
    std::string data;
    std::string pending;
    std::size_t used = 0;
    ChunkedParse parse;
    for (const char c : body) {
        pending.push_back(c);
        parse = decoder.feed(pending, data);
        used += parse.consumed;
        pending.erase(0, parse.consumed);
        if (parse.state != ChunkedParse::State::Incomplete) {
            break;
        }
    }
    EXPECT_EQ(parse.state, State::Complete);
    EXPECT_EQ(data, "abc0123456789abcdef");
    EXPECT_EQ(used, body.size() - 4);
}

TEST(Chunked, DataOverTheLimitIsTooLargeAsSoonAsASizeSaysSo) {
    std::string data;
    EXPECT_EQ(decode("401\r\n", data, 1024).state, State::TooLarge);
    EXPECT_EQ(decode("200\r\n" + std::string(512, 'a') + "\r\n201\r\n", data, 1024).state,
              State::TooLarge);
    EXPECT_EQ(decode("ffffffffffffffffffffffffffff\r\n", data, 1024).state, State::TooLarge);
    EXPECT_EQ(decode("400\r\n" + std::string(1024, 'a') + "\r\n0\r\n\r\n", data, 1024).state,
              State::Complete);
}

TEST(Chunked, FramingBeyondItsAllowanceIsRefused) {
    std::string data;
    // One long extension, and a trailer that never ends: both bounded.
    EXPECT_EQ(decode("1;" + std::string(kMaxChunkedFraming, 'e'), data).state, State::Invalid);
    std::string trailer = "0\r\n";
    while (trailer.size() <= kMaxChunkedFraming) {
        trailer += "X-Field: value\r\n";
    }
    EXPECT_EQ(decode(trailer, data).state, State::Invalid);
    // Many one-byte chunks: their framing counts too.
    std::string tiny;
    for (std::size_t i = 0; i < kMaxChunkedFraming / 4; ++i) {
        tiny += "1\r\nx\r\n";
    }
    EXPECT_EQ(decode(tiny, data, kMaxChunkedFraming).state, State::Invalid);
}

}  // namespace
}  // namespace shop::http
