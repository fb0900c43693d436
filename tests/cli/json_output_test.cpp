// --json where a command prints data: one JSON document on stdout, checked against openssl.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

TEST_CASE("key public --json: the PEM and its SHA-256, as openssl derives them", "[cli][json]") {
    TempDir t;
    std::ofstream(t / "pass") << "pw\n";
    run_ok("key new --type ec:p384 --out vm.key --passphrase-file pass", t);
    auto r = run("key public vm.key --passphrase-file pass --json", t.path());
    must(r);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["pem"] == shell("openssl pkey -in vm.key -passin pass:pw -pubout", t.path()).out);
    const auto sha = shell("openssl pkey -in vm.key -passin pass:pw -pubout -outform DER | openssl dgst -sha256 -r | cut -c1-64", t.path()).out;
    CHECK(j["sha256"].get<std::string>() + "\n" == sha);
    CHECK(j["type"] == "ec:p384");
    CHECK(j["path"] == "vm.key");
    CHECK(j["out"].is_null());

    // With --out the file is written and the JSON says so; stdout holds the JSON only.
    r = run("key public vm.key --passphrase-file pass --out vm.pub --json", t.path());
    must(r);
    const auto w = nlohmann::json::parse(r.out);
    CHECK(w["out"] == "vm.pub");
    CHECK(slurp(t / "vm.pub") == w["pem"].get<std::string>());
    CHECK(r.err.empty());
    // Without --json, unchanged: the PEM alone.
    CHECK(run("key public vm.key --passphrase-file pass", t.path()).out == j["pem"].get<std::string>());
}

TEST_CASE("csr new --json and db show --pem --json: JSON on stdout, not PEM", "[cli][json]") {
    TempDir t;
    run_ok("key new --out vm.key", t);
    // Without --out the request was printed as PEM even with --json; now the JSON carries it.
    auto r = run("csr new --key vm.key --subject CN=vm --json", t.path());
    must(r);
    auto j = nlohmann::json::parse(r.out);
    CHECK(j["kind"] == "certificate_request");
    CHECK(j["path"].is_null());
    std::ofstream(t / "printed.csr") << j["pem"].get<std::string>();
    CHECK_THAT(shell("openssl req -in printed.csr -noout -subject -verify 2>&1", t.path()).out, Catch::Contains("subject=CN = vm"));

    run_ok("ca init --dir ca --subject CN=Root", t);
    run_ok("issue --ca ca --csr printed.csr --out vm.crt --yes", t);
    const auto serial = openssl_serial("vm.crt", t);
    r = run("db show --ca ca " + serial + " --pem --json", t.path());
    must(r);
    j = nlohmann::json::parse(r.out);
    CHECK(j["pem"] == slurp(t / "vm.crt"));
    CHECK(run("db show --ca ca " + serial + " --pem", t.path()).out == slurp(t / "vm.crt"));
}
