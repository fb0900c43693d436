// emulate.json: a valid file, and errors that name the file and the field.
#include "exchange/emulator/config.h"
#include "exchange/emulator/attribute_mapping.h"
#include "tests/exchange/emulator_fixture.h"

#include "base/error.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool;
using namespace pkitool::exchange;

namespace {

std::string config_error(const test::TempDir& t, const std::string& text) {
    std::ofstream(t / "emulate.json") << text;
    try {
        load_emulator_config(t / "emulate.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("emulate.json: anchors, profiles and roles with conditions", "[emulate]") {
    test::TempDir t;
    const auto root = test::EmulatorFixture::get().path("root.crt").string();
    const auto crl = test::EmulatorFixture::get().path("crl.pem").string();
    std::ofstream(t / "emulate.json") << R"({"region":"eu-west-1","account":"111122223333",
      "trustAnchors":[{"name":"root","certificate":")" << root << R"(","crls":[")" << crl << R"("]},
                      {"name":"off","certificate":")" << root << R"(","enabled":false}],
      "profiles":[{"name":"vm","roleArns":["MyOnpremRole","arn:aws:iam::111122223333:role/Any"],"durationSeconds":1800,"acceptRoleSessionName":true}],
      "roles":[{"name":"MyOnpremRole","condition":{"StringEquals":{"aws:PrincipalTag/x509Subject/CN":"MyOnpremVM"},
                                                   "StringLike":{"aws:PrincipalTag/x509Issuer/CN":["Test * CA"]}}},
               {"name":"Any"}]})";
    const auto c = load_emulator_config(t / "emulate.json");
    REQUIRE(c.anchors.size() == 2);
    CHECK(c.anchors[0].crls.size() == 1);
    CHECK_FALSE(c.anchors[1].enabled);
    CHECK_THAT(c.anchors[0].arn, Catch::StartsWith("arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/"));
    CHECK(c.anchors[0].arn != c.anchors[1].arn);
    CHECK(c.anchors[0].arn == load_emulator_config(t / "emulate.json").anchors[0].arn);  // stable across runs
    REQUIRE(c.profiles.size() == 1);
    CHECK(c.profiles[0].duration_seconds == 1800);
    CHECK(c.profiles[0].role_arns == std::vector<std::string>{"arn:aws:iam::111122223333:role/MyOnpremRole", "arn:aws:iam::111122223333:role/Any"});
    const auto tags = principal_tags(test::EmulatorFixture::get().cert("ec"));
    const TrustRequest ok{tags, c.anchors[0].arn, "CN=MyOnpremVM"};
    CHECK(c.roles[0].trust_policy.evaluate(ok).allowed());
    CHECK(c.roles[0].trust_policy.evaluate(ok).conditions.size() == 2);
    auto other = tags;
    other["x509Subject/CN"] = "other";
    CHECK(c.roles[0].trust_policy.evaluate({other, c.anchors[0].arn, "CN=other"}).reason ==
          "the certificate's x509Subject/CN is \"other\", the trust policy requires StringEquals aws:PrincipalTag/x509Subject/CN \"MyOnpremVM\"");
    CHECK(c.roles[1].trust_policy.evaluate({other, c.anchors[0].arn, "CN=other"}).allowed());
}

TEST_CASE("emulate.json: errors name the file and the field", "[emulate]") {
    test::TempDir t;
    const auto root = test::EmulatorFixture::get().path("root.crt").string();
    const auto leaf = test::EmulatorFixture::get().path("ec.crt").string();
    const std::string anchors = R"("trustAnchors":[{"name":"a","certificate":")" + root + R"("}])";
    const std::string roles = R"("roles":[{"name":"R"}])";
    CHECK_THAT(config_error(t, "{"), Catch::Contains("emulate.json: not valid JSON"));
    CHECK_THAT(config_error(t, "{" + anchors + "," + roles + R"(,"profiles":[{"name":"p","roleArns":["R"],"durationSeconds":60}]})"),
               Catch::Contains("emulate.json: profiles[0].durationSeconds: must be an integer from 900 to 43200"));
    CHECK_THAT(config_error(t, "{" + anchors + "," + roles + R"(,"profiles":[{"name":"p","roleArns":["Nope"]}]})"),
               Catch::Contains("emulate.json: profiles[0].roleArns[0]: \"arn:aws:iam::123456789012:role/Nope\" is not one of the roles"));
    CHECK_THAT(config_error(t, "{" + anchors + R"(,"roles":[{"name":"R","condition":{"StringMatches":{"aws:PrincipalTag/x509Subject/CN":"x"}}}],"profiles":[]})"),
               Catch::Contains("emulate.json: roles[0].condition.StringMatches: unknown condition operator"));
    CHECK_THAT(config_error(t, R"({"trustAnchors":[{"name":"a","certificate":")" + leaf + R"("}],)" + roles + R"(,"profiles":[{"name":"p","roleArns":["R"]}]})"),
               Catch::Contains("trustAnchors[0]: ") && Catch::Contains("cannot be a trust anchor"));
    CHECK_THAT(config_error(t, "{" + anchors + "," + roles + R"(,"profiles":[{"name":"p","roleArns":["R"],"enabeld":true}]})"),
               Catch::Contains("emulate.json: profiles[0].enabeld: unknown field"));
    CHECK_THAT(config_error(t, "{" + roles + R"(,"profiles":[{"name":"p","roleArns":["R"]}]})"), Catch::Contains("emulate.json: trustAnchors: missing"));
    CHECK_THAT(config_error(t, R"({"account":"12",)" + anchors + "," + roles + "}"), Catch::Contains("emulate.json: account: must be 12 digits"));
}
