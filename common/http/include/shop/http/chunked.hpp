#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shop::http {

/// Where a chunked body (RFC 9112 section 7.1) stands after the bytes received so far.
struct ChunkedParse {
    enum class State {
        Incomplete,  ///< valid so far: more bytes are needed
        Complete,    ///< the last chunk and the trailer section have arrived
        TooLarge,    ///< the data is longer than the limit (known from a chunk's size alone)
        Invalid,     ///< not chunked framing, or more framing than kMaxChunkedFraming
    };
    State state = State::Incomplete;
    /// Bytes of the input used up (Incomplete, Complete): drop them before feeding more; after
    /// Complete, what follows them is the next message.
    std::size_t consumed = 0;
};

/// Bytes of framing (size lines with their extensions, line ends, trailer fields) a chunked
/// body may carry besides its data; more is Invalid.
inline constexpr std::size_t kMaxChunkedFraming = 64 * 1024;

/// Decodes a chunked body as its bytes arrive, each byte looked at once whatever the pieces
/// they come in. A size is hex digits, optionally followed by blanks and `;` extensions of
/// visible characters, spaces and tabs; chunk data is followed by CRLF; trailer fields follow
/// the header-field syntax and are dropped; every line ends with CRLF (a bare CR or LF is
/// Invalid). Chunk data goes to `data`, at most `limit` bytes together.
class ChunkedDecoder final {
  public:
    explicit ChunkedDecoder(std::size_t limit) : m_limit(limit) {}

    /// Decodes what it can of `bytes`: the input not consumed by the previous call with what
    /// arrived since appended. Once the state is not Incomplete, it stays so.
    ChunkedParse feed(std::string_view bytes, std::string& data);

  private:
    enum class Phase { Size, Data, DataEnd, Trailer, Done, Failed };

    /// Counts framing bytes; false once there are more than allowed.
    bool frame(std::size_t bytes);

    const std::size_t m_limit;
    Phase m_phase = Phase::Size;
    ChunkedParse::State m_final = ChunkedParse::State::Incomplete;
    std::size_t m_remaining = 0;  ///< of the current chunk's data
    std::size_t m_framing = 0;
    std::size_t m_scanned = 0;   ///< bytes of an unfinished line known to hold no CRLF
    std::size_t m_received = 0;  ///< chunk data so far
};

/// Decodes the chunked body at the start of `bytes` in one go into `data` (replaced).
ChunkedParse decodeChunked(std::string_view bytes, std::size_t limit, std::string& data);

}  // namespace shop::http
