// The lint rules against a corpus that openssl makes (tests/data/lint/make-corpus.sh): each defect
// gives its rule id and no unrelated error; each clean certificate gives none.
#include "profiles/lint.h"

#include "base/pem.h"
#include "issue/x509_file.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>

using namespace pkitool;
using namespace pkitool::test;
namespace pf = pkitool::profiles;

namespace {

struct Outcome {
    std::set<std::string> errors, warnings;
};

std::vector<fs::path> paths(const std::vector<std::string>& names) {
    std::vector<fs::path> out;
    for (const auto& n : names) out.push_back(lint_corpus() / n);
    return out;
}

Outcome outcome(const pf::LintReport& report) {
    Outcome o;
    for (const auto& item : report.items)
        for (const auto& f : item.findings) {
            CHECK_FALSE(f.certificate.empty());
            CHECK_FALSE(f.message.empty());
            CHECK_FALSE(f.fix.empty());
            (f.severity == pf::Severity::Error ? o.errors : o.warnings).insert(f.rule);
        }
    return o;
}

struct Case {
    std::string cert;
    std::string profile = "auto";
    std::vector<std::string> chain = {};
    std::vector<std::string> anchors = {"root.crt"};
    std::vector<std::string> crls = {};
    std::set<std::string> errors = {};
    std::set<std::string> warnings = {};
};

Outcome lint_case(const Case& c) {
    (void)lint_corpus();  // before the request takes its "now": the corpus is made with the current time
    pf::LintRequest req;
    req.inputs = paths({c.cert});
    req.chain = paths(c.chain);
    req.anchors = paths(c.anchors);
    req.crls = paths(c.crls);
    req.profile = c.profile;
    return outcome(pf::lint(req, pf::Catalog()));
}

const std::set<std::string> kNone;

}  // namespace

TEST_CASE("lint corpus: each defect gives its rule and nothing unrelated, clean certificates give none", "[lint]") {
    const std::vector<Case> cases = {
        {"clean-ec.crt"},
        {"clean-rsa.crt"},
        {"root.crt"},
        {"via-inter.crt", "auto", {"inter.crt"}},
        {"via-inter.crt", "auto", {}, {"root.crt"}, {}, {"ra.chain.untrusted"}},  // missing intermediate
        {"v1.crt", "auto", {}, {"root.crt"}, {}, {"ra.ee.version"}},
        {"leaf-ca.crt", "rolesanywhere-client", {}, {"root.crt"}, {}, {"ra.ee.basic-constraints"}},
        {"no-ku.crt", "auto", {}, {"root.crt"}, {}, {"ra.ee.digital-signature"}},
        {"ku-no-ds.crt", "auto", {}, {"root.crt"}, {}, {"ra.ee.digital-signature"}},
        {"sha1.crt", "auto", {}, {"root.crt"}, {}, {"ra.sig.hash"}},
        {"empty.crt", "auto", {}, {"root.crt"}, {}, {"ra.ee.subject-empty"}},
        {"wrong-issuer.crt", "auto", {}, {"root.crt"}, {}, {"ra.chain.untrusted"}},
        {"ed25519.crt", "auto", {}, {"root.crt"}, {}, {"ra.key.type"}},
        {"expired.crt", "auto", {}, {"root.crt"}, {}, {"ra.validity.expired"}},
        {"future.crt", "auto", {}, {"root.crt"}, {}, {"ra.validity.not-yet-valid"}},
        {"inverted.crt", "auto", {}, {"root.crt"}, {}, {"rfc5280.validity-order"}},
        {"expiring.crt", "auto", {}, {"root.crt"}, {}, {}, {"ra.validity.expiring"}},
        {"serial-zero.crt", "auto", {}, {"root.crt"}, {}, {"rfc5280.serial"}},
        {"serial-long.crt", "auto", {}, {"root.crt"}, {}, {"rfc5280.serial"}},
        {"no-aki.crt", "auto", {}, {"root.crt"}, {}, {"rfc5280.aki"}},
        {"ca-no-ski.crt", "auto", {}, {"root.crt"}, {}, {"rfc5280.ca.ski"}},
        {"ca-ku-noncrit.crt", "auto", {}, {"root.crt"}, {}, {}, {"rfc5280.ca.key-usage-critical"}},
        {"anchor-nokcs.crt", "auto", {}, {}, {}, {"ra.anchor.key-cert-sign"}},
        {"anchor-notca.crt", "rolesanywhere-anchor", {}, {}, {}, {"ra.anchor.ca"}},
        {"by-impostor.crt", "auto", {}, {"root.crt"}, {}, {"ra.chain.key-id"}},
        {"deep.crt", "auto", {"chain6.pem"}, {"root.crt"}, {}, {"ra.chain.depth"}},
        {"deep.crt", "auto", {}, {"root.crt"}, {}, {"ra.chain.untrusted"}},
        {"revoked.crt", "auto", {}, {"root.crt"}, {"root.crl"}, {"ra.crl.revoked"}},
        {"clean-ec.crt", "auto", {}, {"root.crt"}, {"root.crl"}},
        {"clean-ec.crt", "auto", {}, {"root.crt"}, {"stale.crl"}, {}, {"ra.crl.expired"}},
        {"clean-ec.crt", "auto", {}, {"root.crt"}, {"forged.crl"}, {"ra.crl.signature"}},
        {"clean-ec.crt", "auto", {}, {"bundle-3.pem"}, {}, {"ra.anchor.bundle-size"}},
        {"clean-ec.crt", "auto", {}, {"bundle-big.pem"}, {}, {"ra.anchor.bundle-size"}},
        {"garbage.crt", "auto", {}, {"root.crt"}, {}, {"lint.parse"}},
        {"truncated.crt", "auto", {}, {"root.crt"}, {}, {"lint.parse"}},
    };
    for (const auto& c : cases) {
        INFO(c.cert << " profile " << c.profile << " chain " << c.chain.size() << " anchors " << c.anchors.size() << " crls "
                    << (c.crls.empty() ? "" : c.crls[0]));
        const auto o = lint_case(c);
        CHECK(o.errors == c.errors);
        CHECK(o.warnings == c.warnings);
    }

    SECTION("a signature that does not verify: ra.chain.signature (and DER input)") {
        const auto cert = pem::load_certificate(lint_corpus() / "clean-ec.crt");
        auto der = cert.BER_encode();
        der[der.size() - 3] ^= 0x01;  // inside the ECDSA signature's s: still parses, no longer verifies
        std::ofstream(lint_corpus() / "bad-sig.der", std::ios::binary).write(reinterpret_cast<const char*>(der.data()), static_cast<long>(der.size()));
        const auto o = lint_case({"bad-sig.der"});
        CHECK(o.errors == std::set<std::string>{"ra.chain.signature"});
        // openssl, as the independent judge, refuses it too, and accepts the original.
        REQUIRE(shell("openssl x509 -inform DER -in bad-sig.der -out bad-sig.pem", lint_corpus()).code == 0);
        CHECK_THAT(shell("openssl verify -CAfile root.crt bad-sig.pem", lint_corpus()).out + shell("openssl verify -CAfile root.crt bad-sig.pem", lint_corpus()).err,
                   Catch::Contains("signature failure"));
        CHECK(shell("openssl verify -CAfile root.crt clean-ec.crt", lint_corpus()).code == 0);
    }

    SECTION("a signature that is not DER spoils nothing for the next certificate of the same issuer") {
        // One verifier per issuer serves every certificate; Botan 2 returns false on a signature that
        // is not a DER SEQUENCE without finishing that verifier's hash.
        TempDir t;
        const auto cert = pem::load_certificate(lint_corpus() / "clean-ec.crt");
        auto der = cert.BER_encode();
        der[der.size() - cert.signature().size()] = 0x31;  // the ECDSA-Sig-Value SEQUENCE tag, now a SET
        std::ofstream(t / "a-not-der.der", std::ios::binary).write(reinterpret_cast<const char*>(der.data()), static_cast<long>(der.size()));
        fs::copy_file(lint_corpus() / "clean-ec.crt", t / "b-clean.crt");
        fs::copy_file(lint_corpus() / "clean-ec.crt", t / "c-clean.crt");
        pf::LintRequest req;
        req.inputs = {t.path()};
        req.anchors = paths({"root.crt"});
        const auto report = pf::lint(req, pf::Catalog());
        std::map<std::string, std::set<std::string>> rules;
        for (const auto& item : report.items)
            for (const auto& f : item.findings) rules[fs::path(item.source).filename()].insert(f.rule);
        CHECK(rules["a-not-der.der"] == std::set<std::string>{"ra.chain.signature"});
        CHECK(rules["b-clean.crt"].empty());
        CHECK(rules["c-clean.crt"].empty());
    }

    SECTION("a directory: every certificate file in it, keys and CSRs skipped, unreadable files are findings") {
        const auto dir = lint_corpus();
        pf::LintRequest req;
        req.inputs = {dir};
        const auto report = pf::lint(req, pf::Catalog());
        std::set<std::string> parse_failures;
        for (const auto& item : report.items)
            for (const auto& f : item.findings)
                if (f.rule == "lint.parse") parse_failures.insert(fs::path(item.source).filename());
        CHECK(parse_failures == std::set<std::string>{"garbage.crt", "truncated.crt"});
        // The .crt/.der files (2 unreadable) + chain6.pem (6) + bundle-3.pem (3) + bundle-big.pem (2), + bad-sig.pem if made.
        const auto single = shell("ls *.crt *.der bad-sig.pem 2>/dev/null | wc -l", lint_corpus());
        CHECK(report.certificates == std::stoul(single.out) - 2 + 6 + 3 + 2);
        CHECK(report.certificates > 40);
    }
}

TEST_CASE("lint_chain: the library entry point for a leaf and the chain it would present", "[lint]") {
    const auto leaf = pem::load_certificate(lint_corpus() / "via-inter.crt");
    const auto inter = pem::load_certificates(lint_corpus() / "inter.crt");
    const auto root = pem::load_certificates(lint_corpus() / "root.crt");
    const auto rules = [](const std::vector<pf::Finding>& fs) {
        std::set<std::string> out;
        for (const auto& f : fs) out.insert(f.rule);
        return out;
    };
    CHECK(rules(pf::lint_chain(leaf, inter, root, {})).empty());
    CHECK(rules(pf::lint_chain(leaf, {}, root, {})) == std::set<std::string>{"ra.chain.untrusted"});
    // Without anchors trust is not judged, but the links that are there still are.
    CHECK(rules(pf::lint_chain(leaf, inter, {}, {})).empty());
    const auto deep = pem::load_certificate(lint_corpus() / "deep.crt");
    CHECK(rules(pf::lint_chain(deep, pem::load_certificates(lint_corpus() / "chain6.pem"), root, {})) == std::set<std::string>{"ra.chain.depth"});
    const auto revoked = pem::load_certificate(lint_corpus() / "revoked.crt");
    CHECK(rules(pf::lint_chain(revoked, {}, root, {issue::load_crl(lint_corpus() / "root.crl")})) == std::set<std::string>{"ra.crl.revoked"});
    // "now" is a parameter: the same clean leaf is expired two years from now.
    CHECK(rules(pf::lint_chain(leaf, inter, root, {}, pf::Clock::now() + std::chrono::days(730))).count("ra.validity.expired") == 1);
    // A dead end above an intermediate is still the leaf's problem, and says where the chain stops.
    const auto stops = pf::lint_chain(leaf, inter, pem::load_certificates(lint_corpus() / "other.crt"), {});
    REQUIRE(rules(stops) == std::set<std::string>{"ra.chain.untrusted"});
    for (const auto& f : stops)
        if (f.rule == "ra.chain.untrusted") {
            CHECK_THAT(f.certificate, Catch::StartsWith("CN=via-inter (serial "));
            CHECK_THAT(f.message, Catch::StartsWith("the chain stops at `CN=Lint Intermediate (serial "));
        }
    // The finding names the certificate by subject and serial.
    const auto fs = pf::lint_chain(leaf, {}, root, {});
    REQUIRE(fs.size() == 1);
    CHECK_THAT(fs[0].certificate, Catch::StartsWith("CN=via-inter (serial "));
    CHECK_THAT(fs[0].fix, Catch::Contains("CN=Lint Intermediate"));
}
