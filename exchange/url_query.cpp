// URL query and form decoding.
#include "exchange/url_query.h"

#include <cctype>

namespace pkitool::exchange {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::string decode(const std::string& s, PlusMeans plus) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '+' && plus == PlusMeans::Space) {
            out += ' ';
        } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
            out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

}  // namespace

Params parse_url_query(const std::string& text, PlusMeans plus) {
    Params out;
    size_t b = 0;
    while (b < text.size()) {
        auto e = text.find('&', b);
        if (e == std::string::npos) e = text.size();
        const std::string part = text.substr(b, e - b);
        b = e + 1;
        if (part.empty()) continue;
        const auto eq = part.find('=');
        out.emplace_back(decode(part.substr(0, eq), plus), eq == std::string::npos ? "" : decode(part.substr(eq + 1), plus));
    }
    return out;
}

}  // namespace pkitool::exchange
