// End to end with no fakes: pkitool's client (`exchange credential-process`, `exchange serve`)
// against pkitool's own endpoint (`emulate`), with the AWS CLI v2 in between. The two halves were
// written and tested separately (each against an independent Python counterpart); these tests are
// where they first meet.
#include "tests/support/background.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {


// A private HOME, cache and AWS config per test; nothing leaks in from the developer's shell. The
// region is emulate's, which the ARNs and the STS signature scope must agree with.
std::string env(const TempDir& t, const json& emulate) {
    const std::string region = emulate["region"].get<std::string>();
    return "env -u AWS_PROFILE -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN -u AWS_EC2_METADATA_SERVICE_ENDPOINT "
           "HOME='" + t.path().string() + "' XDG_CACHE_HOME='" + (t / "cache").string() + "' AWS_CONFIG_FILE='" + (t / "aws-config").string() +
           "' AWS_SHARED_CREDENTIALS_FILE='" + (t / "aws-credentials").string() + "' AWS_REGION=" + region + " AWS_DEFAULT_REGION=" + region + " ";
}


// `pkitool emulate` as a child, its one JSON line parsed; killed when the test ends.
struct Emulator {
    explicit Emulator(const TempDir& t)
        : process("'" PKITOOL_BINARY "' emulate --anchor root-ca/ca.crt --port 0 --json", t.path(), "\"endpoint\"", 60),
          info(json::parse(process.ready_line())) {}
    std::string url() const { return info["endpoint"].get<std::string>(); }
    // The ARN STS reports for a session of `leaf`: the role's name and, as the default session name,
    // the certificate's serial in hex (Roles Anywhere API Reference, "CreateSession"), here read by openssl rather than by pkitool.
    std::string assumed_role_arn(const TempDir& t, const std::string& leaf) const {
        const auto serial = shell("openssl x509 -in " + leaf + " -noout -serial | cut -d= -f2 | tr -d '\\n'", t.path());
        must(serial);
        const auto role = info["roleArn"].get<std::string>();
        return "arn:aws:sts::" + info["account"].get<std::string>() + ":assumed-role/" + role.substr(role.rfind('/') + 1) + "/" + serial.out;
    }
    std::string exchange_flags(const std::string& cert, const std::string& key) const {
        return "--certificate " + cert + " --private-key " + key + " --trust-anchor-arn " + info["trustAnchorArn"].get<std::string>() +
               " --profile-arn " + info["profileArn"].get<std::string>() + " --role-arn " + info["roleArn"].get<std::string>() +
               " --endpoint " + url();
    }
    Background process;
    json info;
};

// A profile `p` whose credential_process is pkitool (written by `exchange configure`), then the AWS
// CLI both exports the credentials and proves, through emulate's STS, which role they belong to.
void check_credential_process_profile(const TempDir& t, const Emulator& emulate, const std::string& flags, const std::string& leaf) {
    must(shell(env(t, emulate.info) + "'" PKITOOL_BINARY "' exchange configure --profile p --no-cache " + flags, t.path()));
    const auto config = slurp(t / "aws-config");
    REQUIRE_THAT(config, Catch::Contains("[profile p]\ncredential_process = " PKITOOL_BINARY " exchange credential-process"));

    // From another directory, as the AWS CLI would run it anywhere.
    const auto exported = shell(env(t, emulate.info) + aws_cli("configure export-credentials --profile p"), "/");
    INFO(exported.err << "\nemulate: " << emulate.process.err());
    REQUIRE(exported.code == 0);
    const auto creds = json::parse(exported.out);
    CHECK_THAT(creds["AccessKeyId"].get<std::string>(), Catch::StartsWith("ASIA"));
    CHECK_FALSE(creds["SecretAccessKey"].get<std::string>().empty());
    CHECK_FALSE(creds["SessionToken"].get<std::string>().empty());

    const auto who = shell(env(t, emulate.info) + aws_cli("sts get-caller-identity --profile p --endpoint-url " + emulate.url()), "/");
    INFO(who.err << "\nemulate: " << emulate.process.err());
    REQUIRE(who.code == 0);
    const auto id = json::parse(who.out);
    CHECK(id["Arn"] == emulate.assumed_role_arn(t, leaf));
    CHECK(id["Account"] == emulate.info["account"]);
}

}  // namespace

TEST_CASE("e2e: credential_process with an EC leaf, exchanged at pkitool emulate", "[cli][e2e]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=E2E Root\"", t.path()));
    must(run("issue --ca root-ca --subject CN=ec-vm --key-type ec:p256 --out ec.crt --key-out ec.key --yes", t.path()));
    Emulator emulate(t);
    check_credential_process_profile(t, emulate, emulate.exchange_flags("ec.crt", "ec.key"), "ec.crt");
}

TEST_CASE("e2e: credential_process with an RSA leaf under an intermediate (X-Amz-X509-Chain)", "[cli][e2e]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=E2E Root\"", t.path()));
    must(run("ca init --dir issuing-ca --parent root-ca --subject \"CN=Issuing\"", t.path()));
    must(run("issue --ca issuing-ca --subject CN=rsa-vm --key-type rsa:2048 --out rsa.crt --key-out rsa.key --chain-out chain.pem --yes",
             t.path()));
    Emulator emulate(t);  // trusts only the root: the intermediate must travel in the chain header
    check_credential_process_profile(t, emulate, emulate.exchange_flags("rsa.crt", "rsa.key") + " --intermediates chain.pem", "rsa.crt");

    // Without the chain the same leaf is refused, so the header above is what made it pass.
    const auto bare = shell(env(t, emulate.info) + "'" PKITOOL_BINARY "' exchange credential-process --no-cache " +
                                emulate.exchange_flags("rsa.crt", "rsa.key"),
                            t.path());
    CHECK(bare.code == 1);
    CHECK_THAT(bare.err, Catch::Contains("AccessDeniedException"));
}

TEST_CASE("e2e: exchange serve in front of pkitool emulate, found by the AWS CLI as IMDS", "[cli][e2e]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=E2E Root\"", t.path()));
    must(run("issue --ca root-ca --subject CN=ec-vm --key-type ec:p256 --out ec.crt --key-out ec.key --yes", t.path()));
    Emulator emulate(t);
    Background serve(env(t, emulate.info) + "'" PKITOOL_BINARY "' exchange serve --port 0 " + emulate.exchange_flags("ec.crt", "ec.key"),
                     t.path(), "http://127.0.0.1:", 60);
    std::ofstream(t / "aws-config") << "";  // no profile: only the metadata endpoint can supply credentials
    const auto who = shell(env(t, emulate.info) + "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:" + std::to_string(serve.port()) + "/ " +
                               aws_cli("sts get-caller-identity --endpoint-url " + emulate.url()),
                           t.path());
    INFO(who.err << "\nserve: " << serve.err() << "\nemulate: " << emulate.process.err());
    REQUIRE(who.code == 0);
    CHECK(json::parse(who.out)["Arn"] == emulate.assumed_role_arn(t, "ec.crt"));
}

TEST_CASE("e2e: a leaf from another CA is refused through the whole stack", "[cli][e2e]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=E2E Root\"", t.path()));
    must(run("ca init --dir other-ca --subject \"CN=Other Root\"", t.path()));
    must(run("issue --ca other-ca --subject CN=stranger --key-type ec:p256 --out stranger.crt --key-out stranger.key --yes", t.path()));
    Emulator emulate(t);
    const auto r = shell(env(t, emulate.info) + "'" PKITOOL_BINARY "' exchange credential-process --no-cache " +
                             emulate.exchange_flags("stranger.crt", "stranger.key"),
                         t.path());
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());  // nothing an AWS tool could mistake for credentials
    // The service's verdict, with emulate's precise reason...
    CHECK_THAT(r.err, Catch::Contains("refused: AccessDeniedException: Untrusted signing certificate: CN=stranger"));
    CHECK_THAT(r.err, Catch::Contains("its issuer `CN=Other Root` is neither a trust anchor"));
    CHECK_THAT(r.err, Catch::Contains("it does not chain to the trust anchor [ra.chain.untrusted]"));
    // ...then pkitool's own diagnosis of the certificate it sent.
    CHECK_THAT(r.err, Catch::Contains("hint: the certificate passes pkitool's rolesanywhere-client rules; check that its chain reaches the trust anchor"));
}

TEST_CASE("e2e: an intermediate with the right name but another key: emulate refuses, pkitool's chain lint says why", "[cli][e2e]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=E2E Root\"", t.path()));
    must(run("ca init --dir issuing-ca --parent root-ca --subject \"CN=Issuing\"", t.path()));
    must(run("ca init --dir impostor-ca --parent root-ca --subject \"CN=Issuing\"", t.path()));  // same name, new key
    must(run("issue --ca issuing-ca --subject CN=vm --key-type ec:p256 --out vm.crt --key-out vm.key --yes", t.path()));
    must(run("issue --ca impostor-ca --subject CN=decoy --key-type ec:p256 --out decoy.crt --key-out decoy.key --chain-out wrong-chain.pem --yes",
             t.path()));
    Emulator emulate(t);
    const auto r = shell(env(t, emulate.info) + "'" PKITOOL_BINARY "' exchange credential-process --no-cache " +
                             emulate.exchange_flags("vm.crt", "vm.key") + " --intermediates wrong-chain.pem",
                         t.path());
    INFO(r.out << r.err);
    CHECK(r.code == 1);
    CHECK(r.out.empty());
    // emulate and lint judge with one engine: the same rule refuses and explains.
    CHECK_THAT(r.err, Catch::Contains("refused: AccessDeniedException: Untrusted signing certificate: CN=vm"));
    CHECK_THAT(r.err, Catch::Contains("[ra.chain.key-id]"));
    // The names link, so only a chain lint that checks keys (lint_chain's ra.chain.key-id) explains it.
    CHECK_THAT(r.err, Catch::Contains("hint: CN=vm"));
    CHECK_THAT(r.err, Catch::Contains("the authorityKeyIdentifier does not match the subjectKeyIdentifier of `CN=Issuing`"));
    CHECK(r.err.find("passes pkitool's rolesanywhere-client rules") == std::string::npos);
}
