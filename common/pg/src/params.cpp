#include "shop/pg/params.hpp"

namespace shop::pg::detail {

void appendArrayElement(std::string& out, const Param& element) {
    if (!element) {
        out += "NULL";
        return;
    }
    // Always quoted, so empty strings, "NULL", commas, braces and spaces survive as data.
    out += '"';
    for (const char c : *element) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '"';
}

}  // namespace shop::pg::detail
