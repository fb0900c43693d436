// PEM and DER input: the one reader that decides what holds a certificate, and the PEM blocks
// the readers of requests, CRLs and keys take apart.
#pragma once

#include "base/files.h"

#include <botan/x509cert.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::pem {

namespace fs = std::filesystem;

// One "-----BEGIN LABEL-----" ... "-----END LABEL-----" block (RFC 7468 §2).
struct Block {
    std::string_view label;
    std::string_view body;  // the base64 text between the two lines
};

// The blocks of a text, in order. A block without its END line, or closed by another label's END
// line, ends the scan: `problem` then says so, and `blocks` holds the complete ones before it.
struct Blocks {
    std::vector<Block> blocks;
    std::string problem;
};
Blocks scan(std::string_view text);

// Input holding a BEGIN line is read as PEM; anything else as DER.
bool is_pem(std::string_view text);
// The label of the first block ("" for DER, or a BEGIN line with no end).
std::string first_label(std::string_view text);
// How many blocks carry exactly this label.
size_t count(std::string_view text, std::string_view label);

// The labels that hold a certificate: CERTIFICATE (RFC 7468 §5.1), X509 CERTIFICATE (older
// OpenSSL) and TRUSTED CERTIFICATE (`openssl x509 -trustout`: the certificate, then OpenSSL's
// trust settings, which pkitool reads past).
bool is_certificate_label(std::string_view label);

// Decodes `text` (base64 in lines: the alphabet, CR/LF/space/tab, "=" padding only at the end) into
// `out`, which holds at least 3 * text.size() / 4 + 3 bytes, and returns the byte count. nullopt for
// anything else (a stray character, padding in the middle, a partial quantum): decode() then asks
// Botan, which decides and words the error. Where both decode, the bytes are equal.
std::optional<size_t> decode_base64_fast(std::string_view text, uint8_t* out);

// A block's body as bytes, into `out` (resized; reuse it across blocks: Botan's own decoder would
// allocate locked memory for each). Throws std::exception with Botan's words when it is not base64.
void decode(const Block& block, std::vector<uint8_t>& out);

// Bytes follow the first DER object of `der` (issue #8: a certificate with junk appended is not
// that certificate). Throws Botan::Decoding_Error when there is no complete first object.
bool has_trailing_data(const uint8_t* der, size_t size);

// The certificates in one input's bytes, PEM (any number of blocks; other labels are skipped) or
// DER. Never throws on bad content: each unreadable certificate is one line in `problems`.
struct Certificates {
    std::vector<Botan::X509_Certificate> certs;
    std::vector<std::string> problems;
    bool other_pem_only = false;  // PEM with no certificate block (a key, a CSR...)
};
// `der` is scratch space, reused across calls.
Certificates read_certificates(std::span<const uint8_t> data, std::vector<uint8_t>& der);

// Every certificate in the bytes; Error "NAME: <the first problem>", or when there is none.
std::vector<Botan::X509_Certificate> certificates(std::span<const uint8_t> data, const std::string& name);
// The same from a file ("-": standard input), read within files::kMaxInputBytes.
std::vector<Botan::X509_Certificate> load_certificates(const fs::path& path);
// Exactly one certificate.
Botan::X509_Certificate load_certificate(const fs::path& path);

}  // namespace pkitool::pem
