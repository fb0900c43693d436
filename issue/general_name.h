// GeneralName (RFC 5280 §4.2.1.6) decoded from DER with every type kept. Botan 2's AlternativeName
// drops IPv6 addresses and the types it does not know without a word (issue #8, defect 6); SANs,
// name constraints and the emulator's tags read names through this instead.
#pragma once

#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::issue {

struct GeneralName {
    // The CHOICE's context tags, in order (RFC 5280 §4.2.1.6).
    enum class Type { Other = 0, Email = 1, DNS = 2, X400 = 3, DirectoryName = 4, EdiParty = 5, URI = 6, IP = 7, RegisteredID = 8 };
    Type type;
    std::string text;            // Email, DNS, URI: the IA5String as encoded
    std::vector<uint8_t> octets; // IP: 4 or 16 octets in a SAN; address then mask (8 or 32) in a constraint
    std::optional<Botan::X509_DN> dn;  // DirectoryName

    // "dns:a.example", "ip:2001:db8::1", "email:a@b", "uri:...", "dn:CN=x", "other:<tag n>".
    std::string to_string() const;
};

// The GeneralNames SEQUENCE in `der`. Throws Botan::Decoding_Error on malformed input.
std::vector<GeneralName> decode_general_names(const std::vector<uint8_t>& der);

// One GeneralName from the decoder's next object.
GeneralName decode_general_name(Botan::BER_Decoder& in);

// The certificate's subjectAltName (empty when absent), every entry of every type.
std::vector<GeneralName> subject_alt_names(const Botan::X509_Certificate& cert);

// "192.0.2.1", "2001:db8::1"; with a mask (8 or 32 octets) "192.0.2.0/24" (a prefix length when the
// mask is contiguous, else "/255.0.255.0").
std::string format_ip(const std::vector<uint8_t>& octets);

}  // namespace pkitool::issue
