// Extension decoding with Botan's BER decoder: the ASN.1 of RFC 5280 §4.2.1.4, §4.2.1.10,
// §4.2.1.13 and §4.2.2.1 (module PKIX1Implicit88: IMPLICIT tags, except that a tagged CHOICE
// such as DistributionPointName is explicit).
#include "issue/extensions.h"

#include <botan/asn1_obj.h>
#include <botan/bigint.h>
#include <botan/ber_dec.h>
#include <botan/der_enc.h>

namespace pkitool::issue {

namespace {

using Botan::ASN1_Tag;

constexpr ASN1_Tag kContext = Botan::CONTEXT_SPECIFIC;
constexpr ASN1_Tag kContextConstructed = ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED);

std::vector<GeneralName> general_names_in(const Botan::BER_Object& obj) {
    std::vector<GeneralName> out;
    Botan::BER_Decoder in(obj.bits(), obj.length());
    while (in.more_items()) out.push_back(decode_general_name(in));
    return out;
}

// A DisplayText (IA5String, VisibleString, BMPString or UTF8String) as UTF-8.
std::string display_text(Botan::BER_Decoder& in) {
    Botan::ASN1_String s;
    in.decode(s);
    return s.value();
}

uint64_t small_integer(Botan::BER_Decoder& in, const char* what) {
    Botan::BigInt n;
    in.decode(n);
    if (n.is_negative() || n.bits() > 64) throw Botan::Decoding_Error(std::string(what) + " out of range");
    uint64_t v = 0;
    for (size_t i = n.bytes(); i > 0; --i) v = v << 8 | n.byte_at(i - 1);
    return v;
}

UserNotice user_notice(Botan::BER_Decoder& qualifier) {
    UserNotice notice;
    Botan::BER_Decoder seq = qualifier.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        const Botan::BER_Object next = seq.get_next_object();
        if (next.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) {
            // NoticeReference ::= SEQUENCE { organization DisplayText, noticeNumbers SEQUENCE OF INTEGER }
            Botan::BER_Decoder ref(next.bits(), next.length());
            notice.organization = display_text(ref);
            Botan::BER_Decoder numbers = ref.start_cons(Botan::SEQUENCE);
            while (numbers.more_items()) notice.notice_numbers.push_back(small_integer(numbers, "noticeNumber"));
            numbers.end_cons();
            ref.verify_end();
        } else {
            seq.push_back(next);
            notice.explicit_text = display_text(seq);
        }
    }
    seq.end_cons();
    return notice;
}

// ReasonFlags ::= BIT STRING, named bits in RFC 5280 §4.2.1.13 order (bit 0 first).
std::vector<std::string> reason_flags(const Botan::BER_Object& obj) {
    static const char* const names[] = {"unused", "keyCompromise", "cACompromise", "affiliationChanged", "superseded",
                                        "cessationOfOperation", "certificateHold", "privilegeWithdrawn", "aACompromise"};
    if (obj.length() == 0 || obj.bits()[0] > 7) throw Botan::Decoding_Error("malformed ReasonFlags");
    std::vector<std::string> out;
    const size_t bits = (obj.length() - 1) * 8 - obj.bits()[0];
    for (size_t i = 0; i < bits; ++i)
        if (obj.bits()[1 + i / 8] & (0x80 >> (i % 8))) out.push_back(i < std::size(names) ? names[i] : "bit " + std::to_string(i));
    return out;
}

std::vector<GeneralSubtree> subtrees(const Botan::BER_Object& list) {
    std::vector<GeneralSubtree> out;
    Botan::BER_Decoder in(list.bits(), list.length());
    while (in.more_items()) {
        Botan::BER_Decoder sub = in.start_cons(Botan::SEQUENCE);
        GeneralSubtree s{decode_general_name(sub), std::nullopt, std::nullopt};
        while (sub.more_items()) {
            const Botan::BER_Object bound = sub.get_next_object();
            if (!(bound.get_class() & kContext) || bound.type() > 1) throw Botan::Decoding_Error("GeneralSubtree with an unexpected field");
            Botan::BER_Decoder n(retagged(Botan::INTEGER, Botan::UNIVERSAL, bound));
            (bound.type() == 0 ? s.minimum : s.maximum) = small_integer(n, "BaseDistance");
        }
        sub.end_cons();
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

std::optional<RawExtension> raw_extension(const Botan::X509_Certificate& cert, const Botan::OID& oid) {
    const auto raw = cert.v3_extensions().extensions_raw();
    const auto it = raw.find(oid);
    if (it == raw.end()) return std::nullopt;
    return RawExtension{it->second.first, it->second.second};
}

std::vector<AccessDescription> decode_info_access(const std::vector<uint8_t>& der) {
    std::vector<AccessDescription> out;
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        Botan::BER_Decoder desc = seq.start_cons(Botan::SEQUENCE);
        Botan::OID method;
        desc.decode(method);
        out.push_back({method.to_string(), decode_general_name(desc)});
        desc.end_cons();
    }
    seq.end_cons();
    top.verify_end();
    return out;
}

std::vector<DistributionPoint> decode_crl_distribution_points(const std::vector<uint8_t>& der) {
    std::vector<DistributionPoint> out;
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        DistributionPoint dp;
        Botan::BER_Decoder fields = seq.start_cons(Botan::SEQUENCE);
        while (fields.more_items()) {
            const Botan::BER_Object field = fields.get_next_object();
            if (field.is_a(0, kContextConstructed)) {
                Botan::BER_Decoder choice(field.bits(), field.length());
                const Botan::BER_Object name = choice.get_next_object();
                choice.verify_end();
                if (name.is_a(0, kContextConstructed)) {
                    dp.full_name = general_names_in(name);
                } else if (name.is_a(1, kContextConstructed)) {
                    // One RelativeDistinguishedName: read as the Name holding only it.
                    const auto rdn = retagged(Botan::SET, Botan::CONSTRUCTED, name);
                    std::vector<uint8_t> der_name;
                    Botan::DER_Encoder(der_name).add_object(Botan::SEQUENCE, Botan::CONSTRUCTED, rdn.data(), rdn.size());
                    Botan::BER_Decoder in(der_name);
                    Botan::X509_DN dn;
                    dn.decode_from(in);
                    dp.relative_name = std::move(dn);
                } else {
                    throw Botan::Decoding_Error("DistributionPointName with an unexpected tag");
                }
            } else if (field.is_a(1, kContext)) {
                dp.reasons = reason_flags(field);
            } else if (field.is_a(2, kContextConstructed)) {
                dp.crl_issuer = general_names_in(field);
            } else {
                throw Botan::Decoding_Error("DistributionPoint with an unexpected field");
            }
        }
        fields.end_cons();
        out.push_back(std::move(dp));
    }
    seq.end_cons();
    top.verify_end();
    return out;
}

std::vector<PolicyInformation> decode_certificate_policies(const std::vector<uint8_t>& der) {
    static const Botan::OID cps("1.3.6.1.5.5.7.2.1"), unotice("1.3.6.1.5.5.7.2.2");
    std::vector<PolicyInformation> out;
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        PolicyInformation info;
        Botan::BER_Decoder policy = seq.start_cons(Botan::SEQUENCE);
        Botan::OID id;
        policy.decode(id);
        info.oid = id.to_string();
        if (policy.more_items()) {
            Botan::BER_Decoder qualifiers = policy.start_cons(Botan::SEQUENCE);
            while (qualifiers.more_items()) {
                Botan::BER_Decoder q = qualifiers.start_cons(Botan::SEQUENCE);
                Botan::OID qid;
                q.decode(qid);
                if (qid == cps) {
                    Botan::ASN1_String uri;
                    q.decode(uri);
                    info.cps.push_back(uri.value());
                } else if (qid == unotice) {
                    info.user_notices.push_back(user_notice(q));
                } else {
                    info.other_qualifiers.push_back(qid.to_string());
                    q.discard_remaining();
                }
                q.end_cons();
            }
            qualifiers.end_cons();
        }
        policy.end_cons();
        out.push_back(std::move(info));
    }
    seq.end_cons();
    top.verify_end();
    return out;
}

std::string GeneralSubtree::to_string() const {
    std::string out = base.to_string();
    if (minimum && maximum) return out + " (minimum " + std::to_string(*minimum) + ", maximum " + std::to_string(*maximum) + ")";
    if (minimum) return out + " (minimum " + std::to_string(*minimum) + ")";
    if (maximum) return out + " (maximum " + std::to_string(*maximum) + ")";
    return out;
}

NameConstraintsValue decode_name_constraints(const std::vector<uint8_t>& der) {
    NameConstraintsValue nc;
    Botan::BER_Decoder top(der);
    Botan::BER_Decoder seq = top.start_cons(Botan::SEQUENCE);
    while (seq.more_items()) {
        const Botan::BER_Object obj = seq.get_next_object();
        if (!obj.is_a(0, kContextConstructed) && !obj.is_a(1, kContextConstructed))
            throw Botan::Decoding_Error("nameConstraints with an unexpected field");
        auto names = subtrees(obj);
        auto& into = obj.type() == 0 ? nc.permitted : nc.excluded;
        into.insert(into.end(), names.begin(), names.end());
    }
    seq.end_cons();
    top.verify_end();
    return nc;
}

}  // namespace pkitool::issue
