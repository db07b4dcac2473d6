#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace shop::websocket {

/// RFC 6455 frame opcodes.
enum class Opcode : std::uint8_t {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};

/// Close status codes this library sends (RFC 6455 section 7.4.1).
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kClosePolicyViolation = 1008;
inline constexpr std::uint16_t kCloseTooBig = 1009;
inline constexpr std::uint16_t kCloseInternalError = 1011;
inline constexpr std::uint16_t kCloseTryAgainLater = 1013;

/// One unfragmented, unmasked frame as a server sends it. Control frames (close, ping, pong)
/// must carry at most 125 bytes; longer control payloads are cut to 125.
std::string encodeFrame(Opcode opcode, std::string_view payload);

/// A close frame with `code` and a UTF-8 `reason` (cut so the payload stays within 125 bytes).
std::string encodeClose(std::uint16_t code, std::string_view reason);

/// A frame received from a client, unmasked.
struct Frame {
    bool fin = true;
    Opcode opcode = Opcode::Text;
    std::string payload;
};

/// The status code of a close frame's payload; 1005 (no status) when it has none.
std::uint16_t closeCodeOf(std::string_view payload);

/// Splits a byte stream from a client into frames, incrementally.
///
/// Enforces what a server must: every client frame is masked, no reserved bits (no extensions
/// are negotiated), known opcodes only, control frames unfragmented and at most 125 bytes, and
/// no frame larger than `maxPayload`. A violation is sticky: next() keeps returning Error, and
/// errorCode()/errorReason() say what to put in the close frame. Not thread-safe.
class FrameDecoder final {
  public:
    enum class Status { NeedMore, Frame, Error };

    explicit FrameDecoder(std::size_t maxPayload);

    /// Appends received bytes.
    void feed(std::string_view bytes);
    /// The next complete frame into `out` (Frame), NeedMore, or Error.
    Status next(Frame& out);

    std::uint16_t errorCode() const noexcept { return m_errorCode; }
    const std::string& errorReason() const noexcept { return m_errorReason; }
    /// Bytes received but not yet returned as frames.
    std::size_t buffered() const noexcept { return m_buffer.size() - m_offset; }

  private:
    Status fail(std::uint16_t code, std::string reason);

    std::size_t m_maxPayload;
    std::string m_buffer;
    std::size_t m_offset = 0;
    std::uint16_t m_errorCode = 0;
    std::string m_errorReason;
};

}  // namespace shop::websocket
