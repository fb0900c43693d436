// User profiles from JSON: what is accepted, and that every mistake is an error naming its field.
#include "profiles/catalog.h"

#include "base/error.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

using namespace pkitool;
using namespace pkitool::profiles;

namespace {

std::string error_of(const std::string& text) {
    try {
        Catalog::parse(text, "my.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("profiles file: a profile starts from its base and overrides fields", "[profiles]") {
    const auto c = Catalog::parse(R"({"profiles": [
        {"name": "vm-client", "max_days": 90, "default_days": 30, "key_types": ["ec:p384"],
         "extended_key_usage": ["clientAuth", "serverAuth"]},
        {"name": "short-vm", "base": "vm-client", "max_days": 7, "default_days": 7},
        {"name": "edge-ca", "base": "intermediate-ca", "role": "ca", "path_len": 0, "min_signature_hash_bits": 384}]})",
                                  "my.json");
    CHECK(c.all().size() == builtins().size() + 3);
    CHECK(c.source() == "my.json");
    const auto& vm = c.find("vm-client");
    CHECK_FALSE(vm.is_ca());
    CHECK(vm.key_usage == Botan::DIGITAL_SIGNATURE);  // from rolesanywhere-client
    CHECK(vm.max_days == 90);
    CHECK(vm.default_days == 30);
    CHECK(vm.allowed_key_types == std::vector<std::string>{"ec:p384"});
    CHECK(vm.extended_key_usage == std::vector<ExtendedUsage>{ExtendedUsage::ClientAuth, ExtendedUsage::ServerAuth});
    CHECK_FALSE(c.is_builtin("vm-client"));
    CHECK(c.is_builtin("root-ca"));
    const auto& s = c.find("short-vm");
    CHECK(s.allowed_key_types == std::vector<std::string>{"ec:p384"});  // inherited from vm-client
    CHECK(s.max_days == 7);
    const auto& e = c.find("edge-ca");
    CHECK(e.is_ca());
    CHECK(e.path_len == 0u);
    CHECK(e.min_signature_hash_bits == 384);
    // to_json is the file's own shape: reading it back gives the same profile.
    auto j = to_json(vm);
    j["name"] = "copy";
    const auto again = Catalog::parse(nlohmann::json{{"profiles", {j}}}.dump(), "copy.json").find("copy");
    CHECK(again.max_days == vm.max_days);
    CHECK(again.key_usage == vm.key_usage);
    CHECK(again.extended_key_usage == vm.extended_key_usage);
    CHECK(again.allowed_key_types == vm.allowed_key_types);
}

TEST_CASE("profiles file: mistakes are errors that name the file, the profile and the field", "[profiles]") {
    CHECK_THAT(error_of("{"), Catch::StartsWith("my.json: not valid JSON: line 1 column 2: "));
    CHECK(error_of(R"({"profiles": [{"name": "a", "max_days": 3, "max_days": 4}]})") == "my.json: profiles[0].max_days: duplicate key (give each field once)");
    CHECK_THAT(error_of(R"({"profile": []})"), Catch::Contains("expected an object {\"profiles\""));
    CHECK_THAT(error_of(R"({"profiles": [], "extra": 1})"), Catch::Contains("unknown top-level field 'extra'"));
    CHECK(error_of(R"({"profiles": [{"max_days": 3}]})") == "my.json: profiles[0]: name: is required");
    CHECK_THAT(error_of(R"({"profiles": [{"name": "Bad Name"}]})"), Catch::Contains("name: 'Bad Name' must be"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "root-ca"}]})"), Catch::Contains("already defined"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a"}, {"name": "a"}]})"), Catch::Contains("profiles[1] (a): name: 'a' is already defined"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "max_dayz": 3}]})"), Catch::StartsWith("my.json: profiles[0] (a): max_dayz: unknown field"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "max_days": "90"}]})"), Catch::Contains("(a): max_days: must be a whole number"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "max_days": 0}]})"), Catch::Contains("max_days: 0 is out of range"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "max_days": 10, "default_days": 20}]})"), Catch::Contains("default_days: 20 is more than max_days 10"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "key_usage": ["digitalSig"]}]})"), Catch::Contains("key_usage: unknown key usage 'digitalSig'"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "key_usage": ["keyEncipherment"]}]})"), Catch::Contains("needs digitalSignature"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "key_usage": ["digitalSignature", "keyCertSign"]}]})"), Catch::Contains("belong to CA profiles"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "extended_key_usage": ["client"]}]})"), Catch::Contains("unknown extended key usage 'client'"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "key_types": ["ed25519"]}]})"), Catch::Contains("key_types: unknown key type 'ed25519'"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "min_signature_hash_bits": 160}]})"), Catch::Contains("must be 256, 384 or 512"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "role": "ca"}]})"), Catch::Contains("a CA profile needs keyCertSign"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "role": "server"}]})"), Catch::Contains("role: 'server' must be"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "base": "nope"}]})"), Catch::Contains("base: no profile 'nope'"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "path_len": 1}]})"), Catch::Contains("only a CA profile has a path length"));
    CHECK_THAT(error_of(R"({"profiles": [{"name": "a", "require_subject": 1}]})"), Catch::Contains("require_subject: must be true or false"));
    // Unknown names: a usage error listing the known ones.
    try {
        Catalog().find("nope");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.code() == ExitCode::Usage);
        CHECK_THAT(e.hint(), Catch::Contains("rolesanywhere-client"));
    }
}

TEST_CASE("profiles: each built-in is fetched by what it is", "[profiles]") {
    CHECK(profiles::builtin(profiles::Builtin::RootCa).name == "root-ca");
    CHECK(profiles::builtin(profiles::Builtin::IntermediateCa).name == "intermediate-ca");
    CHECK(profiles::builtin(profiles::Builtin::RolesAnywhereAnchor).name == "rolesanywhere-anchor");
    CHECK(profiles::builtin(profiles::Builtin::RolesAnywhereClient).name == "rolesanywhere-client");
    CHECK(profiles::builtins().size() == 4);
}
