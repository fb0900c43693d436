// Credential JSON: CreateSession's 201 body in, credential_process JSON out, and RFC 3339 times.
#include "exchange/client/credentials.h"
#include "base/error.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

namespace {

const std::string kSession = R"({"credentialSet":[{"assumedRoleUser":{"arn":"arn:aws:sts::123456789012:assumed-role/r/s","assumedRoleId":"AROA:s"},
 "credentials":{"accessKeyId":"ASIAEXAMPLE","expiration":"2026-11-25T03:00:00Z","secretAccessKey":"c2VjcmV0","sessionToken":"dG9rZW4="},
 "packedPolicySize":0,"roleArn":"arn:aws:iam::123456789012:role/r","sourceIdentity":"CN=vm"}],
 "subjectArn":"arn:aws:rolesanywhere:us-east-1:123456789012:subject/x"})";

}  // namespace

TEST_CASE("credentials: CreateSession 201 body parses into typed credentials", "[exchange][credentials]") {
    const auto c = parse_create_session(kSession);
    CHECK(c.access_key_id == "ASIAEXAMPLE");
    CHECK(c.secret_access_key == "c2VjcmV0");
    CHECK(c.session_token == "dG9rZW4=");
    CHECK(c.role_arn == "arn:aws:iam::123456789012:role/r");
    CHECK(Clock::to_time_t(c.expiration) == 1795575600);  // date -u -d 2026-11-25T03:00:00Z +%s
    CHECK(c.expiration_text == "2026-11-25T03:00:00Z");
}

TEST_CASE("credentials: Expiration as the service wrote it, for the aws_signing_helper personality", "[exchange][credentials]") {
    std::string fractional = kSession;
    fractional.replace(fractional.find("2026-11-25T03:00:00Z"), 20, "2026-11-25T04:00:00.5+01:00");
    const auto c = parse_create_session(fractional);
    CHECK(Clock::to_time_t(c.expiration) == 1795575600);
    CHECK_THAT(credential_process_json(c), Catch::EndsWith(R"("Expiration":"2026-11-25T03:00:00Z"})"));
    CHECK_THAT(credential_process_json(c, ExpirationText::AsReceived), Catch::EndsWith(R"("Expiration":"2026-11-25T04:00:00.5+01:00"})"));
    // Credentials from the cache carry no text: the normalised form is the only one there is.
    Credentials cached{"ASIAX", "s", "t", Clock::from_time_t(1795575600), ""};
    CHECK_THAT(credential_process_json(cached, ExpirationText::AsReceived), Catch::EndsWith(R"("Expiration":"2026-11-25T03:00:00Z"})"));
}

TEST_CASE("credentials: malformed CreateSession bodies are named errors", "[exchange][credentials]") {
    CHECK_THROWS_WITH(parse_create_session("<html>"), "CreateSession response: not JSON");
    CHECK_THROWS_WITH(parse_create_session("{}"), Catch::Contains("credentialSet"));
    CHECK_THROWS_WITH(parse_create_session(R"({"credentialSet":[]})"), Catch::Contains("credentialSet"));
    std::string no_token = kSession;
    no_token.replace(no_token.find("\"sessionToken\""), 14, "\"other\"");
    CHECK_THROWS_WITH(parse_create_session(no_token), Catch::Contains("\"sessionToken\""));
    std::string bad_time = kSession;
    bad_time.replace(bad_time.find("2026-11-25T03:00:00Z"), 20, "tomorrow");
    CHECK_THROWS_WITH(parse_create_session(bad_time), Catch::Contains("not an RFC 3339 timestamp"));
}

TEST_CASE("credentials: credential_process JSON is exactly what the SDKs' process credential provider reads", "[exchange][credentials]") {
    Credentials c{"ASIAX", "s\"ecret", "tok", Clock::from_time_t(1795575600), ""};
    CHECK(credential_process_json(c) ==
          R"({"Version":1,"AccessKeyId":"ASIAX","SecretAccessKey":"s\"ecret","SessionToken":"tok","Expiration":"2026-11-25T03:00:00Z"})");
    const auto back = parse_credential_process_json(credential_process_json(c), "cache");
    CHECK(back.access_key_id == c.access_key_id);
    CHECK(back.secret_access_key == c.secret_access_key);
    CHECK(back.session_token == c.session_token);
    CHECK(back.expiration == c.expiration);
    CHECK_THROWS_WITH(parse_credential_process_json(R"({"Version":2})", "cache"), Catch::Contains("cache: not a Version 1"));
    CHECK_THROWS_WITH(parse_credential_process_json(R"({"Version":"1"})", "cache"), Catch::Contains("cache: not a Version 1"));
}

TEST_CASE("credentials: RFC 3339 with fractions and offsets", "[exchange][credentials]") {
    const auto z = parse_rfc3339("2026-11-25T03:00:00Z", "t");
    CHECK(parse_rfc3339("2026-11-25T03:00:00.123Z", "t") == z);
    CHECK(parse_rfc3339("2026-11-25T04:30:00+01:30", "t") == z);
    CHECK(parse_rfc3339("2026-11-25T01:00:00-02:00", "t") == z);
    CHECK_THROWS(parse_rfc3339("2026-11-25 03:00:00Z", "t"));
    CHECK_THROWS(parse_rfc3339("2026-11-25T03:00:00", "t"));
    CHECK_THROWS(parse_rfc3339("2026-13-25T03:00:00Z", "t"));
}

TEST_CASE("credentials: fresh until 5 minutes before expiry", "[exchange][credentials]") {
    const auto now = Clock::from_time_t(1795575600);
    Credentials c{"a", "b", "c", now + std::chrono::minutes(6), ""};
    CHECK(still_fresh(c, now));
    CHECK_FALSE(still_fresh(c, now + std::chrono::minutes(1)));  // exactly 5 minutes left
    CHECK_FALSE(still_fresh(c, now + std::chrono::minutes(7)));  // expired
}
