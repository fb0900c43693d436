// Names as issued (issue #8, defects 6 and 7): no SAN is dropped (IPv6 from a flag or a CSR),
// and names beyond RFC 5280's limits are refused at issuance and flagged by lint. openssl and
// Python's cryptography make the hostile requests and read the results.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>

using namespace pkitool::test;

namespace {

struct Ca {
    TempDir t;
    Ca() {
        run_ok("ca init --dir ca --subject CN=Root", t);
        run_ok("key new --out vm.key", t);
    }
    size_t rows() const { return nlohmann::json::parse(run("db list --ca ca --json", t.path()).out)["count"].get<size_t>(); }
};

// A CSR for vm.key made by Python's cryptography, so pkitool's own checks cannot shape it.
void python_csr(const Ca& c, const std::string& out, const std::string& cn_expr, const std::string& sans_expr) {
    std::ofstream(c.t / "make_csr.py") << "import sys\n"
                                          "from cryptography import x509\n"
                                          "from cryptography.x509.oid import NameOID\n"
                                          "from cryptography.hazmat.primitives import hashes, serialization\n"
                                          "key = serialization.load_pem_private_key(open('vm.key', 'rb').read(), None)\n"
                                          "name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, " + cn_expr + ", _validate=False)])\n"
                                          "b = x509.CertificateSigningRequestBuilder().subject_name(name)\n"
                                          "sans = " + sans_expr + "\n"
                                          "if sans:\n"
                                          "    b = b.add_extension(x509.SubjectAlternativeName(sans), critical=False)\n"
                                          "open(sys.argv[1], 'wb').write(b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))\n";
    const auto r = shell("/usr/bin/python3 make_csr.py " + out, c.t.path());
    INFO(r.err);
    REQUIRE(r.code == 0);
}

}  // namespace

TEST_CASE("names: IPv6 SANs are issued from --san and from a CSR, never dropped", "[cli][names]") {
    Ca c;
    run_ok("issue --ca ca --subject CN=v6 --san ip:2001:db8::1,dns:v6.example --out flag.crt --key-out flag.key --yes", c.t);
    CHECK_THAT(shell("openssl x509 -in flag.crt -noout -ext subjectAltName", c.t.path()).out,
               Catch::Contains("IP Address:2001:DB8:0:0:0:0:0:1, DNS:v6.example"));
    REQUIRE(shell("openssl req -new -key vm.key -subj /CN=csr-v6 -addext subjectAltName=IP:2001:db8::2,IP:192.0.2.7 -out v6.csr", c.t.path()).code == 0);
    run_ok("issue --ca ca --csr v6.csr --out csr.crt --yes", c.t);
    CHECK_THAT(shell("openssl x509 -in csr.crt -noout -ext subjectAltName", c.t.path()).out,
               Catch::Contains("IP Address:2001:DB8:0:0:0:0:0:2, IP Address:192.0.2.7"));
    const auto shown = nlohmann::json::parse(run("show csr.crt --json", c.t.path()).out)["objects"][0];
    CHECK(shown["extensions"]["subject_alt_names"] == nlohmann::json::array({"ip:2001:db8::2", "ip:192.0.2.7"}));
    CHECK(nlohmann::json::parse(run("show v6.csr --json", c.t.path()).out)["objects"][0]["subject_alt_names"] ==
          nlohmann::json::array({"ip:2001:db8::2", "ip:192.0.2.7"}));
    CHECK(run("lint csr.crt --anchor ca/ca.crt", c.t.path()).code == 0);
    CHECK(shell("openssl verify -x509_strict -CAfile ca/ca.crt csr.crt", c.t.path()).code == 0);
    // A SAN type pkitool does not issue is refused, not dropped.
    python_csr(c, "other.csr", "'vm'", "[x509.DNSName('vm.example'), x509.RegisteredID(x509.ObjectIdentifier('1.2.3.4'))]");
    const auto r = run("issue --ca ca --csr other.csr --out other.crt --yes", c.t.path());
    CHECK(r.code == 1);
    CHECK_THAT(r.err, Catch::Contains("other.csr: the subject alternative name rid:1.2.3.4 is of a type pkitool does not issue"));
    CHECK(c.rows() == 2);
}

TEST_CASE("names: beyond RFC 5280's limits, refused with the field and the limit", "[cli][names]") {
    Ca c;
    const auto refused = [&](const std::string& args, int code, const std::string& needle) {
        const auto r = run(args, c.t.path());
        INFO(args << "\n" << r.err);
        CHECK(r.code == code);
        CHECK_THAT(r.err, Catch::Contains(needle));
    };
    refused("issue --ca ca --subject CN=" + std::string(10000, 'a') + " --out a.crt --key-out a.key --yes", 2,
            "CN is 10000 characters long; RFC 5280 allows at most 64");
    refused("issue --ca ca --subject 'CN=a\\zz' --out a.crt --key-out a.key --yes", 2, "invalid escape \\z");
    refused("issue --ca ca --subject CN=a --san dns:-bad-.example --out a.crt --key-out a.key --yes", 2, "starts or ends with '-'");
    refused("issue --ca ca --subject CN=a --san dns:a..b --out a.crt --key-out a.key --yes", 2, "empty label");
    // A NUL in a fleet row's subject (defect 7) is the file's fault: exit 1, named by row.
    fs::create_directory(c.t / "fleet");
    std::ofstream(c.t / "fleet.csv", std::ios::binary) << "name,subject,san,key_type,days,profile\nvm-01,CN=a" << '\0' << "b,,,,\n";
    refused("issue --ca ca --batch fleet.csv --out-dir fleet --yes", 1, "fleet.csv:2: subject \"CN=a\\00b\": CN holds the control character 0x00");
    CHECK(fs::is_empty(c.t / "fleet"));
    // Requests made elsewhere: a 10,000-character CN and 30,000 SANs.
    python_csr(c, "long.csr", "'x' * 10000", "[]");
    refused("issue --ca ca --csr long.csr --out a.crt --yes", 1, "the subject's CN is 10000 characters long; RFC 5280 allows at most 64");
    python_csr(c, "many.csr", "'vm'", "[x509.DNSName(f'h{i}.example') for i in range(30000)]");
    refused("issue --ca ca --csr many.csr --out a.crt --yes", 1, "many.csr: 30000 subject alternative names, at most 256 are issued");
    python_csr(c, "bad-dns.csr", "'vm'", "[x509.DNSName('-bad-.example')]");
    refused("issue --ca ca --csr bad-dns.csr --out a.crt --yes", 1, "bad-dns.csr: subject alternative name '-bad-.example' is not a DNS name");
    CHECK_FALSE(fs::exists(c.t / "a.crt"));
    CHECK(c.rows() == 0);
}

TEST_CASE("names: lint flags the same names in foreign certificates", "[cli][names]") {
    Ca c;
    // openssl enforces ub-common-name itself, so the certificate comes from Python's cryptography.
    std::ofstream(c.t / "make_cert.py")
        << "import datetime\n"
           "from cryptography import x509\n"
           "from cryptography.x509.oid import NameOID\n"
           "from cryptography.hazmat.primitives import hashes, serialization\n"
           "ca_key = serialization.load_pem_private_key(open('ca/private/ca.key', 'rb').read(), None)\n"
           "ca = x509.load_pem_x509_certificate(open('ca/ca.crt', 'rb').read())\n"
           "key = serialization.load_pem_private_key(open('vm.key', 'rb').read(), None)\n"
           "now = datetime.datetime.utcnow()\n"
           "b = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, 'x' * 100, _validate=False)]))\n"
           "     .issuer_name(ca.subject).public_key(key.public_key()).serial_number(4242).not_valid_before(now - datetime.timedelta(days=1))\n"
           "     .not_valid_after(now + datetime.timedelta(days=30))\n"
           "     .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)\n"
           "     .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)\n"
           "     .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)\n"
           "     .add_extension(x509.SubjectAlternativeName([x509.DNSName('a..b')]), critical=False))\n"
           "open('long.crt', 'wb').write(b.sign(ca_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))\n";
    const auto made = shell("/usr/bin/python3 make_cert.py", c.t.path());
    INFO(made.err);
    REQUIRE(made.code == 0);
    const auto r = run("lint long.crt --json", c.t.path());
    const auto doc = nlohmann::json::parse(r.out);
    std::set<std::string> rules;
    for (const auto& i : doc["certificates"])
        for (const auto& f : i["findings"]) rules.insert(f["rule"].get<std::string>());
    CHECK(rules.count("rfc5280.name-bounds") == 1);
    CHECK(rules.count("rfc5280.san-syntax") == 1);
}
