// Table-driven base64 for PEM bodies: Botan 2's decoder looks each character up through a function
// call, about 55 instructions per character, which was 14 % of `pkitool lint` on a directory.
#include "profiles/pem_base64.h"

#include <array>

namespace pkitool::profiles {

namespace {

constexpr int8_t kSkip = -2, kPad = -3, kBad = -1;

constexpr std::array<int8_t, 256> make_table() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = kBad;
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    for (char c : {'\n', '\r', ' ', '\t'}) t[static_cast<uint8_t>(c)] = kSkip;
    t[static_cast<uint8_t>('=')] = kPad;
    return t;
}

constexpr auto kTable = make_table();

}  // namespace

std::optional<size_t> decode_pem_base64(std::string_view text, uint8_t* out) {
    uint32_t acc = 0;
    int quantum = 0, pad = 0;
    size_t n = 0;
    for (const char ch : text) {
        const int8_t v = kTable[static_cast<uint8_t>(ch)];
        if (v >= 0) {
            if (pad) return std::nullopt;  // data after padding
            acc = (acc << 6) | static_cast<uint32_t>(v);
            if (++quantum == 4) {
                out[n++] = static_cast<uint8_t>(acc >> 16);
                out[n++] = static_cast<uint8_t>(acc >> 8);
                out[n++] = static_cast<uint8_t>(acc);
                acc = 0;
                quantum = 0;
            }
        } else if (v == kPad) {
            if (++pad > 2) return std::nullopt;
        } else if (v != kSkip) {
            return std::nullopt;
        }
    }
    if (pad == 0) return quantum == 0 ? std::optional<size_t>(n) : std::nullopt;
    // "xx==" carries one byte (12 bits, 4 unused), "xxx=" two (18 bits, 2 unused).
    if (quantum + pad != 4 || quantum < 2) return std::nullopt;
    if (quantum == 2) {
        out[n++] = static_cast<uint8_t>(acc >> 4);
    } else {
        out[n++] = static_cast<uint8_t>(acc >> 10);
        out[n++] = static_cast<uint8_t>(acc >> 2);
    }
    return n;
}

}  // namespace pkitool::profiles
