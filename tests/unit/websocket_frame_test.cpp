// The WebSocket frame codec: what the server sends and how it reads client frames.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "shop/websocket/frame.hpp"

namespace shop::websocket {
namespace {

/// A client frame as RFC 6455 requires: masked with `mask`.
std::string clientFrame(std::uint8_t firstByte, const std::string& payload,
                        const char mask[4] = "abcd") {
    std::string out;
    out.push_back(static_cast<char>(firstByte));
    const std::size_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xFFFF) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xFF));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
        }
    }
    out.append(mask, 4);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(static_cast<char>(payload[i] ^ mask[i % 4]));
    }
    return out;
}

TEST(WebSocketFrameTest, EncodesShortMediumAndLongPayloads) {
    const std::string small = encodeFrame(Opcode::Text, "hi");
    EXPECT_EQ(small, std::string("\x81\x02hi", 4));

    const std::string medium = encodeFrame(Opcode::Text, std::string(300, 'x'));
    ASSERT_EQ(medium.size(), 4u + 300u);
    EXPECT_EQ(static_cast<unsigned char>(medium[1]), 126);
    EXPECT_EQ(static_cast<unsigned char>(medium[2]) * 256 + static_cast<unsigned char>(medium[3]),
              300);

    const std::string large = encodeFrame(Opcode::Binary, std::string(70000, 'y'));
    ASSERT_EQ(large.size(), 10u + 70000u);
    EXPECT_EQ(static_cast<unsigned char>(large[0]), 0x82);
    EXPECT_EQ(static_cast<unsigned char>(large[1]), 127);
    EXPECT_EQ(static_cast<unsigned char>(large[7]), 0x01);  // 70000 = 0x011170
    EXPECT_EQ(static_cast<unsigned char>(large[8]), 0x11);
    EXPECT_EQ(static_cast<unsigned char>(large[9]), 0x70);
}

TEST(WebSocketFrameTest, CloseFrameCarriesCodeAndShortenedReason) {
    const std::string close = encodeClose(1008, "NOT_FOUND");
    EXPECT_EQ(static_cast<unsigned char>(close[0]), 0x88);
    EXPECT_EQ(static_cast<unsigned char>(close[1]), 2 + 9);
    EXPECT_EQ(closeCodeOf(close.substr(2)), 1008);
    EXPECT_EQ(close.substr(4), "NOT_FOUND");

    // Control payloads stay within 125 bytes, without splitting a UTF-8 character.
    const std::string reason = std::string(122, 'r') + "\xC3\xA9\xC3\xA9";
    const std::string longClose = encodeClose(1000, reason);
    const std::size_t payload = static_cast<unsigned char>(longClose[1]);
    EXPECT_LE(payload, 125u);
    EXPECT_EQ(longClose.substr(4), std::string(122, 'r'));
    EXPECT_EQ(closeCodeOf(""), 1005);
}

TEST(WebSocketFrameTest, DecodesMaskedFramesAcrossArbitrarySplits) {
    const std::string stream = clientFrame(0x81, "hello") + clientFrame(0x89, "p") +
                               clientFrame(0x82, std::string(1000, 'z')) +
                               clientFrame(0x88, std::string("\x03\xE8", 2));
    for (std::size_t chunk : {1u, 3u, 7u, 4096u}) {
        FrameDecoder decoder(4096);
        std::vector<Frame> frames;
        for (std::size_t offset = 0; offset < stream.size(); offset += chunk) {
            decoder.feed(std::string_view(stream).substr(offset, chunk));
            Frame frame;
            while (decoder.next(frame) == FrameDecoder::Status::Frame) {
                frames.push_back(frame);
            }
        }
        ASSERT_EQ(frames.size(), 4u) << "chunk " << chunk;
        EXPECT_EQ(frames[0].opcode, Opcode::Text);
        EXPECT_EQ(frames[0].payload, "hello");
        EXPECT_EQ(frames[1].opcode, Opcode::Ping);
        EXPECT_EQ(frames[1].payload, "p");
        EXPECT_EQ(frames[2].payload, std::string(1000, 'z'));
        EXPECT_EQ(frames[3].opcode, Opcode::Close);
        EXPECT_EQ(closeCodeOf(frames[3].payload), 1000);
        EXPECT_EQ(decoder.buffered(), 0u);
    }
}

TEST(WebSocketFrameTest, RefusesWhatAClientMustNotSend) {
    struct Case {
        std::string bytes;
        std::uint16_t code;
        const char* why;
    };
    std::string unmasked = std::string("\x81\x02hi", 4);
    std::string longPing = clientFrame(0x89, std::string(126, 'p'));
    std::string fragmentedClose = clientFrame(0x08, "");
    const Case cases[] = {
        {unmasked, kCloseProtocolError, "unmasked"},
        {clientFrame(0xC1, "x"), kCloseProtocolError, "reserved bit"},
        {clientFrame(0x83, "x"), kCloseProtocolError, "unknown opcode"},
        {longPing, kCloseProtocolError, "control frame over 125 bytes"},
        {fragmentedClose, kCloseProtocolError, "fragmented control frame"},
        {clientFrame(0x81, std::string(5000, 'x')), kCloseTooBig, "over the size limit"},
    };
    for (const auto& c : cases) {
        FrameDecoder decoder(4096);
        decoder.feed(c.bytes);
        Frame frame;
        EXPECT_EQ(decoder.next(frame), FrameDecoder::Status::Error) << c.why;
        EXPECT_EQ(decoder.errorCode(), c.code) << c.why;
        EXPECT_FALSE(decoder.errorReason().empty()) << c.why;
        // Sticky: nothing more comes out.
        decoder.feed(clientFrame(0x81, "ok"));
        EXPECT_EQ(decoder.next(frame), FrameDecoder::Status::Error) << c.why;
    }
}

TEST(WebSocketFrameTest, TooLargeIsDetectedFromTheHeaderAlone) {
    FrameDecoder decoder(1024);
    const std::string frame = clientFrame(0x81, std::string(70000, 'x'));
    decoder.feed(frame.substr(0, 10));  // header only: the length says enough
    Frame out;
    EXPECT_EQ(decoder.next(out), FrameDecoder::Status::Error);
    EXPECT_EQ(decoder.errorCode(), kCloseTooBig);
}

}  // namespace
}  // namespace shop::websocket
