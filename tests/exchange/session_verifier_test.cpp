// CreateSession decisions without HTTP: the success path for RSA, EC and chained leaves, and one
// test per refusal the service makes, each checking the error type and the precise message.
#include "exchange/arn.h"
#include "exchange/emulator/session_verifier.h"
#include "tests/exchange/emulator_fixture.h"

#include "issue/inspect.h"
#include "issue/serial.h"
#include "issue/subject.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <regex>

using namespace pkitool;
using namespace pkitool::exchange;
using pkitool::test::EmulatorFixture;
using pkitool::test::session_request;

namespace {

using Clock = std::chrono::system_clock;

struct Harness {
    EmulatorConfig config = EmulatorFixture::get().config();
    CredentialStore store;
    SessionVerifier verifier{config, store};
    Clock::time_point now = Clock::now();

    const std::string& anchor() const { return config.anchors[0].arn; }
    const std::string& profile(size_t i = 0) const { return config.profiles[i].arn; }
    const std::string& role(size_t i = 0) const { return config.roles[i].arn; }

    HttpRequest request(const std::string& cert, const std::string& body = "{\"durationSeconds\":3600}", size_t profile_index = 0,
                        size_t role_index = 0, const std::vector<std::string>& chain = {}) const {
        return session_request(cert, profile(profile_index), role(role_index), anchor(), body, now, chain);
    }
    SessionDecision decide(const HttpRequest& req) { return verifier.create_session(req, now); }
};

CreatedSession granted(const SessionDecision& d) {
    if (const auto* r = std::get_if<Refusal>(&d)) FAIL("refused: " << to_string(r->type) << ": " << r->message);
    return std::get<CreatedSession>(d);
}

void refused(const SessionDecision& d, ServiceErrorType type, const std::string& message_part) {
    REQUIRE(std::holds_alternative<Refusal>(d));
    const auto& r = std::get<Refusal>(d);
    INFO(r.message);
    CHECK(to_string(r.type) == to_string(type));
    CHECK_THAT(r.message, Catch::Contains(message_part));
}

}  // namespace

TEST_CASE("emulator: CreateSession grants credentials to EC, RSA and chained leaves", "[emulate]") {
    Harness h;
    const auto& f = EmulatorFixture::get();
    for (const auto& [name, chain] : std::vector<std::pair<std::string, std::vector<std::string>>>{{"ec", {}}, {"rsa", {}}, {"sub", {"intca"}}}) {
        DYNAMIC_SECTION("leaf " << name) {
            const auto req = h.request(name, "{\"durationSeconds\":3600}", 0, 0, chain);
            CHECK(req.header("X-Amz-X509-Chain").has_value() == !chain.empty());
            const auto& s = granted(h.decide(req));
            const auto& set = s.body.at("credentialSet").at(0);
            const auto& c = set.at("credentials");
            CHECK(std::regex_match(c.at("accessKeyId").get<std::string>(), std::regex("ASIA[A-Z0-9]{16}")));
            CHECK(c.at("secretAccessKey").get<std::string>().size() == 40);
            CHECK(!c.at("sessionToken").get<std::string>().empty());
            CHECK(c.at("expiration") == issue::rfc3339(std::chrono::floor<std::chrono::seconds>(h.now) + std::chrono::seconds(3600)));
            const auto serial_hex = issue::Serial::from(Botan::BigInt(f.cert(name).serial_number())).hex();
            CHECK(set.at("assumedRoleUser").at("arn") == "arn:aws:sts::123456789012:assumed-role/pkitool-emulate/" + serial_hex);
            CHECK(set.at("roleArn") == h.role());
            CHECK(set.at("sourceIdentity") == "CN=" + issue::Subject::from(f.cert(name).subject_dn()).common_name());
            CHECK_THAT(s.body.at("subjectArn").get<std::string>(), Catch::StartsWith("arn:aws:rolesanywhere:us-east-1:123456789012:subject/"));
            CHECK(h.store.find(c.at("accessKeyId")).has_value());
        }
    }
}

TEST_CASE("emulator: ARNs in the JSON body, and the effective duration is the profile cap", "[emulate]") {
    Harness h;
    HttpRequest req;
    req.path = "/sessions";
    req.body = nlohmann::json{{"durationSeconds", 7200}, {"profileArn", h.profile(1)}, {"roleArn", h.role()}, {"trustAnchorArn", h.anchor()}}.dump();
    const auto& f = EmulatorFixture::get();
    sign_x509(req, f.key("ec"), f.cert("ec"), {}, "localhost", "us-east-1", h.now);
    const auto& s = granted(h.decide(req));
    // Profile "short" caps sessions at 900 s.
    CHECK(s.body["credentialSet"][0]["credentials"]["expiration"] ==
          issue::rfc3339(std::chrono::floor<std::chrono::seconds>(h.now) + std::chrono::seconds(900)));
}

TEST_CASE("emulator: role trust policy on x509Subject/CN", "[emulate]") {
    Harness h;
    granted(h.decide(h.request("ec", "{}", 0, 1)));  // CN=MyOnpremVM
    refused(h.decide(h.request("othercn", "{}", 0, 1)), ServiceErrorType::AccessDenied,
            "role \"OnlyMyOnpremVM\" does not trust this certificate: the certificate's x509Subject/CN is \"SomeOtherVM\", the trust policy "
            "requires StringEquals aws:PrincipalTag/x509Subject/CN \"MyOnpremVM\"");
}

TEST_CASE("emulator: refusals of the request's signature", "[emulate]") {
    Harness h;
    const auto& f = EmulatorFixture::get();
    SECTION("tampered body after signing") {
        auto req = h.request("ec");
        req.body = "{\"durationSeconds\":3601}";
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Invalid signature: the signature does not verify with the public key of O=Example,CN=MyOnpremVM (serial 1000)");
    }
    SECTION("tampered signature") {
        auto req = h.request("rsa");
        auto auth = *req.header("Authorization");
        auth[auth.size() - 3] = auth[auth.size() - 3] == '0' ? '1' : '0';
        req.set_header("Authorization", auth);
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Invalid signature");
    }
    SECTION("stale X-Amz-Date") {
        const auto req = session_request("ec", h.profile(), h.role(), h.anchor(), "{}", h.now - std::chrono::minutes(6));
        refused(h.decide(req), ServiceErrorType::AccessDenied, "s in the past; at most 300 s of clock skew is allowed");
    }
    SECTION("x-amz-x509 not among SignedHeaders") {
        auto req = h.request("ec");
        test::resign(req, f.key("ec"), f.cert("ec"), {"content-type", "host", "x-amz-date"});
        refused(h.decide(req), ServiceErrorType::AccessDenied, "x-amz-x509 is not among SignedHeaders (content-type;host;x-amz-date)");
    }
    SECTION("chain sent but not signed") {
        auto req = h.request("sub", "{}", 0, 0, {"intca"});
        test::resign(req, f.key("sub"), f.cert("sub"), {"content-type", "host", "x-amz-date", "x-amz-x509"});
        refused(h.decide(req), ServiceErrorType::AccessDenied, "X-Amz-X509-Chain is sent but x-amz-x509-chain is not among SignedHeaders");
    }
    SECTION("Credential= serial is not the certificate's") {
        auto req = h.request("ec");
        auto auth = *req.header("Authorization");
        auth.replace(auth.find("Credential=") + 11, 1, "9");
        req.set_header("Authorization", auth);
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Credential= names serial 9");
    }
    SECTION("algorithm does not match the key") {
        auto req = h.request("ec");
        auto auth = *req.header("Authorization");
        auth.replace(0, auth.find(' '), "AWS4-X509-RSA-SHA256");
        req.set_header("Authorization", auth);
        refused(h.decide(req), ServiceErrorType::AccessDenied, "does not match the certificate's ECDSA key");
    }
    SECTION("an algorithm CreateSession does not take") {
        for (const std::string algorithm : {"AWS4-HMAC-SHA256", "AWS4-X509-DSA-SHA256"}) {
            auto req = h.request("ec");
            auto auth = *req.header("Authorization");
            auth.replace(0, auth.find(' '), algorithm);
            req.set_header("Authorization", auth);
            refused(h.decide(req), ServiceErrorType::AccessDenied, "unsupported algorithm \"" + algorithm + "\": use AWS4-X509-RSA-SHA256 or AWS4-X509-ECDSA-SHA256");
        }
    }
    SECTION("signed by a key that is not the certificate's") {
        auto req = h.request("ec");
        test::resign(req, f.key("othercn"), f.cert("ec"), {"content-type", "host", "x-amz-date", "x-amz-x509"});
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Invalid signature");
    }
    SECTION("no Authorization at all") {
        auto req = h.request("ec");
        req.headers.erase(std::remove_if(req.headers.begin(), req.headers.end(), [](const auto& kv) { return kv.first == "Authorization"; }),
                          req.headers.end());
        refused(h.decide(req), ServiceErrorType::AccessDenied, "missing Authorization header");
    }
}

TEST_CASE("emulator: refusals of the certificate", "[emulate]") {
    Harness h;
    const auto& f = EmulatorFixture::get();
    SECTION("issued by another CA") {
        refused(h.decide(h.request("foreign")), ServiceErrorType::AccessDenied,
                "Untrusted signing certificate: CN=foreign-vm (serial 5A5A5A5A): its issuer `CN=Other Root CA` is neither a trust anchor nor among the intermediates");
    }
    SECTION("expired") {
        refused(h.decide(h.request("expired")), ServiceErrorType::AccessDenied, "CN=expired-vm (serial 1003): expired on 2020-02-01T00:00:00Z [ra.validity.expired]");
    }
    SECTION("revoked by the anchor's CRL") {
        refused(h.decide(h.request("revoked")), ServiceErrorType::AccessDenied,
                "CN=revoked-vm (serial 1004): revoked by the CRL issued by CN=Test Root CA [ra.crl.revoked]");
    }
    SECTION("revoked certificate is accepted when the anchor has no CRL") {
        h.config.anchors[0].crls.clear();
        granted(h.decide(h.request("revoked")));
    }
    SECTION("CA certificate as leaf") {
        refused(h.decide(h.request("intca")), ServiceErrorType::AccessDenied,
                "Untrusted signing certificate: CN=Test Issuing CA (serial 1002): basicConstraints says CA:TRUE");
    }
    SECTION("SHA-1 certificate") {
        refused(h.decide(h.request("sha1")), ServiceErrorType::AccessDenied, "signed with a 160-bit hash; Roles Anywhere requires SHA-256 or stronger");
    }
    SECTION("leaf without digitalSignature") {
        refused(h.decide(h.request("nods")), ServiceErrorType::AccessDenied, "CN=nods-vm (serial 1006): keyUsage lacks digitalSignature, which Roles Anywhere requires [ra.ee.digital-signature]");
    }
    SECTION("leaf under the issuing CA without the chain header") {
        refused(h.decide(h.request("sub")), ServiceErrorType::AccessDenied, "its issuer `CN=Test Issuing CA` is neither a trust anchor");
    }
    SECTION("chain longer than 5") {
        refused(h.decide(h.request("sub", "{}", 0, 0, {"intca", "intca", "intca", "intca", "intca", "intca"})), ServiceErrorType::AccessDenied,
                "X-Amz-X509-Chain holds more than 5 certificates");
    }
    SECTION("X-Amz-X509 that is not base64 DER") {
        auto req = h.request("ec");
        req.set_header("X-Amz-X509", "%%%not base64%%%");
        test::resign(req, f.key("ec"), f.cert("ec"), {"content-type", "host", "x-amz-date", "x-amz-x509"});
        refused(h.decide(req), ServiceErrorType::AccessDenied, "X-Amz-X509 is not a base64-encoded DER certificate");
    }
}

TEST_CASE("emulator: refusals of the profile, role, anchor and body", "[emulate]") {
    Harness h;
    SECTION("disabled profile") {
        refused(h.decide(h.request("ec", "{}", 2)), ServiceErrorType::AccessDenied, "profile \"disabled\"");
    }
    SECTION("disabled trust anchor") {
        h.config.anchors[0].enabled = false;
        refused(h.decide(h.request("ec")), ServiceErrorType::AccessDenied, "trust anchor \"anchor\" (" + h.anchor() + ") is disabled");
    }
    SECTION("role not in the profile") {
        refused(h.decide(h.request("ec", "{}", 1, 1)), ServiceErrorType::AccessDenied, "role " + h.role(1) + " is not one of the roles of profile \"short\"");
    }
    SECTION("unknown profile and anchor") {
        const auto p = session_request("ec", profile_arn("us-east-1", "123456789012", "nope"), h.role(), h.anchor(), "{}", h.now);
        refused(h.decide(p), ServiceErrorType::ResourceNotFound, "no profile");
        const auto a = session_request("ec", h.profile(), h.role(), trust_anchor_arn("us-east-1", "123456789012", "nope"), "{}", h.now);
        refused(h.decide(a), ServiceErrorType::ResourceNotFound, "no trust anchor");
    }
    SECTION("profile and anchor in different regions") {
        const auto p = session_request("ec", profile_arn("eu-west-1", "123456789012", "x"), h.role(), h.anchor(), "{}", h.now);
        refused(h.decide(p), ServiceErrorType::Validation, "must be in the same region and account");
    }
    SECTION("duration out of bounds") {
        refused(h.decide(h.request("ec", "{\"durationSeconds\":899}")), ServiceErrorType::Validation, "durationSeconds 899 is out of bounds");
        refused(h.decide(h.request("ec", "{\"durationSeconds\":43201}")), ServiceErrorType::Validation, "durationSeconds 43201 is out of bounds");
        refused(h.decide(h.request("ec", "{\"durationSeconds\":\"1h\"}")), ServiceErrorType::Validation, "durationSeconds must be an integer");
    }
    SECTION("garbage body, correctly signed") {
        refused(h.decide(h.request("ec", "\x01\xff garbage {")), ServiceErrorType::Validation, "the request body is not a JSON object");
    }
    SECTION("role session name the profile does not accept") {
        refused(h.decide(h.request("ec", "{\"roleSessionName\":\"mine\"}")), ServiceErrorType::AccessDenied, "does not accept role session names");
        h.config.profiles[0].accept_role_session_name = true;
        const auto& s = granted(h.decide(h.request("ec", "{\"roleSessionName\":\"mine\"}")));
        CHECK_THAT(s.body["credentialSet"][0]["assumedRoleUser"]["arn"].get<std::string>(), Catch::EndsWith("/pkitool-emulate/mine"));
    }
    SECTION("malformed ARNs: a ValidationException naming the parameter and the field") {
        const auto r = session_request("ec", h.profile(), "arn:aws:iam::12345:role/pkitool-emulate", h.anchor(), "{}", h.now);
        refused(h.decide(r), ServiceErrorType::Validation,
                "roleArn \"arn:aws:iam::12345:role/pkitool-emulate\" is not arn:aws:iam::<account>:role/<name>: account \"12345\" is not 12 digits");
        const auto p = session_request("ec", h.anchor(), h.role(), h.anchor(), "{}", h.now);
        refused(h.decide(p), ServiceErrorType::Validation, "profileArn \"" + h.anchor() + "\" is not arn:aws:rolesanywhere:<region>:<account>:profile/<id>: resource type \"trust-anchor\" is not profile");
        const auto a = session_request("ec", h.profile(), h.role(), "arn:aws-:rolesanywhere:us-east-1:123456789012:trust-anchor/x", "{}", h.now);
        refused(h.decide(a), ServiceErrorType::Validation, "trustAnchorArn \"arn:aws-:rolesanywhere:us-east-1:123456789012:trust-anchor/x\" is not");
    }
    SECTION("missing ARN") {
        auto req = h.request("ec");
        req.query.pop_back();
        test::resign(req, EmulatorFixture::get().key("ec"), EmulatorFixture::get().cert("ec"), {"content-type", "host", "x-amz-date", "x-amz-x509"});
        refused(h.decide(req), ServiceErrorType::Validation, "missing trustAnchorArn");
    }
}

TEST_CASE("emulator: no crash on mangled requests", "[emulate]") {
    Harness h;
    const auto good = h.request("sub", "{}", 0, 0, {"intca"});
    std::mt19937 gen(12345);  // fixed seed: a failure reproduces
    for (int i = 0; i < 300; ++i) {
        auto req = good;
        auto& [name, value] = req.headers[gen() % req.headers.size()];
        switch (gen() % 4) {
            case 0: value = value.substr(0, gen() % (value.size() + 1)); break;
            case 1: if (!value.empty()) value[gen() % value.size()] = static_cast<char>(gen() % 256); break;
            case 2: value += std::string(gen() % 50, ','); break;
            case 3: name = "X-Other"; break;
        }
        const auto d = h.decide(req);
        // Most mutations break the signature; none may throw or be granted with a changed signed header.
        if (std::holds_alternative<CreatedSession>(d)) CHECK(name != "X-Other");
    }
    HttpRequest empty;
    refused(h.decide(empty), ServiceErrorType::AccessDenied, "missing Authorization header");
}

TEST_CASE("emulator: a certificate presented again is checked afresh on every request", "[emulate]") {
    // The verifier remembers decoded certificates and reuses signature verifiers across requests;
    // neither may carry a verdict, or state, from one request to the next.
    Harness h;
    granted(h.decide(h.request("ec")));
    SECTION("a signature that is not DER does not spoil the next request") {
        // Botan 2 returns false on it without finishing the message hash of the verifier.
        auto req = h.request("ec");
        auto auth = *req.header("Authorization");
        auth.replace(auth.find("Signature=") + 10, std::string::npos, "3000");
        req.set_header("Authorization", auth);
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Invalid signature");
        granted(h.decide(h.request("ec")));
        granted(h.decide(h.request("ec")));
    }
    SECTION("a tampered body is refused after the same certificate was granted") {
        auto req = h.request("ec");
        req.body = "{\"durationSeconds\":3601}";
        refused(h.decide(req), ServiceErrorType::AccessDenied, "Invalid signature");
    }
    SECTION("the validity dates are checked at each request's time") {
        h.now = EmulatorFixture::get().cert("ec").not_after().to_std_timepoint() + std::chrono::hours(1);
        refused(h.decide(h.request("ec")), ServiceErrorType::AccessDenied, "expired on");
    }
}

TEST_CASE("emulator: a CRL counts only while its own signature verifies, also after it was checked once", "[emulate]") {
    // CRL signature checks are remembered; the memory must be of the signed bytes, not of the CRL's
    // signature or its place in the configuration.
    Harness h;
    refused(h.decide(h.request("revoked")), ServiceErrorType::AccessDenied, "revoked by the CRL issued by CN=Test Root CA");
    auto der = h.config.anchors[0].crls[0].BER_encode();
    // thisUpdate's last seconds digit: still a CRL of the same issuer revoking the same serials,
    // with the same signature, which no longer verifies.
    const std::vector<uint8_t> utc_time{0x17, 0x0D};
    const auto at = std::search(der.begin(), der.end(), utc_time.begin(), utc_time.end());
    REQUIRE(at != der.end());
    auto& digit = *(at + 2 + 11);
    digit = digit == '9' ? '0' : static_cast<uint8_t>(digit + 1);
    h.config.anchors[0].crls[0] = Botan::X509_CRL(der);
    REQUIRE(h.config.anchors[0].crls[0].is_revoked(EmulatorFixture::get().cert("revoked")));
    granted(h.decide(h.request("revoked")));
}
