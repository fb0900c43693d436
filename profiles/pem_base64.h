// Base64 decoding of PEM bodies, fast for the shape every PEM writer produces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pkitool::profiles {

// Decodes `text` (base64 in lines: the alphabet, CR/LF/space/tab, "=" padding only at the end) into
// `out`, which holds at least 3 * text.size() / 4 + 3 bytes, and returns the byte count. nullopt for
// anything else (a stray character, padding in the middle, a partial quantum): callers then use
// Botan::base64_decode, which decides and words the error. Where both decode, the bytes are equal.
std::optional<size_t> decode_pem_base64(std::string_view text, uint8_t* out);

}  // namespace pkitool::profiles
