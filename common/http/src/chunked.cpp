#include "shop/http/chunked.hpp"

#include "shop/http/text.hpp"

namespace shop::http {
namespace {

using State = ChunkedParse::State;

bool isHex(char c) {
    const char l = asciiLower(c);
    return (l >= '0' && l <= '9') || (l >= 'a' && l <= 'f');
}

/// Visible characters, spaces, tabs and obs-text: what an extension or a field value may hold.
bool isTextChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

/// RFC 9110 tchar.
bool isTokenChar(char c) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z')) {
        return true;
    }
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

/// `1*HEXDIG [ BWS ";" extension ]`: Complete with the size, TooLarge when it is over
/// `ceiling`, else Invalid.
State parseSize(std::string_view line, std::size_t ceiling, std::size_t& size) {
    std::size_t i = 0;
    size = 0;
    for (; i < line.size() && isHex(line[i]); ++i) {
        const char c = asciiLower(line[i]);
        size = size * 16 + static_cast<std::size_t>(c <= '9' ? c - '0' : c - 'a' + 10);
        if (size > ceiling) {
            return State::TooLarge;  // before it could overflow: the ceiling is a body limit
        }
    }
    if (i == 0) {
        return State::Invalid;
    }
    std::string_view rest = line.substr(i);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) {
        rest.remove_prefix(1);
    }
    if (rest.size() != line.size() - i && rest.empty()) {
        return State::Invalid;  // blanks are allowed only before a `;`
    }
    if (!rest.empty() && rest.front() != ';') {
        return State::Invalid;
    }
    for (const char c : rest) {
        if (!isTextChar(c)) {
            return State::Invalid;
        }
    }
    return State::Complete;
}

/// `field-name ":" OWS field-value OWS`.
bool isTrailerField(std::string_view line) {
    const std::size_t colon = line.find(':');
    if (colon == 0 || colon == std::string_view::npos) {
        return false;
    }
    for (const char c : line.substr(0, colon)) {
        if (!isTokenChar(c)) {
            return false;
        }
    }
    for (const char c : line.substr(colon + 1)) {
        if (!isTextChar(c)) {
            return false;
        }
    }
    return true;
}

}  // namespace

bool ChunkedDecoder::frame(std::size_t bytes) {
    m_framing += bytes;
    return m_framing <= kMaxChunkedFraming;
}

ChunkedParse ChunkedDecoder::feed(std::string_view bytes, std::string& data) {
    std::size_t at = 0;
    const auto fail = [this](State state) {
        m_phase = Phase::Failed;
        m_final = state;
        return ChunkedParse{state, 0};
    };
    while (true) {
        switch (m_phase) {
            case Phase::Done:
            case Phase::Failed:
                return {m_final, 0};
            case Phase::Size:
            case Phase::Trailer: {
                // A line resumed where the last call stopped looking (one byte back: its CR).
                const std::size_t from = at + (m_scanned > 0 ? m_scanned - 1 : 0);
                const std::size_t end = bytes.find("\r\n", from);
                const std::size_t length =
                    end == std::string_view::npos ? bytes.size() - at : end - at;
                // Nothing but CRLF ends a line, and junk is refused as soon as it shows.
                const std::string_view line = bytes.substr(at, length);
                const bool partialCr =
                    end == std::string_view::npos && !line.empty() && line.back() == '\r';
                const std::string_view checked = partialCr ? line.substr(0, line.size() - 1) : line;
                for (std::size_t i = from - at; i < checked.size(); ++i) {
                    if (checked[i] == '\r' || checked[i] == '\n') {
                        return fail(State::Invalid);
                    }
                }
                if (m_phase == Phase::Size && !line.empty() && !isHex(line.front())) {
                    return fail(State::Invalid);
                }
                if (end == std::string_view::npos) {
                    if (m_framing + length > kMaxChunkedFraming) {
                        return fail(State::Invalid);
                    }
                    m_scanned = length;
                    return {State::Incomplete, at};
                }
                m_scanned = 0;
                if (!frame(length + 2)) {
                    return fail(State::Invalid);
                }
                at = end + 2;
                if (m_phase == Phase::Trailer) {
                    if (length == 0) {
                        m_phase = Phase::Done;
                        m_final = State::Complete;
                        return {State::Complete, at};
                    }
                    if (!isTrailerField(line)) {
                        return fail(State::Invalid);
                    }
                    break;
                }
                std::size_t size = 0;
                const State sized = parseSize(line, m_limit - m_received, size);
                if (sized != State::Complete) {
                    return fail(sized);
                }
                m_remaining = size;
                m_phase = size == 0 ? Phase::Trailer : Phase::Data;
                break;
            }
            case Phase::Data: {
                const std::size_t take = std::min(m_remaining, bytes.size() - at);
                data.append(bytes.substr(at, take));
                at += take;
                m_remaining -= take;
                m_received += take;
                if (m_remaining > 0) {
                    return {State::Incomplete, at};
                }
                m_phase = Phase::DataEnd;
                break;
            }
            case Phase::DataEnd: {
                const std::string_view end = bytes.substr(at, 2);
                if (std::string_view("\r\n").substr(0, end.size()) != end) {
                    return fail(State::Invalid);
                }
                if (end.size() < 2) {
                    return {State::Incomplete, at};
                }
                if (!frame(2)) {
                    return fail(State::Invalid);
                }
                at += 2;
                m_phase = Phase::Size;
                break;
            }
        }
    }
}

ChunkedParse decodeChunked(std::string_view bytes, std::size_t limit, std::string& data) {
    data.clear();
    ChunkedDecoder decoder(limit);
    return decoder.feed(bytes, data);
}

}  // namespace shop::http
