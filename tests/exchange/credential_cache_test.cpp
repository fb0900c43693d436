// The credential cache: what keys it, when it reuses, its permissions, and concurrent callers.
#include "exchange/client/credential_cache.h"
#include "issue/random.h"
#include "base/pem.h"
#include "base/error.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <botan/x509self.h>

#include <atomic>
#include <fstream>
#include <thread>

using namespace pkitool::exchange;
using pkitool::test::mode_of;
using pkitool::test::slurp;
using pkitool::test::TempDir;

namespace {

Botan::X509_Certificate fixture() { return pkitool::pem::load_certificate(PKITOOL_SOURCE_DIR "/tests/data/exchange/rsa-test.crt"); }

SessionTarget target() {
    SessionTarget t;
    t.trust_anchor_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/ta";
    t.profile_arn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/p";
    t.role_arn = "arn:aws:iam::123456789012:role/r";
    return t;
}

Credentials expiring_at(Clock::time_point t, const std::string& id) { return {id, "secret", "token", t, ""}; }

}  // namespace

TEST_CASE("cache: the key changes with every field that selects a session", "[exchange][cache]") {
    const auto leaf = fixture();
    const auto base = cache_key(leaf, target());
    CHECK(base.size() == 64);
    CHECK(cache_key(leaf, target()) == base);
    auto t = target();
    t.role_arn += "2";
    CHECK(cache_key(leaf, t) != base);
    t = target();
    t.profile_arn += "2";
    CHECK(cache_key(leaf, t) != base);
    t = target();
    t.trust_anchor_arn += "2";
    CHECK(cache_key(leaf, t) != base);
    t = target();
    t.endpoint = "http://127.0.0.1:1";
    CHECK(cache_key(leaf, t) != base);
    t = target();
    t.endpoint = "https://rolesanywhere.eu-west-1.amazonaws.com/";  // the default, spelled out: same session
    CHECK(cache_key(leaf, t) == base);
    t = target();
    t.duration_seconds = 900;
    CHECK(cache_key(leaf, t) != base);
    // Another certificate (same ARNs): another session.
    const auto key = pkitool::issue::PrivateKey::generate(pkitool::issue::KeyType::default_type());
    const auto other = Botan::X509::create_self_signed_cert(Botan::X509_Cert_Options("other"), key.botan(), "SHA-256", pkitool::issue::rng());
    CHECK(cache_key(other, target()) != base);
}

TEST_CASE("cache: reused until 5 minutes before expiry, then fetched again", "[exchange][cache]") {
    TempDir tmp;
    CredentialCache cache(tmp / "sub" / "pkitool");
    const auto now = Clock::from_time_t(1795575600);
    int fetches = 0;
    const auto fetch = [&] { return expiring_at(now + std::chrono::minutes(10), "ASIA" + std::to_string(++fetches)); };
    CHECK(cache.get("k", now, fetch).access_key_id == "ASIA1");
    CHECK(cache.get("k", now + std::chrono::minutes(4), fetch).access_key_id == "ASIA1");  // 6 minutes left: reused
    CHECK(fetches == 1);
    CHECK(cache.get("k", now + std::chrono::minutes(5), fetch).access_key_id == "ASIA2");  // 5 left: refreshed
    CHECK(fetches == 2);
    CHECK(cache.get("other", now, fetch).access_key_id == "ASIA3");  // other key: its own entry
    CHECK(mode_of(tmp / "sub" / "pkitool") == 0700);
    CHECK(mode_of(cache.entry_path("k")) == 0600);
    CHECK_THAT(slurp(cache.entry_path("k")), Catch::StartsWith("{\"Version\":1,\"AccessKeyId\":\"ASIA2\""));
}

TEST_CASE("cache: a damaged entry is a miss and gets replaced, and a failed fetch writes nothing", "[exchange][cache]") {
    TempDir tmp;
    CredentialCache cache(tmp / "c");
    const auto now = Clock::from_time_t(1795575600);
    CHECK_THROWS_WITH(cache.get("k", now, []() -> Credentials { throw pkitool::Error("endpoint: refused"); }), "endpoint: refused");
    CHECK_FALSE(std::filesystem::exists(cache.entry_path("k")));
    std::ofstream(cache.entry_path("k")) << "{garbage";
    CHECK(cache.get("k", now, [&] { return expiring_at(now + std::chrono::hours(1), "NEW"); }).access_key_id == "NEW");
    CHECK_THAT(slurp(cache.entry_path("k")), Catch::Contains("NEW"));
}

TEST_CASE("cache: concurrent callers share one fetch and never see a torn entry", "[exchange][cache]") {
    TempDir tmp;
    const auto now = Clock::from_time_t(1795575600);
    std::atomic<int> fetches{0};
    std::vector<std::string> got(8);
    std::vector<std::thread> threads;
    for (size_t i = 0; i < got.size(); ++i)
        threads.emplace_back([&, i] {
            // Each thread its own cache object, so each takes the lock through its own file descriptor,
            // as separate processes would.
            CredentialCache cache(tmp / "c");
            got[i] = cache.get("k", now, [&] {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                return expiring_at(now + std::chrono::hours(1), "ASIA" + std::to_string(++fetches));
            }).access_key_id;
        });
    for (auto& t : threads) t.join();
    CHECK(fetches == 1);
    for (const auto& g : got) CHECK(g == "ASIA1");
}
