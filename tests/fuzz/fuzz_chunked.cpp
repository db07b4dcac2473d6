// libFuzzer target: the chunked-body decoder the services read request bodies with. Must never
// crash, hang or read out of bounds; a body it decodes must decode the same from every prefix
// on (incomplete before its end, complete with the same data from there), and its data sent
// again as one chunk must decode to the same data.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/http/chunked.hpp"

namespace {

void require(bool condition) {
    if (!condition) {
        std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using shop::http::ChunkedParse;
    using shop::http::decodeChunked;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    constexpr std::size_t kLimit = 4096;
    std::string decoded;
    const ChunkedParse whole = decodeChunked(bytes, kLimit, decoded);
    if (whole.state != ChunkedParse::State::Complete) {
        require(whole.consumed == 0);
        return 0;
    }
    require(whole.consumed > 0 && whole.consumed <= size && decoded.size() <= kLimit);

    // A prefix of the body is incomplete; the body alone, without what followed, is complete.
    std::string again;
    const std::size_t cut = size > 0 ? data[0] % whole.consumed : 0;
    require(decodeChunked(bytes.substr(0, cut), kLimit, again).state ==
            ChunkedParse::State::Incomplete);
    const ChunkedParse exact = decodeChunked(bytes.substr(0, whole.consumed), kLimit, again);
    require(exact.state == ChunkedParse::State::Complete && exact.consumed == whole.consumed &&
            again == decoded);

    // The same data as one chunk (or none) decodes to itself.
    static const char kHex[] = "0123456789abcdef";
    std::string hex;
    for (std::size_t n = decoded.size(); n > 0; n /= 16) {
        hex.insert(hex.begin(), kHex[n % 16]);
    }
    const std::string reencoded = decoded.empty()
                                      ? std::string("0\r\n\r\n")
                                      : hex + "\r\n" + decoded + "\r\n0\r\n\r\n";
    const ChunkedParse round = decodeChunked(reencoded, kLimit, again);
    require(round.state == ChunkedParse::State::Complete && round.consumed == reencoded.size() &&
            again == decoded);
    return 0;
}
