// The CAs the endpoint is checked against: the caller's bundle, then AWS_CA_BUNDLE, then
// SSL_CERT_FILE, then the system's; a bundle that cannot be used is refused naming who named it.
#include "exchange/client/trust_store.h"
#include "base/error.h"
#include "tests/support/cli.h"
#include "tests/support/scoped_env.h"

#include <catch2/catch.hpp>

#include <fstream>

using pkitool::Error;
using pkitool::exchange::TrustStore;
using pkitool::test::ScopedEnv;
using pkitool::test::TempDir;

namespace {

const std::string kCert = PKITOOL_SOURCE_DIR "/tests/data/exchange/rsa-test.crt";
const std::string kKey = PKITOOL_SOURCE_DIR "/tests/data/exchange/rsa-test.key";

// The error check() throws, as data.
Error refusal(const TrustStore& t) {
    try {
        t.check();
    } catch (const Error& e) {
        return e;
    }
    FAIL("check() accepted " << t.file);
    return Error("unreachable");
}

}  // namespace

TEST_CASE("trust store: the caller's bundle, then AWS_CA_BUNDLE, then SSL_CERT_FILE, then the system's", "[exchange][tls]") {
    const ScopedEnv env({TrustStore::kAwsCaBundle, TrustStore::kSslCertFile});
    CHECK(TrustStore::choose("").file.empty());
    CHECK(TrustStore::choose("").describe() == "the system's CA store");
    env.set("SSL_CERT_FILE", "/etc/ssl.pem");
    CHECK(TrustStore::choose("").file == "/etc/ssl.pem");
    CHECK(TrustStore::choose("").origin == "SSL_CERT_FILE");
    env.set("AWS_CA_BUNDLE", "/etc/aws.pem");
    CHECK(TrustStore::choose("").file == "/etc/aws.pem");
    CHECK(TrustStore::choose("").describe() == "the CAs in /etc/aws.pem (from AWS_CA_BUNDLE)");
    const auto given = TrustStore::choose("mine.pem");
    CHECK(given.file == "mine.pem");
    CHECK(given.origin == TrustStore::kGiven);
    CHECK(given.describe() == "the CAs in mine.pem");
    env.set("AWS_CA_BUNDLE", "");  // empty is unset, as the AWS CLI reads it
    CHECK(TrustStore::choose("").origin == "SSL_CERT_FILE");
}

TEST_CASE("trust store: a bundle that cannot be read or holds no certificate is refused, naming its origin", "[exchange][tls]") {
    TempDir tmp;
    CHECK_NOTHROW(TrustStore{}.check());
    CHECK_NOTHROW(TrustStore{kCert, "AWS_CA_BUNDLE"}.check());
    {
        std::ofstream(tmp / "two.pem") << "# a comment openssl allows\n" << pkitool::test::slurp(kCert) << pkitool::test::slurp(kCert);
        CHECK_NOTHROW(TrustStore{(tmp / "two.pem").string(), TrustStore::kGiven}.check());
    }

    const auto missing = refusal({(tmp / "missing.pem").string(), "AWS_CA_BUNDLE"});
    REQUIRE(missing.input());
    CHECK(missing.input()->name == "AWS_CA_BUNDLE");
    CHECK(missing.input()->value == (tmp / "missing.pem").string());
    CHECK(std::string(missing.what()) == "AWS_CA_BUNDLE " + (tmp / "missing.pem").string() + ": cannot read: No such file or directory");

    const auto key = refusal({kKey, TrustStore::kGiven});
    CHECK(key.input()->name == "ca_bundle");
    CHECK_THAT(key.what(), Catch::EndsWith(": holds no PEM certificate: a CA bundle is one or more PEM CERTIFICATE blocks"));

    std::ofstream(tmp / "ca.der", std::ios::binary) << std::string(64, '\x30');
    const auto der = refusal({(tmp / "ca.der").string(), "SSL_CERT_FILE"});
    CHECK_THAT(der.what(), Catch::StartsWith("SSL_CERT_FILE " + (tmp / "ca.der").string() + ": holds no PEM certificate"));
    CHECK_THAT(der.hint(), Catch::Contains("openssl x509 -inform der"));

    const auto dir = refusal({tmp.path().string(), "SSL_CERT_FILE"});
    CHECK_THAT(dir.what(), Catch::StartsWith("SSL_CERT_FILE " + tmp.path().string() + ": "));
}
