// Extension and GeneralName decoders. The hex inputs are the extnValues of a certificate openssl 3.0
// made from this configuration (`openssl req -x509 -config ext.cnf -extensions v3`), read out with
// Python cryptography's `public_bytes()`:
//   authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.crt, OCSP;URI:http://ocsp2.example/
//   crlDistributionPoints = dp1, dp2   ([dp1] fullname = URI:http://crl.example/a.crl
//     [dp2] fullname = URI:ldap://ldap.example/cn=crl, dirName:ncdn; reasons = keyCompromise, CACompromise;
//     CRLissuer = dirName:issuerdn; [ncdn] O = Example, CN = x; [issuerdn] CN = CRL Issuer)
//   certificatePolicies = 2.23.140.1.2.1, @pol   ([pol] policyIdentifier = 1.3.6.1.4.1.55555.9,
//     CPS.1 = "http://cps.example/cps", userNotice.1 = @notice; [notice] explicitText = "Explicit text here",
//     organization = "Example Org", noticeNumbers = 1, 2, 3)
//   nameConstraints = critical, permitted;DNS:.example.com, permitted;IP:10.0.0.0/255.0.0.0,
//     permitted;IP:2001:db8::/ffff:ffff::, excluded;email:bad@example.com, excluded;URI:.evil.example,
//     permitted;dirName:ncdn, permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:@example.com
//   subjectAltName = DNS:a.example, IP:2001:db8::1, IP:::ffff:192.0.2.1,
//     otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com, otherName:1.2.3.4;IA5:hello,
//     otherName:1.2.3.5;INT:42, RID:1.2.3.6, dirName:ncdn, email:a@b.example, URI:https://x.example/
// Edge cases openssl cannot write (minimum and maximum, BMPString notice text) are built with
// Botan's DER encoder.
#include "issue/extensions.h"
#include "issue/general_name.h"
#include "issue/subject.h"

#include <botan/der_enc.h>
#include <botan/hex.h>

#include <catch2/catch.hpp>

using namespace pkitool::issue;

namespace {

std::vector<uint8_t> hex(const char* text) { return Botan::hex_decode(text); }

std::vector<uint8_t> der(Botan::DER_Encoder& e) { return Botan::unlock(e.get_contents()); }

std::vector<std::string> strings(const std::vector<GeneralName>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) out.push_back(n.to_string());
    return out;
}

std::vector<std::string> strings(const std::vector<GeneralSubtree>& subtrees) {
    std::vector<std::string> out;
    for (const auto& s : subtrees) out.push_back(s.to_string());
    return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("extensions: authorityInfoAccess keeps every access description, in order", "[extensions]") {
    const auto aia = decode_info_access(hex(
        "306b302006082b060105050730018614687474703a2f2f6f6373702e6578616d706c652f302406082b060105050730028618687474703a2f2f6361"
        "2e6578616d706c652f63612e637274302106082b060105050730018615687474703a2f2f6f637370322e6578616d706c652f"));
    REQUIRE(aia.size() == 3);
    CHECK(aia[0].method == "1.3.6.1.5.5.7.48.1");
    CHECK(aia[0].location.to_string() == "uri:http://ocsp.example/");
    CHECK(aia[1].method == "1.3.6.1.5.5.7.48.2");
    CHECK(aia[1].location.text == "http://ca.example/ca.crt");
    CHECK(aia[2].location.text == "http://ocsp2.example/");  // Botan's own decoder keeps one OCSP URI
    CHECK_THROWS_AS(decode_info_access(hex("3003020101")), Botan::Decoding_Error);
}

TEST_CASE("extensions: CRL distribution points with names of every form, reasons and issuer", "[extensions]") {
    const auto dps = decode_crl_distribution_points(hex(
        "308183301ea01ca01a8618687474703a2f2f63726c2e6578616d706c652f612e63726c3061a040a03e861a6c6461703a2f2f6c6461702e6578616d"
        "706c652f636e3d63726ca420301e3110300e060355040a0c074578616d706c65310a300806035504030c017881020560a219a41730153113301106"
        "035504030c0a43524c20497373756572"));
    REQUIRE(dps.size() == 2);
    CHECK(strings(dps[0].full_name) == V{"uri:http://crl.example/a.crl"});
    CHECK(dps[0].reasons.empty());
    CHECK(dps[0].crl_issuer.empty());
    CHECK(strings(dps[1].full_name) == V{"uri:ldap://ldap.example/cn=crl", "dn:CN=x,O=Example"});
    CHECK(dps[1].reasons == V{"keyCompromise", "cACompromise"});
    CHECK(strings(dps[1].crl_issuer) == V{"dn:CN=CRL Issuer"});

    // nameRelativeToCRLIssuer: [0] { [1] { AttributeTypeAndValue } }, which openssl's config cannot write.
    const auto atv = der(Botan::DER_Encoder()
                         .start_cons(Botan::SEQUENCE)
                         .encode(Botan::OID("2.5.4.3"))
                         .encode(Botan::ASN1_String("crl-1", Botan::UTF8_STRING))
                         .end_cons());
    const auto relative = der(Botan::DER_Encoder()
                              .start_cons(Botan::SEQUENCE)
                              .start_cons(Botan::SEQUENCE)
                              .start_cons(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC)
                              .start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
                              .raw_bytes(atv)
                              .end_cons()
                              .end_cons()
                              .end_cons()
                              .end_cons());
    const auto rel = decode_crl_distribution_points(relative);
    REQUIRE(rel.size() == 1);
    REQUIRE(rel[0].relative_name);
    CHECK(format_dn(*rel[0].relative_name) == "CN=crl-1");
    CHECK(rel[0].full_name.empty());
}

TEST_CASE("extensions: certificate policies with CPS and user notice qualifiers", "[extensions]") {
    const auto policies = decode_certificate_policies(hex(
        "30793008060667810c010201306d06092b0601040183b203093060302206082b060105050702011616687474703a2f2f6370732e6578616d706c65"
        "2f637073303a06082b06010505070202302e30180c0b4578616d706c65204f726730090201010201020201030c124578706c696369742074657874"
        "2068657265"));
    REQUIRE(policies.size() == 2);
    CHECK(policies[0].oid == "2.23.140.1.2.1");
    CHECK(policies[0].cps.empty());
    CHECK(policies[0].user_notices.empty());
    CHECK(policies[1].oid == "1.3.6.1.4.1.55555.9");
    CHECK(policies[1].cps == V{"http://cps.example/cps"});
    REQUIRE(policies[1].user_notices.size() == 1);
    const auto& notice = policies[1].user_notices[0];
    CHECK(notice.organization == "Example Org");
    CHECK(notice.notice_numbers == std::vector<uint64_t>{1, 2, 3});
    CHECK(notice.explicit_text == "Explicit text here");

    // explicitText alone, as a BMPString (UTF-16BE), which is read as UTF-8; an unknown qualifier by OID.
    const std::vector<uint8_t> bmp = {0x00, 'h', 0x00, 0xe9, 0x00, '!'};
    const auto encoded = der(Botan::DER_Encoder()
                         .start_cons(Botan::SEQUENCE)
                         .start_cons(Botan::SEQUENCE)
                         .encode(Botan::OID("2.5.29.32.0"))
                         .start_cons(Botan::SEQUENCE)
                         .start_cons(Botan::SEQUENCE)
                         .encode(Botan::OID("1.3.6.1.5.5.7.2.2"))
                         .start_cons(Botan::SEQUENCE)
                         .add_object(Botan::BMP_STRING, Botan::UNIVERSAL, bmp.data(), bmp.size())
                         .end_cons()
                         .end_cons()
                         .start_cons(Botan::SEQUENCE)
                         .encode(Botan::OID("1.2.3.4"))
                         .encode(size_t(7))
                         .end_cons()
                         .end_cons()
                         .end_cons()
                         .end_cons());
    const auto any = decode_certificate_policies(encoded);
    REQUIRE(any.size() == 1);
    CHECK(any[0].oid == "2.5.29.32.0");
    REQUIRE(any[0].user_notices.size() == 1);
    CHECK_FALSE(any[0].user_notices[0].organization);
    CHECK(any[0].user_notices[0].explicit_text == "h\xc3\xa9!");
    CHECK(any[0].other_qualifiers == V{"1.2.3.4"});
}

TEST_CASE("extensions: name constraints keep IPv6, directory and otherName subtrees", "[extensions]") {
    const auto nc = decode_name_constraints(hex(
        "3081ada08184300e820c2e6578616d706c652e636f6d300a87080a000000ff0000003022872020010db8000000000000000000000000ffffffff00"
        "00000000000000000000003022a420301e3110300e060355040a0c074578616d706c65310a300806035504030c0178301ea01c060a2b06010401"
        "8237140203a00e0c0c406578616d706c652e636f6da1243011810f626164406578616d706c652e636f6d300f860d2e6576696c2e6578616d706c"
        "65"));
    CHECK(strings(nc.permitted) == V{"dns:.example.com", "ip:10.0.0.0/8", "ip:2001:db8::/32", "dn:CN=x,O=Example",
                                     "other:1.3.6.1.4.1.311.20.2.3:@example.com"});
    CHECK(strings(nc.excluded) == V{"email:bad@example.com", "uri:.evil.example"});
    for (const auto& s : nc.permitted) CHECK_FALSE(s.bounded());

    // minimum [0] and maximum [1], which RFC 5280 forbids but a decoder must still read.
    const auto bounded = der(Botan::DER_Encoder()
                             .start_cons(Botan::SEQUENCE)
                             .start_cons(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC)
                             .start_cons(Botan::SEQUENCE)
                             .add_object(Botan::ASN1_Tag(2), Botan::CONTEXT_SPECIFIC, std::string("x.example"))
                             .add_object(Botan::ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, std::vector<uint8_t>{1})
                             .add_object(Botan::ASN1_Tag(1), Botan::CONTEXT_SPECIFIC, std::vector<uint8_t>{3})
                             .end_cons()
                             .end_cons()
                             .end_cons());
    const auto b = decode_name_constraints(bounded);
    REQUIRE(b.excluded.size() == 1);
    CHECK(b.excluded[0].bounded());
    CHECK(b.excluded[0].minimum == 1u);
    CHECK(b.excluded[0].maximum == 3u);
    CHECK(b.excluded[0].to_string() == "dns:x.example (minimum 1, maximum 3)");
    CHECK_THROWS_AS(decode_name_constraints(hex("3003820178")), Botan::Decoding_Error);
}

TEST_CASE("general names: otherName, registeredID, directoryName and IPv6 SANs", "[extensions][san]") {
    const auto names = decode_general_names(hex(
        "3081b58209612e6578616d706c65871020010db8000000000000000000000001871000000000000000000000ffffc0000201a020060a2b0601040182"
        "37140203a0120c1075736572406578616d706c652e636f6da00e06032a0304a007160568656c6c6fa00a06032a0305a00302012a88032a0306a4"
        "20301e3110300e060355040a0c074578616d706c65310a300806035504030c0178810b6140622e6578616d706c65861268747470733a2f2f782e"
        "6578616d706c652f"));
    CHECK(strings(names) == V{"dns:a.example", "ip:2001:db8::1", "ip:::ffff:192.0.2.1",
                              "other:1.3.6.1.4.1.311.20.2.3:user@example.com", "other:1.2.3.4:hello", "other:1.2.3.5:#02012a",
                              "rid:1.2.3.6", "dn:CN=x,O=Example", "email:a@b.example", "uri:https://x.example/"});
    REQUIRE(names[3].type == GeneralName::Type::Other);
    CHECK(names[3].oid == "1.3.6.1.4.1.311.20.2.3");
    CHECK(names[3].other_text() == "user@example.com");
    CHECK_FALSE(names[5].other_text());
    CHECK(names[6].oid == "1.2.3.6");
    // An otherName without its [0] EXPLICIT value is malformed.
    CHECK_THROWS_AS(decode_general_names(hex("3007a00506032a0304")), Botan::Decoding_Error);
}

TEST_CASE("general names: IPv6 text is RFC 5952's", "[extensions][san]") {
    const auto v6 = [](const char* h) { return format_ip(hex(h)); };
    CHECK(v6("20010db8000000000000000000000001") == "2001:db8::1");
    CHECK(v6("00000000000000000000000000000001") == "::1");
    CHECK(v6("00000000000000000000000000000000") == "::");
    CHECK(v6("fe800000000000000000000000000000") == "fe80::");
    // §4.2.2: one zero group is not shortened; §4.2.3: the longest run, the first of equal runs.
    CHECK(v6("20010db8000000010001000100010001") == "2001:db8:0:1:1:1:1:1");
    CHECK(v6("20010000000000010000000000000001") == "2001:0:0:1::1");
    CHECK(v6("20010db8000000000001000000000001") == "2001:db8::1:0:0:1");
    // §4.3: lowercase; §4.1: no leading zeros.
    CHECK(v6("20010DB800AB00000000000000000CDE") == "2001:db8:ab::cde");
    // §5: an IPv4-mapped address ends in dotted decimal; the deprecated IPv4-compatible form does not.
    CHECK(v6("00000000000000000000ffffc0000201") == "::ffff:192.0.2.1");
    CHECK(v6("000000000000000000000000c0000201") == "::c000:201");
    // Address and mask of a name constraint.
    CHECK(v6("20010db8000000000000000000000000ffffffffffff00000000000000000000") == "2001:db8::/48");
    CHECK(v6("c0a80000ffff00ff") == "192.168.0.0/255.255.0.255");
}

TEST_CASE("general names: text that could move a terminal's cursor is escaped", "[extensions][san]") {
    CHECK(printable("plain.example") == "plain.example");
    CHECK(printable("caf\xc3\xa9") == "caf\xc3\xa9");
    CHECK(printable("a\x1b[2Jb") == "a\\x1b[2Jb");
    CHECK(printable("x\\y") == "x\\\\y");
    CHECK(printable("\xc2\x9b") == "\\xc2\\x9b");  // C1 CSI
    CHECK(printable("\xc0\xaf") == "\\xc0\\xaf");  // overlong '/'
    CHECK(printable("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // a surrogate
    const GeneralName dns{GeneralName::Type::DNS, "evil\x07.example", {}, std::nullopt};
    CHECK(dns.to_string() == "dns:evil\\x07.example");
    // An otherName text that starts with '#' is escaped, so that it never reads as hex DER.
    const GeneralName hash{GeneralName::Type::Other, {}, {0x0c, 0x02, '#', 'x'}, std::nullopt, "1.2.3"};
    CHECK(hash.to_string() == "other:1.2.3:\\#x");
}
