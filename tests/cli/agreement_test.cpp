// The three verdicts on one chain agree (issue #8): `openssl verify -x509_strict -purpose sslclient`
// (plus the Roles Anywhere rules openssl does not have), `pkitool lint --chain --anchor` and a
// CreateSession against `pkitool emulate`, on a corpus that neither pkitool nor its authors' code
// made (tests/data/agreement/make-corpus.py, Python's cryptography). A knowingly different verdict
// is listed in the corpus with its reason; any other disagreement fails the test.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

std::string sq(const fs::path& p) { return "'" + p.string() + "'"; }

}  // namespace

TEST_CASE("agreement: openssl verify, pkitool lint and emulate judge 60+ foreign chains alike", "[cli][lint][emulate][agreement]") {
    TempDir t;
    const std::string corpus_script = PKITOOL_SOURCE_DIR "/tests/data/agreement/make-corpus.py";
    const auto made = shell("/usr/bin/python3 " + sq(corpus_script) + " corpus", t.path());
    INFO(made.err);
    REQUIRE(made.code == 0);
    const auto cases = json::parse(slurp(t / "corpus/cases.json"));
    REQUIRE(cases.size() >= 60);

    // One emulator, one trust anchor per case (with its CRL), a profile and role that accept all.
    json config = {{"trustAnchors", json::array()},
                   {"profiles", {{{"name", "all"}, {"roleArns", {"Corpus"}}}}},
                   {"roles", {{{"name", "Corpus"}}}}};
    for (const auto& c : cases) {
        const std::string name = c["name"];
        json anchor = {{"name", name}, {"certificate", "corpus/" + name + "/anchor.pem"}};
        if (c["crl"].get<bool>()) anchor["crls"] = {"corpus/" + name + "/crl.pem"};
        config["trustAnchors"].push_back(anchor);
    }
    std::ofstream(t / "emulate.json") << config.dump(1);
    Background emulate(std::string("'") + PKITOOL_BINARY + "' emulate --config emulate.json --port 0 --json", t.path(), "endpoint", 60);
    const auto info = json::parse(emulate.ready_line());
    std::map<std::string, std::string> anchor_arn;
    for (const auto& a : info["trustAnchors"]) anchor_arn[a["name"]] = a["arn"];
    const std::string profile = info["profiles"][0]["arn"], role = info["roles"][0]["arn"];

    // Every CreateSession in one Python process.
    json batch = json::array();
    for (const auto& c : cases) {
        const std::string d = (t / "corpus" / c["name"].get<std::string>()).string();
        batch.push_back({info["endpoint"], d + "/leaf.crt", d + "/leaf.key", anchor_arn.at(c["name"]), profile, role, "{}",
                         c["intermediates"].get<int>() > 0 ? d + "/chain.pem" : ""});
    }
    std::ofstream(t / "batch.json") << batch.dump();
    const auto sessions = shell("timeout 120 /usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/create_session.py' --batch batch.json", t.path());
    INFO(sessions.err << emulate.err());
    REQUIRE(sessions.code == 0);
    std::istringstream answers(sessions.out);

    std::ostringstream table;
    size_t disagreements = 0;
    for (const auto& c : cases) {
        const std::string name = c["name"];
        const fs::path d = t / "corpus" / name;
        const bool has_chain = c["intermediates"].get<int>() > 0, has_crl = c["crl"].get<bool>();
        std::string verify = "openssl verify -x509_strict -purpose sslclient -CAfile " + sq(d / "anchor.pem");
        if (has_chain) verify += " -untrusted " + sq(d / "chain.pem");
        if (has_crl) verify += " -crl_check -CRLfile " + sq(d / "crl.pem");
        const auto o = shell(verify + " " + sq(d / "leaf.crt"), t.path());
        // lint judges the leaf as emulate does: against rolesanywhere-client, whatever it claims to be.
        std::string lint = "lint " + sq(d / "leaf.crt") + " --profile rolesanywhere-client --anchor " + sq(d / "anchor.pem");
        if (has_chain) lint += " --chain " + sq(d / "chain.pem");
        if (has_crl) lint += " --crl " + sq(d / "crl.pem");
        const auto l = run(lint, t.path());
        std::string line;
        std::getline(answers, line);
        const auto s = json::parse(line);

        const bool openssl_ok = o.code == 0, expected = openssl_ok && c["ra_extra"].is_null();
        const bool lint_ok = l.code == 0, emulate_ok = s["status"] == 201;
        CHECK(l.code <= 1);
        const bool agree = lint_ok == expected && emulate_ok == expected;
        if (!agree && c["divergence"].is_null()) ++disagreements;
        table << (agree ? "  " : c["divergence"].is_null() ? "!!" : "~~") << " " << name << ": openssl " << (openssl_ok ? "ok" : "refused")
              << (c["ra_extra"].is_null() ? "" : " + RA rule") << ", expected " << (expected ? "ok" : "refused") << ", lint "
              << (lint_ok ? "ok" : "refused") << ", emulate " << (emulate_ok ? "ok" : "refused");
        if (!emulate_ok) table << " (" << s["body"].value("message", std::string()) << ")";
        if (!c["divergence"].is_null()) table << " [listed: " << c["divergence"].get<std::string>() << "]";
        table << "\n";
    }
    INFO(table.str());
    CHECK(disagreements == 0);
    // For the record (ctest -V, or PKITOOL_AGREEMENT_TABLE=FILE): the whole table.
    if (const char* out = std::getenv("PKITOOL_AGREEMENT_TABLE")) std::ofstream(out) << table.str();
}
