// GeneralName (RFC 5280 §4.2.1.6) decoded from DER with every type kept. Botan 2's AlternativeName
// drops IPv6 addresses and the types it does not know without a word (issue #8, defect 6); SANs,
// name constraints and the emulator's tags read names through this instead.
#pragma once

#include <botan/pkix_types.h>
#include <botan/x509cert.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::issue {

struct GeneralName {
    // The CHOICE's context tags, in order (RFC 5280 §4.2.1.6).
    enum class Type { Other = 0, Email = 1, DNS = 2, X400 = 3, DirectoryName = 4, EdiParty = 5, URI = 6, IP = 7, RegisteredID = 8 };
    Type type;
    std::string text;            // Email, DNS, URI: the IA5String as encoded
    std::vector<uint8_t> octets; // IP: 4 or 16 octets in a SAN; address then mask (8 or 32) in a constraint.
                                 // Other: the value's DER; X400, EdiParty: the contents as encoded
    std::optional<Botan::X509_DN> dn;  // DirectoryName
    std::string oid = {};        // Other: the type-id; RegisteredID: the identifier (dotted)

    // "dns:a.example", "ip:2001:db8::1", "email:a@b", "uri:...", "dn:CN=x", "rid:1.2.3",
    // "other:1.3.6.1.4.1.311.20.2.3:user@example.com" (an otherName whose value is a printable
    // string), "other:1.2.3:#020101" (any other value: its DER in hex, as RFC 4514 §2.4 shows
    // values it cannot print), "x400:#..." and "edi:#..." (contents in hex).
    std::string to_string() const;
    // An otherName's value when it is a string (UTF8String, IA5String, ...) of printable text.
    std::optional<std::string> other_text() const;
};

// The GeneralNames SEQUENCE in `der`. Throws Botan::Decoding_Error on malformed input.
std::vector<GeneralName> decode_general_names(const std::vector<uint8_t>& der);

// One GeneralName from the decoder's next object.
GeneralName decode_general_name(Botan::BER_Decoder& in);

// The certificate's subjectAltName (empty when absent), every entry of every type.
std::vector<GeneralName> subject_alt_names(const Botan::X509_Certificate& cert);

// The DER of `obj`'s contents under the tag its IMPLICIT tag replaced (RFC 5280's module is
// IMPLICIT): `type` OBJECT_ID, class UNIVERSAL for a registeredID.
std::vector<uint8_t> retagged(Botan::ASN1_Tag type, Botan::ASN1_Tag klass, const Botan::BER_Object& obj);

// `text` with every byte that is not part of printable UTF-8 shown as \xNN (and '\' as "\\"), so
// that a name cannot move a terminal's cursor or make invalid JSON.
std::string printable(std::string_view text);

// "192.0.2.1", "2001:db8::1" (RFC 5952 text: lowercase, the longest run of two or more zero
// groups as "::", an IPv4-mapped address as "::ffff:192.0.2.1"); with a mask (8 or 32 octets)
// "192.0.2.0/24" (a prefix length when the mask is contiguous, else "/255.0.255.0").
std::string format_ip(const std::vector<uint8_t>& octets);

}  // namespace pkitool::issue
