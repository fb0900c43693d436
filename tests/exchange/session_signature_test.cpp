// CreateSession request building, and a pinned RSA SigV4-X509 signature checked by the openssl command.
#include "exchange/client/session.h"
#include "base/error.h"
#include "base/pem.h"
#include "tests/support/cli.h"

#include <botan/hex.h>

#include <catch2/catch.hpp>

#include <algorithm>

#include <fstream>

using namespace pkitool::exchange;

namespace {

const std::string kData = PKITOOL_SOURCE_DIR "/tests/data/exchange/";

SessionTarget target() {
    SessionTarget t;
    t.trust_anchor_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta";
    t.profile_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p";
    t.role_arn = "arn:aws:iam::123456789012:role/r";
    return t;
}

SessionIdentity rsa_identity() {
    return {pkitool::issue::PrivateKey::load(kData + "rsa-test.key", std::nullopt), pkitool::pem::load_certificate(kData + "rsa-test.crt"), {}, "rsa-test.crt"};
}

// 2020-11-05T12:00:00Z, the date of the protocol's example.
const Clock::time_point kDate = Clock::from_time_t(1604577600);

// Pinned on 2026-11-25 from this code and confirmed by `openssl dgst -sha256 -verify` below.
const std::string kPinnedSignature =
    "5c5ef2f0726bbb6b59a571ca56729167dd32dc777a2f2d2d42e234b62c8c5ed18fb2f7488f90ed275b938ba0845e215df7dcc22e653b1c053831d7dba3821804"
    "6c2f44a275949fe759c325faf88fc99ab31d3c226e893a51c40c703f4ca055fea5d8b0b4c60056d5b83ac3ca4d2a81a33870e7ebd6091d8aeef41134487200ca"
    "e02fb16ef90972ce78fcbab45fea7edb2f7fa609f2e894a652049b654aa400376fa6358c797b9a9a35710c8bbfbad5d53233cdfdac072d828bab2c00dc0e0c13"
    "c50d4f9436bb005acb6095b1d5adb1b1e906cd0131fc9ab4c878c4d8637d9cbe25c571a1e087a12afb0a55d2efbd5802d76a862787898bdcef0e1ecef428e2da";

}  // namespace

TEST_CASE("session: region and role name come from the ARNs", "[exchange][session]") {
    CHECK(region_of_arn("arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/x") == "eu-west-1");
    CHECK_THROWS_WITH(region_of_arn("not-an-arn"), Catch::Contains("not an ARN"));
    CHECK(role_name_of_arn("arn:aws:iam::123456789012:role/path/to/MyRole") == "MyRole");
    CHECK_THROWS(role_name_of_arn("arn:aws:iam::123456789012:user/u"));
    CHECK_NOTHROW(target().check_arns());
    auto t = target();
    CHECK(t.effective_endpoint() == "https://rolesanywhere.eu-west-1.amazonaws.com");
    t.region = "us-east-2";
    CHECK(t.effective_endpoint() == "https://rolesanywhere.us-east-2.amazonaws.com");
    t.endpoint = "http://127.0.0.1:8080/";
    CHECK(t.effective_endpoint() == "http://127.0.0.1:8080");
}

TEST_CASE("session: a malformed ARN is a usage error naming its flag, before anything is signed", "[exchange][session]") {
    const auto refused = [](SessionTarget t, const std::string& flag, const std::string& why) {
        try {
            t.check_arns();
            FAIL("accepted " + flag);
        } catch (const pkitool::Error& e) {
            // The domain names the input as data; the CLI words it as the flag (pkitool/wording.h).
            std::string name = flag.substr(2);
            std::replace(name.begin(), name.end(), '-', '_');
            CHECK(e.code() == pkitool::ExitCode::Usage);
            REQUIRE(e.input());
            CHECK(e.input()->name == name);
            CHECK_THAT(e.problem(), Catch::Contains(why));
        }
        CHECK_THROWS_AS(build_request(t, rsa_identity(), kDate, nullptr), pkitool::Error);
    };
    auto t = target();
    t.region = "eu-west-1";  // --region does not excuse a malformed trust anchor ARN
    t.trust_anchor_arn = "arn:aws:rolesanywhere:eu-west-1:12345:trust-anchor/ta";
    refused(t, "--trust-anchor-arn", "account \"12345\" is not 12 digits");
    t = target();
    t.profile_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/p";
    refused(t, "--profile-arn", "resource type \"trust-anchor\" is not profile");
    t = target();
    t.role_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p";
    refused(t, "--role-arn", "service \"rolesanywhere\" is not iam");
}

TEST_CASE("session: request carries the ARNs in the query and the duration in the body", "[exchange][session]") {
    auto t = target();
    t.role_session_name = "s1";
    SigningTrace trace;
    const auto req = build_request(t, rsa_identity(), kDate, &trace);
    CHECK(req.path == "/sessions");
    CHECK(req.body == R"({"durationSeconds":3600,"roleSessionName":"s1"})");
    CHECK(canonical_query(req.query) ==
          "profileArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Aprofile%2Fp&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fr"
          "&trustAnchorArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Atrust-anchor%2Fta");
    CHECK(req.header("Host") == "rolesanywhere.eu-west-1.amazonaws.com");
    CHECK(req.header("X-Amz-Date") == "20201105T120000Z");
    CHECK_FALSE(req.header("X-Amz-X509-Chain"));
    // Credential= is the serial 0x1234567890ABCDEF1234 in decimal (python3 -c 'print(0x1234567890ABCDEF1234)').
    CHECK_THAT(*req.header("Authorization"),
               Catch::StartsWith("AWS4-X509-RSA-SHA256 Credential=85968058272638546416180/20201105/eu-west-1/rolesanywhere/aws4_request, "
                                 "SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature="));
    CHECK_THAT(trace.string_to_sign, Catch::StartsWith("AWS4-X509-RSA-SHA256\n20201105T120000Z\n20201105/eu-west-1/rolesanywhere/aws4_request\n"));
    CHECK(trace.string_to_sign.substr(trace.string_to_sign.rfind('\n') + 1) == sha256_hex(trace.canonical_request));
}

TEST_CASE("session: RSA SigV4-X509 signature is pinned and verified by openssl", "[exchange][session]") {
    SigningTrace trace;
    const auto req = build_request(target(), rsa_identity(), kDate, &trace);
    const auto auth = parse_authorization(*req.header("Authorization"));
    CHECK(auth.signature == kPinnedSignature);

    pkitool::test::TempDir tmp;
    std::ofstream(tmp / "sts.txt", std::ios::binary) << trace.string_to_sign;
    const auto sig = Botan::hex_decode(auth.signature);
    std::ofstream(tmp / "sig.bin", std::ios::binary).write(reinterpret_cast<const char*>(sig.data()), static_cast<std::streamsize>(sig.size()));
    const auto ok = pkitool::test::shell("openssl dgst -sha256 -verify '" + kData + "rsa-test.pub.pem' -signature sig.bin sts.txt", tmp.path());
    CHECK(ok.code == 0);
    CHECK_THAT(ok.out, Catch::Contains("Verified OK"));
    // openssl, signing the same string to sign with the same key, produces the same bytes.
    const auto theirs = pkitool::test::shell("openssl dgst -sha256 -sign '" + kData + "rsa-test.key' sts.txt | od -An -v -tx1 | tr -d ' \\n'", tmp.path());
    CHECK(theirs.out == kPinnedSignature);
    // And the same check fails on a string to sign that differs by one byte.
    std::ofstream(tmp / "sts.txt", std::ios::binary) << trace.string_to_sign << "x";
    CHECK(pkitool::test::shell("openssl dgst -sha256 -verify '" + kData + "rsa-test.pub.pem' -signature sig.bin sts.txt", tmp.path()).code != 0);
}

TEST_CASE("session: an RSA key signs and verifies only AWS4-X509-RSA-SHA256", "[exchange][session][sigv4]") {
    SigningTrace trace;
    const auto req = build_request(target(), rsa_identity(), kDate, &trace);
    const auto auth = parse_authorization(*req.header("Authorization"));
    const auto cert = pkitool::pem::load_certificate(kData + "rsa-test.crt");
    std::unique_ptr<Botan::Public_Key> key(cert.subject_public_key());
    CHECK(x509_algorithm_of(*key) == SigningAlgorithm::X509Rsa);
    CHECK(auth.known_algorithm == SigningAlgorithm::X509Rsa);
    const auto sig = Botan::hex_decode(auth.signature);
    CHECK(verify_x509(*key, SigningAlgorithm::X509Rsa, trace.string_to_sign, sig));
    // The same bytes under the other two names: no verifier fits, so nothing verifies.
    CHECK_FALSE(x509_verifier(*key, SigningAlgorithm::X509Ecdsa));
    CHECK_FALSE(x509_verifier(*key, SigningAlgorithm::Hmac));
    CHECK_FALSE(verify_x509(*key, SigningAlgorithm::X509Ecdsa, trace.string_to_sign, sig));
    CHECK_FALSE(verify_x509(*key, SigningAlgorithm::Hmac, trace.string_to_sign, sig));
}
