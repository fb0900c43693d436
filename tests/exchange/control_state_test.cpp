// The control plane's state without HTTP or the AWS CLI: a change is seen by the next
// CreateSession, the SQLite state survives a reopen byte for byte, one state serves one emulator,
// and the ControlPlane answers a signed request with the model's shapes and AWS's wording.
#include "exchange/emulator/attribute_mapping.h"
#include "exchange/emulator/control_plane.h"
#include "exchange/emulator/control_state.h"
#include "exchange/emulator/request_fields.h"
#include "exchange/emulator/session_verifier.h"
#include "exchange/emulator/state_store.h"
#include "tests/exchange/emulator_fixture.h"

#include "base/error.h"

#include <catch2/catch.hpp>

#include <botan/bigint.h>
#include <sqlite3.h>

#include <fstream>

using namespace pkitool;
using namespace pkitool::exchange;
using pkitool::test::EmulatorFixture;

namespace {

using Clock = std::chrono::system_clock;

// A control-plane request as botocore signs it: AWS4-HMAC-SHA256 over content-type;host;x-amz-date.
HttpRequest signed_call(const std::string& method, const std::string& path, const std::string& body, const Administrator& who, Clock::time_point when,
                        const std::string& region = "us-east-1") {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    req.set_header("Content-Type", "application/json");
    req.set_header("Host", "127.0.0.1:9912");
    const std::string date = amz_date(when);
    req.set_header("X-Amz-Date", date);
    const std::string scope = credential_scope(date.substr(0, 8), region, "rolesanywhere");
    const std::string sts = string_to_sign("AWS4-HMAC-SHA256", date, scope, canonical_request(req, {"content-type", "host", "x-amz-date"}));
    req.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=" + who.access_key_id + "/" + scope + ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                                        hmac_signature(who.secret_access_key, date.substr(0, 8), region, "rolesanywhere", sts));
    return req;
}

}  // namespace

TEST_CASE("control state: a disabled profile or CRL counts from the next CreateSession", "[emulate][control-plane]") {
    ControlState state;
    const auto config = EmulatorFixture::get().config();  // first: the fixture's certificates start being valid now
    const auto now = Clock::now();
    state.initialize(config, now);
    CredentialStore store;
    SessionVerifier verifier(state, store);
    const auto s = state.snapshot();
    const auto anchor = s->anchor_views.begin()->first;
    const auto profile = ControlSnapshot::in_order(s->profiles).front();
    const auto profile_arn = s->profile_arn(*profile);
    const auto role = profile->role_arns.front();
    const auto request = [&](const std::string& cert) { return test::session_request(cert, profile_arn, role, anchor, "{}", now); };
    REQUIRE(std::holds_alternative<CreatedSession>(verifier.create_session(request("ec"), now)));
    REQUIRE(std::holds_alternative<Refusal>(verifier.create_session(request("revoked"), now)));

    state.modify([&](ControlSnapshot& next) {
        auto p = std::make_shared<ProfileResource>(*next.profiles.at(profile->id));
        p->enabled = false;
        next.profiles[p->id] = p;
    });
    const auto off = verifier.create_session(request("ec"), now);
    REQUIRE(std::holds_alternative<Refusal>(off));
    CHECK_THAT(std::get<Refusal>(off).message, Catch::Contains("is disabled"));

    state.modify([&](ControlSnapshot& next) {
        auto p = std::make_shared<ProfileResource>(*next.profiles.at(profile->id));
        p->enabled = true;
        next.profiles[p->id] = p;
        for (auto& [id, c] : next.crls) {
            auto copy = std::make_shared<CrlResource>(*c);
            copy->enabled = false;
            c = copy;
        }
    });
    const auto revoked = verifier.create_session(request("revoked"), now);
    if (const auto* r = std::get_if<Refusal>(&revoked)) FAIL("refused: " << r->message);  // its CRL is disabled: no refusal
}

TEST_CASE("control state: SQLite keeps every resource, tag and the administrator across a reopen", "[emulate][control-plane]") {
    test::TempDir t;
    const auto path = t / "state.db";
    const auto now = std::chrono::floor<std::chrono::milliseconds>(Clock::now());
    std::string admin_key, profile_id;
    {
        auto state = open_control_state(path);
        CHECK_FALSE(state->initialized());
        state->initialize(EmulatorFixture::get().config(), now);
        CHECK(test::mode_of(path) == 0600);
        // The state is held: a second emulator is refused while this one runs.
        CHECK_THROWS_WITH(open_control_state(path), Catch::Contains("in use by another emulator"));
        state->modify([&](ControlSnapshot& s) {
            auto p = std::make_shared<ProfileResource>(*ControlSnapshot::in_order(s.profiles).front());
            p->session_policy = "{}";
            p->managed_policy_arns = {"arn:aws:iam::aws:policy/ReadOnlyAccess"};
            s.profiles[p->id] = p;
            s.tags[s.profile_arn(*p)] = {{"team", "pki"}, {"env", "test"}};
            profile_id = p->id;
        });
        admin_key = state->snapshot()->administrator->access_key_id;
    }
    auto state = open_control_state(path);
    REQUIRE(state->initialized());
    const auto s = state->snapshot();
    CHECK(s->administrator->access_key_id == admin_key);
    CHECK(s->account == "123456789012");
    const auto& p = *s->profiles.at(profile_id);
    CHECK(p.session_policy == "{}");
    CHECK(p.managed_policy_arns == std::vector<std::string>{"arn:aws:iam::aws:policy/ReadOnlyAccess"});
    CHECK(p.created_at == now);
    CHECK(s->tags.at(s->profile_arn(p)) == std::vector<Tag>{{"team", "pki"}, {"env", "test"}});
    REQUIRE(s->crls.size() == 1);
    CHECK(s->crls.begin()->second->crl.is_revoked(EmulatorFixture::get().cert("revoked")));
    CHECK(s->roles.size() == EmulatorFixture::get().config().roles.size());
    CHECK(s->roles.at("arn:aws:iam::123456789012:role/OnlyMyOnpremVM")->trust_policy.document() ==
          EmulatorFixture::get().config().find_role("arn:aws:iam::123456789012:role/OnlyMyOnpremVM")->trust_policy.document());
    // CreateSession on the reopened state sees the CRL as before.
    CredentialStore store;
    SessionVerifier verifier(*state, store);
    const auto anchor = s->anchor_views.begin()->first;
    const auto req = test::session_request("revoked", s->profile_arn(p), p.role_arns.front(), anchor, "{}", Clock::now());
    CHECK(std::holds_alternative<Refusal>(verifier.create_session(req, Clock::now())));
}

TEST_CASE("control state: a file that is not an emulator state is refused", "[emulate][control-plane]") {
    test::TempDir t;
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((t / "other.db").c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE certificates (id INTEGER)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    CHECK_THROWS_WITH(open_control_state(t / "other.db"), Catch::Contains("other.db: not an emulator state file"));
    std::ofstream(t / "text.db") << "not sqlite at all, just some text that is long enough to be a header";
    CHECK_THROWS_AS(open_control_state(t / "text.db"), Error);
}

TEST_CASE("control plane: signed calls get the model's shapes, refusals AWS's wording", "[emulate][control-plane]") {
    ControlState state;
    const auto now = Clock::now();
    state.initialize(roles_only_emulator_config(), now);
    CredentialStore issued;
    HmacVerifier hmac(issued, state.snapshot()->administrator);
    ControlPlane plane(state, hmac);
    const Administrator admin = *state.snapshot()->administrator;  // a copy: the snapshot goes with the first change
    const std::string pem = EmulatorFixture::get().cert("root").PEM_encode();
    const auto body = nlohmann::json{{"name", "root"}, {"enabled", true}, {"source", {{"sourceType", "CERTIFICATE_BUNDLE"}, {"sourceData", {{"x509CertificateData", pem}}}}}};

    const auto created = plane.handle(signed_call("POST", "/trustanchors", body.dump(), admin, now), now);
    REQUIRE(created);
    INFO(created->body.dump());
    CHECK(created->status == 201);
    CHECK(created->operation == "CreateTrustAnchor");
    CHECK(created->body["trustAnchor"]["enabled"] == true);
    CHECK(state.anchor(created->body["trustAnchor"]["trustAnchorArn"]) != nullptr);

    const auto listed = plane.handle(signed_call("GET", "/trustanchors", "", admin, now), now);
    REQUIRE(listed);
    CHECK(listed->body["trustAnchors"].size() == 1);
    CHECK_FALSE(listed->body.contains("nextToken"));

    auto tampered = signed_call("POST", "/trustanchors", body.dump(), admin, now);
    tampered.body += " ";
    const auto bad = plane.handle(tampered, now);
    REQUIRE(bad);
    CHECK(bad->status == 403);
    CHECK(bad->error == ServiceErrorType::InvalidSignature);
    const auto stale = plane.handle(signed_call("GET", "/trustanchors", "", admin, now - std::chrono::minutes(20)), now);
    CHECK(stale->error == ServiceErrorType::InvalidSignature);
    CHECK_THAT(stale->body["message"].get<std::string>(), Catch::StartsWith("Signature expired."));
    const auto wrong_type = plane.handle(signed_call("POST", "/profiles", R"({"name": "p", "roleArns": "not a list"})", admin, now), now);
    CHECK(wrong_type->error == ServiceErrorType::Serialization);
    const auto missing = plane.handle(signed_call("POST", "/profiles", "{}", admin, now), now);
    CHECK(missing->error == ServiceErrorType::Validation);
    CHECK(missing->body["message"] == "2 validation errors detected: Value null at 'name' failed to satisfy constraint: Member must not be null; "
                                       "Value null at 'roleArns' failed to satisfy constraint: Member must not be null");
    CHECK_FALSE(plane.handle(signed_call("GET", "/subject", "", admin, now), now));  // no such path: the endpoint's 404
    CHECK_FALSE(plane.handle(signed_call("PUT", "/trustanchors", "", admin, now), now));
}

TEST_CASE("control plane: validation messages list every violation as AWS does", "[emulate][control-plane]") {
    Violations v;
    CHECK(check_string(std::string(36, 'a'), "trustAnchorId", model::uuid(), v) == false);
    CHECK(check_string("ok name_1-2", "name", model::resource_name(), v) == true);
    CHECK(check_string("secret!", "tags.1.member.key", model::tag_key(), v) == false);
    CHECK(v.message() == "2 validation errors detected: Value 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' at 'trustAnchorId' failed to satisfy constraint: "
                         "Member must satisfy regular expression pattern: [a-f0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}; "
                         "Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [ a-zA-Z0-9_.:/=+@-]*");
}

TEST_CASE("control plane: attribute mappings decide which session tags a certificate gives", "[emulate][control-plane]") {
    ControlState state;
    const auto now = Clock::now();
    state.initialize(roles_only_emulator_config(), now);
    CredentialStore issued;
    HmacVerifier hmac(issued, state.snapshot()->administrator);
    ControlPlane plane(state, hmac);
    const Administrator admin = *state.snapshot()->administrator;
    const auto& leaf = EmulatorFixture::get().cert("ec");  // CN=MyOnpremVM, O=Example, issued by CN=Test Root CA
    const auto made = plane.handle(signed_call("POST", "/profiles", R"({"name": "p", "roleArns": ["arn:aws:iam::123456789012:role/r"]})", admin, now), now);
    REQUIRE(made);
    const std::string id = made->body["profile"]["profileId"], arn = made->body["profile"]["profileArn"];
    const auto defaults = principal_tags(leaf, state.profile(arn)->attribute_mappings);
    CHECK(defaults.at("x509Subject/CN") == "MyOnpremVM");
    CHECK(defaults.at("x509Issuer/CN") == "Test Root CA");

    // Only O from the subject: CN is no longer a tag, so a condition on it cannot hold.
    const auto put = plane.handle(signed_call("PUT", "/profiles/" + id + "/mappings", R"({"certificateField": "x509Subject", "mappingRules": [{"specifier": "O"}]})", admin, now), now);
    REQUIRE(put);
    INFO(put->body.dump());
    CHECK(put->status == 200);
    const auto only_o = principal_tags(leaf, state.profile(arn)->attribute_mappings);
    CHECK(only_o.count("x509Subject/CN") == 0);
    CHECK(only_o.at("x509Subject/O") == "Example");
    CHECK(only_o.at("x509Issuer/CN") == "Test Root CA");
    const auto verdict = TrustPolicy::allowing_rolesanywhere(R"({"StringEquals": {"aws:PrincipalTag/x509Subject/CN": "MyOnpremVM"}})").evaluate({only_o, "", ""});
    CHECK_FALSE(verdict.allowed());
    CHECK_THAT(verdict.reason, Catch::Contains("no x509Subject/CN tag"));

    // Deleting the issuer field's mapping removes every x509Issuer tag.
    auto del = signed_call("DELETE", "/profiles/" + id + "/mappings", "", admin, now);
    del.query = {{"certificateField", "x509Issuer"}};
    // Re-sign with the query: the canonical request covers it.
    {
        const std::string date = amz_date(now);
        const std::string scope = credential_scope(date.substr(0, 8), "us-east-1", "rolesanywhere");
        const std::string sts = string_to_sign("AWS4-HMAC-SHA256", date, scope, canonical_request(del, {"content-type", "host", "x-amz-date"}));
        del.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=" + admin.access_key_id + "/" + scope + ", SignedHeaders=content-type;host;x-amz-date, Signature=" +
                                            hmac_signature(admin.secret_access_key, date.substr(0, 8), "us-east-1", "rolesanywhere", sts));
    }
    const auto deleted = plane.handle(del, now);
    REQUIRE(deleted);
    INFO(deleted->body.dump());
    CHECK(deleted->status == 200);
    const auto no_issuer = principal_tags(leaf, state.profile(arn)->attribute_mappings);
    for (const auto& [k, v] : no_issuer) CHECK(k.rfind("x509Issuer/", 0) != 0);
    CHECK(no_issuer.at("x509Subject/O") == "Example");
}

TEST_CASE("control state: each CreateSession is kept on its Subject, accepted or refused, across a reopen", "[emulate][control-plane]") {
    test::TempDir t;
    const auto path = t / "state.db";
    const auto config = EmulatorFixture::get().config();  // first: the fixture's certificates start being valid now
    const auto now = std::chrono::floor<std::chrono::milliseconds>(Clock::now());
    std::string ec_subject;
    {
        auto state = open_control_state(path);
        state->initialize(config, now);
        CredentialStore store;
        SessionVerifier verifier(*state, store, &state->subjects());
        const auto s = state->snapshot();
        const auto anchor = s->anchor_views.begin()->first;
        const auto profile = ControlSnapshot::in_order(s->profiles).front();
        const auto request = [&](const std::string& cert) {
            return test::session_request(cert, s->profile_arn(*profile), profile->role_arns.front(), anchor, "{}", now);
        };
        const auto accepted = verifier.create_session(request("ec"), now);
        REQUIRE(std::holds_alternative<CreatedSession>(accepted));
        REQUIRE(std::holds_alternative<Refusal>(verifier.create_session(request("revoked"), now)));
        // A request whose signature does not verify names nobody: it is not recorded.
        auto forged = request("rsa");
        forged.body += " ";
        REQUIRE(std::holds_alternative<Refusal>(verifier.create_session(forged, now)));

        const auto subjects = state->subjects().in_order();
        REQUIRE(subjects.size() == 2);
        const auto& ec = *subjects[0];
        CHECK_THAT(ec.x509_subject, Catch::Contains("CN=MyOnpremVM"));
        CHECK(ec.id == subject_id(ec.x509_subject));
        // The session's subjectArn names the same Subject that ListSubjects shows.
        const std::string arn = std::get<CreatedSession>(accepted).body["subjectArn"];
        CHECK_THAT(arn, Catch::EndsWith(":subject/" + ec.id));
        REQUIRE(ec.credentials.size() == 1);
        CHECK_FALSE(ec.credentials[0].failed);
        CHECK(ec.credentials[0].serial_number == Botan::BigInt(EmulatorFixture::get().cert("ec").serial_number()).to_dec_string());
        CHECK_THAT(ec.credentials[0].issuer, Catch::Contains("CN=Test Root CA"));
        CHECK(ec.last_seen_at == now);
        const auto& revoked = *subjects[1];
        CHECK_THAT(revoked.x509_subject, Catch::Contains("CN=revoked-vm"));
        REQUIRE(revoked.credentials.size() == 1);
        CHECK(revoked.credentials[0].failed);
        ec_subject = ec.id;

        // The same certificate again, refused this time: one credential, its latest outcome.
        state->modify([&](ControlSnapshot& next) {
            auto p = std::make_shared<ProfileResource>(*next.profiles.at(profile->id));
            p->enabled = false;
            next.profiles[p->id] = p;
        });
        REQUIRE(std::holds_alternative<Refusal>(verifier.create_session(request("ec"), now + std::chrono::seconds(1))));
        const auto again = state->subjects().find(ec_subject);
        REQUIRE(again);
        REQUIRE(again->credentials.size() == 1);
        CHECK(again->credentials[0].failed);
        CHECK(again->last_seen_at == now + std::chrono::seconds(1));
        CHECK(again->created_at == now);
    }
    auto state = open_control_state(path);
    const auto subjects = state->subjects().in_order();
    REQUIRE(subjects.size() == 2);
    CHECK(subjects[0]->id == ec_subject);
    CHECK(subjects[0]->credentials.size() == 1);
    CHECK(subjects[0]->credentials[0].failed);
    CHECK(subjects[0]->credentials[0].certificate_pem == EmulatorFixture::get().cert("ec").PEM_encode());
    CHECK(subjects[0]->last_seen_at == now + std::chrono::seconds(1));
    CHECK(subjects[1]->credentials[0].failed);

    // ListSubjects and GetSubject show them as the API's SubjectSummary and SubjectDetail.
    CredentialStore issued;
    HmacVerifier hmac(issued, state->snapshot()->administrator);
    ControlPlane plane(*state, hmac);
    const Administrator admin = *state->snapshot()->administrator;
    const auto listed = plane.handle(signed_call("GET", "/subjects", "", admin, Clock::now()), Clock::now());
    REQUIRE(listed);
    INFO(listed->body.dump());
    REQUIRE(listed->body["subjects"].size() == 2);
    CHECK(listed->body["subjects"][0]["subjectId"] == ec_subject);
    CHECK_FALSE(listed->body["subjects"][0].contains("credentials"));
    const auto got = plane.handle(signed_call("GET", "/subject/" + ec_subject, "", admin, Clock::now()), Clock::now());
    REQUIRE(got);
    CHECK(got->status == 200);
    CHECK(got->body["subject"]["credentials"][0]["failed"] == true);
    CHECK(got->body["subject"]["x509Subject"] == subjects[0]->x509_subject);
    const auto unknown = plane.handle(signed_call("GET", "/subject/" + subject_id("CN=nobody"), "", admin, Clock::now()), Clock::now());
    CHECK(unknown->status == 404);
    const auto malformed = plane.handle(signed_call("GET", "/subject/not-a-uuid", "", admin, Clock::now()), Clock::now());
    CHECK(malformed->error == ServiceErrorType::Validation);
}

TEST_CASE("control plane: notification settings are put, reset and kept as the service keeps them", "[emulate][control-plane]") {
    test::TempDir t;
    const auto path = t / "state.db";
    const auto now = Clock::now();
    std::string id;
    {
        auto state = open_control_state(path);
        state->initialize(roles_only_emulator_config(), now);
        CredentialStore issued;
        HmacVerifier hmac(issued, state->snapshot()->administrator);
        ControlPlane plane(*state, hmac);
        const Administrator admin = *state->snapshot()->administrator;
        const std::string pem = EmulatorFixture::get().cert("root").PEM_encode();
        const auto body = nlohmann::json{{"name", "root"}, {"source", {{"sourceType", "CERTIFICATE_BUNDLE"}, {"sourceData", {{"x509CertificateData", pem}}}}}};
        const auto created = plane.handle(signed_call("POST", "/trustanchors", body.dump(), admin, now), now);
        REQUIRE(created);
        id = created->body["trustAnchor"]["trustAnchorId"];
        // Both events, 45 days, every channel, configured by the service.
        const auto defaults = created->body["trustAnchor"]["notificationSettings"];
        REQUIRE(defaults.size() == 2);
        for (const auto& n : defaults) {
            CHECK(n["threshold"] == 45);
            CHECK(n["enabled"] == true);
            CHECK(n["channel"] == "ALL");
            CHECK(n["configuredBy"] == "rolesanywhere.amazonaws.com");
        }
        const auto put = plane.handle(
            signed_call("PATCH", "/put-notifications-settings",
                        R"({"trustAnchorId": ")" + id + R"(", "notificationSettings": [{"event": "END_ENTITY_CERTIFICATE_EXPIRY", "enabled": false, "threshold": 10}]})", admin, now),
            now);
        REQUIRE(put);
        INFO(put->body.dump());
        CHECK(put->status == 200);
        const auto& after = put->body["trustAnchor"]["notificationSettings"];
        REQUIRE(after.size() == 2);
        CHECK(after[1]["event"] == "END_ENTITY_CERTIFICATE_EXPIRY");
        CHECK(after[1]["threshold"] == 10);
        CHECK(after[1]["enabled"] == false);
        CHECK(after[1]["configuredBy"] == "123456789012");
        CHECK(after[0]["configuredBy"] == "rolesanywhere.amazonaws.com");

        // Out of range, unknown events, a missing anchor: the service's refusals, nothing changed.
        const auto put_body = [&](const std::string& settings) { return R"({"trustAnchorId": ")" + id + R"(", "notificationSettings": )" + settings + "}"; };
        const auto too_low = plane.handle(signed_call("PATCH", "/put-notifications-settings", put_body(R"([{"event": "CA_CERTIFICATE_EXPIRY", "enabled": true, "threshold": 0}])"), admin, now), now);
        CHECK(too_low->error == ServiceErrorType::Validation);
        const auto bogus = plane.handle(signed_call("PATCH", "/put-notifications-settings", put_body(R"([{"event": "EXPIRY", "enabled": true}])"), admin, now), now);
        CHECK(bogus->error == ServiceErrorType::Validation);
        const auto no_enabled = plane.handle(signed_call("PATCH", "/put-notifications-settings", put_body(R"([{"event": "CA_CERTIFICATE_EXPIRY"}])"), admin, now), now);
        CHECK(no_enabled->error == ServiceErrorType::Validation);
        const auto elsewhere = plane.handle(signed_call("PATCH", "/put-notifications-settings",
                                                        R"({"trustAnchorId": "00000000-0000-4000-8000-000000000000", "notificationSettings": []})", admin, now),
                                            now);
        CHECK(elsewhere->status == 404);
        CHECK(state->snapshot()->anchors.at(id)->notification_settings[1].threshold == 10);
    }
    {
        auto state = open_control_state(path);
        const auto& kept = state->snapshot()->anchors.at(id)->notification_settings;
        REQUIRE(kept.size() == 2);
        CHECK(kept[1].threshold == 10);
        CHECK(kept[1].configured_by == "123456789012");
        CredentialStore issued;
        HmacVerifier hmac(issued, state->snapshot()->administrator);
        ControlPlane plane(*state, hmac);
        const Administrator admin = *state->snapshot()->administrator;
        const auto reset = plane.handle(signed_call("PATCH", "/reset-notifications-settings",
                                                    R"({"trustAnchorId": ")" + id + R"(", "notificationSettingKeys": [{"event": "END_ENTITY_CERTIFICATE_EXPIRY"}]})", admin, now),
                                        now);
        REQUIRE(reset);
        INFO(reset->body.dump());
        CHECK(reset->status == 200);
        CHECK(state->snapshot()->anchors.at(id)->notification_settings == default_notification_settings());
    }
}
