// libFuzzer target: the chunked-body decoder the services read request bodies with. Must never
// crash, hang or read out of bounds; fed in two pieces it must answer as it does fed at once; a
// body it decodes is incomplete at every prefix and decodes the same without what follows it,
// and its data sent again as one chunk decodes to the same data.
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
    require(whole.consumed <= size && decoded.size() <= kLimit);

    // Fed in two pieces, as the server feeds what arrives: the same answer and the same data.
    {
        const std::size_t split = size > 1 ? data[size - 1] % size : 0;
        shop::http::ChunkedDecoder decoder(kLimit);
        std::string pieces;
        std::string pending(bytes.substr(0, split));
        ChunkedParse first = decoder.feed(pending, pieces);
        require(first.consumed <= pending.size());
        pending.erase(0, first.consumed);
        pending.append(bytes.substr(split));
        const std::size_t before = bytes.size() - pending.size();
        ChunkedParse second = first;
        if (first.state == ChunkedParse::State::Incomplete) {
            second = decoder.feed(pending, pieces);
            second.consumed += before;
        }
        require(second.state == whole.state);
        if (whole.state == ChunkedParse::State::Complete) {
            require(second.consumed == whole.consumed && pieces == decoded);
        }
    }
    if (whole.state != ChunkedParse::State::Complete) {
        return 0;
    }
    require(whole.consumed > 0);

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
    const std::string reencoded =
        decoded.empty() ? std::string("0\r\n\r\n") : hex + "\r\n" + decoded + "\r\n0\r\n\r\n";
    const ChunkedParse round = decodeChunked(reencoded, kLimit, again);
    require(round.state == ChunkedParse::State::Complete && round.consumed == reencoded.size() &&
            again == decoded);
    return 0;
}
