// IMDSv2 token rules of `exchange serve`: TTL bounds, expiry, and only issued tokens accepted.
#include "exchange/client/imds_tokens.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

TEST_CASE("imds: TTL header must be 1..21600 seconds, absent means the maximum", "[exchange][imds]") {
    CHECK_FALSE(ImdsTokens::parse_ttl(std::nullopt));  // EC2 answers 400 without the header
    CHECK(ImdsTokens::parse_ttl(std::string("1")) == 1);
    CHECK(ImdsTokens::parse_ttl(std::string("21600")) == 21600);
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("0")));
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("21601")));
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("-5")));
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("")));
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("60s")));
    CHECK_FALSE(ImdsTokens::parse_ttl(std::string("99999999999999999999")));
}

TEST_CASE("imds: tokens are live for their TTL and only when issued", "[exchange][imds]") {
    ImdsTokens tokens;
    const auto t0 = ImdsTokens::Clock::now();
    const auto a = tokens.issue(10, t0);
    const auto b = tokens.issue(100, t0);
    CHECK(a != b);
    CHECK(a.size() == 64);
    CHECK(tokens.valid(a, t0 + std::chrono::seconds(9)));
    CHECK_FALSE(tokens.valid(a, t0 + std::chrono::seconds(10)));
    CHECK(tokens.valid(b, t0 + std::chrono::seconds(10)));
    CHECK_FALSE(tokens.valid("", t0));
    CHECK_FALSE(tokens.valid(a.substr(0, 63), t0));
    std::string flipped = a;
    flipped[0] = flipped[0] == '0' ? '1' : '0';
    CHECK_FALSE(tokens.valid(flipped, t0));
}
