// IAM string conditions and the tags Roles Anywhere derives from a certificate.
#include "exchange/emulator/attribute_mapping.h"
#include "tests/exchange/emulator_fixture.h"

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
    TrustPolicy p{{{ConditionOperator::StringLike, "aws:PrincipalTag/x509Subject/CN", {"nope", "MyOnprem*"}},
                   {ConditionOperator::StringEquals, "aws:PrincipalTag/x509Issuer/CN", {"Test Root CA"}}}};
    CHECK_FALSE(unmet_condition(p, tags).has_value());
    p.conditions.push_back({ConditionOperator::StringEquals, "aws:PrincipalTag/x509SAN/DNS", {"vm.example"}});
    CHECK(unmet_condition(p, tags) == "the certificate has no x509SAN/DNS tag, the trust policy requires StringEquals aws:PrincipalTag/x509SAN/DNS \"vm.example\"");
}
