#include "shop/http/chunked.hpp"

#include "shop/http/text.hpp"

namespace shop::http {
namespace {

using State = ChunkedParse::State;

/// A line of framing at `at`: its length without the CRLF, or npos while it has not ended.
std::size_t lineAt(std::string_view bytes, std::size_t at) {
    const std::size_t end = bytes.find("\r\n", at);
    return end == std::string_view::npos ? end : end - at;
}

bool isExtensionChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

/// `1*HEXDIG [ ";" extension ]` (blanks allowed before the `;`): the size, or nullopt-like
/// results through `state` (Invalid, TooLarge when the size exceeds `ceiling`).
State chunkSize(std::string_view line, std::size_t ceiling, std::size_t& size) {
    std::size_t i = 0;
    size = 0;
    for (; i < line.size(); ++i) {
        const char c = asciiLower(line[i]);
        std::size_t digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<std::size_t>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<std::size_t>(c - 'a' + 10);
        } else {
            break;
        }
        size = size * 16 + digit;
        if (size > ceiling) {
            return State::TooLarge;  // before it could overflow: ceiling is a body limit
        }
    }
    if (i == 0) {
        return State::Invalid;
    }
    const std::string_view rest = trimBlanks(line.substr(i));
    if (!rest.empty() && rest.front() != ';') {
        return State::Invalid;
    }
    for (const char c : rest) {
        if (!isExtensionChar(c)) {
            return State::Invalid;
        }
    }
    return State::Complete;
}

}  // namespace

ChunkedParse decodeChunked(std::string_view bytes, std::size_t limit, std::string& data) {
    data.clear();
    std::size_t at = 0;
    std::size_t framing = 0;
    // Counts framing bytes; false once there are more than allowed.
    const auto frame = [&framing](std::size_t n) {
        framing += n;
        return framing <= kMaxChunkedFraming;
    };
    while (true) {
        const std::size_t length = lineAt(bytes, at);
        if (length == std::string_view::npos) {
            // Junk is refused as soon as it shows, not when its line ends.
            std::size_t ignored = 0;
            const bool junk = at < bytes.size() && bytes[at] != '\r' &&
                              chunkSize(bytes.substr(at, 1), limit, ignored) == State::Invalid;
            return {!junk && frame(bytes.size() - at) ? State::Incomplete : State::Invalid, 0};
        }
        if (!frame(length + 2)) {
            return {State::Invalid, 0};
        }
        std::size_t size = 0;
        const State sized = chunkSize(bytes.substr(at, length), limit - data.size(), size);
        if (sized != State::Complete) {
            return {sized, 0};
        }
        at += length + 2;
        if (size == 0) {
            break;
        }
        if (bytes.size() - at < size + 2) {
            return {State::Incomplete, 0};
        }
        if (bytes.substr(at + size, 2) != "\r\n" || !frame(2)) {
            return {State::Invalid, 0};
        }
        data.append(bytes.substr(at, size));
        at += size + 2;
    }
    // The trailer section: fields (dropped) up to an empty line.
    while (true) {
        const std::size_t length = lineAt(bytes, at);
        if (length == std::string_view::npos) {
            return {frame(bytes.size() - at) ? State::Incomplete : State::Invalid, 0};
        }
        if (!frame(length + 2)) {
            return {State::Invalid, 0};
        }
        at += length + 2;
        if (length == 0) {
            return {State::Complete, at};
        }
    }
}

}  // namespace shop::http
