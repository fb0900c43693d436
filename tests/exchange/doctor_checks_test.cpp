// The doctor's checks one by one (issue #12), on the openssl-made fixture certificates: each broken
// set-up is named by the check that fails, and where the verdict is about the chain (reaches the
// anchor, revoked, expired) `openssl verify -x509_strict` judges the same files the same way.
#include "exchange/doctor/checks.h"
#include "tests/exchange/emulator_fixture.h"

#include <catch2/catch.hpp>

#include <map>

using namespace pkitool;
using namespace pkitool::exchange::doctor;
using exchange::TrustPolicy;

namespace {

const std::string kAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/0f6e5b5a-0000-4000-8000-000000000001";
const std::string kProfileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/0f6e5b5a-0000-4000-8000-000000000002";
const std::string kRoleArn = "arn:aws:iam::123456789012:role/MyOnpremRole";
const std::string kActions = R"("Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"])";
const std::string kPrincipal = R"("Principal":{"Service":"rolesanywhere.amazonaws.com"})";

std::string policy(const std::string& statements) { return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}"; }
std::string allow(const std::string& condition = "") {
    return "{\"Effect\":\"Allow\"," + kPrincipal + "," + kActions + (condition.empty() ? "" : ",\"Condition\":" + condition) + "}";
}
const std::string kOnlyMyOnpremVM = R"({"StringEquals":{"aws:PrincipalTag/x509Subject/CN":"MyOnpremVM"}})";

Presented presented(const std::string& name, const std::vector<std::string>& intermediates = {}) {
    const auto& f = test::EmulatorFixture::get();
    Presented p{f.cert(name), {}, "", kAnchorArn, kProfileArn, kRoleArn, "", 3600};
    for (const auto& i : intermediates) p.intermediates.push_back(f.cert(i));
    return p;
}

// The fixture's root as the anchor with its CRL, a profile listing the role, and the blog's role.
Setup healthy() {
    const auto& f = test::EmulatorFixture::get();
    Setup s;
    s.anchor = Setup::Anchor{true, {f.cert("root")}};
    s.crls.push_back(Botan::X509_CRL(f.path("crl.pem").string()));
    s.profile = Setup::Profile{"vm-profile", true, {kRoleArn}, 3600, exchange::default_attribute_mappings()};
    s.role = Setup::Role{TrustPolicy::parse(policy(allow(kOnlyMyOnpremVM))), 3600};
    s.source = "the test";
    return s;
}

std::map<std::string, Check> by_id(const std::vector<Check>& checks) {
    std::map<std::string, Check> out;
    for (const auto& c : checks) out[c.id] = c;
    return out;
}

// Every check, local and set-up, keyed by id.
std::map<std::string, Check> run(const Presented& p, const Setup& s) {
    auto all = local_checks(p, std::chrono::system_clock::now());
    for (auto& c : setup_checks(p, s, std::chrono::system_clock::now())) all.push_back(std::move(c));
    return by_id(all);
}

// The ids that fail.
std::vector<std::string> failing(const std::map<std::string, Check>& checks) {
    std::vector<std::string> out;
    for (const auto& [id, c] : checks)
        if (c.status == Status::Fail) out.push_back(id);
    return out;
}

// `openssl verify -x509_strict` of fixture certificate `name` against the root, with `extra` flags.
int openssl_verify(const std::string& name, const std::string& extra = "") {
    const auto& f = test::EmulatorFixture::get();
    return test::shell("openssl verify -x509_strict -CAfile root.crt " + extra + " " + name + ".crt", f.path("")).code;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("doctor checks: a healthy set-up passes every check, as openssl agrees", "[doctor]") {
    const auto checks = run(presented("ec"), healthy());
    CHECK(failing(checks) == V{});
    CHECK(checks.size() == 13);
    for (const auto& [id, c] : checks) CHECK(c.status == Status::Ok);
    CHECK_THAT(checks.at("trust-policy.conditions").message, Catch::Contains(R"(StringEquals aws:PrincipalTag/x509Subject/CN MyOnpremVM (the certificate gives "MyOnpremVM"))"));
    CHECK(openssl_verify("ec", "-crl_check -CRLfile crl.pem") == 0);
}

TEST_CASE("doctor checks: each broken certificate or chain is named by its check, as openssl judges it", "[doctor]") {
    SECTION("a certificate of another CA does not reach the anchor") {
        const auto checks = run(presented("foreign"), healthy());
        CHECK(failing(checks) == V{"anchor.reaches", "trust-policy.conditions"});
        CHECK_THAT(checks.at("anchor.reaches").message, Catch::Contains("ra.chain.untrusted"));
        CHECK(openssl_verify("foreign") != 0);
    }
    SECTION("a leaf of an issuing CA reaches the anchor only with its intermediate") {
        CHECK(failing(run(presented("sub"), healthy())) == V{"anchor.reaches", "trust-policy.conditions"});
        CHECK(openssl_verify("sub") != 0);
        CHECK(failing(run(presented("sub", {"intca"}), healthy())) == V{"trust-policy.conditions"});
        CHECK(openssl_verify("sub", "-untrusted intca.crt") == 0);
    }
    SECTION("an expired certificate fails lint, and nothing else about the chain") {
        const auto checks = run(presented("expired"), healthy());
        CHECK(failing(checks) == V{"certificate.lint", "trust-policy.conditions"});
        CHECK_THAT(checks.at("certificate.lint").message, Catch::Contains("ra.validity.expired"));
        CHECK(openssl_verify("expired") != 0);
    }
    SECTION("a leaf without digitalSignature fails lint: a Roles Anywhere rule, not a chain fault (openssl verify accepts the chain)") {
        const auto checks = run(presented("nods"), healthy());
        CHECK(failing(checks) == V{"certificate.lint", "trust-policy.conditions"});
        CHECK_THAT(checks.at("certificate.lint").message, Catch::Contains("ra.ee.digital-signature"));
        CHECK(checks.at("anchor.reaches").status == Status::Ok);
        CHECK(openssl_verify("nods") == 0);
    }
    SECTION("a certificate the imported CRL revokes") {
        const auto checks = run(presented("revoked"), healthy());
        CHECK(failing(checks) == V{"crl.not-revoked", "trust-policy.conditions"});
        CHECK(openssl_verify("revoked", "-crl_check -CRLfile crl.pem") != 0);
        auto no_crl = healthy();
        no_crl.crls.clear();
        CHECK(run(presented("revoked"), no_crl).at("crl.not-revoked").status == Status::Skip);
        CHECK(openssl_verify("revoked") == 0);
    }
    SECTION("a private key that is not the certificate's") {
        auto p = presented("ec");
        p.key_problem = "vm.key: not the key of vm.crt";
        CHECK(failing(run(p, healthy())) == V{"key.matches-certificate"});
    }
}

TEST_CASE("doctor checks: ARNs malformed, of two accounts or regions, or asked in another region", "[doctor]") {
    auto p = presented("ec");
    p.role_arn = "arn:aws:iam::123456789012:user/MyOnpremRole";
    const auto malformed = run(p, healthy());
    CHECK(malformed.at("arns.well-formed").status == Status::Fail);
    CHECK_THAT(malformed.at("arns.well-formed").message, Catch::Contains("role ARN \"arn:aws:iam::123456789012:user/MyOnpremRole\""));
    CHECK(malformed.at("arns.same-region-account").status == Status::Skip);

    p = presented("ec");
    p.profile_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/0f6e5b5a-0000-4000-8000-000000000002";
    CHECK(run(p, healthy()).at("arns.same-region-account").status == Status::Fail);
    p = presented("ec");
    p.role_arn = "arn:aws:iam::210987654321:role/MyOnpremRole";
    CHECK(run(p, healthy()).at("arns.same-region-account").status == Status::Fail);

    p = presented("ec");
    p.region = "eu-west-1";
    const auto region = run(p, healthy());
    CHECK(failing(region) == V{"arns.region"});
    CHECK(region.at("arns.region").message == "the session is asked for in eu-west-1 but the trust anchor is in us-east-1");
}

TEST_CASE("doctor checks: anchor, profile and role as the control plane holds them", "[doctor]") {
    const auto p = presented("ec");
    SECTION("disabled anchor") {
        auto s = healthy();
        s.anchor->enabled = false;
        CHECK(failing(run(p, s)) == V{"anchor.enabled"});
    }
    SECTION("disabled profile") {
        auto s = healthy();
        s.profile->enabled = false;
        CHECK(failing(run(p, s)) == V{"profile.enabled"});
    }
    SECTION("a role the profile does not list") {
        auto s = healthy();
        s.profile->role_arns = {"arn:aws:iam::123456789012:role/Other"};
        const auto checks = run(p, s);
        CHECK(failing(checks) == V{"profile.lists-role"});
        CHECK(checks.at("profile.lists-role").message == "the profile lists arn:aws:iam::123456789012:role/Other, not " + kRoleArn);
    }
    SECTION("a control plane without the anchor, profile or role fails their first check, and skips the rest") {
        Setup s;
        s.source = "the emulator at http://127.0.0.1:1";
        s.looked_up = true;
        const auto checks = run(p, s);
        CHECK(failing(checks) == V{"anchor.enabled", "profile.enabled", "trust-policy.actions"});
        CHECK(checks.at("anchor.enabled").message == "the emulator at http://127.0.0.1:1 has no trust anchor " + kAnchorArn);
        CHECK(checks.at("anchor.reaches").status == Status::Skip);
        CHECK(checks.at("duration.bounds").status == Status::Skip);
        // Not looked up (no set-up given): unknown, so skipped, not failed.
        CHECK(failing(run(p, Setup{})) == V{});
    }
}

TEST_CASE("doctor checks: the trust policy's actions and conditions, with the certificate's values", "[doctor]") {
    const auto p = presented("ec");
    SECTION("an action left out") {
        auto s = healthy();
        s.role->trust_policy = TrustPolicy::parse(policy("{\"Effect\":\"Allow\"," + kPrincipal + R"(,"Action":["sts:AssumeRole","sts:SetSourceIdentity"]})"));
        const auto checks = run(p, s);
        CHECK(failing(checks) == V{"trust-policy.actions"});
        CHECK(checks.at("trust-policy.actions").message == "no statement allows sts:TagSession for rolesanywhere.amazonaws.com");
    }
    SECTION("an explicit Deny whose condition holds") {
        auto s = healthy();
        s.role->trust_policy = TrustPolicy::parse(policy(allow() + ",{\"Effect\":\"Deny\"," + kPrincipal + R"(,"Action":"sts:*","Condition":{"StringEquals":{"aws:PrincipalTag/x509Subject/O":"Example"}}})"));
        const auto checks = run(p, s);
        CHECK(failing(checks) == V{"trust-policy.actions"});
        CHECK_THAT(checks.at("trust-policy.actions").message, Catch::StartsWith("explicit Deny in Statement[1]"));
        CHECK_THAT(checks.at("trust-policy.actions").fix, Catch::Contains("Deny"));
    }
    SECTION("a CN condition another certificate does not meet: the value is shown") {
        const auto checks = run(presented("othercn"), healthy());
        CHECK(failing(checks) == V{"trust-policy.conditions"});
        CHECK(checks.at("trust-policy.conditions").message ==
              R"(failed: StringEquals aws:PrincipalTag/x509Subject/CN MyOnpremVM (the certificate gives "SomeOtherVM"))");
        CHECK(checks.at("trust-policy.actions").status == Status::Ok);
    }
    SECTION("an attribute mapping that drops the CN tag") {
        auto s = healthy();
        s.profile->mappings = {{"x509Issuer", {"*"}}};
        const auto checks = run(p, s);
        CHECK(failing(checks) == V{"trust-policy.conditions"});
        CHECK_THAT(checks.at("trust-policy.conditions").message, Catch::EndsWith("(the certificate gives no value)"));
    }
    SECTION("the session lasts the least of the request, the profile and the role") {
        auto s = healthy();
        s.profile->duration_seconds = 900;
        const auto d = run(p, s).at("duration.bounds");
        CHECK(d.status == Status::Ok);
        CHECK(d.message == "3600 s asked, 900 s granted (profile 900 s, role 3600 s)");
    }
}

TEST_CASE("doctor checks: clock skew against the endpoint's Date header", "[doctor]") {
    using namespace std::chrono;
    const auto now = system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37 GMT (RFC 9110's example)
    const auto date = std::optional<std::string>("Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(clock_check(date, now).status == Status::Ok);
    CHECK(clock_check(date, now + minutes(4)).status == Status::Ok);
    const auto ahead = clock_check(date, now + minutes(6));
    CHECK(ahead.status == Status::Fail);
    CHECK(ahead.message == "this machine's clock is 360 s ahead of the endpoint's");
    CHECK(clock_check(date, now - minutes(6)).message == "this machine's clock is 360 s behind the endpoint's");
    CHECK(clock_check(std::string("yesterday"), now).status == Status::Skip);
    CHECK(clock_check(std::nullopt, now).status == Status::Skip);
}
