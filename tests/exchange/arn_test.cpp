// The one ARN grammar (exchange/arn.h): the three kinds Roles Anywhere takes, and what is refused.
#include "exchange/arn.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

namespace {

// Refused, with `why` in the message.
void refused(const std::string& text, const std::string& why) {
    INFO(text);
    CHECK_THROWS_WITH(Arn::parse(text), Catch::Contains(why));
}

}  // namespace

TEST_CASE("arn: trust anchor, profile and role ARNs parse into their fields", "[exchange][arn]") {
    const auto anchor = Arn::parse("arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/0a1b2c3d-4e5f-6789-abcd-ef0123456789");
    CHECK(anchor.partition == "aws");
    CHECK(anchor.service == "rolesanywhere");
    CHECK(anchor.region == "eu-west-1");
    CHECK(anchor.account == "123456789012");
    CHECK(anchor.type == ArnType::TrustAnchor);
    CHECK(anchor.id == "0a1b2c3d-4e5f-6789-abcd-ef0123456789");

    const auto profile = Arn::parse("arn:aws-us-gov:rolesanywhere:us-gov-west-1:111122223333:profile/p", ArnType::Profile);
    CHECK(profile.partition == "aws-us-gov");
    CHECK(profile.region == "us-gov-west-1");
    CHECK(profile.type == ArnType::Profile);
    CHECK(profile.id == "p");

    const auto role = Arn::parse("arn:aws:iam::123456789012:role/MyRole", ArnType::Role);
    CHECK(role.service == "iam");
    CHECK(role.region.empty());
    CHECK(role.id == "MyRole");
    CHECK(role.role_name() == "MyRole");

    // IAM role paths: role/path/to/name, the name being the last component.
    const auto with_path = Arn::parse("arn:aws-cn:iam::123456789012:role/path/to/name");
    CHECK(with_path.partition == "aws-cn");
    CHECK(with_path.type == ArnType::Role);
    CHECK(with_path.id == "path/to/name");
    CHECK(with_path.role_name() == "name");
}

TEST_CASE("arn: what parses prints back as written, and the builders agree with the parser", "[exchange][arn]") {
    for (const std::string text : {"arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta", "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p",
                                   "arn:aws:iam::123456789012:role/a/b/c"})
        CHECK(Arn::parse(text).to_string() == text);
    CHECK(Arn::parse(trust_anchor_arn("us-east-2", "123456789012", "x"), ArnType::TrustAnchor).region == "us-east-2");
    CHECK(Arn::parse(profile_arn("us-east-2", "123456789012", "y"), ArnType::Profile).id == "y");
    CHECK(Arn::parse(role_arn("123456789012", "R"), ArnType::Role).to_string() == "arn:aws:iam::123456789012:role/R");
    CHECK(to_string(ArnType::TrustAnchor) == "trust-anchor");
}

TEST_CASE("arn: malformed ARNs are refused naming the field and what is wrong", "[exchange][arn]") {
    refused("", "not an ARN");
    refused("nope", "not an ARN: it does not start with \"arn:\"");
    refused("ARN:aws:iam::123456789012:role/r", "not an ARN");
    refused("arn:aws", "no service field");
    refused("arn:aws:iam::123456789012", "no resource field");
    // Partition
    refused("arn:amazon:iam::123456789012:role/r", "partition \"amazon\" is not aws");
    refused("arn::iam::123456789012:role/r", "partition \"\" is not aws");
    refused("arn:aws-:iam::123456789012:role/r", "partition \"aws-\"");
    refused("arn:aws-CN:iam::123456789012:role/r", "partition \"aws-CN\"");
    // Service
    refused("arn:aws:s3:::bucket", "service \"s3\" is not rolesanywhere");
    refused("arn:aws:sts::123456789012:assumed-role/r/s", "service \"sts\"");
    // Region: required for Roles Anywhere, absent for IAM.
    refused("arn:aws:rolesanywhere::123456789012:trust-anchor/ta", "no region");
    refused("arn:aws:rolesanywhere:US-EAST-1:123456789012:profile/p", "region \"US-EAST-1\" does not look like us-east-1");
    refused("arn:aws:iam:us-east-1:123456789012:role/r", "region \"us-east-1\" must be empty");
    // Account
    refused("arn:aws:iam:::role/r", "no account");
    refused("arn:aws:rolesanywhere:us-east-1::profile/p", "no account");
    refused("arn:aws:iam::123:role/r", "account \"123\" is not 12 digits");
    refused("arn:aws:iam::1234567890123:role/r", "account \"1234567890123\" is not 12 digits");
    refused("arn:aws:iam::12345678901x:role/r", "account \"12345678901x\" is not 12 digits");
    // Resource
    refused("arn:aws:iam::123456789012:", "no resource after the account");
    refused("arn:aws:iam::123456789012:role", "no id after \"role/\"");
    refused("arn:aws:iam::123456789012:role/", "no id after \"role/\"");
    refused("arn:aws:iam::123456789012:user/u", "resource type \"user\" is not role");
    refused("arn:aws:iam::123456789012:trust-anchor/x", "resource type \"trust-anchor\" is not role");
    refused("arn:aws:rolesanywhere:us-east-1:123456789012:subject/s", "resource type \"subject\" is not trust-anchor or profile");
    refused("arn:aws:rolesanywhere:us-east-1:123456789012:role/r", "resource type \"role\" is not trust-anchor or profile");
    refused("arn:aws:rolesanywhere:us-east-1:123456789012:profile/a/b", "profile id \"a/b\" has a \"/\"");
    refused("arn:aws:iam::123456789012:role/path//name", "empty path component");
    refused("arn:aws:iam::123456789012:role/path/", "empty path component");
    refused("arn:aws:iam::123456789012:role//name", "empty path component");
    // Refusals are pkitool errors, for callers to put in front of them where the text came from.
    CHECK_THROWS_AS(Arn::parse("nope"), pkitool::Error);
}

TEST_CASE("arn: parse with a kind refuses the other two kinds", "[exchange][arn]") {
    const std::string anchor = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/ta";
    const std::string profile = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/p";
    const std::string role = "arn:aws:iam::123456789012:role/r";
    CHECK_NOTHROW(Arn::parse(anchor, ArnType::TrustAnchor));
    CHECK_THROWS_WITH(Arn::parse(profile, ArnType::TrustAnchor), "resource type \"profile\" is not trust-anchor");
    CHECK_THROWS_WITH(Arn::parse(role, ArnType::TrustAnchor), "service \"iam\" is not rolesanywhere");
    CHECK_THROWS_WITH(Arn::parse(anchor, ArnType::Profile), "resource type \"trust-anchor\" is not profile");
    CHECK_THROWS_WITH(Arn::parse(anchor, ArnType::Role), "service \"rolesanywhere\" is not iam");
    CHECK_THROWS_WITH(Arn::parse(profile, ArnType::Role), "service \"rolesanywhere\" is not iam");
    // The kind is checked where its field is read: a bad account still reads as one.
    CHECK_THROWS_WITH(Arn::parse("arn:aws:iam::1:role/r", ArnType::Role), "account \"1\" is not 12 digits");
}
