// One parser for the durations of --expiring, --expires-in and --interval.
#include "base/duration.h"

#include <algorithm>
#include <cctype>

namespace pkitool {

std::optional<std::chrono::seconds> parse_duration(const std::string& text) {
    if (text.size() < 2) return std::nullopt;
    const std::string digits = text.substr(0, text.size() - 1);
    // At most 9 digits: 999,999,999 weeks still fit in 64-bit seconds.
    if (digits.size() > 9 || !std::all_of(digits.begin(), digits.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) return std::nullopt;
    int64_t scale = 0;
    switch (text.back()) {
        case 's': scale = 1; break;
        case 'm': scale = 60; break;
        case 'h': scale = 3600; break;
        case 'd': scale = 86400; break;
        case 'w': scale = 7 * 86400; break;
        default: return std::nullopt;
    }
    return std::chrono::seconds(std::stoll(digits) * scale);
}

}  // namespace pkitool
