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
    std::size_t consumed = 0;  ///< when Complete: the bytes of the whole body, framing included
};

/// Bytes of framing (size lines with their extensions, line ends, trailer fields) a chunked
/// body may carry besides its data; more is Invalid.
inline constexpr std::size_t kMaxChunkedFraming = 64 * 1024;

/// Decodes the chunked body at the start of `bytes` into `data` (replaced), its chunks' data at
/// most `limit` bytes together. Chunk extensions and trailer fields are read and dropped; a
/// size is hex digits, an extension visible characters, spaces and tabs after a `;`, and every
/// line ends with CRLF. Decoding again from the start with more bytes gives the same answer as
/// decoding once with all of them.
ChunkedParse decodeChunked(std::string_view bytes, std::size_t limit, std::string& data);

}  // namespace shop::http
