// Authority::validate and draft: what is refused before anything is signed, and the validity it grants.
#include "ca/authority.h"

#include "base/error.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

using namespace pkitool;

namespace {

using profiles::Builtin;

struct Ca {
    test::TempDir t;
    ca::Authority authority;
    explicit Ca(unsigned days = 3650, std::optional<size_t> path_len = std::nullopt) : authority(make(t, days, path_len)) {}

    static ca::Authority make(const test::TempDir& t, unsigned days, std::optional<size_t> path_len) {
        const ca::RootRequest req{t / "ca", issue::Subject::parse("CN=Unit Root"), issue::KeyType::default_type(), days, path_len, std::nullopt};
        ca::Authority::init_root(req);
        return ca::Authority::open(req.dir);
    }
    std::string refusal(const profiles::Profile& p, const std::string& subject, const std::string& type, std::optional<unsigned> days,
                        ca::Clock::time_point now = ca::Clock::now()) const {
        return refusal(p, issue::Subject::parse(subject), type, days, now);
    }
    std::string refusal(const profiles::Profile& p, const issue::Subject& subject, const std::string& type, std::optional<unsigned> days,
                        ca::Clock::time_point now = ca::Clock::now()) const {
        try {
            authority.validate(p, subject, issue::KeyType::parse(type), days, now);
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::Failure);  // content errors: the values may come from a CSR or a fleet row
            const auto most = e.input() && e.input()->most ? " | most: " + std::to_string(*e.input()->most) : std::string();
            return e.what() + std::string(e.hint().empty() ? "" : " | hint: ") + e.hint() + most;
        }
        return "(accepted)";
    }
};

}  // namespace

TEST_CASE("authority: validate grants the profile's days, backdated, within the CA's life", "[ca][authority]") {
    const Ca ca;
    const auto& client = profiles::builtin(Builtin::RolesAnywhereClient);
    const auto now = ca::Clock::now();
    const auto v = ca.authority.validate(client, issue::Subject::parse("CN=vm"), issue::KeyType::default_type(), std::nullopt, now);
    CHECK(v.not_before == now - ca::kBackdate);
    CHECK(v.not_after == now + std::chrono::days(client.default_days));
    CHECK(ca.authority.validate(client, issue::Subject::parse("CN=vm"), issue::KeyType::parse("rsa:3072"), 30u, now).not_after ==
          now + std::chrono::days(30));
    // draft() is validate() plus the key: the key's own type is what the profile judges.
    const auto key = issue::PrivateKey::generate(issue::KeyType::parse("ec:p384"));
    const auto t = ca.authority.draft({issue::Subject::parse("CN=vm"), {}, key.public_key(), client, 10u}, now);
    CHECK(t.not_after == now + std::chrono::days(10));
}

TEST_CASE("authority: validate refuses, naming the profile and the limit", "[ca][authority]") {
    const Ca ca;
    const auto& client = profiles::builtin(Builtin::RolesAnywhereClient);
    CHECK_THAT(ca.refusal(client, "", "ec:p256", std::nullopt), Catch::StartsWith("the subject is empty; profile rolesanywhere-client requires one"));
    auto no_subject = client;
    no_subject.require_subject = false;
    CHECK(ca.refusal(no_subject, "", "ec:p256", std::nullopt) == "(accepted)");
    // A subject from a CSR is checked here (Subject::parse refuses such a value on the command line).
    Botan::X509_DN dn;
    dn.add_attribute("X520.CommonName", "a\x01" "b");
    CHECK_THAT(ca.refusal(client, issue::Subject::from(dn), "ec:p256", std::nullopt), Catch::StartsWith("the subject's CN holds the control character 0x01"));
    auto p384 = client;
    p384.name = "p384-only";
    p384.allowed_key_types = {"ec:p384"};
    CHECK(ca.refusal(p384, "CN=vm", "ec:p256", std::nullopt) == "key type ec:p256 is not allowed by profile p384-only");
    CHECK(ca.refusal(p384, "CN=vm", "ec:p384", std::nullopt) == "(accepted)");
    CHECK(ca.refusal(client, "CN=vm", "ec:p256", 826u) == "days 826: profile rolesanywhere-client allows 1 to 825 days | most: 825");
    CHECK(ca.refusal(client, "CN=vm", "ec:p256", 825u) == "(accepted)");

    // Never past the CA's own notAfter, and never from an expired CA.
    const Ca short_lived(30);
    CHECK_THAT(short_lived.refusal(client, "CN=vm", "ec:p256", std::nullopt),
               Catch::StartsWith("days 365 (profile rolesanywhere-client's default): the certificate would outlive its CA") &&
                   Catch::EndsWith("| most: 29"));
    CHECK(short_lived.refusal(client, "CN=vm", "ec:p256", 29u) == "(accepted)");
    CHECK_THAT(short_lived.refusal(client, "CN=vm", "ec:p256", 1u, ca::Clock::now() + std::chrono::days(31)),
               Catch::Contains("ca.crt: the CA certificate expired on "));
}

TEST_CASE("authority: a CA profile under pathlen:0 is refused, an end-entity one is not", "[ca][authority]") {
    const Ca ca(3650, 0u);
    CHECK_THAT(ca.refusal(profiles::builtin(Builtin::IntermediateCa), "CN=sub", "ec:p256", std::nullopt),
               Catch::Contains("allows no CA below it, so it cannot sign a intermediate-ca certificate"));
    CHECK(ca.refusal(profiles::builtin(Builtin::RolesAnywhereClient), "CN=vm", "ec:p256", std::nullopt) == "(accepted)");
}
