// GeneralName decoding with Botan's BER decoder: the tags and shapes of RFC 5280 §4.2.1.6.
#include "issue/general_name.h"

#include "issue/subject.h"

#include <botan/ber_dec.h>
#include <botan/x509_ext.h>

#include <arpa/inet.h>

#include <bit>

namespace pkitool::issue {

namespace {

const Botan::OID& san_oid() {
    static const Botan::OID oid = Botan::Cert_Extension::Subject_Alternative_Name::static_oid();
    return oid;
}

std::string address(const uint8_t* p, size_t n) {
    char buf[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(n == 4 ? AF_INET : AF_INET6, p, buf, sizeof buf)) return "?";
    return buf;
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

std::string GeneralName::to_string() const {
    switch (type) {
        case Type::DNS: return "dns:" + text;
        case Type::Email: return "email:" + text;
        case Type::URI: return "uri:" + text;
        case Type::IP: return "ip:" + format_ip(octets);
        case Type::DirectoryName: return "dn:" + (dn ? format_dn(*dn) : std::string());
        default: return "other:[" + std::to_string(static_cast<int>(type)) + "]";
    }
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
