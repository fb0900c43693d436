// The key derivation of PKCS#12 (RFC 7292 Appendix B): MAC keys, and the keys and IVs of its own
// password-based encryption schemes (Appendix C), from a password given as a BMPString.
#pragma once

#include <botan/secmem.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace pkitool::issue {

// The "ID" byte of RFC 7292 Appendix B.3: what the derived bytes are for.
enum class Pkcs12KeyPurpose : uint8_t { Key = 1, Iv = 2, Mac = 3 };

// A password as Appendix B.1 takes it: UTF-16 big-endian with a two-byte zero terminator (so
// the empty password is 00 00). UTF-8 is read as UTF-8 (characters past U+FFFF as surrogate
// pairs, as OpenSSL 3 does); bytes that are not UTF-8 are taken as Latin-1, one character each.
Botan::secure_vector<uint8_t> pkcs12_bmp_password(std::string_view utf8);

// Appendix B.2: `length` bytes for `purpose` from `password` (already a BMPString, or empty for
// the zero-length password OpenSSL also tries), `salt` and `iterations` rounds of `hash` (a
// Botan name: "SHA-1", "SHA-256", ...). Throws Botan's exceptions for an unknown hash and
// std::invalid_argument for zero iterations.
Botan::secure_vector<uint8_t> pkcs12_derive(const std::string& hash, Pkcs12KeyPurpose purpose, std::span<const uint8_t> password,
                                            std::span<const uint8_t> salt, size_t iterations, size_t length);

}  // namespace pkitool::issue
