// Control-plane routing, authentication, validation and the operations on trust anchors, profiles,
// CRLs and tags. Shapes and constraints: the rolesanywhere 2018-05-10 API model (botocore's
// service-2.json) and IAM Roles Anywhere API Reference, each operation's page.
#include "exchange/emulator/control_plane.h"

#include "base/error.h"
#include "base/pem.h"
#include "exchange/emulator/request_fields.h"
#include "exchange/emulator/subject_log.h"
#include "issue/x509_file.h"
#include "profiles/anchor_bundle.h"

#include <botan/base64.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <charconv>
#include <functional>

namespace pkitool::exchange {

namespace {

using nlohmann::json;

// AWS's SigV4 clock-skew limit for services other than Roles Anywhere's CreateSession (AWS General
// Reference, "Signature Version 4 signing process": 15 minutes).
constexpr std::chrono::seconds kControlClockSkew{900};

// API model limits the checks below share.
// One limit for lint and the emulator: the API Reference ("SourceData") says 1 to 8000 characters.
constexpr size_t kMaxBundleCharacters = profiles::kMaxBundleChars;
constexpr size_t kMaxCrlBytes = 300000;         // ImportCrlRequestCrlDataBlob
constexpr size_t kMaxCrlsPerAnchor = 2;         // Roles Anywhere User Guide, "Revocation"
constexpr size_t kMaxRoleArns = 250;            // RoleArnList
constexpr size_t kMaxManagedPolicies = 50;      // ManagedPolicyList
constexpr size_t kMaxTags = 200;                // TagList; also what one resource holds
constexpr size_t kMaxNotificationSettings = 50;  // NotificationSettings, NotificationSettingKeys

struct ControlError {
    ServiceErrorType type;
    std::string message;
};

[[noreturn]] void fail(ServiceErrorType type, std::string message) { throw ControlError{type, std::move(message)}; }

void throw_if(const Violations& v) {
    if (!v.empty()) fail(ServiceErrorType::Validation, v.message());
}

std::string iso8601(Timestamp t) {
    const auto ms = std::chrono::floor<std::chrono::milliseconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z", std::chrono::floor<std::chrono::seconds>(ms),
                       static_cast<int>((ms.time_since_epoch() % std::chrono::seconds(1)).count()));
}

// --- Responses (TrustAnchorDetail, ProfileDetail, CrlDetail) ----------------------------------

json notification_json(const std::vector<NotificationSetting>& settings) {
    json out = json::array();
    for (const auto& n : settings)
        out.push_back({{"enabled", n.enabled}, {"event", n.event}, {"threshold", n.threshold}, {"channel", n.channel}, {"configuredBy", n.configured_by}});
    return out;
}

json anchor_json(const ControlSnapshot& s, const AnchorResource& a) {
    return {{"trustAnchorId", a.id},
            {"trustAnchorArn", s.anchor_arn(a)},
            {"name", a.name},
            {"enabled", a.enabled},
            {"source", {{"sourceType", a.source_type}, {"sourceData", {{"x509CertificateData", a.certificate_data}}}}},
            {"notificationSettings", notification_json(a.notification_settings)},
            {"createdAt", iso8601(a.created_at)},
            {"updatedAt", iso8601(a.updated_at)}};
}

json mappings_json(const AttributeMappings& mappings) {
    json out = json::array();
    for (const auto& m : mappings) {
        json rules = json::array();
        for (const auto& r : m.specifiers) rules.push_back({{"specifier", r}});
        out.push_back({{"certificateField", m.certificate_field}, {"mappingRules", rules}});
    }
    return out;
}

json profile_json(const ControlSnapshot& s, const ProfileResource& p) {
    json j{{"profileId", p.id},
           {"profileArn", s.profile_arn(p)},
           {"name", p.name},
           {"enabled", p.enabled},
           {"roleArns", p.role_arns},
           {"managedPolicyArns", p.managed_policy_arns},
           {"durationSeconds", p.duration_seconds},
           {"requireInstanceProperties", p.require_instance_properties},
           {"acceptRoleSessionName", p.accept_role_session_name},
           {"attributeMappings", mappings_json(p.attribute_mappings)},
           {"createdBy", p.created_by},
           {"createdAt", iso8601(p.created_at)},
           {"updatedAt", iso8601(p.updated_at)}};
    if (p.session_policy) j["sessionPolicy"] = *p.session_policy;
    return j;
}

json crl_json(const ControlSnapshot& s, const CrlResource& c) {
    return {{"crlId", c.id},
            {"crlArn", s.crl_arn(c)},
            {"name", c.name},
            {"enabled", c.enabled},
            {"crlData", Botan::base64_encode(c.data)},
            {"trustAnchorArn", c.trust_anchor_arn},
            {"createdAt", iso8601(c.created_at)},
            {"updatedAt", iso8601(c.updated_at)}};
}

std::string subject_arn(const ControlSnapshot& s, const SubjectResource& r) {
    return "arn:aws:rolesanywhere:" + s.region + ":" + s.account + ":subject/" + r.id;
}

// SubjectSummary; the detail adds CredentialSummary entries and instance properties (none: the
// emulator's CreateSession records none).
json subject_json(const ControlSnapshot& s, const SubjectResource& r, bool detail) {
    json j{{"subjectId", r.id},
           {"subjectArn", subject_arn(s, r)},
           {"enabled", true},
           {"x509Subject", r.x509_subject},
           {"lastSeenAt", iso8601(r.last_seen_at)},
           {"createdAt", iso8601(r.created_at)},
           {"updatedAt", iso8601(r.updated_at)}};
    if (!detail) return j;
    json creds = json::array();
    for (const auto& c : r.credentials)
        creds.push_back({{"seenAt", iso8601(c.seen_at)},
                         {"serialNumber", c.serial_number},
                         {"issuer", c.issuer},
                         {"enabled", true},
                         {"x509CertificateData", c.certificate_pem},
                         {"failed", c.failed}});
    j["credentials"] = creds;
    j["instanceProperties"] = json::array();
    return j;
}

json tags_json(const std::vector<Tag>& tags) {
    json out = json::array();
    for (const auto& t : tags) out.push_back({{"key", t.key}, {"value", t.value}});
    return out;
}

// --- Request pieces -----------------------------------------------------------------------------

std::optional<std::string> query(const HttpRequest& req, const std::string& name) {
    for (const auto& [k, v] : req.query)
        if (k == name) return v;
    return std::nullopt;
}

// A {trustAnchorId}-style URI parameter: a UUID, as the model's Uuid shape says.
void check_id(const std::string& id, const std::string& member) {
    Violations v;
    check_string(id, member, model::uuid(), v);
    throw_if(v);
}

std::vector<Tag> read_tags(const Members& body, const std::string& name, bool required, Violations& v) {
    std::vector<Tag> out;
    if (!body.has(name)) {
        if (required) v.add_null(name, "Member must not be null");
        return out;
    }
    const auto& list = body.object().at(name);
    if (!list.is_array()) throw SerializationError("Value of '" + name + "' is not a list of tags");
    if (list.size() > kMaxTags) {
        v.add_hidden(name, "Member must have length less than or equal to " + std::to_string(kMaxTags));
        return out;
    }
    for (size_t i = 0; i < list.size(); ++i) {
        if (!list[i].is_object()) throw SerializationError("Value of '" + name + "." + std::to_string(i + 1) + ".member' is not a tag");
        const Members tag(list[i], name + "." + std::to_string(i + 1) + ".member", v);
        const auto key = tag.string("key", model::tag_key(), true);
        const auto value = tag.string("value", model::tag_value(), true);
        // The aws: prefix is reserved for AWS's own tags (Tagging AWS resources, "Tag naming limits and requirements").
        if (key && key->rfind("aws:", 0) == 0) v.add_hidden(name + "." + std::to_string(i + 1) + ".member.key", "Member must not begin with aws:");
        if (key && value) out.push_back({*key, *value});
    }
    return out;
}

// Tags added to a resource's: a key already there takes the new value.
std::vector<Tag> merged(std::vector<Tag> have, const std::vector<Tag>& add) {
    for (const auto& t : add) {
        const auto it = std::find_if(have.begin(), have.end(), [&](const Tag& h) { return h.key == t.key; });
        if (it != have.end()) it->value = t.value;
        else have.push_back(t);
    }
    if (have.size() > kMaxTags)
        fail(ServiceErrorType::TooManyTags, "a resource holds at most " + std::to_string(kMaxTags) + " tags; with these it would hold " + std::to_string(have.size()));
    return have;
}

// The certificates of an x509CertificateData bundle, judged as a trust anchor.
std::vector<Botan::X509_Certificate> bundle_certificates(const std::string& pem_text) {
    if (!pem::is_pem(pem_text))
        fail(ServiceErrorType::Validation, "source.sourceData.x509CertificateData is not PEM: it must hold \"-----BEGIN CERTIFICATE-----\" blocks");
    try {
        const auto* bytes = reinterpret_cast<const uint8_t*>(pem_text.data());
        return check_trust_anchor_bundle(pem::certificates({bytes, pem_text.size()}, "x509CertificateData"), "x509CertificateData");
    } catch (const Error& e) {
        fail(ServiceErrorType::Validation, std::string("Invalid certificate bundle: ") + e.what());
    }
}

struct SourceRequest {
    std::string type, certificate_data;
    std::vector<Botan::X509_Certificate> certificates;
};

// The Source structure: only CERTIFICATE_BUNDLE can be emulated.
std::optional<SourceRequest> read_source(const Members& body, bool required, Violations& v) {
    static const StringRule kType{0, SIZE_MAX, "", {"AWS_ACM_PCA", "CERTIFICATE_BUNDLE", "SELF_SIGNED_REPOSITORY"}, false};
    static const StringRule kBundle{1, kMaxBundleCharacters, "", {}, false};
    static const StringRule kAny{};
    const auto source = body.structure("source", required);
    if (!source) return std::nullopt;
    const auto type = source->string("sourceType", kType, true);
    const auto data = source->structure("sourceData", true);
    std::optional<std::string> bundle, pca;
    if (data) {
        bundle = data->string("x509CertificateData", kBundle);
        pca = data->string("acmPcaArn", kAny);
        // SourceData is a union: exactly one member is set.
        if (data->has("x509CertificateData") == data->has("acmPcaArn"))
            v.add_hidden("source.sourceData", "Member must have exactly one of x509CertificateData or acmPcaArn set");
    }
    throw_if(v);
    if (*type == "AWS_ACM_PCA")
        fail(ServiceErrorType::Validation, "sourceType AWS_ACM_PCA takes its certificate from AWS Private CA (acmPcaArn), which this offline endpoint cannot reach: "
                                           "give the CA's certificate instead, with sourceType CERTIFICATE_BUNDLE and sourceData x509CertificateData");
    if (*type == "SELF_SIGNED_REPOSITORY") fail(ServiceErrorType::Validation, "sourceType SELF_SIGNED_REPOSITORY cannot be created: use CERTIFICATE_BUNDLE");
    if (!bundle) fail(ServiceErrorType::Validation, "sourceType CERTIFICATE_BUNDLE needs sourceData x509CertificateData (the CA certificates, PEM), not acmPcaArn");
    return SourceRequest{*type, *bundle, bundle_certificates(*bundle)};
}

// Parsed CRL bytes: the API Reference ("ImportCrl") asks for PEM.
Botan::X509_CRL crl_of(const std::vector<uint8_t>& bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!pem::is_pem(text)) fail(ServiceErrorType::Validation, "crlData is not a PEM CRL (\"-----BEGIN X509 CRL-----\"): send the PEM file's bytes, e.g. fileb://crl.pem");
    try {
        return issue::parse_crl(bytes, "crlData");
    } catch (const std::exception& e) {
        fail(ServiceErrorType::Validation, std::string("Invalid CRL: ") + e.what());
    }
}

// A page of a list: pageSize items (default kDefaultPageSize) from the position nextToken names.
template <typename T>
json page(const HttpRequest& req, const std::vector<std::shared_ptr<const T>>& items, const std::string& key, const std::function<json(const T&)>& render) {
    Violations v;
    int64_t size = ControlPlane::kDefaultPageSize;
    if (const auto ps = query(req, "pageSize")) {
        int64_t n = 0;
        const auto [end, ec] = std::from_chars(ps->data(), ps->data() + ps->size(), n);
        if (ec != std::errc() || end != ps->data() + ps->size()) throw SerializationError("Value of 'pageSize' is \"" + *ps + "\", not an integer");
        if (n < 1) v.add("pageSize", *ps, "Member must have value greater than or equal to 1");
        size = n;
    }
    int64_t from = 0;
    const auto token = query(req, "nextToken");
    if (token) {
        static const StringRule kToken{1, 10000, "", {}, false};
        check_string(*token, "nextToken", kToken, v);
    }
    throw_if(v);
    if (token) {
        // The token is the creation order of the next item, in base64: opaque to clients, as AWS's are.
        std::string text;
        try {
            const auto b = Botan::base64_decode(*token);
            text.assign(b.begin(), b.end());
        } catch (const std::exception&) {
        }
        const std::string prefix = key + ":";
        const auto [end, ec] = text.rfind(prefix, 0) == 0 ? std::from_chars(text.data() + prefix.size(), text.data() + text.size(), from)
                                                           : std::from_chars_result{text.data(), std::errc::invalid_argument};
        if (ec != std::errc() || end != text.data() + text.size()) fail(ServiceErrorType::Validation, "Invalid nextToken: it is not one this endpoint returned for " + key);
    }
    json list = json::array();
    std::optional<int64_t> next;
    for (const auto& item : items) {
        if (item->order < from) continue;
        if (static_cast<int64_t>(list.size()) == size) {
            next = item->order;
            break;
        }
        list.push_back(render(*item));
    }
    json out{{key, list}};
    if (next) {
        const std::string t = key + ":" + std::to_string(*next);
        out["nextToken"] = Botan::base64_encode(reinterpret_cast<const uint8_t*>(t.data()), t.size());
    }
    return out;
}

// --- Authentication -------------------------------------------------------------------------

// AWS's words first, for scripts that match on them, then what exactly failed.
ControlError auth_refusal(const HmacRefusal& r) {
    const auto detail = " Details: " + r.message + ".";
    switch (r.failure) {
        case HmacFailure::Unsigned: return {ServiceErrorType::MissingAuthenticationToken, "Missing Authentication Token." + detail};
        case HmacFailure::Malformed: return {ServiceErrorType::IncompleteSignature, "The request signature does not conform to AWS standards." + detail};
        case HmacFailure::Stale: return {ServiceErrorType::InvalidSignature, "Signature expired." + detail};
        case HmacFailure::UnknownKey:
        case HmacFailure::BadToken: return {ServiceErrorType::UnrecognizedClient, "The security token included in the request is invalid." + detail};
        case HmacFailure::SignatureMismatch:
            return {ServiceErrorType::InvalidSignature,
                    "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. "
                    "Consult the service documentation for details." + detail};
        case HmacFailure::Expired: return {ServiceErrorType::ExpiredToken, "The security token included in the request is expired." + detail};
    }
    return {ServiceErrorType::IncompleteSignature, r.message};
}

Caller authenticate(const HmacVerifier& hmac, const HttpRequest& req, const std::string& region, Timestamp now) {
    const auto signer = hmac.verify(req, "rolesanywhere", "the Roles Anywhere control plane", now, kControlClockSkew);
    if (const auto* r = std::get_if<HmacRefusal>(&signer)) throw auth_refusal(*r);
    const auto& a = parse_authorization(*req.header("Authorization"));
    if (a.region != region)
        fail(ServiceErrorType::InvalidSignature, "Credential should be scoped to a valid region. Details: this endpoint serves region " + region +
                                                     ", the credential scope names \"" + a.region + "\": set the client's region to " + region + ".");
    return std::get<Caller>(signer);
}

// --- Operations -------------------------------------------------------------------------------

struct Call {
    const HttpRequest& req;
    const std::vector<std::string>& segments;  // the path's, without the empty first one
    const Caller& caller;
    Timestamp now;
    ControlState& state;
};

ControlReply ok(int status, json body, std::string summary) {
    ControlReply r;
    r.status = status;
    r.body = std::move(body);
    r.summary = std::move(summary);
    return r;
}

template <typename T>
const T& found(const std::map<std::string, std::shared_ptr<const T>>& by_id, const std::string& id, const std::string& what, const ControlSnapshot& s) {
    const auto it = by_id.find(id);
    if (it == by_id.end()) fail(ServiceErrorType::ResourceNotFound, "no " + what + " with id " + id + " in account " + s.account + ", region " + s.region);
    return *it->second;
}

// Trust anchors.

// Notification settings (NotificationSetting, NotificationSettingKey): enabled and event are
// required, channel is ALL, threshold is 1..360 days.
const StringRule& event_rule() {
    static const StringRule r{0, SIZE_MAX, "", {"CA_CERTIFICATE_EXPIRY", "END_ENTITY_CERTIFICATE_EXPIRY"}, false};
    return r;
}
const StringRule& channel_rule() {
    static const StringRule r{0, SIZE_MAX, "", {"ALL"}, false};
    return r;
}

const json& list_member(const Members& m, const std::string& name, const char* what, Violations& v) {
    static const json kEmpty = json::array();
    if (!m.has(name)) return kEmpty;
    const auto& list = m.object().at(name);
    if (!list.is_array()) throw SerializationError("Value of '" + name + "' is not a list of " + what);
    if (list.size() > kMaxNotificationSettings)
        v.add_hidden(name, "Member must have length less than or equal to " + std::to_string(kMaxNotificationSettings));
    return list;
}

std::vector<NotificationSetting> read_notification_settings(const Members& m, const std::string& name, bool required, Violations& v) {
    if (required && !m.has(name)) v.add_null(name, "Member must not be null");
    std::vector<NotificationSetting> out;
    const auto& list = list_member(m, name, "notification settings", v);
    for (size_t i = 0; i < list.size(); ++i) {
        const auto where = name + "." + std::to_string(i + 1) + ".member";
        if (!list[i].is_object()) throw SerializationError("Value of '" + where + "' is not a notification setting");
        const Members n(list[i], where, v);
        NotificationSetting setting;
        setting.event = n.string("event", event_rule(), true).value_or("");
        setting.channel = n.string("channel", channel_rule()).value_or("ALL");
        const auto enabled = n.boolean("enabled");
        if (!enabled) v.add_null(where + ".enabled", "Member must not be null");
        setting.enabled = enabled.value_or(false);
        setting.threshold = static_cast<int>(n.integer("threshold", 1, 360).value_or(45));
        out.push_back(std::move(setting));
    }
    return out;
}

// Put: each setting replaces the one of its event and channel, now configured by the account.
void put_settings(std::vector<NotificationSetting>& have, std::vector<NotificationSetting> put, const std::string& account) {
    for (auto& n : put) {
        n.configured_by = account;
        const auto it = std::find_if(have.begin(), have.end(), [&](const NotificationSetting& h) { return h.event == n.event && h.channel == n.channel; });
        if (it != have.end()) *it = std::move(n);
        else have.push_back(std::move(n));
    }
}

ControlReply create_trust_anchor(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto name = m.string("name", model::resource_name(), true);
    const auto enabled = m.boolean("enabled");
    auto tags = read_tags(m, "tags", false, v);
    auto source = read_source(m, true, v);
    auto settings = read_notification_settings(m, "notificationSettings", false, v);
    throw_if(v);
    json out;
    std::string arn;
    c.state.modify([&](ControlSnapshot& s) {
        auto a = std::make_shared<AnchorResource>();
        a->id = random_uuid();
        a->name = *name;
        // Absent `enabled` creates it disabled, as a profile is (IAM Roles Anywhere API Reference, "CreateProfile").
        a->enabled = enabled.value_or(false);
        a->source_type = source->type;
        a->certificate_data = source->certificate_data;
        a->certificates = source->certificates;
        put_settings(a->notification_settings, std::move(settings), s.account);
        a->created_at = a->updated_at = c.now;
        a->order = s.next_order++;
        arn = s.anchor_arn(*a);
        if (!tags.empty()) s.tags[arn] = merged({}, tags);
        out = {{"trustAnchor", anchor_json(s, *a)}};
        s.anchors[a->id] = std::move(a);
    });
    return ok(201, out, arn);
}

ControlReply list_trust_anchors(const Call& c) {
    const auto s = c.state.snapshot();
    const auto body = page<AnchorResource>(c.req, ControlSnapshot::in_order(s->anchors), "trustAnchors", [&](const AnchorResource& a) { return anchor_json(*s, a); });
    return ok(200, body, std::to_string(body["trustAnchors"].size()) + " trust anchors");
}

// What the operations on one resource (by the id in the path) need to know of its kind.
template <typename T>
struct Kind;
template <>
struct Kind<AnchorResource> {
    static constexpr auto member = &ControlSnapshot::anchors;
    static constexpr const char* what = "trust anchor";
    static constexpr const char* wrapper = "trustAnchor";  // the response member, and "<wrapper>Id" the URI parameter
    static json render(const ControlSnapshot& s, const AnchorResource& a) { return anchor_json(s, a); }
    static std::string arn(const ControlSnapshot& s, const AnchorResource& a) { return s.anchor_arn(a); }
};
template <>
struct Kind<ProfileResource> {
    static constexpr auto member = &ControlSnapshot::profiles;
    static constexpr const char* what = "profile";
    static constexpr const char* wrapper = "profile";
    static json render(const ControlSnapshot& s, const ProfileResource& p) { return profile_json(s, p); }
    static std::string arn(const ControlSnapshot& s, const ProfileResource& p) { return s.profile_arn(p); }
};
template <>
struct Kind<CrlResource> {
    static constexpr auto member = &ControlSnapshot::crls;
    static constexpr const char* what = "CRL";
    static constexpr const char* wrapper = "crl";
    static json render(const ControlSnapshot& s, const CrlResource& r) { return crl_json(s, r); }
    static std::string arn(const ControlSnapshot& s, const CrlResource& r) { return s.crl_arn(r); }
};

template <typename T>
std::string path_id(const Call& c) {
    const std::string id = c.segments.at(1);
    check_id(id, std::string(Kind<T>::wrapper) + "Id");
    return id;
}

template <typename T>
ControlReply get(const Call& c) {
    const auto id = path_id<T>(c);
    const auto s = c.state.snapshot();
    return ok(200, {{Kind<T>::wrapper, Kind<T>::render(*s, found(*s.*Kind<T>::member, id, Kind<T>::what, *s))}}, id);
}

// Update, Enable and Disable: the resource changed by `change`, with a new updatedAt.
template <typename T>
ControlReply update(const Call& c, const std::function<void(T&)>& change) {
    const auto id = path_id<T>(c);
    json out;
    c.state.modify([&](ControlSnapshot& s) {
        auto& by_id = s.*Kind<T>::member;
        auto next = std::make_shared<T>(found(by_id, id, Kind<T>::what, s));
        change(*next);
        next->updated_at = c.now;
        out = {{Kind<T>::wrapper, Kind<T>::render(s, *next)}};
        by_id[id] = std::move(next);
    });
    return ok(200, out, id);
}

template <typename T>
ControlReply enable(const Call& c, bool on) {
    return update<T>(c, [on](T& r) { r.enabled = on; });
}

// Delete answers with the resource as it was; its tags go with it.
template <typename T>
ControlReply erase(const Call& c) {
    const auto id = path_id<T>(c);
    json out;
    c.state.modify([&](ControlSnapshot& s) {
        auto& by_id = s.*Kind<T>::member;
        const auto& gone = found(by_id, id, Kind<T>::what, s);
        out = {{Kind<T>::wrapper, Kind<T>::render(s, gone)}};
        s.tags.erase(Kind<T>::arn(s, gone));
        by_id.erase(id);
    });
    return ok(200, out, id);
}

ControlReply update_trust_anchor(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto name = m.string("name", model::resource_name());
    const auto source = read_source(m, false, v);
    throw_if(v);
    return update<AnchorResource>(c, [&](AnchorResource& a) {
        if (name) a.name = *name;
        if (source) {
            a.source_type = source->type;
            a.certificate_data = source->certificate_data;
            a.certificates = source->certificates;
        }
    });
}

// PATCH /put-notifications-settings and /reset-notifications-settings: the trust anchor is named
// in the body, and answered as UpdateTrustAnchor answers.
std::string body_anchor_id(const Members& m) {
    const auto id = m.string("trustAnchorId", model::uuid(), true);
    return id.value_or("");
}

ControlReply with_anchor(const Call& c, const std::string& id, const std::function<void(AnchorResource&, const ControlSnapshot&)>& change) {
    json out;
    c.state.modify([&](ControlSnapshot& s) {
        auto next = std::make_shared<AnchorResource>(found(s.anchors, id, "trust anchor", s));
        change(*next, s);
        next->updated_at = c.now;
        out = {{"trustAnchor", anchor_json(s, *next)}};
        s.anchors[id] = std::move(next);
    });
    return ok(200, out, id);
}

ControlReply put_notification_settings(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto id = body_anchor_id(m);
    auto settings = read_notification_settings(m, "notificationSettings", true, v);
    throw_if(v);
    return with_anchor(c, id, [&](AnchorResource& a, const ControlSnapshot& s) { put_settings(a.notification_settings, settings, s.account); });
}

ControlReply reset_notification_settings(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto id = body_anchor_id(m);
    if (!m.has("notificationSettingKeys")) v.add_null("notificationSettingKeys", "Member must not be null");
    std::vector<std::pair<std::string, std::string>> keys;  // event, channel
    const auto& list = list_member(m, "notificationSettingKeys", "notification setting keys", v);
    for (size_t i = 0; i < list.size(); ++i) {
        const auto where = "notificationSettingKeys." + std::to_string(i + 1) + ".member";
        if (!list[i].is_object()) throw SerializationError("Value of '" + where + "' is not a notification setting key");
        const Members k(list[i], where, v);
        keys.emplace_back(k.string("event", event_rule(), true).value_or(""), k.string("channel", channel_rule()).value_or("ALL"));
    }
    throw_if(v);
    return with_anchor(c, id, [&](AnchorResource& a, const ControlSnapshot&) {
        const auto defaults = default_notification_settings();
        for (const auto& key : keys) {
            // A lambda may not capture a structured binding before C++20's P1091 lands in clang 16.
            const auto is_key = [&key](const NotificationSetting& n) { return n.event == key.first && n.channel == key.second; };
            std::erase_if(a.notification_settings, is_key);
            const auto d = std::find_if(defaults.begin(), defaults.end(), is_key);
            if (d != defaults.end()) a.notification_settings.push_back(*d);
        }
        std::stable_sort(a.notification_settings.begin(), a.notification_settings.end(),
                         [](const NotificationSetting& x, const NotificationSetting& y) { return x.event < y.event; });
    });
}

// Subjects: who called CreateSession, recorded by it (SubjectLog), read here.

ControlReply list_subjects(const Call& c) {
    const auto s = c.state.snapshot();
    const auto body = page<SubjectResource>(c.req, c.state.subjects().in_order(), "subjects", [&](const SubjectResource& r) { return subject_json(*s, r, false); });
    return ok(200, body, std::to_string(body["subjects"].size()) + " subjects");
}

ControlReply get_subject(const Call& c) {
    const std::string id = c.segments.at(1);
    check_id(id, "subjectId");
    const auto s = c.state.snapshot();
    const auto r = c.state.subjects().find(id);
    if (!r) fail(ServiceErrorType::ResourceNotFound, "no subject with id " + id + " in account " + s->account + ", region " + s->region);
    return ok(200, {{"subject", subject_json(*s, *r, true)}}, id);
}

// Profiles.

struct ProfileFields {
    std::optional<std::string> name, session_policy;
    std::optional<std::vector<std::string>> role_arns, managed_policy_arns;
    std::optional<int64_t> duration;
    std::optional<bool> enabled, require_instance_properties, accept_role_session_name;
    std::vector<Tag> tags;
};

ProfileFields read_profile(const Members& m, bool create, Violations& v) {
    static const StringRule kPolicyArn{1, 200, "", {}, false};
    static const StringRule kSessionPolicy{1, 100000, "", {}, false};  // UpdateProfileRequestSessionPolicyString
    static const StringRule kAny{};
    ProfileFields f;
    f.name = m.string("name", model::resource_name(), create);
    f.role_arns = m.strings("roleArns", kMaxRoleArns, model::role_arn(), create);
    f.managed_policy_arns = m.strings("managedPolicyArns", kMaxManagedPolicies, kPolicyArn);
    f.session_policy = m.string("sessionPolicy", create ? kAny : kSessionPolicy);
    f.duration = m.integer("durationSeconds", kMinDurationSeconds, kMaxDurationSeconds);
    f.accept_role_session_name = m.boolean("acceptRoleSessionName");
    if (create) {
        f.enabled = m.boolean("enabled");
        f.require_instance_properties = m.boolean("requireInstanceProperties");
        f.tags = read_tags(m, "tags", false, v);
    }
    throw_if(v);
    // A session policy is an IAM policy document: JSON (IAM User Guide, "Session policies").
    if (f.session_policy && !json::accept(*f.session_policy)) fail(ServiceErrorType::Validation, "sessionPolicy is not a JSON policy document");
    return f;
}

ControlReply create_profile(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const auto f = read_profile(Members(body, "", v), true, v);
    json out;
    std::string arn;
    c.state.modify([&](ControlSnapshot& s) {
        auto p = std::make_shared<ProfileResource>();
        p->id = random_uuid();
        p->name = *f.name;
        // IAM Roles Anywhere API Reference, "CreateProfile": a profile is disabled unless created enabled.
        p->enabled = f.enabled.value_or(false);
        p->role_arns = *f.role_arns;
        p->managed_policy_arns = f.managed_policy_arns.value_or(std::vector<std::string>{});
        p->session_policy = f.session_policy;
        p->duration_seconds = static_cast<int>(f.duration.value_or(3600));
        p->require_instance_properties = f.require_instance_properties.value_or(false);
        p->accept_role_session_name = f.accept_role_session_name.value_or(false);
        p->created_by = c.caller.arn;
        p->created_at = p->updated_at = c.now;
        p->order = s.next_order++;
        arn = s.profile_arn(*p);
        if (!f.tags.empty()) s.tags[arn] = merged({}, f.tags);
        out = {{"profile", profile_json(s, *p)}};
        s.profiles[p->id] = std::move(p);
    });
    return ok(201, out, arn);
}

ControlReply list_profiles(const Call& c) {
    const auto s = c.state.snapshot();
    const auto body = page<ProfileResource>(c.req, ControlSnapshot::in_order(s->profiles), "profiles", [&](const ProfileResource& p) { return profile_json(*s, p); });
    return ok(200, body, std::to_string(body["profiles"].size()) + " profiles");
}

ControlReply update_profile(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const auto f = read_profile(Members(body, "", v), false, v);
    return update<ProfileResource>(c, [&](ProfileResource& p) {
        if (f.name) p.name = *f.name;
        if (f.role_arns) p.role_arns = *f.role_arns;
        if (f.managed_policy_arns) p.managed_policy_arns = *f.managed_policy_arns;
        if (f.session_policy) p.session_policy = f.session_policy;
        if (f.duration) p.duration_seconds = static_cast<int>(*f.duration);
        if (f.accept_role_session_name) p.accept_role_session_name = *f.accept_role_session_name;
    });
}

// Attribute mappings (API Reference, "PutAttributeMapping" and "DeleteAttributeMapping").

constexpr size_t kMaxSpecifierChars = 60;  // MappingRuleSpecifierString

void check_certificate_field(const std::optional<std::string>& field, const std::string& member, Violations& v) {
    if (field && !is_certificate_field(*field)) v.add(member, *field, "Member must satisfy enum value set: [x509Subject, x509Issuer, x509SAN]");
}

// PUT /profiles/{profileId}/mappings: the field's rules become these, in this order.
ControlReply put_attribute_mapping(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    static const StringRule kAny{};
    const auto field = m.string("certificateField", kAny, true);
    check_certificate_field(field, "certificateField", v);
    std::vector<std::string> specifiers;
    if (!m.has("mappingRules")) v.add_null("mappingRules", "Member must not be null");
    else {
        const auto& list = m.object().at("mappingRules");
        if (!list.is_array()) throw SerializationError("Value of 'mappingRules' is not a list of mapping rules");
        static const StringRule kSpecifier{0, kMaxSpecifierChars, "", {}, false};
        for (size_t i = 0; i < list.size(); ++i) {
            const auto where = "mappingRules." + std::to_string(i + 1) + ".member";
            if (!list[i].is_object()) throw SerializationError("Value of '" + where + "' is not a mapping rule");
            const Members rule(list[i], where, v);
            const auto s = rule.string("specifier", kSpecifier, true);
            if (s && std::find(specifiers.begin(), specifiers.end(), *s) == specifiers.end()) specifiers.push_back(*s);
        }
    }
    throw_if(v);
    return update<ProfileResource>(c, [&](ProfileResource& p) {
        const auto it = std::find_if(p.attribute_mappings.begin(), p.attribute_mappings.end(), [&](const AttributeMapping& a) { return a.certificate_field == *field; });
        if (it != p.attribute_mappings.end()) it->specifiers = specifiers;
        else p.attribute_mappings.push_back({*field, specifiers});
    });
}

// DELETE /profiles/{profileId}/mappings?certificateField=&specifiers=: those specifiers go, or the
// whole field when none are named.
ControlReply delete_attribute_mapping(const Call& c) {
    Violations v;
    const auto field = query(c.req, "certificateField");
    if (!field) v.add_null("certificateField", "Member must not be null");
    check_certificate_field(field, "certificateField", v);
    throw_if(v);
    std::vector<std::string> remove;
    for (const auto& [k, value] : c.req.query)
        if (k == "specifiers") remove.push_back(value);
    return update<ProfileResource>(c, [&](ProfileResource& p) {
        auto& all = p.attribute_mappings;
        const auto it = std::find_if(all.begin(), all.end(), [&](const AttributeMapping& a) { return a.certificate_field == *field; });
        if (it == all.end()) return;
        if (remove.empty()) {
            all.erase(it);
            return;
        }
        auto& rules = it->specifiers;
        rules.erase(std::remove_if(rules.begin(), rules.end(), [&](const std::string& r) { return std::find(remove.begin(), remove.end(), r) != remove.end(); }), rules.end());
        if (rules.empty()) all.erase(it);
    });
}

// CRLs.

ControlReply import_crl(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto name = m.string("name", model::resource_name(), true);
    const auto data = m.blob("crlData", 1, kMaxCrlBytes, true);
    const auto anchor_arn = m.string("trustAnchorArn", model::trust_anchor_arn(), true);
    const auto enabled = m.boolean("enabled");
    const auto tags = read_tags(m, "tags", false, v);
    throw_if(v);
    const auto crl = crl_of(*data);
    json out;
    std::string arn;
    c.state.modify([&](ControlSnapshot& s) {
        if (!s.anchor_views.count(*anchor_arn))
            fail(ServiceErrorType::Validation, "trustAnchorArn " + *anchor_arn + " names no trust anchor in account " + s.account + ", region " + s.region);
        size_t have = 0;
        for (const auto& [id, r] : s.crls) have += r->trust_anchor_arn == *anchor_arn;
        if (have >= kMaxCrlsPerAnchor)
            fail(ServiceErrorType::Validation, "trust anchor " + *anchor_arn + " already has " + std::to_string(have) + " CRLs, the most one trust anchor takes: "
                                               "update or delete one of them instead");
        auto r = std::make_shared<CrlResource>();
        r->id = random_uuid();
        r->name = *name;
        r->enabled = enabled.value_or(false);
        r->trust_anchor_arn = *anchor_arn;
        r->data = *data;
        r->crl = crl;
        r->created_at = r->updated_at = c.now;
        r->order = s.next_order++;
        arn = s.crl_arn(*r);
        if (!tags.empty()) s.tags[arn] = merged({}, tags);
        out = {{"crl", crl_json(s, *r)}};
        s.crls[r->id] = std::move(r);
    });
    return ok(201, out, arn);
}

ControlReply list_crls(const Call& c) {
    const auto s = c.state.snapshot();
    const auto body = page<CrlResource>(c.req, ControlSnapshot::in_order(s->crls), "crls", [&](const CrlResource& r) { return crl_json(*s, r); });
    return ok(200, body, std::to_string(body["crls"].size()) + " CRLs");
}

ControlReply update_crl(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto name = m.string("name", model::resource_name());
    const auto data = m.blob("crlData", 1, kMaxCrlBytes);
    throw_if(v);
    std::optional<Botan::X509_CRL> crl;
    if (data) crl = crl_of(*data);
    return update<CrlResource>(c, [&](CrlResource& r) {
        if (name) r.name = *name;
        if (data) {
            r.data = *data;
            r.crl = *crl;
        }
    });
}

// Tags.

std::string resource_arn_of(const Members& m) {
    const auto arn = m.string("resourceArn", model::resource_arn(), true);
    return arn.value_or("");
}

void require_resource(const ControlSnapshot& s, const std::string& arn) {
    if (!s.has_resource(arn)) fail(ServiceErrorType::ResourceNotFound, "no trust anchor, profile or CRL " + arn + " in account " + s.account + ", region " + s.region);
}

ControlReply tag_resource(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto arn = resource_arn_of(m);
    const auto tags = read_tags(m, "tags", true, v);
    throw_if(v);
    c.state.modify([&](ControlSnapshot& s) {
        require_resource(s, arn);
        const auto it = s.tags.find(arn);
        s.tags[arn] = merged(it == s.tags.end() ? std::vector<Tag>{} : it->second, tags);
    });
    return ok(201, json::object(), arn);
}

ControlReply untag_resource(const Call& c) {
    const auto body = parse_body(c.req.body);
    Violations v;
    const Members m(body, "", v);
    const auto arn = resource_arn_of(m);
    const auto keys = m.strings("tagKeys", kMaxTags, model::tag_key(), true);
    throw_if(v);
    c.state.modify([&](ControlSnapshot& s) {
        require_resource(s, arn);
        const auto it = s.tags.find(arn);
        if (it == s.tags.end()) return;
        std::erase_if(it->second, [&](const Tag& t) { return std::find(keys->begin(), keys->end(), t.key) != keys->end(); });
        if (it->second.empty()) s.tags.erase(it);
    });
    return ok(200, json::object(), arn);
}

ControlReply list_tags(const Call& c) {
    Violations v;
    const auto arn = query(c.req, "resourceArn");
    if (!arn) v.add_null("resourceArn", "Member must not be null");
    else check_string(*arn, "resourceArn", model::resource_arn(), v);
    throw_if(v);
    const auto s = c.state.snapshot();
    require_resource(*s, *arn);
    const auto it = s->tags.find(*arn);
    return ok(200, {{"tags", tags_json(it == s->tags.end() ? std::vector<Tag>{} : it->second)}}, *arn);
}

struct Route {
    const char* method;
    std::vector<std::string> shape;  // path segments; "*" is an id
    const char* operation;
    std::function<ControlReply(const Call&)> run;
};

const std::vector<Route>& routes() {
    static const std::vector<Route> table = {
        {"POST", {"trustanchors"}, "CreateTrustAnchor", create_trust_anchor},
        {"GET", {"trustanchors"}, "ListTrustAnchors", list_trust_anchors},
        {"GET", {"trustanchor", "*"}, "GetTrustAnchor", get<AnchorResource>},
        {"PATCH", {"trustanchor", "*"}, "UpdateTrustAnchor", update_trust_anchor},
        {"DELETE", {"trustanchor", "*"}, "DeleteTrustAnchor", erase<AnchorResource>},
        {"POST", {"trustanchor", "*", "enable"}, "EnableTrustAnchor", [](const Call& c) { return enable<AnchorResource>(c, true); }},
        {"POST", {"trustanchor", "*", "disable"}, "DisableTrustAnchor", [](const Call& c) { return enable<AnchorResource>(c, false); }},
        {"POST", {"profiles"}, "CreateProfile", create_profile},
        {"GET", {"profiles"}, "ListProfiles", list_profiles},
        {"GET", {"profile", "*"}, "GetProfile", get<ProfileResource>},
        {"PATCH", {"profile", "*"}, "UpdateProfile", update_profile},
        {"DELETE", {"profile", "*"}, "DeleteProfile", erase<ProfileResource>},
        {"POST", {"profile", "*", "enable"}, "EnableProfile", [](const Call& c) { return enable<ProfileResource>(c, true); }},
        {"POST", {"profile", "*", "disable"}, "DisableProfile", [](const Call& c) { return enable<ProfileResource>(c, false); }},
        {"PUT", {"profiles", "*", "mappings"}, "PutAttributeMapping", put_attribute_mapping},
        {"DELETE", {"profiles", "*", "mappings"}, "DeleteAttributeMapping", delete_attribute_mapping},
        {"POST", {"crls"}, "ImportCrl", import_crl},
        {"GET", {"crls"}, "ListCrls", list_crls},
        {"GET", {"crl", "*"}, "GetCrl", get<CrlResource>},
        {"PATCH", {"crl", "*"}, "UpdateCrl", update_crl},
        {"DELETE", {"crl", "*"}, "DeleteCrl", erase<CrlResource>},
        {"POST", {"crl", "*", "enable"}, "EnableCrl", [](const Call& c) { return enable<CrlResource>(c, true); }},
        {"POST", {"crl", "*", "disable"}, "DisableCrl", [](const Call& c) { return enable<CrlResource>(c, false); }},
        {"PATCH", {"put-notifications-settings"}, "PutNotificationSettings", put_notification_settings},
        {"PATCH", {"reset-notifications-settings"}, "ResetNotificationSettings", reset_notification_settings},
        {"GET", {"subjects"}, "ListSubjects", list_subjects},
        {"GET", {"subject", "*"}, "GetSubject", get_subject},
        {"POST", {"TagResource"}, "TagResource", tag_resource},
        {"POST", {"UntagResource"}, "UntagResource", untag_resource},
        {"GET", {"ListTagsForResource"}, "ListTagsForResource", list_tags},
    };
    return table;
}

std::vector<std::string> split_path(const std::string& path) {
    std::vector<std::string> out;
    size_t b = 1;
    while (b <= path.size()) {
        const auto e = path.find('/', b);
        out.push_back(path.substr(b, e == std::string::npos ? std::string::npos : e - b));
        if (e == std::string::npos) break;
        b = e + 1;
    }
    return out;
}

const Route* route_of(const HttpRequest& req, const std::vector<std::string>& segments) {
    for (const auto& r : routes()) {
        if (req.method != r.method || segments.size() != r.shape.size()) continue;
        bool same = true;
        for (size_t i = 0; i < segments.size() && same; ++i) same = r.shape[i] == "*" || r.shape[i] == segments[i];
        if (same) return &r;
    }
    return nullptr;
}

}  // namespace

std::optional<ControlReply> ControlPlane::handle(const HttpRequest& request, Timestamp now) {
    if (request.path.empty() || request.path.front() != '/') return std::nullopt;
    const auto segments = split_path(request.path);
    const Route* route = route_of(request, segments);
    if (!route) return std::nullopt;
    try {
        const auto s = state_.snapshot();
        const Caller caller = authenticate(hmac_, request, s->region, now);
        auto reply = route->run(Call{request, segments, caller, now, state_});
        reply.operation = route->operation;
        reply.summary += " by " + caller.arn;
        return reply;
    } catch (const ControlError& e) {
        ControlReply r;
        r.status = http_status(e.type);
        r.error = e.type;
        r.body = {{"message", e.message}};
        r.operation = route->operation;
        r.summary = e.message;
        return r;
    } catch (const SerializationError& e) {
        ControlReply r;
        r.status = http_status(ServiceErrorType::Serialization);
        r.error = ServiceErrorType::Serialization;
        r.body = {{"message", e.what()}};
        r.operation = route->operation;
        r.summary = e.what();
        return r;
    }
}

}  // namespace pkitool::exchange
