#include "shop/http/message.hpp"

#include <algorithm>
#include <cctype>

#include "shop/domain/text_codec.hpp"

namespace shop::http {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::optional<std::string> Request::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

std::optional<std::string> Request::queryParam(std::string_view name) const {
    for (const auto& [key, value] : query) {
        if (key == name) {
            return value;
        }
    }
    return std::nullopt;
}

const std::string& Request::param(std::string_view name) const {
    static const std::string kEmpty;
    auto it = params.find(name);
    return it == params.end() ? kEmpty : it->second;
}

Response Response::data(int status, std::string_view dataJson) {
    Response response;
    response.status = status;
    response.body.reserve(dataJson.size() + 10);
    response.body.append(R"({"data":)").append(dataJson).append("}");
    return response;
}

std::optional<std::string> percentDecode(std::string_view text, bool plusIsSpace) {
    return domain::percentDecode(text,
                                 plusIsSpace ? domain::PlusSign::Space : domain::PlusSign::Literal);
}

std::optional<std::vector<std::pair<std::string, std::string>>> parseQuery(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view part = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (part.empty()) {
            continue;
        }
        const auto eq = part.find('=');
        auto key = percentDecode(part.substr(0, eq), true);
        auto value = percentDecode(
            eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
        if (!key || !value) {
            return std::nullopt;
        }
        out.emplace_back(std::move(*key), std::move(*value));
    }
    return out;
}

}  // namespace shop::http
