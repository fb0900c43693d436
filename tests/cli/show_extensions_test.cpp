// show: every extension of certificates openssl made, compared with what openssl itself reads
// from them (`openssl x509 -noout -ext`, `openssl asn1parse`); IP addresses compared as values
// through Python's ipaddress, since openssl prints IPv6 uncompressed.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

using namespace pkitool::test;

namespace {

const char* const kConfig = R"([req]
distinguished_name = dn
[dn]
[v3]
basicConstraints = critical, CA:TRUE
authorityInfoAccess = OCSP;URI:http://ocsp.example/, caIssuers;URI:http://ca.example/ca.crt, OCSP;URI:http://ocsp2.example/
crlDistributionPoints = dp1, dp2
certificatePolicies = 2.23.140.1.2.1, @pol
nameConstraints = critical, permitted;DNS:.example.com, permitted;IP:10.0.0.0/255.0.0.0, permitted;IP:2001:db8::/ffff:ffff::, excluded;email:bad@example.com, excluded;URI:.evil.example, permitted;dirName:ncdn, permitted;otherName:1.3.6.1.4.1.311.20.2.3;UTF8:@example.com
subjectAltName = DNS:a.example, IP:2001:db8::1, IP:::ffff:192.0.2.1, IP:192.0.2.9, otherName:1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com, otherName:1.2.3.4;IA5:hello, otherName:1.2.3.5;INT:42, RID:1.2.3.6, dirName:ncdn, email:a@b.example, URI:https://x.example/
1.3.6.1.4.1.55555.1 = critical, ASN1:UTF8String:secret
1.3.6.1.4.1.55555.2 = DER:01:02:03
[dp1]
fullname = URI:http://crl.example/a.crl
[dp2]
fullname = URI:ldap://ldap.example/cn=crl, dirName:ncdn
reasons = keyCompromise, CACompromise
CRLissuer = dirName:issuerdn
[ncdn]
O = Example
CN = x
[issuerdn]
CN = CRL Issuer
[pol]
policyIdentifier = 1.3.6.1.4.1.55555.9
CPS.1 = "http://cps.example/cps"
userNotice.1 = @notice
[notice]
explicitText = "Explicit text here"
organization = "Example Org"
noticeNumbers = 1, 2, 3
)";

struct Cert {
    TempDir t;
    nlohmann::json shown;  // `pkitool show --json`'s object
    std::string text;      // `pkitool show`

    explicit Cert(const std::string& config) {
        std::ofstream(t / "ext.cnf") << config;
        must(shell("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout k.pem -subj /CN=t -days 30 "
                   "-config ext.cnf -extensions v3 -out c.pem 2>/dev/null",
                   t.path()));
        const auto r = run("show c.pem --json", t.path());
        must(r);
        shown = nlohmann::json::parse(r.out)["objects"][0];
        text = run("show c.pem", t.path()).out;
    }
    const nlohmann::json& ext(const std::string& key) const { return shown["extensions"][key]; }
    // What follows `prefix` on each line of `openssl x509 -noout -ext NAME` that holds it.
    std::vector<std::string> openssl(const std::string& name, const std::string& prefix) const {
        std::istringstream in(shell("openssl x509 -in c.pem -noout -ext " + name, t.path()).out);
        std::vector<std::string> out;
        for (std::string line; std::getline(in, line);)
            if (const auto at = line.find(prefix); at != std::string::npos) out.push_back(line.substr(at + prefix.size()));
        return out;
    }
    // The bytes of extension `oid` as `openssl asn1parse` dumps its extnValue OCTET STRING.
    std::string asn1parse_value(const std::string& oid) const {
        std::istringstream in(shell("openssl asn1parse -in c.pem", t.path()).out);
        bool seen = false;
        for (std::string line; std::getline(in, line);) {
            if (line.find(":" + oid) != std::string::npos) seen = true;
            if (seen && line.find("OCTET STRING") != std::string::npos) return line.substr(line.find("[HEX DUMP]:") + 11);
        }
        return "";
    }
};

std::vector<std::string> strings(const nlohmann::json& j) { return j.get<std::vector<std::string>>(); }

// "O = Example, CN = x" (openssl's -ext form, in DER order) as pkitool writes DNs, in RFC 4514
// order (the last RDN first): "CN=x,O=Example".
std::string dn_of(std::string s) {
    for (size_t at; (at = s.find(" = ")) != std::string::npos;) s.replace(at, 3, "=");
    std::string out;
    for (size_t to = s.size();;) {
        const auto at = s.rfind(", ", to == 0 ? 0 : to - 1);
        const size_t from = at == std::string::npos ? 0 : at + 2;
        out += (out.empty() ? "" : ",") + s.substr(from, to - from);
        if (at == std::string::npos) break;
        to = at;
    }
    return out;
}

// True when Python's ipaddress reads both as the same address (or network, with a mask).
bool same_ip(const std::string& a, const std::string& b) {
    const std::string script =
        "import ipaddress as i, sys\n"
        "def v(s):\n"
        "    if '/' not in s: return i.ip_address(s)\n"
        "    a, m = s.split('/')\n"
        "    if not m.isdigit(): m = bin(int(i.ip_address(m))).count('1')\n"
        "    return i.ip_network(a + '/' + str(m))\n"
        "sys.exit(0 if v(sys.argv[1]) == v(sys.argv[2]) else 1)\n";
    TempDir t;
    std::ofstream(t / "ip.py") << script;
    return shell("/usr/bin/python3 ip.py '" + a + "' '" + b + "'", t.path()).code == 0;
}

}  // namespace

TEST_CASE("show: authorityInfoAccess and CRL distribution points as openssl reads them", "[cli][show][extensions]") {
    const Cert c(kConfig);
    const auto& aia = c.ext("authority_info_access");
    CHECK(aia["critical"] == false);
    CHECK(strings(aia["ocsp"]) == c.openssl("authorityInfoAccess", "OCSP - URI:"));
    CHECK(strings(aia["ocsp"]).size() == 2);
    CHECK(strings(aia["ca_issuers"]) == c.openssl("authorityInfoAccess", "CA Issuers - URI:"));
    CHECK(aia["descriptions"].size() == 3);

    const auto& dp = c.ext("crl_distribution_points");
    CHECK(strings(dp["uris"]) == c.openssl("crlDistributionPoints", "URI:"));
    REQUIRE(dp["points"].size() == 2);
    const auto& second = dp["points"][1];
    // openssl prints a point's directory name and its reasons on one line; the DN comes first.
    const auto dirname = c.openssl("crlDistributionPoints", "DirName:");
    REQUIRE(dirname.size() == 2);
    CHECK(second["full_name"][1] == "dn:" + dn_of(dirname[0].substr(0, dirname[0].find("  "))));
    CHECK(second["crl_issuer"] == nlohmann::json::array({"dn:" + dn_of(dirname[1])}));
    CHECK(c.openssl("crlDistributionPoints", "Key Compromise, CA Compromise").size() == 1);
    CHECK(strings(second["reasons"]) == std::vector<std::string>{"keyCompromise", "cACompromise"});
    CHECK_FALSE(dp["points"][0].contains("reasons"));

    CHECK_THAT(c.text, Catch::Contains("Authority Information Access:\n      ocsp - uri:http://ocsp.example/\n"));
    CHECK_THAT(c.text, Catch::Contains("      Reasons: keyCompromise, cACompromise\n"));
}

TEST_CASE("show: certificate policies, their CPS and user notice as openssl reads them", "[cli][show][extensions]") {
    const Cert c(kConfig);
    const auto& policies = c.ext("certificate_policies")["policies"];
    std::vector<std::string> oids;
    for (const auto& p : policies) oids.push_back(p["oid"]);
    CHECK(oids == c.openssl("certificatePolicies", "Policy: "));
    CHECK(strings(policies[1]["cps"]) == c.openssl("certificatePolicies", "CPS: "));
    const auto& notice = policies[1]["user_notices"][0];
    CHECK(std::vector<std::string>{notice["explicit_text"]} == c.openssl("certificatePolicies", "Explicit Text: "));
    CHECK(std::vector<std::string>{notice["organization"]} == c.openssl("certificatePolicies", "Organization: "));
    CHECK(c.openssl("certificatePolicies", "Numbers: ") == std::vector<std::string>{"1, 2, 3"});
    CHECK(notice["notice_numbers"] == nlohmann::json::array({1, 2, 3}));
    CHECK_THAT(c.text, Catch::Contains("        CPS: http://cps.example/cps\n"));
}

TEST_CASE("show: name constraints of every type as openssl reads them", "[cli][show][extensions]") {
    const Cert c(kConfig);
    const auto& nc = c.ext("name_constraints");
    CHECK(nc["critical"] == true);
    const auto permitted = strings(nc["permitted"]);
    REQUIRE(permitted.size() == 5);
    CHECK(permitted[0] == "dns:" + c.openssl("nameConstraints", "DNS:").at(0));
    const auto ips = c.openssl("nameConstraints", "IP:");
    REQUIRE(ips.size() == 2);
    CHECK(permitted[1] == "ip:10.0.0.0/8");
    CHECK(same_ip(permitted[1].substr(3), ips[0]));
    CHECK(permitted[2] == "ip:2001:db8::/32");
    CHECK(same_ip(permitted[2].substr(3), ips[1]));
    CHECK(permitted[3] == "dn:" + dn_of(c.openssl("nameConstraints", "DirName:").at(0)));
    CHECK(permitted[4] == "other:1.3.6.1.4.1.311.20.2.3:" + c.openssl("nameConstraints", "othername:UPN:").at(0));
    CHECK(strings(nc["excluded"]) == std::vector<std::string>{"email:" + c.openssl("nameConstraints", "email:").at(0),
                                                              "uri:" + c.openssl("nameConstraints", "URI:").at(0)});
    CHECK_THAT(c.text, Catch::Contains("    Name Constraints: critical\n      Permitted: dns:.example.com, ip:10.0.0.0/8"));
}

TEST_CASE("show: otherName, registeredID, directory and IPv6 SANs as openssl reads them", "[cli][show][extensions]") {
    const Cert c(kConfig);
    const auto sans = strings(c.ext("subject_alt_names"));
    // openssl prints them on one line, ", " apart, in the certificate's order.
    std::vector<std::string> theirs;
    {
        const auto line = c.openssl("subjectAltName", "    ").at(0);
        for (size_t from = 0;;) {
            const auto to = line.find(", ", from);
            theirs.push_back(line.substr(from, to - from));
            if (to == std::string::npos) break;
            from = to + 2;
        }
    }
    REQUIRE(sans.size() == theirs.size());
    CHECK(sans[0] == "dns:" + theirs[0].substr(4));
    // RFC 5952 text, the same addresses as openssl's uncompressed uppercase ones.
    CHECK(sans[1] == "ip:2001:db8::1");
    CHECK(same_ip(sans[1].substr(3), theirs[1].substr(std::string("IP Address:").size())));
    CHECK(sans[2] == "ip:::ffff:192.0.2.1");
    CHECK(same_ip(sans[2].substr(3), theirs[2].substr(std::string("IP Address:").size())));
    CHECK(sans[3] == "ip:192.0.2.9");
    CHECK(theirs[3] == "IP Address:192.0.2.9");
    // The UPN as text, a string otherName as text, any other value as its DER.
    CHECK(theirs[4] == "othername: UPN::user@example.com");
    CHECK(sans[4] == "other:1.3.6.1.4.1.311.20.2.3:user@example.com");
    CHECK(theirs[5] == "othername: 1.2.3.4::hello");
    CHECK(sans[5] == "other:1.2.3.4:hello");
    CHECK(theirs[6] == "othername: 1.2.3.5::<unsupported>");
    CHECK(sans[6] == "other:1.2.3.5:#02012a");
    CHECK(sans[7] == "rid:" + theirs[7].substr(std::string("Registered ID:").size()));
    CHECK(theirs[8] == "DirName:/O=Example/CN=x");
    CHECK(sans[8] == "dn:CN=x,O=Example");
    CHECK(sans[9] == "email:" + theirs[9].substr(6));
    CHECK(sans[10] == "uri:" + theirs[10].substr(4));
}

TEST_CASE("show: an extension pkitool does not know is its OID, criticality and bytes", "[cli][show][extensions]") {
    const Cert c(kConfig);
    const auto& other = c.ext("other");
    REQUIRE(other.size() == 2);
    CHECK(other[0]["oid"] == "1.3.6.1.4.1.55555.1");
    CHECK(other[0]["critical"] == true);
    CHECK(other[0]["value"] == "0c06736563726574");  // UTF8String "secret"
    CHECK(other[1]["oid"] == "1.3.6.1.4.1.55555.2");
    CHECK(other[1]["critical"] == false);
    CHECK(other[1]["value"] == "010203");
    for (const auto& x : other) {
        std::string ours = x["value"];
        for (auto& ch : ours) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        CHECK(ours == c.asn1parse_value(x["oid"]));
    }
    // openssl -text marks the same one critical.
    const auto text = shell("openssl x509 -in c.pem -noout -text", c.t.path()).out;
    CHECK_THAT(text, Catch::Contains("1.3.6.1.4.1.55555.1: critical"));
    CHECK_THAT(c.text, Catch::Contains("    Extension 1.3.6.1.4.1.55555.1: critical\n      Value: 0c06736563726574\n"));
    CHECK_THAT(c.text, Catch::Contains("    Extension 1.3.6.1.4.1.55555.2: not critical\n      Value: 010203\n"));
}

TEST_CASE("show: an extension that cannot be decoded is shown as its bytes, not dropped", "[cli][show][extensions]") {
    // A certificatePolicies value that is not a SEQUENCE: openssl writes it when told to, verbatim.
    const Cert c(std::string("[req]\ndistinguished_name = dn\n[dn]\n[v3]\n2.5.29.32 = critical, DER:02:01:05\n"));
    const auto& p = c.ext("certificate_policies");
    CHECK(p["critical"] == true);
    CHECK(p["value"] == "020105");
    CHECK_THAT(p["error"].get<std::string>(), Catch::StartsWith("cannot be decoded"));
    CHECK_THAT(c.text, Catch::Contains("    Certificate Policies: critical\n      (cannot be decoded"));
}
