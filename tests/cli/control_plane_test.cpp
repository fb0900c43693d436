// The Roles Anywhere control plane of `pkitool emulate`, with Debian's AWS CLI v2 as the oracle:
// the AWS blog's set-up (trust anchor from a pkitool CA, profile created disabled, enabled,
// revocation by an imported CRL) driven by `aws rolesanywhere ... --endpoint-url`, then pkitool's
// own client exchanging a certificate against it and `aws sts get-caller-identity` proving the
// role; round trips of every operation; the CLI's exit codes for the service's errors; SigV4
// refusals; a restart on the same --state; and boto3 doing the same set-up from Python.
#include "tests/support/emulate.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <regex>

using namespace pkitool::test;
using nlohmann::json;

namespace {

// A service error: the AWS CLI exits 254 and prints "An error occurred (<Code>) when calling the <Op> operation: <message>".
void ra_refused(const TempDir& t, const Emulate& e, const std::string& args, const std::string& code, const std::string& message_part) {
    const auto r = ra(t, e, args);
    INFO("aws rolesanywhere " << args << "\n" << r.out << r.err);
    CHECK(r.code == 254);
    CHECK_THAT(r.err, Catch::Contains("An error occurred (" + code + ")"));
    CHECK_THAT(r.err, Catch::Contains(message_part));
}

// The CLI's shorthand for a CERTIFICATE_BUNDLE source, the bundle read by the shell.
std::string bundle_source(const std::string& pem_file) {
    return "--source \"sourceType=CERTIFICATE_BUNDLE,sourceData={x509CertificateData=$(cat " + pem_file + ")}\"";
}

// `pkitool exchange credential-process` against emulate, no cache.
Result exchange(const TempDir& t, const Emulate& e, const std::string& leaf, const std::string& anchor_arn, const std::string& profile_arn,
                const std::string& role_arn) {
    return shell("env -u AWS_PROFILE HOME='" + t.path().string() + "' XDG_CACHE_HOME='" + (t / "cache").string() + "' '" PKITOOL_BINARY
                 "' exchange credential-process --no-cache --certificate " + leaf + ".crt --private-key " + leaf + ".key --trust-anchor-arn " +
                     anchor_arn + " --profile-arn " + profile_arn + " --role-arn " + role_arn + " --endpoint " + e.url(),
                 t.path());
}

const std::regex kUuid("[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}");

void issue_leaf(const TempDir& t, const std::string& cn, const std::string& name) {
    must(run("issue --ca root-ca --subject CN=" + cn + " --out " + name + ".crt --key-out " + name + ".key --yes", t.path()));
}

}  // namespace

TEST_CASE("control plane: the blog's set-up with the AWS CLI, an exchange, revocation, and a restart", "[cli][control-plane]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Onprem Root\"", t.path()));
    issue_leaf(t, "MyOnpremVM", "vm");
    auto emulate = std::make_unique<Emulate>("--state state.db", t);
    CHECK(mode_of(t / "state.db") == 0600);
    CHECK(emulate->info["trustAnchors"].empty());
    const std::string role = emulate->info["roleArn"];
    CHECK(role == "arn:aws:iam::123456789012:role/pkitool-emulate");
    CHECK_THAT(emulate->key_id(), Catch::StartsWith("AKIA"));
    CHECK_THAT(emulate->process.err(), !Catch::Contains(emulate->secret()));

    const auto anchor = ra_ok(t, *emulate, "create-trust-anchor --name onprem-root --enabled " + bundle_source("root-ca/ca.crt"))["trustAnchor"];
    INFO(anchor.dump());
    CHECK(anchor["enabled"] == true);
    CHECK(anchor["name"] == "onprem-root");
    CHECK(anchor["source"]["sourceType"] == "CERTIFICATE_BUNDLE");
    CHECK(anchor["source"]["sourceData"]["x509CertificateData"].get<std::string>() + "\n" == slurp(t / "root-ca/ca.crt"));
    const std::string anchor_id = anchor["trustAnchorId"], anchor_arn = anchor["trustAnchorArn"];
    CHECK(std::regex_match(anchor_id, kUuid));
    CHECK(anchor_arn == "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/" + anchor_id);

    const auto profile = ra_ok(t, *emulate, "create-profile --name onprem-profile --role-arns " + role)["profile"];
    CHECK(profile["enabled"] == false);  // created disabled, as the service does
    CHECK(profile["durationSeconds"] == 3600);
    CHECK(profile["createdBy"] == emulate->info["administrator"]["arn"]);
    const std::string profile_id = profile["profileId"], profile_arn = profile["profileArn"];

    const auto disabled = exchange(t, *emulate, "vm", anchor_arn, profile_arn, role);
    CHECK(disabled.code == 1);
    CHECK_THAT(disabled.err, Catch::Contains("profile \"onprem-profile\" (" + profile_arn + ") is disabled"));

    CHECK(ra_ok(t, *emulate, "enable-profile --profile-id " + profile_id)["profile"]["enabled"] == true);
    const auto granted = exchange(t, *emulate, "vm", anchor_arn, profile_arn, role);
    INFO(granted.err << "\nemulate: " << emulate->process.err());
    REQUIRE(granted.code == 0);
    const auto creds = json::parse(granted.out);
    const auto who = shell(aws_env(t, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]) +
                               aws_cli("sts get-caller-identity --endpoint-url " + emulate->url()),
                           t.path());
    INFO(who.err);
    REQUIRE(who.code == 0);
    CHECK(json::parse(who.out)["Arn"] == "arn:aws:sts::123456789012:assumed-role/pkitool-emulate/" + openssl_serial("vm.crt", t));

    CHECK(ra_ok(t, *emulate, "disable-profile --profile-id " + profile_id)["profile"]["enabled"] == false);
    CHECK_THAT(exchange(t, *emulate, "vm", anchor_arn, profile_arn, role).err, Catch::Contains("is disabled"));
    ra_ok(t, *emulate, "enable-profile --profile-id " + profile_id);

    // Revocation: pkitool revokes and signs the CRL; the AWS CLI imports the PEM file's bytes.
    must(run("revoke --ca root-ca " + openssl_serial("vm.crt", t), t.path()));
    must(run("crl --ca root-ca", t.path()));
    const auto crl = ra_ok(t, *emulate,
                           "import-crl --name onprem-crl --enabled --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor_arn)["crl"];
    CHECK(crl["trustAnchorArn"] == anchor_arn);
    CHECK(crl["enabled"] == true);
    const auto pem_b64 = shell("base64 -w0 root-ca/crl.pem", t.path()).out;
    CHECK(crl["crlData"] == pem_b64);
    const auto revoked = exchange(t, *emulate, "vm", anchor_arn, profile_arn, role);
    CHECK(revoked.code == 1);
    CHECK_THAT(revoked.err, Catch::Contains("revoked by the CRL issued by CN=Onprem Root [ra.crl.revoked]"));
    issue_leaf(t, "MyOnpremVM", "vm2");
    CHECK(exchange(t, *emulate, "vm2", anchor_arn, profile_arn, role).code == 0);
    ra_ok(t, *emulate, "tag-resource --resource-arn " + profile_arn + " --tags key=team,value=pki");

    // A second emulator on the same state is refused while the first runs.
    const auto second = shell("timeout 20 '" PKITOOL_BINARY "' emulate --state state.db --port 0", t.path());
    CHECK(second.code == 1);
    CHECK_THAT(second.err, Catch::Contains("state.db: in use by another emulator"));

    // Restart on the same state: everything is still there, the administrator key too.
    const auto key = emulate->key_id(), secret = emulate->secret();
    CHECK(emulate->process.stop() == 0);
    emulate.reset();
    emulate = std::make_unique<Emulate>("--state state.db --anchor root-ca/ca.crt", t);
    CHECK_THAT(emulate->process.err(), Catch::Contains("state.db already holds a state, which is kept"));
    CHECK(emulate->key_id() == key);
    CHECK(emulate->secret() == secret);
    const auto anchors = ra_ok(t, *emulate, "list-trust-anchors")["trustAnchors"];
    REQUIRE(anchors.size() == 1);
    CHECK(anchors[0]["trustAnchorArn"] == anchor_arn);
    CHECK(ra_ok(t, *emulate, "get-profile --profile-id " + profile_id)["profile"]["enabled"] == true);
    CHECK(ra_ok(t, *emulate, "list-crls")["crls"][0]["crlData"] == pem_b64);
    CHECK(ra_ok(t, *emulate, "list-tags-for-resource --resource-arn " + profile_arn)["tags"] == json::parse(R"([{"key": "team", "value": "pki"}])"));
    CHECK_THAT(exchange(t, *emulate, "vm", anchor_arn, profile_arn, role).err, Catch::Contains("revoked by the CRL"));
    CHECK(exchange(t, *emulate, "vm2", anchor_arn, profile_arn, role).code == 0);
    // One Subject, CN=MyOnpremVM, with both certificates: the one just granted first, the revoked one refused.
    const auto subjects = ra_ok(t, *emulate, "list-subjects")["subjects"];
    REQUIRE(subjects.size() == 1);
    const auto seen = ra_ok(t, *emulate, "get-subject --subject-id " + subjects[0]["subjectId"].get<std::string>())["subject"]["credentials"];
    INFO(seen.dump());
    REQUIRE(seen.size() == 2);
    CHECK(seen[0]["x509CertificateData"] == slurp(t / "vm2.crt"));
    CHECK(seen[0]["failed"] == false);
    CHECK(seen[1]["x509CertificateData"] == slurp(t / "vm.crt"));
    CHECK(seen[1]["failed"] == true);
}

TEST_CASE("control plane: list, get, update, delete, enable, disable and tags round trip", "[cli][control-plane]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Round Trip Root\"", t.path()));
    must(run("ca init --dir other-ca --subject \"CN=Other Root\"", t.path()));
    issue_leaf(t, "vm", "vm");
    Emulate e("--anchor root-ca/ca.crt", t);  // seeded: one anchor and one profile

    SECTION("trust anchors, with pagination") {
        for (int i = 0; i < 3; ++i) ra_ok(t, e, "create-trust-anchor --name extra-" + std::to_string(i) + " " + bundle_source("other-ca/ca.crt"));
        // The CLI follows nextToken itself: pages of 2 still list all 4, in creation order.
        const auto all = ra_ok(t, e, "list-trust-anchors --page-size 2")["trustAnchors"];
        REQUIRE(all.size() == 4);
        CHECK(all[0]["trustAnchorArn"] == e.info["trustAnchorArn"]);
        CHECK(all[3]["name"] == "extra-2");
        CHECK(all[1]["enabled"] == false);  // created without --enabled
        const auto first = ra_ok(t, e, "list-trust-anchors --max-items 3 --page-size 2");
        CHECK(first["trustAnchors"].size() == 3);
        REQUIRE(first.contains("NextToken"));
        const auto rest = ra_ok(t, e, "list-trust-anchors --page-size 2 --starting-token " + first["NextToken"].get<std::string>());
        REQUIRE(rest["trustAnchors"].size() == 1);
        CHECK(rest["trustAnchors"][0]["name"] == "extra-2");

        const std::string id = all[1]["trustAnchorId"];
        CHECK(ra_ok(t, e, "get-trust-anchor --trust-anchor-id " + id)["trustAnchor"]["name"] == "extra-0");
        const auto renamed = ra_ok(t, e, "update-trust-anchor --trust-anchor-id " + id + " --name \"renamed anchor\" " + bundle_source("root-ca/ca.crt"));
        CHECK(renamed["trustAnchor"]["name"] == "renamed anchor");
        CHECK(renamed["trustAnchor"]["source"]["sourceData"]["x509CertificateData"].get<std::string>() + "\n" == slurp(t / "root-ca/ca.crt"));
        CHECK(ra_ok(t, e, "enable-trust-anchor --trust-anchor-id " + id)["trustAnchor"]["enabled"] == true);
        CHECK(ra_ok(t, e, "disable-trust-anchor --trust-anchor-id " + id)["trustAnchor"]["enabled"] == false);
        CHECK(ra_ok(t, e, "delete-trust-anchor --trust-anchor-id " + id)["trustAnchor"]["name"] == "renamed anchor");
        ra_refused(t, e, "get-trust-anchor --trust-anchor-id " + id, "ResourceNotFoundException", "no trust anchor with id " + id);
        CHECK(ra_ok(t, e, "list-trust-anchors")["trustAnchors"].size() == 3);

        // A disabled anchor counts from the next CreateSession on.
        const std::string seeded = e.info["trustAnchorArn"];
        const std::string seeded_id = seeded.substr(seeded.rfind('/') + 1);
        CHECK(exchange(t, e, "vm", seeded, e.info["profileArn"], e.info["roleArn"]).code == 0);
        ra_ok(t, e, "disable-trust-anchor --trust-anchor-id " + seeded_id);
        CHECK_THAT(exchange(t, e, "vm", seeded, e.info["profileArn"], e.info["roleArn"]).err, Catch::Contains("trust anchor \"anchor\" (" + seeded + ") is disabled"));
    }
    SECTION("profiles") {
        const auto p = ra_ok(t, e,
                             "create-profile --name vm-profile --enabled --duration-seconds 900 --role-arns arn:aws:iam::123456789012:role/a "
                             "arn:aws:iam::123456789012:role/b --managed-policy-arns arn:aws:iam::aws:policy/ReadOnlyAccess "
                             "--session-policy '{\"Version\":\"2012-10-17\",\"Statement\":[]}' --require-instance-properties")["profile"];
        CHECK(p["enabled"] == true);
        CHECK(p["durationSeconds"] == 900);
        CHECK(p["roleArns"].size() == 2);
        CHECK(p["managedPolicyArns"] == json::parse(R"(["arn:aws:iam::aws:policy/ReadOnlyAccess"])"));
        CHECK(p["sessionPolicy"] == "{\"Version\":\"2012-10-17\",\"Statement\":[]}");
        CHECK(p["requireInstanceProperties"] == true);
        const std::string id = p["profileId"];
        const auto u = ra_ok(t, e, "update-profile --profile-id " + id + " --duration-seconds 1800 --name renamed --role-arns arn:aws:iam::123456789012:role/c");
        CHECK(u["profile"]["durationSeconds"] == 1800);
        CHECK(u["profile"]["roleArns"] == json::parse(R"(["arn:aws:iam::123456789012:role/c"])"));
        CHECK(ra_ok(t, e, "get-profile --profile-id " + id)["profile"]["name"] == "renamed");
        CHECK(ra_ok(t, e, "list-profiles")["profiles"].size() == 2);
        CHECK(ra_ok(t, e, "delete-profile --profile-id " + id)["profile"]["profileId"] == id);
        ra_refused(t, e, "enable-profile --profile-id " + id, "ResourceNotFoundException", "no profile with id " + id);

        // The seeded profile's role list and duration count at the next CreateSession.
        const std::string seeded = e.info["profileArn"];
        const std::string seeded_id = seeded.substr(seeded.rfind('/') + 1);
        ra_ok(t, e, "update-profile --profile-id " + seeded_id + " --role-arns arn:aws:iam::123456789012:role/other");
        CHECK_THAT(exchange(t, e, "vm", e.info["trustAnchorArn"], seeded, e.info["roleArn"]).err,
                   Catch::Contains("role " + e.info["roleArn"].get<std::string>() + " is not one of the roles of profile \"profile\""));
    }
    SECTION("CRLs") {
        must(run("crl --ca root-ca", t.path()));
        const std::string anchor = e.info["trustAnchorArn"];
        const auto c = ra_ok(t, e, "import-crl --name first --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor)["crl"];
        CHECK(c["enabled"] == false);
        const std::string id = c["crlId"];
        CHECK(c["crlArn"] == "arn:aws:rolesanywhere:us-east-1:123456789012:crl/" + id);
        CHECK(ra_ok(t, e, "update-crl --crl-id " + id + " --name renamed")["crl"]["name"] == "renamed");
        CHECK(ra_ok(t, e, "enable-crl --crl-id " + id)["crl"]["enabled"] == true);
        CHECK(ra_ok(t, e, "get-crl --crl-id " + id)["crl"]["name"] == "renamed");
        CHECK(ra_ok(t, e, "disable-crl --crl-id " + id)["crl"]["enabled"] == false);
        ra_ok(t, e, "import-crl --name second --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor);
        ra_refused(t, e, "import-crl --name third --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor, "ValidationException",
                   "already has 2 CRLs, the most one trust anchor takes");
        ra_refused(t, e, "import-crl --name x --crl-data fileb://root-ca/ca.crt --trust-anchor-arn " + anchor, "ValidationException", "Invalid CRL");
        ra_refused(t, e, "import-crl --name x --crl-data fileb://root-ca/crl.pem --trust-anchor-arn " + anchor.substr(0, anchor.size() - 4) + "0000",
                   "ValidationException", "names no trust anchor");
        CHECK(ra_ok(t, e, "list-crls")["crls"].size() == 2);
        CHECK(ra_ok(t, e, "delete-crl --crl-id " + id)["crl"]["crlId"] == id);
        CHECK(ra_ok(t, e, "list-crls")["crls"].size() == 1);
        // A CRL well past 64 KiB (the emulator's old body cap), signed by the anchor's key with
        // Python's cryptography: 3,000 entries, about 150 KB of PEM, sent as base64 in JSON.
        std::ofstream(t / "big_crl.py") << R"PY(
import datetime
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
ca = x509.load_pem_x509_certificate(open('root-ca/ca.crt', 'rb').read())
key = serialization.load_pem_private_key(open('root-ca/private/ca.key', 'rb').read(), None)
now = datetime.datetime.now(datetime.timezone.utc)
b = x509.CertificateRevocationListBuilder().issuer_name(ca.subject).last_update(now).next_update(now + datetime.timedelta(days=7))
for serial in range(1, 3001):
    b = b.add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial << 64).revocation_date(now).build())
open('big.crl', 'wb').write(b.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
)PY";
        must(shell("python3 big_crl.py", t.path()));
        REQUIRE(fs::file_size(t / "big.crl") > 100 * 1024);
        CHECK(ra_ok(t, e, "import-crl --name big --crl-data fileb://big.crl --trust-anchor-arn " + anchor)["crl"]["name"] == "big");
    }
    SECTION("tags") {
        const auto a = ra_ok(t, e, "create-trust-anchor --name tagged --tags key=env,value=test " + bundle_source("root-ca/ca.crt"))["trustAnchor"];
        const std::string arn = a["trustAnchorArn"];
        ra_ok(t, e, "tag-resource --resource-arn " + arn + " --tags key=team,value=pki key=env,value=prod");
        CHECK(ra_ok(t, e, "list-tags-for-resource --resource-arn " + arn)["tags"] ==
              json::parse(R"([{"key": "env", "value": "prod"}, {"key": "team", "value": "pki"}])"));
        ra_ok(t, e, "untag-resource --resource-arn " + arn + " --tag-keys env");
        CHECK(ra_ok(t, e, "list-tags-for-resource --resource-arn " + arn)["tags"] == json::parse(R"([{"key": "team", "value": "pki"}])"));
        ra_refused(t, e, "tag-resource --resource-arn " + arn + " --tags key=aws:x,value=y", "ValidationException", "Member must not begin with aws:");
        ra_ok(t, e, "delete-trust-anchor --trust-anchor-id " + a["trustAnchorId"].get<std::string>());
        ra_refused(t, e, "list-tags-for-resource --resource-arn " + arn, "ResourceNotFoundException", "no trust anchor, profile or CRL " + arn);
    }
}

TEST_CASE("control plane: validation errors, from the CLI (252) or from the service (254)", "[cli][control-plane]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Validation Root\"", t.path()));
    issue_leaf(t, "vm", "vm");
    Emulate e("--anchor root-ca/ca.crt", t);
    const std::string role = e.info["roleArn"];

    // The CLI checks minimum lengths and values itself, before sending anything.
    CHECK(ra(t, e, "get-trust-anchor --trust-anchor-id not-a-uuid").code == 252);
    CHECK(ra(t, e, "create-profile --name p --duration-seconds 100 --role-arns " + role).code == 252);
    // Maximums and patterns are the service's to check.
    ra_refused(t, e, "create-profile --name " + std::string(256, 'n') + " --role-arns " + role, "ValidationException",
               "1 validation error detected: Value 'nnnnn");
    ra_refused(t, e, "create-profile --name " + std::string(256, 'n') + " --role-arns " + role, "ValidationException",
               "at 'name' failed to satisfy constraint: Member must have length less than or equal to 255");
    ra_refused(t, e, "create-profile --name bad/name --duration-seconds 50000 --role-arns " + role, "ValidationException",
               "2 validation errors detected: Value 'bad/name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: "
               "[ a-zA-Z0-9-_]*; Value '50000' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200");
    ra_refused(t, e, "create-profile --name p --role-arns arn:aws:s3:::bucket", "ValidationException", "at 'roleArns.1.member' failed to satisfy constraint");
    ra_refused(t, e, "get-trust-anchor --trust-anchor-id " + std::string(36, 'Z'), "ValidationException",
               "at 'trustAnchorId' failed to satisfy constraint: Member must satisfy regular expression pattern");
    ra_refused(t, e, "get-trust-anchor --trust-anchor-id 00000000-0000-4000-8000-000000000000", "ResourceNotFoundException",
               "no trust anchor with id 00000000-0000-4000-8000-000000000000 in account 123456789012, region us-east-1");
    ra_refused(t, e, "create-trust-anchor --name pca --source 'sourceType=AWS_ACM_PCA,sourceData={acmPcaArn=arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/x}'",
               "ValidationException", "sourceType AWS_ACM_PCA takes its certificate from AWS Private CA");
    ra_refused(t, e, "create-trust-anchor --name leaf " + bundle_source("vm.crt"), "ValidationException", "cannot be a trust anchor");
    std::ofstream(t / "big.json") << json{{"sourceType", "CERTIFICATE_BUNDLE"}, {"sourceData", {{"x509CertificateData", std::string(8001, 'A')}}}}.dump();
    ra_refused(t, e, "create-trust-anchor --name big --source file://big.json", "ValidationException",
               "at 'source.sourceData.x509CertificateData' failed to satisfy constraint: Member must have length less than or equal to 8000");
    // Nothing was created by the refused calls.
    CHECK(ra_ok(t, e, "list-profiles")["profiles"].size() == 1);
    CHECK(ra_ok(t, e, "list-trust-anchors")["trustAnchors"].size() == 1);
}

TEST_CASE("control plane: unsigned, wrongly signed and unknown callers are refused", "[cli][control-plane]") {
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Auth Root\"", t.path()));
    issue_leaf(t, "vm", "vm");
    Emulate e("--anchor root-ca/ca.crt", t);
    const auto call = [&](const std::string& env, const std::string& extra = "") {
        return shell(env + aws_cli("rolesanywhere list-trust-anchors --endpoint-url " + e.url() + extra), t.path());
    };
    const auto wrong = call(aws_env(t, e.key_id(), e.secret() + "x"));
    CHECK(wrong.code == 254);
    CHECK_THAT(wrong.err, Catch::Contains("An error occurred (InvalidSignatureException) when calling the ListTrustAnchors operation: The request signature we "
                                          "calculated does not match the signature you provided."));
    const auto unknown = call(aws_env(t, "AKIAAAAAAAAAAAAAAAAA", e.secret()));
    CHECK(unknown.code == 254);
    CHECK_THAT(unknown.err, Catch::Contains("(UnrecognizedClientException) when calling the ListTrustAnchors operation: The security token included in the request is invalid."));
    const auto unsigned_call = call(aws_env(t, e.key_id(), e.secret()), " --no-sign-request");
    CHECK(unsigned_call.code == 254);
    CHECK_THAT(unsigned_call.err, Catch::Contains("(MissingAuthenticationTokenException)"));
    const auto region = call(aws_env(t, e.key_id(), e.secret(), "", "eu-west-1"));
    CHECK(region.code == 254);
    CHECK_THAT(region.err, Catch::Contains("Credential should be scoped to a valid region"));
    // Credentials the emulator issued sign control-plane calls too.
    const auto granted = exchange(t, e, "vm", e.info["trustAnchorArn"], e.info["profileArn"], e.info["roleArn"]);
    REQUIRE(granted.code == 0);
    const auto creds = json::parse(granted.out);
    const auto issued = call(aws_env(t, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"]));
    INFO(issued.err);
    CHECK(issued.code == 0);
    const auto bad_token = call(aws_env(t, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"].get<std::string>() + "x"));
    CHECK_THAT(bad_token.err, Catch::Contains("(UnrecognizedClientException)"));
    // The administrator is also who STS says it is.
    const auto who = shell(aws_env(t, e.key_id(), e.secret()) + aws_cli("sts get-caller-identity --endpoint-url " + e.url()), t.path());
    INFO(who.err);
    REQUIRE(who.code == 0);
    CHECK(json::parse(who.out)["Arn"] == "arn:aws:iam::123456789012:user/emulate-admin");
    // The request log names each call and never the secret.
    CHECK_THAT(e.process.err(), Catch::Contains("GET /trustanchors 200 ListTrustAnchors"));
    CHECK_THAT(e.process.err(), !Catch::Contains(e.secret()));
}

TEST_CASE("control plane: the blog's set-up driven by boto3, its Subjects listed by boto3", "[cli][control-plane][boto3]") {
    if (shell("/usr/bin/python3 -c 'import boto3'", "/").code != 0) FAIL("python3-boto3 (Debian) is required; run .ci/install-deps");
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Boto Root\"", t.path()));
    issue_leaf(t, "MyOnpremVM", "vm");
    issue_leaf(t, "SomeoneElse", "other");
    Emulate e("--state state.db", t);
    // The role, anchor and profile are made by boto3 alone; pkitool only exchanges certificates,
    // as a machine would, and boto3 checks the credentials and reads the Subjects back.
    std::ofstream(t / "setup.py") << R"PY(
import json, subprocess, sys, boto3
url, pkitool = sys.argv[1], sys.argv[2]
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
         "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
         "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "MyOnpremVM"}}}]}
role = boto3.client("iam", endpoint_url=url).create_role(RoleName="MyOnpremRole", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
ra = boto3.client("rolesanywhere", endpoint_url=url)
anchor = ra.create_trust_anchor(name="boto-root", enabled=True,
    source={"sourceType": "CERTIFICATE_BUNDLE", "sourceData": {"x509CertificateData": open("root-ca/ca.crt").read()}})["trustAnchor"]
profile = ra.create_profile(name="boto-profile", roleArns=[role["Arn"]], durationSeconds=1800)["profile"]
def exchange(name):
    return subprocess.run([pkitool, "exchange", "credential-process", "--no-cache", "--certificate", name + ".crt", "--private-key", name + ".key",
                           "--trust-anchor-arn", anchor["trustAnchorArn"], "--profile-arn", profile["profileArn"], "--role-arn", role["Arn"],
                           "--endpoint", url], capture_output=True, text=True)
while_disabled = exchange("vm")
ra.enable_profile(profileId=profile["profileId"])
granted = exchange("vm")
creds = json.loads(granted.stdout)
who = boto3.client("sts", endpoint_url=url, aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                   aws_session_token=creds["SessionToken"]).get_caller_identity()["Arn"]
other = exchange("other")
subjects = []
for page in ra.get_paginator("list_subjects").paginate():
    for s in page["subjects"]:
        detail = ra.get_subject(subjectId=s["subjectId"])["subject"]
        subjects.append({"x509Subject": s["x509Subject"], "failed": [c["failed"] for c in detail["credentials"]]})
listed = [p["name"] for page in ra.get_paginator("list_profiles").paginate(pageSize=1) for p in page["profiles"]]
try:
    ra.get_profile(profileId="00000000-0000-4000-8000-000000000000")
    missing = None
except ra.exceptions.ResourceNotFoundException as e:
    missing = e.response["Error"]["Code"]
print(json.dumps({"disabled": [while_disabled.returncode, while_disabled.stderr], "who": who, "other": [other.returncode, other.stderr],
                  "subjects": subjects, "profiles": listed, "missing": missing}))
)PY";
    const auto r = shell(aws_env(t, e.key_id(), e.secret()) + "timeout 120 /usr/bin/python3 setup.py " + e.url() + " '" PKITOOL_BINARY "'", t.path());
    INFO(r.err << "\nemulate: " << e.process.err());
    REQUIRE(r.code == 0);
    const auto out = json::parse(r.out);
    INFO(out.dump());
    CHECK(out["disabled"][0] == 1);
    CHECK_THAT(out["disabled"][1].get<std::string>(), Catch::Contains("profile \"boto-profile\"") && Catch::Contains("is disabled"));
    CHECK(out["who"] == "arn:aws:sts::123456789012:assumed-role/MyOnpremRole/" + openssl_serial("vm.crt", t));
    CHECK(out["other"][0] == 1);
    CHECK_THAT(out["other"][1].get<std::string>(), Catch::Contains("the certificate's x509Subject/CN is \"SomeoneElse\""));
    // The disabled profile's refusal and the later success are one credential: its latest outcome.
    CHECK(out["subjects"] == json::parse(R"([{"x509Subject": "CN=MyOnpremVM", "failed": [false]}, {"x509Subject": "CN=SomeoneElse", "failed": [true]}])"));
    CHECK(out["profiles"] == json::parse(R"(["boto-profile"])"));
    CHECK(out["missing"] == "ResourceNotFoundException");
}

static void spit(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

TEST_CASE("control plane: the blog's role made with aws iam, its trust policy judged at CreateSession, kept across a restart", "[cli][control-plane][iam]") {
    if (!fs::exists("/usr/bin/aws")) FAIL("/usr/bin/aws (Debian awscli) is required; run .ci/install-deps");
    TempDir t;
    must(run("ca init --dir root-ca --subject \"CN=Onprem Root\"", t.path()));
    issue_leaf(t, "MyOnpremVM", "vm");
    issue_leaf(t, "SomeoneElse", "other");
    // The AWS blog's trust policy, as written there.
    spit(t / "trust.json",
         R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
             "Action": ["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"],
             "Condition": {"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "MyOnpremVM"}}}]})");
    auto emulate = std::make_unique<Emulate>("--state state.db", t);
    const auto made = iam(t, *emulate, "create-role --role-name MyOnpremRole --max-session-duration 3600 --assume-role-policy-document file://trust.json");
    INFO(made.err << "\nemulate: " << emulate->process.err());
    REQUIRE(made.code == 0);
    const auto role = json::parse(made.out)["Role"];
    const std::string role_arn = role["Arn"];
    CHECK(role_arn == "arn:aws:iam::123456789012:role/MyOnpremRole");
    CHECK(role["AssumeRolePolicyDocument"] == json::parse(slurp(t / "trust.json")));
    const auto again = iam(t, *emulate, "create-role --role-name MyOnpremRole --assume-role-policy-document file://trust.json");
    CHECK(again.code == 254);
    CHECK_THAT(again.err, Catch::Contains("(EntityAlreadyExists)"));
    // An operator the engine does not know is refused when the role is made, not evaluated as false.
    spit(t / "typo.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
             "Action": "sts:*", "Condition": {"StringEqualz": {"aws:PrincipalTag/x509Subject/CN": "x"}}}]})");
    const auto typo = iam(t, *emulate, "create-role --role-name Typo --assume-role-policy-document file://typo.json");
    CHECK(typo.code == 254);
    CHECK_THAT(typo.err, Catch::Contains("(MalformedPolicyDocument)") && Catch::Contains("StringEqualz"));

    const std::string anchor_arn = ra_ok(t, *emulate, "create-trust-anchor --name onprem-root --enabled " + bundle_source("root-ca/ca.crt"))["trustAnchor"]["trustAnchorArn"];
    const auto profile = ra_ok(t, *emulate, "create-profile --name onprem --enabled --duration-seconds 7200 --role-arns " + role_arn)["profile"];
    const std::string profile_arn = profile["profileArn"];

    const auto granted = exchange(t, *emulate, "vm", anchor_arn, profile_arn, role_arn);
    INFO(granted.err << "\nemulate: " << emulate->process.err());
    REQUIRE(granted.code == 0);
    // The role's MaxSessionDuration (3600) caps the profile's 7200: expiry within the hour.
    const auto expires = json::parse(granted.out)["Expiration"].get<std::string>();
    const auto left = shell("echo $(( $(date -d '" + expires + "' +%s) - $(date +%s) ))", t.path());
    CHECK(std::stoi(left.out) <= 3600);
    CHECK(std::stoi(left.out) > 3000);

    // A certificate's session may not touch roles: the emulator evaluates no permissions.
    const auto c = json::parse(granted.out);
    const auto as_session = shell(aws_env(t, c["AccessKeyId"], c["SecretAccessKey"], c["SessionToken"]) +
                                      aws_cli("iam update-assume-role-policy --role-name MyOnpremRole --policy-document file://typo.json --endpoint-url " + emulate->url()),
                                  t.path());
    CHECK(as_session.code == 254);
    CHECK_THAT(as_session.err, Catch::Contains("(AccessDenied)"));
    // A document at the model's 131,072 characters is refused, and the endpoint still answers.
    spit(t / "huge.json", R"({"Version": "2012-10-17", "Statement": [], "Sid": ")" + std::string(131000, 'x') + "\"}");
    const auto huge = iam(t, *emulate, "create-role --role-name Huge --assume-role-policy-document file://huge.json");
    CHECK(huge.code == 254);
    CHECK_THAT(huge.err, Catch::Contains("(MalformedPolicyDocument)"));
    CHECK(iam(t, *emulate, "get-role --role-name MyOnpremRole").code == 0);

    const auto refused = exchange(t, *emulate, "other", anchor_arn, profile_arn, role_arn);
    CHECK(refused.code == 1);
    CHECK_THAT(refused.err, Catch::Contains("role \"MyOnpremRole\" does not trust this certificate: the certificate's x509Subject/CN is \"SomeoneElse\""));

    // A policy that drops sts:TagSession refuses everyone, naming the action.
    spit(t / "no-tag.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "rolesanywhere.amazonaws.com"},
             "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"]}]})");
    must(iam(t, *emulate, "update-assume-role-policy --role-name MyOnpremRole --policy-document file://no-tag.json"));
    CHECK_THAT(exchange(t, *emulate, "vm", anchor_arn, profile_arn, role_arn).err, Catch::Contains("sts:TagSession"));
    must(iam(t, *emulate, "update-assume-role-policy --role-name MyOnpremRole --policy-document file://trust.json"));

    // Restart on the same state: the role and its policy are still there and still judged.
    CHECK(emulate->process.stop() == 0);
    emulate.reset();
    emulate = std::make_unique<Emulate>("--state state.db", t);
    const auto kept = iam(t, *emulate, "get-role --role-name MyOnpremRole");
    REQUIRE(kept.code == 0);
    CHECK(json::parse(kept.out)["Role"]["AssumeRolePolicyDocument"] == json::parse(slurp(t / "trust.json")));
    CHECK(exchange(t, *emulate, "vm", anchor_arn, profile_arn, role_arn).code == 0);
    CHECK(exchange(t, *emulate, "other", anchor_arn, profile_arn, role_arn).code == 1);
    // Both callers are Subjects, across the restart: the accepted one and the refused one.
    const auto subjects = ra_ok(t, *emulate, "list-subjects")["subjects"];
    INFO(subjects.dump());
    REQUIRE(subjects.size() == 2);
    CHECK(subjects[0]["x509Subject"] == "CN=MyOnpremVM");
    CHECK(subjects[1]["x509Subject"] == "CN=SomeoneElse");
    const auto refused_subject = ra_ok(t, *emulate, "get-subject --subject-id " + subjects[1]["subjectId"].get<std::string>())["subject"];
    INFO(refused_subject.dump());
    REQUIRE(refused_subject["credentials"].size() == 1);
    const auto& seen = refused_subject["credentials"][0];
    CHECK(seen["failed"] == true);
    CHECK(seen["issuer"] == "CN=Onprem Root");
    // The serial as the certificate's Credential= carries it: decimal, which openssl prints in hex.
    const auto decimal = shell("python3 -c 'print(int(\"" + openssl_serial("other.crt", t) + "\", 16))'", t.path());
    CHECK(seen["serialNumber"].get<std::string>() + "\n" == decimal.out);
    CHECK(seen["x509CertificateData"].get<std::string>() == slurp(t / "other.crt"));
    const auto accepted_subject = ra_ok(t, *emulate, "get-subject --subject-id " + subjects[0]["subjectId"].get<std::string>())["subject"];
    CHECK(accepted_subject["credentials"][0]["failed"] == false);
    const auto gone = iam(t, *emulate, "delete-role --role-name MyOnpremRole");
    CHECK(gone.code == 0);
    CHECK_THAT(exchange(t, *emulate, "vm", anchor_arn, profile_arn, role_arn).err, Catch::Contains("no role " + role_arn));
}
