// `pkitool doctor` against `pkitool emulate`, set up and broken with the AWS CLI (issue #12): a
// healthy set-up passes every check; each broken one is named by the check that fails, while the
// emulator's own CreateSession refuses the same exchange; each chain verdict agrees with
// `openssl verify -x509_strict`.
#include "tests/support/emulate.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

using namespace pkitool::test;
using nlohmann::json;

namespace {

const std::string kBlogPolicy = R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"Service":"rolesanywhere.amazonaws.com"},
  "Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"],
  "Condition":{"StringEquals":{"aws:PrincipalTag/x509Subject/CN":"MyOnpremVM"}}}]})";

// doctor's --json verdict: id -> status.
std::map<std::string, std::string> statuses(const Result& r) {
    INFO(r.out << r.err);
    const auto j = json::parse(r.out);
    std::map<std::string, std::string> out;
    for (const auto& c : j["checks"]) out[c["id"]] = c["status"];
    REQUIRE(j["ok"] == (r.code == 0));
    return out;
}

// The ids that fail, apart from session.create (the emulator's own verdict, checked on its own).
std::vector<std::string> failing(const std::map<std::string, std::string>& s) {
    std::vector<std::string> out;
    for (const auto& [id, status] : s)
        if (status == "fail" && id != "session.create") out.push_back(id);
    return out;
}

// The message of check `id` in doctor's --json output.
std::string message(const Result& r, const std::string& id) {
    const auto j = json::parse(r.out);  // kept: a range-for over a temporary's member dangles
    for (const auto& c : j["checks"])
        if (c["id"] == id) return c["message"];
    return "";
}

void spit(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("doctor: a healthy set-up passes, and each broken one names its check while the emulator refuses it", "[cli][doctor]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Doctor Root\"", t.path()));
    must(run("ca init --dir other-ca --subject \"CN=Other Root\"", t.path()));
    for (const auto& [cn, name] : std::vector<std::pair<std::string, std::string>>{{"MyOnpremVM", "vm"}, {"SomeoneElse", "else"}, {"MyOnpremVM", "gone"}})
        must(run("issue --ca root-ca --subject CN=" + cn + " --out " + name + ".crt --key-out " + name + ".key --yes", t.path()));
    must(run("issue --ca other-ca --subject CN=MyOnpremVM --out stranger.crt --key-out stranger.key --yes", t.path()));
    spit(t / "trust.json", kBlogPolicy);

    Emulate e("--anchor root-ca/ca.crt", t);
    const std::string anchor = e.info["trustAnchorArn"], profile = e.info["profileArn"];
    const std::string anchor_id = anchor.substr(anchor.rfind('/') + 1), profile_id = profile.substr(profile.rfind('/') + 1);
    const std::string role = "arn:aws:iam::123456789012:role/MyOnpremRole";
    REQUIRE(iam(t, e, "create-role --role-name MyOnpremRole --assume-role-policy-document file://trust.json").code == 0);
    ra_ok(t, e, "update-profile --profile-id " + profile_id + " --role-arns " + role + " " + e.info["roleArn"].get<std::string>());

    const std::string admin = "env AWS_ACCESS_KEY_ID='" + e.key_id() + "' AWS_SECRET_ACCESS_KEY='" + e.secret() + "' ";
    const auto doctor = [&](const std::string& leaf, const std::string& extra = "", const std::string& key = "",
                            const std::string& role_arn = "", const std::string& env = "") {
        return shell((env.empty() ? admin : env) + "'" PKITOOL_BINARY "' doctor --json --certificate " + leaf + ".crt --private-key " +
                         (key.empty() ? leaf : key) + ".key --trust-anchor-arn " + anchor + " --profile-arn " + profile + " --role-arn " +
                         (role_arn.empty() ? role : role_arn) + " --endpoint " + e.url() + " " + extra,
                     t.path());
    };
    // A broken set-up: doctor exits 1 naming exactly `expected`, and the exchange itself is refused.
    const auto broken = [&](const Result& r, const V& expected) {
        INFO(r.out << r.err);
        CHECK(r.code == 1);
        const auto s = statuses(r);
        CHECK(failing(s) == expected);
        CHECK(s.at("session.create") != "ok");
    };

    SECTION("healthy: every check passes and the session is created") {
        const auto r = doctor("vm");
        INFO(r.out << r.err);
        CHECK(r.code == 0);
        const auto s = statuses(r);
        CHECK(failing(s) == V{});
        CHECK(s.at("session.create") == "ok");
        CHECK(s.at("setup.source") == "ok");
        CHECK(s.at("anchor.reaches") == "ok");
        CHECK(s.at("clock.skew") == "ok");
        CHECK(s.at("crl.not-revoked") == "skip");  // no CRL imported
        CHECK_THAT(message(r, "trust-policy.conditions"), Catch::Contains(R"((the certificate gives "MyOnpremVM"))"));
        CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt vm.crt", t.path()).code == 0);
        // The words, for a person: one line per check.
        const auto text = shell(admin + "'" PKITOOL_BINARY "' doctor --certificate vm.crt --private-key vm.key --trust-anchor-arn " + anchor +
                                    " --profile-arn " + profile + " --role-arn " + role + " --endpoint " + e.url(),
                                t.path());
        CHECK(text.code == 0);
        CHECK_THAT(text.out, Catch::Contains("ok    anchor.reaches: the chain reaches the trust anchor's bundle\n"));
    }
    SECTION("1: the private key is another certificate's") {
        const auto r = doctor("vm", "", "else");
        broken(r, {"key.matches-certificate"});
        CHECK(statuses(r).at("session.create") == "skip");
    }
    SECTION("2: a certificate of a CA the anchor does not hold") {
        broken(doctor("stranger"), {"anchor.reaches"});
        CHECK(shell("openssl verify -x509_strict -CAfile root-ca/ca.crt stranger.crt", t.path()).code != 0);
    }
    SECTION("3: a CN the trust policy's condition does not accept, with the value shown") {
        const auto r = doctor("else");
        broken(r, {"trust-policy.conditions"});
        CHECK(message(r, "trust-policy.conditions") == R"(failed: StringEquals aws:PrincipalTag/x509Subject/CN MyOnpremVM (the certificate gives "SomeoneElse"))");
    }
    SECTION("4: a role the profile does not list") {
        REQUIRE(iam(t, e, "create-role --role-name Unlisted --assume-role-policy-document file://trust.json").code == 0);
        broken(doctor("vm", "", "", "arn:aws:iam::123456789012:role/Unlisted"), {"profile.lists-role"});
    }
    SECTION("5: a role that does not exist") {
        const auto r = doctor("vm", "", "", "arn:aws:iam::123456789012:role/Nobody");
        broken(r, {"profile.lists-role", "trust-policy.actions"});
        CHECK_THAT(message(r, "trust-policy.actions"), Catch::Contains("has no role arn:aws:iam::123456789012:role/Nobody"));
    }
    SECTION("6: a malformed role ARN") {
        const auto r = doctor("vm", "", "", "arn:aws:iam::123456789012:user/MyOnpremRole");
        broken(r, {"arns.well-formed"});
        CHECK(statuses(r).at("setup.source") == "skip");  // nothing to look up with a malformed ARN
    }
    SECTION("7: the session asked for in another region than the anchor's") {
        broken(doctor("vm", "--region eu-west-1"), {"arns.region"});
    }
    SECTION("8: a trust policy without sts:TagSession") {
        std::string no_tag = kBlogPolicy;
        no_tag.replace(no_tag.find(",\"sts:TagSession\""), 17, "");
        spit(t / "no-tag.json", no_tag);
        REQUIRE(iam(t, e, "update-assume-role-policy --role-name MyOnpremRole --policy-document file://no-tag.json").code == 0);
        const auto r = doctor("vm");
        broken(r, {"trust-policy.actions"});
        CHECK(message(r, "trust-policy.actions") == "no statement allows sts:TagSession for rolesanywhere.amazonaws.com");
    }
    SECTION("9: an attribute mapping that no longer gives the CN tag") {
        // DeleteAttributeMapping signed by botocore's SigV4 signer: Debian's AWS CLI and boto3 predate the operation.
        spit(t / "unmap.py", "import os, urllib.request\n"
                             "from botocore.auth import SigV4Auth\nfrom botocore.awsrequest import AWSRequest\nfrom botocore.credentials import Credentials\n"
                             "r = AWSRequest(method='DELETE', url='" + e.url() + "/profiles/" + profile_id + "/mappings?certificateField=x509Subject')\n"
                             "SigV4Auth(Credentials(os.environ['AWS_ACCESS_KEY_ID'], os.environ['AWS_SECRET_ACCESS_KEY']), 'rolesanywhere', 'us-east-1').add_auth(r)\n"
                             "p = r.prepare()\n"
                             "print(urllib.request.urlopen(urllib.request.Request(p.url, method='DELETE', headers=dict(p.headers))).status)\n");
        const auto py = shell(aws_env(t, e.key_id(), e.secret()) + "python3 unmap.py", t.path());
        INFO(py.out << py.err);
        REQUIRE(py.code == 0);
        CHECK(py.out == "200\n");
        const auto r = doctor("vm");
        broken(r, {"trust-policy.conditions"});
        CHECK_THAT(message(r, "trust-policy.conditions"), Catch::EndsWith("(the certificate gives no value)"));
    }
    SECTION("10: a certificate the imported CRL revokes") {
        must(run("revoke --ca root-ca " + openssl_serial("gone.crt", t), t.path()));
        must(run("crl --ca root-ca", t.path()));
        ra_ok(t, e, "import-crl --name onprem --enabled --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor);
        broken(doctor("gone"), {"crl.not-revoked"});
        CHECK(shell("openssl verify -x509_strict -crl_check -CAfile root-ca/ca.crt -CRLfile root-ca/crl.pem gone.crt", t.path()).code != 0);
        // The other certificate under the same CRL is fine, as openssl says too.
        CHECK(doctor("vm").code == 0);
        CHECK(shell("openssl verify -x509_strict -crl_check -CAfile root-ca/ca.crt -CRLfile root-ca/crl.pem vm.crt", t.path()).code == 0);
    }
    SECTION("11: a disabled profile") {
        ra_ok(t, e, "disable-profile --profile-id " + profile_id);
        broken(doctor("vm"), {"profile.enabled"});
    }
    SECTION("12: a disabled trust anchor") {
        ra_ok(t, e, "disable-trust-anchor --trust-anchor-id " + anchor_id);
        broken(doctor("vm"), {"anchor.enabled"});
    }
    SECTION("13: a real AWS set-up as files: the bundle uploaded is the wrong CA's") {
        // No emulator key: the set-up comes from the files; the emulator (standing in for AWS) has the right anchor.
        const auto r = doctor("vm", "--anchor other-ca/ca.crt --trust-policy trust.json", "", "", "env -u AWS_ACCESS_KEY_ID ");
        INFO(r.out << r.err);
        CHECK(r.code == 1);
        const auto s = statuses(r);
        CHECK(failing(s) == V{"anchor.reaches"});
        CHECK(s.at("setup.source") == "ok");
        CHECK(s.at("trust-policy.conditions") == "ok");
        CHECK(s.at("profile.enabled") == "skip");
        CHECK(shell("openssl verify -x509_strict -CAfile other-ca/ca.crt vm.crt", t.path()).code != 0);
    }
    SECTION("no set-up to read: the set-up checks are skipped, not failed") {
        const auto r = doctor("vm", "", "", "", "env -u AWS_ACCESS_KEY_ID ");
        INFO(r.out << r.err);
        CHECK(r.code == 0);
        const auto s = statuses(r);
        CHECK(s.at("setup.source") == "skip");
        CHECK(s.at("anchor.reaches") == "skip");
        CHECK(s.at("session.create") == "ok");
    }
    SECTION("bad input: an unreadable trust policy file is one line, exit 1") {
        spit(t / "broken.json", "{\"Statement\":[");
        const auto r = doctor("vm", "--trust-policy broken.json");
        CHECK(r.code == 1);
        CHECK_THAT(r.err, Catch::StartsWith("pkitool: error: broken.json: "));
        CHECK(r.out.empty());
    }
}
