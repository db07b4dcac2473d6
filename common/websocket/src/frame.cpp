#include "shop/websocket/frame.hpp"

#include <algorithm>

namespace shop::websocket {
namespace {

constexpr std::size_t kMaxControlPayload = 125;

bool isControl(std::uint8_t opcode) {
    return (opcode & 0x8) != 0;
}

bool isKnown(std::uint8_t opcode) {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
}

/// The longest prefix of `text` of at most `limit` bytes that does not split a UTF-8 sequence.
std::string_view utf8Prefix(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

}  // namespace

std::string encodeFrame(Opcode opcode, std::string_view payload) {
    const auto code = static_cast<std::uint8_t>(opcode);
    if (isControl(code)) {
        payload = payload.substr(0, std::min(payload.size(), kMaxControlPayload));
    }
    std::string out;
    out.reserve(payload.size() + 10);
    out.push_back(static_cast<char>(0x80 | code));  // FIN, no reserved bits
    const std::size_t size = payload.size();
    if (size < 126) {
        out.push_back(static_cast<char>(size));
    } else if (size <= 0xFFFF) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>((size >> 8) & 0xFF));
        out.push_back(static_cast<char>(size & 0xFF));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((static_cast<std::uint64_t>(size) >> shift) & 0xFF));
        }
    }
    out.append(payload);
    return out;
}

std::string encodeClose(std::uint16_t code, std::string_view reason) {
    std::string payload;
    payload.push_back(static_cast<char>((code >> 8) & 0xFF));
    payload.push_back(static_cast<char>(code & 0xFF));
    payload.append(utf8Prefix(reason, kMaxControlPayload - 2));
    return encodeFrame(Opcode::Close, payload);
}

std::uint16_t closeCodeOf(std::string_view payload) {
    if (payload.size() < 2) {
        return 1005;
    }
    return static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                      static_cast<unsigned char>(payload[1]));
}

FrameDecoder::FrameDecoder(std::size_t maxPayload) : m_maxPayload(maxPayload) {}

void FrameDecoder::feed(std::string_view bytes) {
    if (m_errorCode != 0) {
        return;
    }
    if (m_offset > 0 && m_offset == m_buffer.size()) {
        m_buffer.clear();
        m_offset = 0;
    } else if (m_offset > 4096) {
        m_buffer.erase(0, m_offset);
        m_offset = 0;
    }
    m_buffer.append(bytes);
}

FrameDecoder::Status FrameDecoder::fail(std::uint16_t code, std::string reason) {
    m_errorCode = code;
    m_errorReason = std::move(reason);
    m_buffer.clear();
    m_offset = 0;
    return Status::Error;
}

FrameDecoder::Status FrameDecoder::next(Frame& out) {
    if (m_errorCode != 0) {
        return Status::Error;
    }
    const std::string_view data = std::string_view(m_buffer).substr(m_offset);
    if (data.size() < 2) {
        return Status::NeedMore;
    }
    const auto byte0 = static_cast<std::uint8_t>(data[0]);
    const auto byte1 = static_cast<std::uint8_t>(data[1]);
    const std::uint8_t opcode = byte0 & 0x0F;
    const bool fin = (byte0 & 0x80) != 0;
    if ((byte0 & 0x70) != 0) {
        return fail(kCloseProtocolError, "reserved bits set");
    }
    if (!isKnown(opcode)) {
        return fail(kCloseProtocolError, "unknown opcode");
    }
    if ((byte1 & 0x80) == 0) {
        return fail(kCloseProtocolError, "client frames must be masked");
    }
    std::uint64_t length = byte1 & 0x7F;
    std::size_t header = 2;
    if (length == 126) {
        if (data.size() < 4) {
            return Status::NeedMore;
        }
        length = (static_cast<std::uint64_t>(static_cast<unsigned char>(data[2])) << 8) |
                 static_cast<unsigned char>(data[3]);
        header = 4;
    } else if (length == 127) {
        if (data.size() < 10) {
            return Status::NeedMore;
        }
        length = 0;
        for (std::size_t i = 2; i < 10; ++i) {
            length = (length << 8) | static_cast<unsigned char>(data[i]);
        }
        if ((length >> 63) != 0) {
            return fail(kCloseProtocolError, "frame length has the high bit set");
        }
        header = 10;
    }
    if (isControl(opcode) && (!fin || length > kMaxControlPayload)) {
        return fail(kCloseProtocolError, "control frames must be short and unfragmented");
    }
    if (length > m_maxPayload) {
        return fail(kCloseTooBig, "frame too large");
    }
    const std::size_t total = header + 4 + static_cast<std::size_t>(length);
    if (data.size() < total) {
        return Status::NeedMore;
    }
    const char* mask = data.data() + header;
    out.fin = fin;
    out.opcode = static_cast<Opcode>(opcode);
    out.payload.assign(data.data() + header + 4, static_cast<std::size_t>(length));
    for (std::size_t i = 0; i < out.payload.size(); ++i) {
        out.payload[i] = static_cast<char>(out.payload[i] ^ mask[i % 4]);
    }
    m_offset += total;
    return Status::Frame;
}

}  // namespace shop::websocket
