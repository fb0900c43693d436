// IAM string conditions and the tags Roles Anywhere derives from a certificate.
#include "exchange/emulator/attribute_mapping.h"
#include "tests/exchange/emulator_fixture.h"

#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

TEST_CASE("trust policy: StringLike wildcards", "[emulate]") {
    CHECK(wildcard_match("My*VM", "MyOnpremVM"));
    CHECK(wildcard_match("*", ""));
    CHECK(wildcard_match("vm-0?", "vm-01"));
    CHECK_FALSE(wildcard_match("vm-0?", "vm-012"));
    CHECK_FALSE(wildcard_match("my*", "MyOnpremVM"));  // case-sensitive, as IAM is
    CHECK(wildcard_match("a*b*c", "aXXbYYc"));
    CHECK_FALSE(wildcard_match("a*b*c", "aXXbYY"));
    CHECK(wildcard_match(std::string(50, '*') + "z", std::string(5000, 'a') + "z"));
}

TEST_CASE("trust policy: tags from the certificate and conditions over them", "[emulate]") {
    const auto tags = principal_tags(pkitool::test::EmulatorFixture::get().cert("ec"));
    CHECK(tags.at("x509Subject/CN") == "MyOnpremVM");
    CHECK(tags.at("x509Subject/O") == "Example");
    CHECK(tags.at("x509Issuer/CN") == "Test Root CA");
    const auto p = TrustPolicy::allowing_rolesanywhere(
        R"({"StringLike":{"aws:PrincipalTag/x509Subject/CN":["nope","MyOnprem*"]},"StringEquals":{"aws:PrincipalTag/x509Issuer/CN":"Test Root CA"}})");
    CHECK(p.evaluate({tags, "", ""}).allowed());
    const auto q = TrustPolicy::allowing_rolesanywhere(R"({"StringEquals":{"aws:PrincipalTag/x509SAN/DNS":"vm.example"}})");
    CHECK(q.evaluate({tags, "", ""}).reason ==
          "the certificate has no x509SAN/DNS tag, the trust policy requires StringEquals aws:PrincipalTag/x509SAN/DNS \"vm.example\"");
}

namespace {

const char* const kBlogPolicy =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},)"
    R"("Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"],)"
    R"("Condition":{"StringEquals":{"aws:PrincipalTag/x509Subject/CN":"MyOnpremVM"}}}]})";

const std::string kAnchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/1111";

TrustRequest request(PrincipalTags tags, std::string source_arn = kAnchor, std::string source_identity = "CN=MyOnpremVM") {
    return {std::move(tags), std::move(source_arn), std::move(source_identity)};
}

const PrincipalTags kVm = {{"x509Subject/CN", "MyOnpremVM"}, {"x509Subject/O", "Example"}, {"x509Issuer/CN", "Test Root CA"},
                           {"x509SAN/DNS", "vm.example.com"}};

// The verdict of a role allowing the Roles Anywhere principal under one Condition block.
TrustVerdict under(const std::string& condition, const TrustRequest& r = request(kVm)) { return TrustPolicy::allowing_rolesanywhere(condition).evaluate(r); }
bool allows(const std::string& condition, const TrustRequest& r = request(kVm)) { return under(condition, r).allowed(); }

std::string parse_error(const std::string& document) {
    try {
        TrustPolicy::parse(document);
    } catch (const pkitool::Error& e) {
        return e.what();
    }
    return "(no error)";
}

std::string statement(const std::string& body) { return R"({"Version":"2012-10-17","Statement":[)" + body + "]}"; }

const std::string kRa = R"("Principal":{"Service":"rolesanywhere.amazonaws.com"})";
const std::string kAll = R"("Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"])";

}  // namespace

TEST_CASE("trust policy: the AWS blog's policy", "[emulate]") {
    const auto p = TrustPolicy::parse(kBlogPolicy);
    CHECK(p.document() == kBlogPolicy);
    const auto ok = p.evaluate(request(kVm));
    CHECK(ok.allowed());
    CHECK(ok.refusal == TrustRefusal::None);
    CHECK(ok.reason.empty());
    REQUIRE(ok.conditions.size() == 1);
    CHECK(ok.conditions[0].op == "StringEquals");
    CHECK(ok.conditions[0].key == "aws:PrincipalTag/x509Subject/CN");
    CHECK(ok.conditions[0].actual == "MyOnpremVM");
    CHECK(ok.conditions[0].held);
    auto other = kVm;
    other["x509Subject/CN"] = "other";
    const auto no = p.evaluate(request(other));
    CHECK_FALSE(no.allowed());
    CHECK(no.refusal == TrustRefusal::ConditionUnmet);
    CHECK(no.reason == R"(the certificate's x509Subject/CN is "other", the trust policy requires StringEquals aws:PrincipalTag/x509Subject/CN "MyOnpremVM")");
    REQUIRE(no.conditions.size() == 1);
    CHECK_FALSE(no.conditions[0].held);
}

TEST_CASE("trust policy: string operators, positive and negative", "[emulate]") {
    CHECK(allows(R"({"StringEquals":{"aws:PrincipalTag/x509Subject/O":["Other","Example"]}})"));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:PrincipalTag/x509Subject/O":"example"}})"));
    CHECK(allows(R"({"StringNotEquals":{"aws:PrincipalTag/x509Subject/O":["Other","Else"]}})"));
    CHECK_FALSE(allows(R"({"StringNotEquals":{"aws:PrincipalTag/x509Subject/O":["Other","Example"]}})"));
    CHECK(allows(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/x509Subject/O":"EXAMPLE"}})"));
    CHECK_FALSE(allows(R"({"StringEqualsIgnoreCase":{"aws:PrincipalTag/x509Subject/O":"EXAMPLES"}})"));
    CHECK(allows(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/x509Subject/O":"other"}})"));
    CHECK_FALSE(allows(R"({"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/x509Subject/O":"EXAMPLE"}})"));
    CHECK(allows(R"({"StringLike":{"aws:PrincipalTag/x509SAN/DNS":"*.example.com"}})"));
    CHECK_FALSE(allows(R"({"StringLike":{"aws:PrincipalTag/x509SAN/DNS":"*.example.org"}})"));
    CHECK(allows(R"({"StringNotLike":{"aws:PrincipalTag/x509SAN/DNS":["*.org","db-*"]}})"));
    CHECK_FALSE(allows(R"({"StringNotLike":{"aws:PrincipalTag/x509SAN/DNS":["*.org","vm.*"]}})"));
    // Keys and operators are ANDed.
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:PrincipalTag/x509Subject/O":"Example","aws:PrincipalTag/x509Issuer/CN":"Other CA"}})"));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:PrincipalTag/x509Subject/O":"Example"},"StringLike":{"aws:PrincipalTag/x509Issuer/CN":"Other*"}})"));
    // Key names are not case-sensitive in IAM; the values are.
    CHECK(allows(R"({"StringEquals":{"AWS:principaltag/X509SUBJECT/cn":"MyOnpremVM"}})"));
    CHECK(under(R"({"StringNotEquals":{"aws:PrincipalTag/x509Subject/O":"Example"}})").reason ==
          R"(the certificate's x509Subject/O is "Example", the trust policy requires StringNotEquals aws:PrincipalTag/x509Subject/O "Example")");
}

TEST_CASE("trust policy: absent keys for each family", "[emulate]") {
    const PrincipalTags bare = {{"x509Subject/CN", "vm"}};
    for (const char* key : {"aws:PrincipalTag/x509Issuer/CN", "aws:PrincipalTag/x509SAN/DNS", "aws:PrincipalTag/x509SAN/URI",
                            "aws:PrincipalTag/x509SAN/Name/CN", "aws:PrincipalTag/x509Subject/OU"}) {
        const std::string k = key;
        CAPTURE(k);
        CHECK_FALSE(allows(R"({"StringEquals":{")" + k + R"(":"x"}})", request(bare)));
        CHECK_FALSE(allows(R"({"StringLike":{")" + k + R"(":"*"}})", request(bare)));
        CHECK_FALSE(allows(R"({"StringEqualsIgnoreCase":{")" + k + R"(":"x"}})", request(bare)));
        CHECK(allows(R"({"StringNotEquals":{")" + k + R"(":"x"}})", request(bare)));
        CHECK(allows(R"({"StringNotLike":{")" + k + R"(":"*"}})", request(bare)));
        CHECK(allows(R"({"StringEqualsIfExists":{")" + k + R"(":"x"}})", request(bare)));
    }
    CHECK(under(R"({"StringEquals":{"aws:PrincipalTag/x509SAN/URI":"spiffe://x"}})", request(bare)).reason ==
          R"(the certificate has no x509SAN/URI tag, the trust policy requires StringEquals aws:PrincipalTag/x509SAN/URI "spiffe://x")");
    CHECK_FALSE(allows(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:*:*:*:*"}})", request(bare, "")));
    CHECK(allows(R"({"ArnNotEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:*:*:*:*"}})", request(bare, "")));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:SourceIdentity":"CN=vm"}})", request(bare, kAnchor, "")));
    CHECK(under(R"({"StringEquals":{"aws:SourceIdentity":"CN=vm"}})", request(bare, kAnchor, "")).reason ==
          R"(the request has no aws:SourceIdentity, the trust policy requires StringEquals aws:SourceIdentity "CN=vm")");
}

TEST_CASE("trust policy: IfExists", "[emulate]") {
    // Present: IfExists changes nothing; absent: the condition holds.
    CHECK(allows(R"({"StringLikeIfExists":{"aws:PrincipalTag/x509SAN/DNS":"*.example.com"}})"));
    CHECK_FALSE(allows(R"({"StringLikeIfExists":{"aws:PrincipalTag/x509SAN/DNS":"*.example.org"}})"));
    CHECK(allows(R"({"StringLikeIfExists":{"aws:PrincipalTag/x509SAN/URI":"spiffe://*"}})"));
    CHECK_FALSE(allows(R"({"StringNotEqualsIfExists":{"aws:PrincipalTag/x509Subject/O":"Example"}})"));
    CHECK(allows(R"({"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:rolesanywhere:*:123456789012:trust-anchor/*"}})", request(kVm, "")));
    CHECK_FALSE(allows(R"({"ArnLikeIfExists":{"aws:SourceArn":"arn:aws:rolesanywhere:*:999999999999:trust-anchor/*"}})"));
}

TEST_CASE("trust policy: ForAnyValue and ForAllValues", "[emulate]") {
    CHECK(allows(R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/x509Subject/O":["Example","Other"]}})"));
    CHECK_FALSE(allows(R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/x509Subject/O":["Other"]}})"));
    CHECK_FALSE(allows(R"({"ForAnyValue:StringEquals":{"aws:PrincipalTag/x509SAN/URI":["x"]}})"));  // absent: no value to match
    CHECK(allows(R"({"ForAllValues:StringLike":{"aws:PrincipalTag/x509Subject/O":["Ex*"]}})"));
    CHECK_FALSE(allows(R"({"ForAllValues:StringLike":{"aws:PrincipalTag/x509Subject/O":["Ot*"]}})"));
    CHECK(allows(R"({"ForAllValues:StringEquals":{"aws:PrincipalTag/x509SAN/URI":["x"]}})"));  // absent: vacuously true
    CHECK(allows(R"({"ForAnyValue:StringNotEquals":{"aws:PrincipalTag/x509Subject/O":["Other"]}})"));
    CHECK_FALSE(allows(R"({"ForAllValues:StringNotEquals":{"aws:PrincipalTag/x509Subject/O":["Example"]}})"));
    CHECK(allows(R"({"ForAnyValue:StringLikeIfExists":{"aws:PrincipalTag/x509SAN/URI":["x"]}})"));
}

TEST_CASE("trust policy: Null", "[emulate]") {
    CHECK(allows(R"({"Null":{"aws:PrincipalTag/x509SAN/URI":"true"}})"));
    CHECK_FALSE(allows(R"({"Null":{"aws:PrincipalTag/x509SAN/DNS":"true"}})"));
    CHECK(allows(R"({"Null":{"aws:PrincipalTag/x509SAN/DNS":false}})"));
    CHECK_FALSE(allows(R"({"Null":{"aws:PrincipalTag/x509SAN/URI":false}})"));
    CHECK(allows(R"({"Null":{"aws:SourceIdentity":"false"}})"));
    CHECK(under(R"({"Null":{"aws:PrincipalTag/x509SAN/URI":"false"}})").reason ==
          R"(the certificate has no x509SAN/URI tag, the trust policy requires Null aws:PrincipalTag/x509SAN/URI "false")");
}

TEST_CASE("trust policy: ARN operators on aws:SourceArn", "[emulate]") {
    CHECK(allows(R"({"ArnEquals":{"aws:SourceArn":")" + kAnchor + R"("}})"));
    CHECK_FALSE(allows(R"({"ArnEquals":{"aws:SourceArn":"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/2222"}})"));
    CHECK(allows(R"({"ArnLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:123456789012:trust-anchor/*"}})"));
    CHECK(allows(R"({"ArnLike":{"aws:SourceArn":"arn:aws:rolesanywhere:us-east-?:123456789012:*"}})"));
    // Each of the six fields is matched on its own: a '*' in the region does not swallow the account.
    CHECK_FALSE(allows(R"({"ArnLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:trust-anchor/1111"}})"));
    CHECK_FALSE(allows(R"({"ArnLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:999999999999:trust-anchor/*"}})"));
    CHECK_FALSE(allows(R"({"ArnLike":{"aws:SourceArn":"arn:aws:iam:*:123456789012:*"}})"));
    CHECK(allows(R"({"ArnNotLike":{"aws:SourceArn":"arn:aws:rolesanywhere:*:999999999999:*"}})"));
    CHECK_FALSE(allows(R"({"ArnNotEquals":{"aws:SourceArn":")" + kAnchor + R"("}})"));
    CHECK_FALSE(allows(R"({"ArnEquals":{"aws:SourceArn":")" + kAnchor + R"("}})", request(kVm, "not-an-arn")));
    CHECK(allows(R"({"StringEquals":{"aws:SourceIdentity":"CN=MyOnpremVM"}})"));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:SourceIdentity":"CN=Other"}})"));
    CHECK(allows(R"({"StringEquals":{"sts:SourceIdentity":"CN=MyOnpremVM"}})"));
    // aws:SourceAccount is the trust anchor's account, as the confused-deputy guidance uses it.
    CHECK(allows(R"({"StringEquals":{"aws:SourceAccount":"123456789012"}})"));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:SourceAccount":"999999999999"}})"));
    CHECK_FALSE(allows(R"({"StringEquals":{"aws:SourceAccount":"123456789012"}})", request(kVm, "not-an-arn")));
}

TEST_CASE("trust policy: an explicit Deny wins", "[emulate]") {
    const auto p = TrustPolicy::parse(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + "},"
                                                "{\"Sid\":\"NoRetired\",\"Effect\":\"Deny\"," + kRa + ",\"Action\":\"sts:*\","
                                                R"("Condition":{"StringEquals":{"aws:PrincipalTag/x509Subject/OU":"Retired"}}})"));
    CHECK(p.evaluate(request(kVm)).allowed());
    auto retired = kVm;
    retired["x509Subject/OU"] = "Retired";
    const auto v = p.evaluate(request(retired));
    CHECK_FALSE(v.allowed());
    CHECK(v.refusal == TrustRefusal::ExplicitDeny);
    CHECK_THAT(v.reason, Catch::StartsWith("explicit Deny in Statement[1]"));
    REQUIRE(v.conditions.size() == 1);
    CHECK(v.conditions[0].statement == 1);
    CHECK(v.conditions[0].held);
    // A Deny of one action is enough; NotAction denies all but what it names.
    CHECK_FALSE(TrustPolicy::parse(statement("{\"Effect\":\"Allow\"," + kRa + ",\"Action\":\"*\"},{\"Effect\":\"Deny\"," + kRa +
                                             ",\"Action\":\"STS:tagsession\"}"))
                    .evaluate(request(kVm))
                    .allowed());
    CHECK(TrustPolicy::parse(statement("{\"Effect\":\"Allow\"," + kRa + ",\"Action\":\"sts:*\"},{\"Effect\":\"Deny\"," + kRa +
                                       R"(,"NotAction":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"]})"))
              .evaluate(request(kVm))
              .allowed());
}

TEST_CASE("trust policy: every action must be allowed, and by the right principal", "[emulate]") {
    const auto two = TrustPolicy::parse(statement("{\"Effect\":\"Allow\"," + kRa + R"(,"Action":["sts:AssumeRole","sts:SetSourceIdentity"]})"));
    CHECK(two.evaluate(request(kVm)).reason == "no statement allows sts:TagSession for rolesanywhere.amazonaws.com");
    CHECK(two.evaluate(request(kVm)).refusal == TrustRefusal::ActionNotAllowed);
    // Split over statements, with wildcards matched case-insensitively as IAM does.
    CHECK(TrustPolicy::parse(statement("{\"Effect\":\"Allow\"," + kRa + R"(,"Action":"sts:AssumeRole"},{"Effect":"Allow",)" + kRa +
                                       R"(,"Action":"STS:*Session"},{"Effect":"Allow",)" + kRa + R"(,"Action":"sts:Set*"})"))
              .evaluate(request(kVm))
              .allowed());
    const auto ec2 = TrustPolicy::parse(statement(R"({"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com"]},)" + kAll + "}"));
    const auto v = ec2.evaluate(request(kVm));
    CHECK(v.reason == "no statement allows sts:AssumeRole for rolesanywhere.amazonaws.com");
    CHECK(v.conditions.empty());
    CHECK_FALSE(TrustPolicy::parse(statement(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},)" + kAll + "}"))
                    .evaluate(request(kVm))
                    .allowed());
    CHECK(TrustPolicy::parse(statement(R"({"Effect":"Allow","Principal":"*",)" + kAll + "}")).evaluate(request(kVm)).allowed());
    CHECK_FALSE(TrustPolicy().evaluate(request(kVm)).allowed());
    // An Allow that fails its condition: the reason is the condition, not a missing action.
    CHECK_THAT(TrustPolicy::parse(kBlogPolicy).evaluate(request({})).reason, Catch::StartsWith("the certificate has no x509Subject/CN tag"));
    // A single statement object is a Statement too; Version may be left out.
    CHECK(TrustPolicy::parse("{\"Statement\":{\"Effect\":\"Allow\"," + kRa + "," + kAll + "}}").evaluate(request(kVm)).allowed());
}

TEST_CASE("trust policy: documents IAM or this evaluator refuses", "[emulate]") {
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"StringEqualz":{"aws:PrincipalTag/x509Subject/CN":"x"}}})")),
               Catch::StartsWith("Statement[0].Condition.StringEqualz: unknown condition operator"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/Team":"x"}}})")),
               Catch::StartsWith("Statement[0].Condition.StringEquals.aws:PrincipalTag/Team: unknown session tag"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"StringEquals":{"aws:RequestedRegion":"x"}}})")),
               Catch::StartsWith("Statement[0].Condition.StringEquals.aws:RequestedRegion: unknown condition key"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"NullIfExists":{"aws:SourceArn":"true"}}})")),
               Catch::StartsWith("Statement[0].Condition.NullIfExists: "));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"ArnLike":{"aws:PrincipalTag/x509Subject/CN":"x"}}})")),
               Catch::StartsWith("Statement[0].Condition.ArnLike.aws:PrincipalTag/x509Subject/CN: "));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Permit\"," + kRa + "," + kAll + "}")), Catch::StartsWith("Statement[0].Effect: must be"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + ",\"Resource\":\"*\"}")),
               Catch::StartsWith("Statement[0].Resource: a trust policy has no Resource"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\",\"NotPrincipal\":{\"Service\":\"x\"}," + kAll + "}")),
               Catch::StartsWith("Statement[0].NotPrincipal: "));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kAll + "}")), Catch::StartsWith("Statement[0]: missing Principal"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "}")), Catch::StartsWith("Statement[0]: missing Action"));
    CHECK_THAT(parse_error(R"({"Version":"2020-01-01","Statement":[]})"), Catch::StartsWith("Version: must be"));
    CHECK_THAT(parse_error("{\"Statement\":"), Catch::Contains("not valid JSON"));
    CHECK_THAT(parse_error("[]"), Catch::Contains("must be a JSON object"));
    std::string big = statement("{\"Sid\":\"" + std::string(10300, 'a') + "\",\"Effect\":\"Allow\"," + kRa + "," + kAll + "}");
    CHECK_THAT(parse_error(big), Catch::Contains("more than the 10240"));
    CHECK_THAT(parse_error(statement("{\"Effect\":\"Allow\"," + kRa + "," + kAll + R"(,"Condition":{"Null":{"aws:SourceArn":"maybe"}}})")),
               Catch::StartsWith("Statement[0].Condition.Null.aws:SourceArn: Null takes true or false"));
    // The Condition block alone: errors named from the block down.
    CHECK_THROWS_WITH(TrustPolicy::allowing_rolesanywhere(R"({"StringMatches":{"aws:SourceArn":"x"}})"), Catch::StartsWith("StringMatches: unknown condition operator"));
}
