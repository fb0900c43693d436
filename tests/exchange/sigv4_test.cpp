// SigV4 canonicalisation pinned to hand-written expectations from Roles Anywhere User Guide, "Signing process", and the HMAC
// signing key derivation pinned to AWS's published SigV4 example.
#include "exchange/client/credentials.h"
#include "exchange/sigv4.h"

#include <catch2/catch.hpp>

using namespace pkitool::exchange;

TEST_CASE("sigv4: RFC 3986 encoding and canonical query order", "[sigv4]") {
    CHECK(uri_encode("arn:aws:rolesanywhere:us-east-1:123:profile/ab-c") == "arn%3Aaws%3Arolesanywhere%3Aus-east-1%3A123%3Aprofile%2Fab-c");
    CHECK(uri_encode("a b~_.-") == "a%20b~_.-");
    CHECK(canonical_query({{"roleArn", "r"}, {"profileArn", "p"}, {"trustAnchorArn", "t"}}) == "profileArn=p&roleArn=r&trustAnchorArn=t");
}

TEST_CASE("sigv4: canonical request and string to sign for a fixed date", "[sigv4]") {
    HttpRequest req;
    req.path = "/sessions";
    req.query = {{"roleArn", "arn:aws:iam::123456789012:role/r"}, {"profileArn", "p"}};
    req.headers = {{"Content-Type", "application/json"}, {"Host", "rolesanywhere.us-east-1.amazonaws.com"},
                   {"X-Amz-Date", "20201105T120000Z"}, {"X-Amz-X509", "  MIIB   AAA  "}};
    req.body = "{\"durationSeconds\":3600}";
    const std::string cr = canonical_request(req, {"x-amz-x509", "host", "content-type", "x-amz-date"});
    const std::string expected =
        "POST\n/sessions\nprofileArn=p&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr\n"
        "content-type:application/json\nhost:rolesanywhere.us-east-1.amazonaws.com\nx-amz-date:20201105T120000Z\nx-amz-x509:MIIB AAA\n\n"
        "content-type;host;x-amz-date;x-amz-x509\n" +
        sha256_hex(req.body);
    CHECK(cr == expected);
    // sha256("") is the well-known e3b0c442… constant.
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    const auto sts = string_to_sign("AWS4-X509-RSA-SHA256", "20201105T120000Z", credential_scope("20201105", "us-east-1", "rolesanywhere"), cr);
    CHECK(sts == "AWS4-X509-RSA-SHA256\n20201105T120000Z\n20201105/us-east-1/rolesanywhere/aws4_request\n" + sha256_hex(cr));
    CHECK_THROWS_WITH(canonical_request(req, {"x-amz-x509-chain"}), Catch::Contains("not in the request"));
}

TEST_CASE("sigv4: HMAC signature matches AWS's documented example", "[sigv4]") {
    // From the AWS General Reference "Signature Version 4 signing process" example (IAM ListUsers):
    // secret wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY, 20150830, us-east-1, iam.
    const std::string sts =
        "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
        "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59";
    CHECK(hmac_signature("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20150830", "us-east-1", "iam", sts) ==
          "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
}

TEST_CASE("sigv4: Authorization header parsing", "[sigv4]") {
    const auto a = parse_authorization(
        "AWS4-X509-RSA-SHA256 Credential=11111222223333344444/20201105/us-east-1/rolesanywhere/aws4_request, "
        "SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=0a1b");
    CHECK(a.algorithm == "AWS4-X509-RSA-SHA256");
    CHECK(a.known_algorithm == SigningAlgorithm::X509Rsa);
    CHECK(a.credential == "11111222223333344444");
    CHECK(a.region == "us-east-1");
    CHECK(a.service == "rolesanywhere");
    CHECK(a.signed_headers == std::vector<std::string>{"content-type", "host", "x-amz-date", "x-amz-x509"});
    CHECK(a.signature == "0a1b");
    CHECK_THROWS_WITH(parse_authorization("AWS4-X509-RSA-SHA256 Credential=x"), Catch::Contains("all required"));
    CHECK_THROWS_WITH(parse_authorization("garbage"), Catch::Contains("no algorithm"));
    // An algorithm we do not know still parses: each endpoint refuses it in its own terms.
    const auto unknown = parse_authorization("AWS4-ECDSA-P256-SHA256 Credential=a/20201105/r/s/aws4_request, SignedHeaders=host, Signature=00");
    CHECK(unknown.algorithm == "AWS4-ECDSA-P256-SHA256");
    CHECK_FALSE(unknown.known_algorithm);
}

TEST_CASE("sigv4: signing algorithms print and parse back, and nothing else parses", "[sigv4]") {
    CHECK(to_string(SigningAlgorithm::X509Rsa) == "AWS4-X509-RSA-SHA256");
    CHECK(to_string(SigningAlgorithm::X509Ecdsa) == "AWS4-X509-ECDSA-SHA256");
    CHECK(to_string(SigningAlgorithm::Hmac) == "AWS4-HMAC-SHA256");
    for (const auto a : {SigningAlgorithm::X509Rsa, SigningAlgorithm::X509Ecdsa, SigningAlgorithm::Hmac})
        CHECK(parse_signing_algorithm(to_string(a)) == a);
    for (const char* other : {"", "aws4-hmac-sha256", "AWS4-HMAC-SHA256 ", "AWS4-X509-RSA-SHA512", "ECDSA", "RSA"})
        CHECK_FALSE(parse_signing_algorithm(other));
}

TEST_CASE("sigv4: dates past what system_clock holds are refused, not overflowed (found by fuzzing)", "[sigv4]") {
    CHECK(pkitool::exchange::parse_amz_date("99991231T235959Z") == std::nullopt);
    CHECK(pkitool::exchange::parse_amz_date("22001231T235959Z").has_value());
    CHECK_THROWS(pkitool::exchange::parse_rfc3339("4052-01-01T00:00:00Z", "Expiration"));
}
