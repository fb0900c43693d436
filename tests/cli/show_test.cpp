// show, key show/public and ca show: what they print agrees with openssl.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;

TEST_CASE("show: certificate fields match openssl's view", "[cli][show]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject \"CN=Root,O=Example\"", t.path()).code == 0);
    REQUIRE(run("issue --ca ca --subject CN=vm --san dns:vm.example,email:ops@example.com --out vm.crt --key-out vm.key --yes", t.path()).code == 0);
    const auto j = nlohmann::json::parse(run("show vm.crt --json", t.path()).out)["objects"][0];
    CHECK(j["kind"] == "certificate");
    CHECK(j["version"] == 3);
    CHECK("serial=" + j["serial"].get<std::string>() + "\n" == shell("openssl x509 -in vm.crt -noout -serial", t.path()).out);
    CHECK(j["signature_algorithm"] == "ecdsa-with-SHA256");
    CHECK(j["issuer"] == "CN=Root,O=Example");
    CHECK(j["extensions"]["basic_constraints"]["ca"] == false);
    CHECK(j["extensions"]["basic_constraints"]["critical"] == true);
    CHECK(j["extensions"]["key_usage"]["usages"] == "digitalSignature");
    // In the order given, which is the certificate's, as openssl prints them.
    CHECK(j["extensions"]["subject_alt_names"] == nlohmann::json::array({"dns:vm.example", "email:ops@example.com"}));
    CHECK_THAT(shell("openssl x509 -in vm.crt -noout -ext subjectAltName", t.path()).out, Catch::Contains("DNS:vm.example, email:ops@example.com"));
    // Fingerprint as `openssl x509 -fingerprint -sha256` prints it.
    CHECK("sha256 Fingerprint=" + j["sha256_fingerprint"].get<std::string>() + "\n" ==
          shell("openssl x509 -in vm.crt -noout -fingerprint -sha256", t.path()).out);
    // The key's public SHA-256 as openssl computes it over the DER SubjectPublicKeyInfo.
    const auto pub = shell("openssl pkey -in vm.key -pubout -outform DER | openssl dgst -sha256 -r | cut -c1-64", t.path()).out;
    CHECK(j["public_key"]["sha256"].get<std::string>() + "\n" == pub);
    const auto text = run("show vm.crt", t.path()).out;
    CHECK_THAT(text, Catch::Contains("Basic Constraints: critical, CA:FALSE"));
    CHECK_THAT(text, Catch::Contains("Subject: CN=vm"));
}

TEST_CASE("show: CSRs, keys, public keys and bundles", "[cli][show]") {
    TempDir t;
    std::ofstream(t / "pass") << "pw\n";
    REQUIRE(run("key new --type rsa:2048 --out rsa.key --passphrase-file pass", t.path()).code == 0);
    REQUIRE(run("csr new --key rsa.key --passphrase-file pass --subject CN=req --san dns:req.example --out req.csr", t.path()).code == 0);
    auto j = nlohmann::json::parse(run("show req.csr --json", t.path()).out)["objects"][0];
    CHECK(j["kind"] == "certificate_request");
    CHECK(j["signature_valid"] == true);
    CHECK(j["subject"] == "CN=req");
    CHECK(j["public_key"]["type"] == "rsa:2048");
    CHECK(j["subject_alt_names"] == nlohmann::json::array({"dns:req.example"}));

    // Encrypted key: shown as encrypted without the passphrase, in full with it.
    j = nlohmann::json::parse(run("show rsa.key --json", t.path()).out)["objects"][0];
    CHECK(j["encrypted"] == true);
    j = nlohmann::json::parse(run("show rsa.key --passphrase-file pass --json", t.path()).out)["objects"][0];
    CHECK(j["type"] == "rsa:2048");
    const auto key_show = nlohmann::json::parse(run("key show rsa.key --passphrase-file pass --json", t.path()).out);
    CHECK(key_show["encrypted"] == true);
    CHECK(key_show["bits"] == 2048);

    // key public writes what openssl derives from the same key.
    REQUIRE(run("key public rsa.key --passphrase-file pass --out rsa.pub", t.path()).code == 0);
    CHECK(slurp(t / "rsa.pub") == shell("openssl pkey -in rsa.key -passin pass:pw -pubout", t.path()).out);
    CHECK(nlohmann::json::parse(run("show rsa.pub --json", t.path()).out)["objects"][0]["kind"] == "public_key");

    // A bundle of two certificates shows both, in order.
    REQUIRE(run("ca init --dir a --subject CN=A", t.path()).code == 0);
    REQUIRE(run("ca init --dir b --subject CN=B", t.path()).code == 0);
    std::ofstream(t / "bundle.pem") << slurp(t / "a/ca.crt") << slurp(t / "b/ca.crt");
    const auto objs = nlohmann::json::parse(run("show bundle.pem --json", t.path()).out)["objects"];
    REQUIRE(objs.size() == 2);
    CHECK(objs[0]["subject"] == "CN=A");
    CHECK(objs[1]["subject"] == "CN=B");
}

TEST_CASE("ca show: the CA certificate and inventory counts", "[cli][show]") {
    TempDir t;
    REQUIRE(run("ca init --dir ca --subject CN=Root --key-type ec:p384", t.path()).code == 0);
    REQUIRE(run("issue --ca ca --subject CN=a --out a.crt --key-out a.key --yes", t.path()).code == 0);
    const auto j = nlohmann::json::parse(run("ca show --dir ca --json", t.path()).out);
    CHECK(j["subject"] == "CN=Root");
    CHECK(j["signature_algorithm"] == "ecdsa-with-SHA384");
    CHECK(j["issued"]["valid"] == 1);
    CHECK(j["extensions"]["basic_constraints"]["ca"] == true);
    CHECK_THAT(run("ca show --dir ca", t.path()).out, Catch::Contains("Issued: 1 valid, 0 revoked, 0 expired, 0 superseded"));
}
