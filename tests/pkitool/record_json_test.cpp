// `db list --json` writes each row's JSON straight as text: it must be exactly what record_json()
// and nlohmann's dump(2) make of the same row (the oracle), whatever the strings hold.
#include "pkitool/render.h"

#include <catch2/catch.hpp>

using namespace pkitool;
using namespace std::chrono;

namespace {

// What db list printed before: the object dumped, each line indented.
std::string nested(const nlohmann::json& j, const std::string& indent) {
    std::string out = indent;
    for (const char c : j.dump(2)) {
        out += c;
        if (c == '\n') out += indent;
    }
    return out;
}

db::CertificateRecord record(const std::string& subject, const std::string& sans, std::optional<db::Revocation> revocation) {
    const db::Time t(seconds(1'760'000'000));
    return db::CertificateRecord{issue::Serial::parse("8F0A"), subject, sans, t - days(1), t + days(364), "rolesanywhere-client",
                                 std::string(64, 'a'), {}, t - days(1), revocation};
}

}  // namespace

TEST_CASE("record json: the streamed text is record_json's dump(2), byte for byte", "[pkitool][json]") {
    const db::Time now(seconds(1'760'000'000));
    const std::vector<std::string> texts = {"CN=vm-01,O=Example",
                                           "",
                                           "CN=quote \\\" and back\\\\slash",
                                           std::string("CN=ctl \x01\x1f\x7f\b\f\n\r\t end"),
                                           "CN=Zürich,O=Société Générale",
                                           "CN=emoji \xF0\x9F\x94\x92 / slash"};
    for (const auto& text : texts) {
        for (const auto& revocation : {std::optional<db::Revocation>{}, std::optional<db::Revocation>{db::Revocation{now, db::Reason::KeyCompromise}}}) {
            const auto r = record(text, "dns:" + text, revocation);
            for (const std::string indent : {"", "    "}) {
                std::string out;
                cli::append_record_json(out, r, now, indent);
                INFO(text);
                CHECK(out == nested(cli::record_json(r, now), indent));
            }
        }
    }
    // Invalid UTF-8 is refused the same way, not written out as broken JSON.
    std::string out;
    CHECK_THROWS(cli::append_record_json(out, record("CN=\xC3(", "", std::nullopt), now, ""));
    CHECK_THROWS(cli::record_json(record("CN=\xC3(", "", std::nullopt), now).dump(2));
}

TEST_CASE("record json: rows with a hold instruction or without their certificate stream as record_json dumps them", "[pkitool][json]") {
    const db::Time now(seconds(1'760'000'000));
    auto held = record("CN=held", "dns:held", db::Revocation{now, db::Reason::CertificateHold, "1.2.840.10040.2.2"});
    auto bare = record("CN=bare", "", std::nullopt);
    bare.fingerprint.clear();  // recorded from an openssl index line alone
    for (const auto& r : {held, bare}) {
        for (const std::string indent : {"", "    "}) {
            std::string out;
            cli::append_record_json(out, r, now, indent);
            CHECK(out == nested(cli::record_json(r, now), indent));
        }
    }
    CHECK_THAT(nested(cli::record_json(held, now), ""), Catch::Contains("\"hold_instruction\": \"1.2.840.10040.2.2\""));
    CHECK_THAT(nested(cli::record_json(bare, now), ""), Catch::Contains("\"certificate_missing\": true"));
}
