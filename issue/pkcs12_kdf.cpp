// RFC 7292 Appendix B.2 over Botan's hash functions.
#include "issue/pkcs12_kdf.h"

#include <botan/hash.h>

#include <optional>
#include <stdexcept>
#include <vector>

namespace pkitool::issue {

namespace {

// The code points of a UTF-8 string; nullopt when it is not valid UTF-8 (overlong forms,
// surrogates and values past U+10FFFF included, RFC 3629 §3).
std::optional<std::vector<uint32_t>> utf8_code_points(std::string_view s) {
    std::vector<uint32_t> out;
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<uint8_t>(s[i]);
        size_t extra = 0;
        uint32_t cp = 0;
        if (b < 0x80) cp = b;
        else if ((b & 0xE0) == 0xC0) extra = 1, cp = b & 0x1F;
        else if ((b & 0xF0) == 0xE0) extra = 2, cp = b & 0x0F;
        else if ((b & 0xF8) == 0xF0) extra = 3, cp = b & 0x07;
        else return std::nullopt;
        if (i + extra >= s.size()) return std::nullopt;  // a sequence cut short
        for (size_t k = 1; k <= extra; ++k) {
            const auto c = static_cast<uint8_t>(s[i + k]);
            if ((c & 0xC0) != 0x80) return std::nullopt;
            cp = (cp << 6) | (c & 0x3F);
        }
        constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
        if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return std::nullopt;
        out.push_back(cp);
        i += extra + 1;
    }
    return out;
}

void put16(Botan::secure_vector<uint8_t>& out, uint32_t unit) {
    out.push_back(static_cast<uint8_t>(unit >> 8));
    out.push_back(static_cast<uint8_t>(unit));
}

// `block` (v bytes, a big-endian integer) += `b` + 1, modulo 2^(8v): step 6C of Appendix B.2.
void add_one_plus(uint8_t* block, const Botan::secure_vector<uint8_t>& b) {
    unsigned carry = 1;
    for (size_t k = b.size(); k-- > 0;) {
        carry += block[k] + b[k];
        block[k] = static_cast<uint8_t>(carry);
        carry >>= 8;
    }
}

// `in` repeated to fill ceil(|in| / v) * v bytes: steps 2 and 3.
void fill_to_blocks(Botan::secure_vector<uint8_t>& out, std::span<const uint8_t> in, size_t v) {
    if (in.empty()) return;
    const size_t n = v * ((in.size() + v - 1) / v);
    for (size_t k = 0; k < n; ++k) out.push_back(in[k % in.size()]);
}

}  // namespace

Botan::secure_vector<uint8_t> pkcs12_bmp_password(std::string_view utf8) {
    Botan::secure_vector<uint8_t> out;
    if (const auto points = utf8_code_points(utf8)) {
        for (const uint32_t cp : *points) {
            if (cp < 0x10000) {
                put16(out, cp);
            } else {
                put16(out, 0xD800 + ((cp - 0x10000) >> 10));
                put16(out, 0xDC00 + ((cp - 0x10000) & 0x3FF));
            }
        }
    } else {
        for (const char c : utf8) put16(out, static_cast<uint8_t>(c));
    }
    put16(out, 0);
    return out;
}

Botan::secure_vector<uint8_t> pkcs12_derive(const std::string& hash_name, Pkcs12KeyPurpose purpose, std::span<const uint8_t> password,
                                            std::span<const uint8_t> salt, size_t iterations, size_t length) {
    if (iterations == 0) throw std::invalid_argument("PKCS#12 key derivation: zero iterations");
    auto hash = Botan::HashFunction::create_or_throw(hash_name);
    const size_t u = hash->output_length();
    const size_t v = hash->hash_block_size();
    // Steps 1-4: D = v bytes of the ID; I = S || P, each filled to whole blocks.
    const Botan::secure_vector<uint8_t> d(v, static_cast<uint8_t>(purpose));
    Botan::secure_vector<uint8_t> i;
    fill_to_blocks(i, salt, v);
    fill_to_blocks(i, password, v);

    Botan::secure_vector<uint8_t> out;
    Botan::secure_vector<uint8_t> a(u), b(v);
    while (out.size() < length) {
        // 6A: A_i = H^r(D || I).
        hash->update(d);
        hash->update(i);
        hash->final(a.data());
        for (size_t r = 1; r < iterations; ++r) {
            hash->update(a);
            hash->final(a.data());
        }
        out.insert(out.end(), a.begin(), a.begin() + static_cast<std::ptrdiff_t>(std::min(u, length - out.size())));
        if (out.size() >= length) break;
        // 6B, 6C: B = A_i filled to v bytes; every v-byte block I_j of I becomes I_j + B + 1.
        for (size_t k = 0; k < v; ++k) b[k] = a[k % u];
        for (size_t j = 0; j < i.size(); j += v) add_one_plus(i.data() + j, b);
    }
    return out;
}

}  // namespace pkitool::issue
