// libFuzzer target: the strict request-head parser (request line, header fields, framing). What
// it accepts must frame the message one way only and name at most one Host, and refusing early
// must be sound: bytes it refuses can never become a valid head once more bytes arrive.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "shop/http/request_head.hpp"

namespace {

using shop::http::HeadParse;
using shop::http::RequestHead;

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

bool sameIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if ((a[i] | 0x20) != (b[i] | 0x20)) {
            return false;
        }
    }
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    shop::http::HeadLimits limits;
    limits.maxUriBytes = 256;
    limits.maxHeaderFields = 8;
    limits.maxHeaderLineBytes = 256;
    limits.maxHeaderBytes = 1024;
    const HeadParse whole = shop::http::parseRequestHead(bytes, limits);

    // A prefix refused means the whole is refused.
    const HeadParse half = shop::http::parseRequestHead(bytes.substr(0, size / 2), limits);
    if (half.state == HeadParse::State::Invalid) {
        require(whole.state == HeadParse::State::Invalid);
    }
    if (whole.state != HeadParse::State::Complete) {
        require(whole.state == HeadParse::State::Invalid || whole.message.empty());
        return 0;
    }
    const RequestHead& head = whole.head;
    require(head.size >= 4 && head.size <= size);
    require(bytes.substr(head.size - 4, 4) == "\r\n\r\n");
    require(!head.method.empty() && !head.target.empty());
    require(head.version == "HTTP/1.1" || head.version == "HTTP/1.0");
    require(head.target.size() <= limits.maxUriBytes);
    require(head.headers.size() <= limits.maxHeaderFields);
    // The head ends where it says: one byte less is not yet a head.
    require(shop::http::parseRequestHead(bytes.substr(0, head.size - 1), limits).state ==
            HeadParse::State::Incomplete);
    bool hasLength = false;
    bool hasCoding = false;
    int hosts = 0;
    for (const auto& [name, value] : head.headers) {
        require(!name.empty());
        hasLength = hasLength || sameIgnoringCase(name, "content-length");
        hasCoding = hasCoding || sameIgnoringCase(name, "transfer-encoding");
        hosts += sameIgnoringCase(name, "host") ? 1 : 0;
    }
    // One Host, which HTTP/1.1 may not leave out.
    require(hosts <= 1 && (hosts == 1 || head.version == "HTTP/1.0"));
    require(!(hasLength && hasCoding));
    require((head.body == RequestHead::Body::Chunked) == hasCoding);
    require((head.body == RequestHead::Body::Length) == hasLength);
    return 0;
}
