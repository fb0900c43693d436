// GeneralName decoding with Botan's BER decoder: the tags and shapes of RFC 5280 §4.2.1.6.
#include "issue/general_name.h"

#include "issue/subject.h"

#include <botan/ber_dec.h>
#include <botan/x509_ext.h>

#include <botan/der_enc.h>
#include <botan/hex.h>

#include <fmt/format.h>

#include <bit>

namespace pkitool::issue {

namespace {

const Botan::OID& san_oid() {
    static const Botan::OID oid = Botan::Cert_Extension::Subject_Alternative_Name::static_oid();
    return oid;
}

std::string ipv4_text(const uint8_t* p) {
    return std::to_string(p[0]) + "." + std::to_string(p[1]) + "." + std::to_string(p[2]) + "." + std::to_string(p[3]);
}

// RFC 5952 §4: hex groups in lowercase without leading zeros; "::" for the longest run of two or
// more zero groups, the first of equal runs; §5: an IPv4-mapped address ends in dotted decimal.
// (glibc's inet_ntop also prints the deprecated IPv4-compatible form "::192.0.2.1".)
std::string ipv6_text(const uint8_t* p) {
    uint16_t w[8];
    for (int i = 0; i < 8; ++i) w[i] = static_cast<uint16_t>(p[2 * i] << 8 | p[2 * i + 1]);
    if (w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0xffff) return "::ffff:" + ipv4_text(p + 12);
    int best = -1, best_len = 1;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0) ++j;
        if (j - i > best_len) best = i, best_len = j - i;
        i = j == i ? i + 1 : j;
    }
    std::string out;
    for (int i = 0; i < 8; ++i) {
        if (i == best) {
            out += "::";
            i += best_len - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':') out += ':';
        out += fmt::format("{:x}", w[i]);
    }
    return out;
}

std::string address(const uint8_t* p, size_t n) { return n == 4 ? ipv4_text(p) : ipv6_text(p); }

std::string hex(const std::vector<uint8_t>& v) { return Botan::hex_encode(v, false); }

bool is_string_tag(uint8_t tag) {
    return Botan::ASN1_String::is_string_type(static_cast<Botan::ASN1_Tag>(tag)) || tag == Botan::UNIVERSAL_STRING;
}

}  // namespace

std::string format_ip(const std::vector<uint8_t>& o) {
    if (o.size() == 4 || o.size() == 16) return address(o.data(), o.size());
    if (o.size() != 8 && o.size() != 32) return "(" + std::to_string(o.size()) + "-octet address)";
    const size_t n = o.size() / 2;
    size_t prefix = 0;
    bool contiguous = true, ended = false;
    for (size_t i = n; i < o.size(); ++i) {
        const unsigned ones = std::countl_one(o[i]);
        if (ended && o[i] != 0) contiguous = false;
        if (ones < 8) {
            ended = true;
            if (static_cast<uint8_t>(o[i] << ones) != 0) contiguous = false;
        }
        prefix += ones;
    }
    return address(o.data(), n) + "/" + (contiguous ? std::to_string(prefix) : address(o.data() + n, n));
}

namespace {

// The length of the well-formed UTF-8 sequence of a printable character at `p` (RFC 3629 §4: no
// overlong forms, no surrogates), or 0. C0 and C1 controls and DEL are not printable.
size_t printable_length(const unsigned char* p, size_t left) {
    const unsigned c = p[0];
    if (c < 0x80) return c >= 0x20 && c != 0x7f ? 1 : 0;
    const size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n == 0 || n > left) return 0;
    for (size_t k = 1; k < n; ++k)
        if ((p[k] & 0xc0) != 0x80) return 0;
    const unsigned d = p[1];
    if ((c == 0xe0 && d < 0xa0) || (c == 0xed && d >= 0xa0) || (c == 0xf0 && d < 0x90) || (c == 0xf4 && d >= 0x90)) return 0;
    if (c == 0xc2 && d < 0xa0) return 0;  // U+0080..U+009F
    return n;
}

}  // namespace

std::vector<uint8_t> retagged(Botan::ASN1_Tag type, Botan::ASN1_Tag klass, const Botan::BER_Object& obj) {
    std::vector<uint8_t> der;
    Botan::DER_Encoder(der).add_object(type, klass, obj.bits(), obj.length());
    return der;
}

std::string printable(std::string_view text) {
    std::string out;
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (size_t i = 0; i < text.size();) {
        const size_t n = printable_length(p + i, text.size() - i);
        if (n == 0 || p[i] == '\\') {
            out += p[i] == '\\' ? std::string("\\\\") : fmt::format("\\x{:02x}", p[i]);
            ++i;
            continue;
        }
        out.append(text.substr(i, n));
        i += n;
    }
    return out;
}

std::optional<std::string> GeneralName::other_text() const {
    if (type != Type::Other || octets.empty() || !is_string_tag(octets[0])) return std::nullopt;
    try {
        Botan::BER_Decoder in(octets);
        Botan::ASN1_String s;
        in.decode(s);
        if (printable(s.value()) != s.value()) return std::nullopt;
        return s.value();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string GeneralName::to_string() const {
    switch (type) {
        case Type::DNS: return "dns:" + printable(text);
        case Type::Email: return "email:" + printable(text);
        case Type::URI: return "uri:" + printable(text);
        case Type::IP: return "ip:" + format_ip(octets);
        case Type::DirectoryName: return "dn:" + (dn ? format_dn(*dn) : std::string());
        case Type::RegisteredID: return "rid:" + oid;
        case Type::Other: {
            const auto value = other_text();
            // A text that starts with '#' is escaped as RFC 4514 §2.4 does, so it never reads as hex.
            if (value) return "other:" + oid + ":" + (value->starts_with('#') ? "\\" : "") + *value;
            return "other:" + oid + ":#" + hex(octets);
        }
        case Type::X400: return "x400:#" + hex(octets);
        case Type::EdiParty: return "edi:#" + hex(octets);
    }
    return "other:[" + std::to_string(static_cast<int>(type)) + "]";
}

GeneralName decode_general_name(Botan::BER_Decoder& in) {
    const Botan::BER_Object obj = in.get_next_object();
    if (!(obj.get_class() & Botan::CONTEXT_SPECIFIC) || obj.type() > 8) throw Botan::Decoding_Error("GeneralName with an unexpected tag");
    GeneralName g{static_cast<GeneralName::Type>(obj.type()), {}, {}, std::nullopt};
    switch (g.type) {
        case GeneralName::Type::Email:
        case GeneralName::Type::DNS:
        case GeneralName::Type::URI:
            if (obj.get_class() & Botan::CONSTRUCTED) throw Botan::Decoding_Error("constructed IA5String in a GeneralName");
            g.text.assign(reinterpret_cast<const char*>(obj.bits()), obj.length());
            break;
        case GeneralName::Type::IP:
            g.octets.assign(obj.bits(), obj.bits() + obj.length());
            break;
        case GeneralName::Type::DirectoryName: {
            // [4] is EXPLICIT (Name is a CHOICE): the value holds a whole Name.
            Botan::BER_Decoder inner(obj.bits(), obj.length());
            Botan::X509_DN dn;
            dn.decode_from(inner);
            inner.verify_end();
            g.dn = std::move(dn);
            break;
        }
        case GeneralName::Type::Other: {
            // AnotherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }, tagged [0] IMPLICIT.
            if (!(obj.get_class() & Botan::CONSTRUCTED)) throw Botan::Decoding_Error("primitive otherName");
            Botan::BER_Decoder inner(obj.bits(), obj.length());
            Botan::OID type_id;
            inner.decode(type_id);
            const Botan::BER_Object value = inner.get_next_object();
            if (!value.is_a(0, Botan::ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED)))
                throw Botan::Decoding_Error("otherName value without its [0] tag");
            inner.verify_end();
            Botan::BER_Decoder one(value.bits(), value.length());
            one.get_next_object();
            one.verify_end();
            g.oid = type_id.to_string();
            g.octets.assign(value.bits(), value.bits() + value.length());
            break;
        }
        case GeneralName::Type::RegisteredID: {
            if (obj.get_class() & Botan::CONSTRUCTED) throw Botan::Decoding_Error("constructed registeredID");
            Botan::BER_Decoder inner(retagged(Botan::OBJECT_ID, Botan::UNIVERSAL, obj));
            Botan::OID id;
            inner.decode(id);
            g.oid = id.to_string();
            break;
        }
        default:
            g.octets.assign(obj.bits(), obj.bits() + obj.length());
            break;
    }
    return g;
}

std::vector<GeneralName> decode_general_names(const std::vector<uint8_t>& der) {
    std::vector<GeneralName> out;
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) out.push_back(decode_general_name(seq));
    seq.end_cons();
    top.verify_end();
    return out;
}

std::vector<GeneralName> subject_alt_names(const Botan::X509_Certificate& cert) {
    const auto raw = cert.v3_extensions().extensions_raw();
    const auto it = raw.find(san_oid());
    if (it == raw.end()) return {};
    return decode_general_names(it->second.first);
}

}  // namespace pkitool::issue
