// STS GetCallerIdentity against issued credentials: HMAC SigV4 plus the session token.
#include "exchange/emulator/sts_verifier.h"

#include "exchange/emulator/session_verifier.h"
#include "tests/exchange/emulator_fixture.h"

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace pkitool::exchange;

namespace {

using Clock = std::chrono::system_clock;

// What botocore sends for `aws sts get-caller-identity`, signed with AWS4-HMAC-SHA256.
HttpRequest sts_request(const std::string& key_id, const std::string& secret, const std::string& token, Clock::time_point when) {
    HttpRequest req;
    req.path = "/";
    req.body = "Action=GetCallerIdentity&Version=2011-06-15";
    req.set_header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    req.set_header("Host", "127.0.0.1:9912");
    req.set_header("X-Amz-Date", amz_date(when));
    req.set_header("X-Amz-Security-Token", token);
    const std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date", "x-amz-security-token"};
    const std::string date = amz_date(when);
    const std::string scope = credential_scope(date.substr(0, 8), "us-east-1", "sts");
    const std::string sts = string_to_sign("AWS4-HMAC-SHA256", date, scope, canonical_request(req, signed_headers));
    req.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" + scope +
                                        ", SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature=" +
                                        hmac_signature(secret, date.substr(0, 8), "us-east-1", "sts", sts));
    return req;
}

void refused(const StsDecision& d, StsErrorCode code, const std::string& part) {
    REQUIRE(std::holds_alternative<StsRefusal>(d));
    const auto& r = std::get<StsRefusal>(d);
    INFO(r.message);
    CHECK(to_string(r.code) == to_string(code));
    CHECK_THAT(r.message, Catch::Contains(part));
}

}  // namespace

TEST_CASE("emulator STS: GetCallerIdentity names the assumed role of the issued credentials", "[emulate][sts]") {
    const auto config = test::EmulatorFixture::get().config();
    CredentialStore store;
    SessionVerifier sessions(config, store);
    HmacVerifier hmac(store);
    StsVerifier sts(hmac);
    const auto now = Clock::now();
    const auto d = sessions.create_session(
        test::session_request("ec", config.profiles[0].arn, config.roles[0].arn, config.anchors[0].arn, "{\"durationSeconds\":900}", now), now);
    REQUIRE(std::holds_alternative<CreatedSession>(d));
    const auto c = std::get<CreatedSession>(d).credentials;

    const auto ok = sts.get_caller_identity(sts_request(c.access_key_id, c.secret_access_key, c.session_token, now), now);
    REQUIRE(std::holds_alternative<CallerIdentity>(ok));
    const auto& who = std::get<CallerIdentity>(ok);
    CHECK(who.arn == c.assumed_role_arn);
    CHECK(who.account == "123456789012");
    const auto xml = to_xml(who, "req-1");
    CHECK_THAT(xml, Catch::Contains("<Arn>" + c.assumed_role_arn + "</Arn>"));
    CHECK_THAT(xml, Catch::Contains("<Account>123456789012</Account>"));

    refused(sts.get_caller_identity(sts_request(c.access_key_id, c.secret_access_key + "x", c.session_token, now), now),
            StsErrorCode::SignatureDoesNotMatch, "does not match the one computed with the secret of access key " + c.access_key_id);
    refused(sts.get_caller_identity(sts_request(c.access_key_id, c.secret_access_key, c.session_token + "x", now), now),
            StsErrorCode::InvalidClientTokenId, "X-Amz-Security-Token is not the session token");
    refused(sts.get_caller_identity(sts_request("ASIAAAAAAAAAAAAAAAAA", c.secret_access_key, c.session_token, now), now),
            StsErrorCode::InvalidClientTokenId, "was not issued by this endpoint");
    const auto later = now + std::chrono::seconds(901);
    refused(sts.get_caller_identity(sts_request(c.access_key_id, c.secret_access_key, c.session_token, later), later), StsErrorCode::ExpiredToken,
            "expired");
    refused(sts.get_caller_identity(sts_request(c.access_key_id, c.secret_access_key, c.session_token, now - std::chrono::minutes(20)), now),
            StsErrorCode::SignatureDoesNotMatch, "clock skew");
    auto other = sts_request(c.access_key_id, c.secret_access_key, c.session_token, now);
    other.body = "Action=AssumeRole&Version=2011-06-15";  // also breaks the signature: checked first
    refused(sts.get_caller_identity(other, now), StsErrorCode::SignatureDoesNotMatch, "does not match");
    refused(sts.get_caller_identity(HttpRequest{}, now), StsErrorCode::MissingAuthenticationToken, "missing Authorization");
    auto x509 = sts_request(c.access_key_id, c.secret_access_key, c.session_token, now);
    auto auth = *x509.header("Authorization");
    x509.set_header("Authorization", auth.replace(0, auth.find(' '), "AWS4-X509-ECDSA-SHA256"));
    refused(sts.get_caller_identity(x509, now), StsErrorCode::IncompleteSignature, "unsupported algorithm \"AWS4-X509-ECDSA-SHA256\": STS takes AWS4-HMAC-SHA256");
    CHECK_THAT(to_xml(StsRefusal{StsErrorCode::ExpiredToken, "a<b"}, "r"), Catch::Contains("<Code>ExpiredToken</Code>\n    <Message>a&lt;b</Message>"));
}
