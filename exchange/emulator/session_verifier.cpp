// The CreateSession checks, in the order the service applies them: authentication (signature and
// certificate), then the request's resources, then authorization (profile, role, trust policy).
#include "exchange/emulator/session_verifier.h"

#include "exchange/emulator/attribute_mapping.h"

#include "exchange/arn.h"
#include "exchange/signed_request.h"
#include "base/error.h"
#include "issue/inspect.h"
#include "issue/serial.h"
#include "issue/subject.h"
#include "profiles/conformance.h"
#include "profiles/validity.h"

#include <botan/bigint.h>
#include <botan/hex.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <tuple>

namespace pkitool::exchange {

namespace {

using nlohmann::json;

Refusal denied(const std::string& m) { return {ServiceErrorType::AccessDenied, m}; }
Refusal invalid(const std::string& m) { return {ServiceErrorType::Validation, m}; }
Refusal not_found(const std::string& m) { return {ServiceErrorType::ResourceNotFound, m}; }

bool is_x509(SigningAlgorithm a) {
    switch (a) {
        case SigningAlgorithm::X509Rsa:
        case SigningAlgorithm::X509Ecdsa: return true;
        case SigningAlgorithm::Hmac: return false;  // STS's, not CreateSession's
    }
    return false;
}

// IAM role session names: [\w+=,.@-]{2,64}.
bool session_name_ok(const std::string& n) {
    if (n.size() < 2 || n.size() > 64) return false;
    return std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isalnum(c) || std::string("_+=,.@-").find(c) != std::string::npos; });
}

struct Arns {
    std::string anchor, profile, role;
};

// ARNs travel in the query string; the service also takes them from the JSON body (Roles Anywhere API Reference, "CreateSession").
std::variant<Arns, Refusal> find_arns(const HttpRequest& req, const json& body) {
    Arns out;
    const std::pair<const char*, std::string*> fields[] = {{"trustAnchorArn", &out.anchor}, {"profileArn", &out.profile}, {"roleArn", &out.role}};
    for (const auto& [name, dest] : fields) {
        std::optional<std::string> q, b;
        for (const auto& [k, v] : req.query)
            if (k == name) q = v;
        if (body.contains(name)) {
            if (!body.at(name).is_string()) return invalid(std::string(name) + " in the body must be a string");
            b = body.at(name).get<std::string>();
        }
        if (q && b && *q != *b) return invalid(std::string(name) + " differs between the query string and the body");
        if (!q && !b) return invalid(std::string("missing ") + name + " (query string or JSON body)");
        *dest = q ? *q : *b;
    }
    return out;
}

struct ParsedArns {
    Arn anchor, profile;  // the role's ARN is only looked up, as sent
};

// Each ARN of its kind (exchange/arn.h), or a ValidationException naming the parameter.
std::variant<ParsedArns, Refusal> parse_arns(const Arns& arns) {
    ParsedArns out;
    Arn role;
    const std::tuple<const char*, const std::string&, ArnType, const char*, Arn*> fields[] = {
        {"trustAnchorArn", arns.anchor, ArnType::TrustAnchor, "arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>", &out.anchor},
        {"profileArn", arns.profile, ArnType::Profile, "arn:aws:rolesanywhere:<region>:<account>:profile/<id>", &out.profile},
        {"roleArn", arns.role, ArnType::Role, "arn:aws:iam::<account>:role/<name>", &role}};
    for (const auto& [name, text, type, shape, dest] : fields) {
        try {
            *dest = Arn::parse(text, type);
        } catch (const Error& e) {
            return invalid(std::string(name) + " \"" + text + "\" is not " + shape + ": " + e.what());
        }
    }
    return out;
}

}  // namespace

std::shared_ptr<const profiles::TrustAnchors> SessionVerifier::trust_of(const TrustAnchor& anchor) {
    // Each certificate's and CRL's parsed data identifies it (Botan shares it between copies).
    // The prepared entry keeps copies, so that data stays alive and its address cannot be reused
    // by a certificate or CRL that replaces it in the configuration.
    std::vector<const void*> identity;
    for (const auto& c : anchor.certificates) identity.push_back(&c.subject_dn());
    for (const auto& c : anchor.crls) identity.push_back(&c.get_revoked());
    std::lock_guard lock(trust_mutex_);
    auto& entry = trust_[anchor.arn];
    if (!entry.trust || entry.identity != identity)
        entry = {std::move(identity), std::make_shared<const profiles::TrustAnchors>(anchor.certificates, anchor.crls)};
    return entry.trust;
}

SessionDecision SessionVerifier::create_session(const HttpRequest& req, std::chrono::system_clock::time_point now) {
    std::optional<Botan::X509_Certificate> seen;
    SessionDecision decision;
    try {
        decision = decide(req, now, seen);
    } catch (const std::exception& e) {
        // Botan and JSON parsers throw on hostile input we did not foresee; it is still the client's fault.
        decision = invalid(std::string("malformed request: ") + e.what());
    }
    if (seen && subjects_) subjects_->record(*seen, std::holds_alternative<Refusal>(decision), now);
    return decision;
}

SessionDecision SessionVerifier::decide(const HttpRequest& req, std::chrono::system_clock::time_point now, std::optional<Botan::X509_Certificate>& seen) {
    // --- Authentication: the SigV4-X509 envelope (Roles Anywhere User Guide, "Signing process") ---
    auto envelope = read_signed_request(req, "rolesanywhere", now, kSessionClockSkew);
    if (auto* why = std::get_if<EnvelopeError>(&envelope)) return denied(why->message);
    const auto& signed_req = std::get<SignedRequest>(envelope);
    const auto& auth = signed_req.authorization;
    if (!auth.known_algorithm || !is_x509(*auth.known_algorithm))
        return denied("unsupported algorithm \"" + auth.algorithm + "\": use " + to_string(SigningAlgorithm::X509Rsa) + " or " +
                      to_string(SigningAlgorithm::X509Ecdsa));
    const auto& sh = auth.signed_headers;
    if (!std::binary_search(sh.begin(), sh.end(), std::string("x-amz-x509")))
        return denied("x-amz-x509 is not among SignedHeaders (" + fmt::format("{}", fmt::join(sh, ";")) + "): the certificate must be signed");
    const auto x509 = req.header("X-Amz-X509");
    if (!x509) return denied("missing X-Amz-X509 header (the signing certificate)");
    const auto chain_header = req.header("X-Amz-X509-Chain");
    if (chain_header && !std::binary_search(sh.begin(), sh.end(), std::string("x-amz-x509-chain")))
        return denied("X-Amz-X509-Chain is sent but x-amz-x509-chain is not among SignedHeaders");

    const auto presented = presented_.decode(*x509);
    if (!presented) return denied("X-Amz-X509 is not a base64-encoded DER certificate");
    std::vector<Botan::X509_Certificate> intermediates;
    if (chain_header) {
        size_t b = 0;
        for (;;) {
            const auto e = chain_header->find(',', b);
            const auto part = chain_header->substr(b, e == std::string::npos ? std::string::npos : e - b);
            if (intermediates.size() == profiles::kMaxIntermediates)
                return denied("X-Amz-X509-Chain holds more than " + std::to_string(profiles::kMaxIntermediates) + " certificates");
            const auto c = presented_.decode(part);
            if (!c) return denied("X-Amz-X509-Chain entry " + std::to_string(intermediates.size() + 1) + " is not a base64-encoded DER certificate");
            intermediates.push_back(c->cert());
            if (e == std::string::npos) break;
            b = e + 1;
        }
    }
    const Botan::X509_Certificate* leaf = &presented->cert();
    const std::string& leaf_label = presented->label();
    const std::string& serial = presented->serial_decimal();
    if (auth.credential != serial)
        return denied("Credential= names serial " + auth.credential + " but the X-Amz-X509 certificate has serial " + serial + " (decimal)");

    const Botan::Public_Key* leaf_key = presented->key();
    if (!leaf_key) return invalid("malformed request: " + presented->key_error());  // as when Botan threw here per request
    const std::string key_algo = leaf_key->algo_name();
    const auto want_algo = x509_algorithm_of(*leaf_key);
    if (!want_algo) return denied(leaf_label + " has a " + key_algo + " key; Roles Anywhere accepts RSA and EC keys");
    if (*auth.known_algorithm != *want_algo)
        return denied("algorithm " + auth.algorithm + " does not match the certificate's " + key_algo + " key (expected " + to_string(*want_algo) + ")");
    std::vector<uint8_t> signature;
    try {
        signature = Botan::hex_decode(auth.signature);
    } catch (const std::exception&) {
        return denied("Signature= is not an even number of hex digits");
    }
    if (!presented->verify_x509(*auth.known_algorithm, signed_req.string_to_sign, signature))
        return denied("Invalid signature: the signature does not verify with the public key of " + leaf_label +
                      " over the canonical request rebuilt from SignedHeaders=" + fmt::format("{}", fmt::join(sh, ";")) + " (canonical request SHA-256 " +
                      sha256_hex(signed_req.canonical_request) + "; compare with the canonical request the client logs when debugging)");

    // --- The request itself ---
    json body = json::object();
    if (!req.body.empty()) {
        body = json::parse(req.body, nullptr, false);
        if (body.is_discarded() || !body.is_object()) return invalid("the request body is not a JSON object");
    }
    int duration = 3600;
    if (body.contains("durationSeconds")) {
        const auto& d = body.at("durationSeconds");
        if (!d.is_number_integer()) return invalid("durationSeconds must be an integer");
        const auto v = d.get<long long>();
        if (v < kMinDurationSeconds || v > kMaxDurationSeconds)
            return invalid("durationSeconds " + std::to_string(v) + " is out of bounds: it must be from 900 to 43200");
        duration = static_cast<int>(v);
    }
    std::optional<std::string> session_name;
    if (body.contains("roleSessionName")) {
        if (!body.at("roleSessionName").is_string() || !session_name_ok(body.at("roleSessionName").get<std::string>()))
            return invalid("roleSessionName must be 2-64 characters of letters, digits and _+=,.@-");
        session_name = body.at("roleSessionName").get<std::string>();
    }
    auto arns_or = find_arns(req, body);
    if (auto* r = std::get_if<Refusal>(&arns_or)) return *r;
    const auto& arns = std::get<Arns>(arns_or);
    const auto parsed_or = parse_arns(arns);
    if (auto* r = std::get_if<Refusal>(&parsed_or)) return *r;
    const auto& [anchor_arn, profile_arn] = std::get<ParsedArns>(parsed_or);
    if (anchor_arn.region != profile_arn.region || anchor_arn.account != profile_arn.account)
        return invalid("profileArn (" + profile_arn.region + ", " + profile_arn.account + ") and trustAnchorArn (" + anchor_arn.region +
                       ", " + anchor_arn.account + ") must be in the same region and account");
    if (auth.region != anchor_arn.region)
        return denied("credential scope region " + auth.region + " does not match the trust anchor's region " + anchor_arn.region);

    // --- The certificate: Roles Anywhere User Guide, "Trust model" rules, then its path to the anchor ---
    for (const auto& f : profiles::check_conformance(*leaf, profiles::builtin(profiles::Builtin::RolesAnywhereClient)))
        if (f.severity == profiles::Severity::Error)
            return denied("Untrusted signing certificate: " + f.certificate + ": " + f.message + " [" + f.rule + "]");
    const auto anchor = directory_.anchor(arns.anchor);
    if (!anchor) return not_found("no trust anchor " + arns.anchor + " on this endpoint");
    // From here on the service knows who asked, in which account: the attempt is on the Subject.
    seen = *leaf;
    if (!anchor->enabled) return denied("trust anchor \"" + anchor->name + "\" (" + anchor->arn + ") is disabled");
    // The leaf's dates, then the path: the same engine as `pkitool lint --chain --anchor`.
    const auto untrusted = [](const profiles::Finding& f) {
        return denied("Untrusted signing certificate: " + f.certificate + ": " + f.message + " [" + f.rule + "]");
    };
    for (const auto& f : profiles::check_validity(*leaf, leaf_label, now, false))
        if (f.severity == profiles::Severity::Error) return untrusted(f);
    const auto trust = trust_of(*anchor);
    profiles::PathEngine engine(*trust, intermediates, now, &signatures_);
    for (const auto& f : engine.check(*leaf, leaf_label))
        if (f.severity == profiles::Severity::Error) return untrusted(f);

    // --- Authorization: profile, role, trust policy ---
    const auto profile = directory_.profile(arns.profile);
    if (!profile) return not_found("no profile " + arns.profile + " on this endpoint");
    if (!profile->enabled) return denied("profile \"" + profile->name + "\" (" + profile->arn + ") is disabled");
    if (std::find(profile->role_arns.begin(), profile->role_arns.end(), arns.role) == profile->role_arns.end())
        return denied("role " + arns.role + " is not one of the roles of profile \"" + profile->name + "\" (" + fmt::format("{}", fmt::join(profile->role_arns, ", ")) + ")");
    const auto role = directory_.role(arns.role);
    if (!role) return not_found("no role " + arns.role + " on this endpoint");
    const auto context = trust_request(*leaf, profile->attribute_mappings, anchor->arn);
    const std::string& source_identity = context.source_identity;
    const auto verdict = role->trust_policy.evaluate(context);
    if (!verdict.allowed()) return denied("role \"" + role->name + "\" does not trust this certificate: " + verdict.reason);
    // The service answers AccessDenied, not a validation error (Roles Anywhere User Guide, "Profiles":
    // a role session name is honoured only when the profile accepts one).
    if (session_name && !profile->accept_role_session_name)
        return denied("roleSessionName was given but profile \"" + profile->name + "\" does not accept role session names (acceptRoleSessionName is false)");

    // --- Grant: the effective duration is the smallest of the request's durationSeconds, the
    // profile's and the role's MaxSessionDuration (Roles Anywhere User Guide, "CreateSession") ---
    const int effective = std::min({duration, profile->duration_seconds, role->max_session_duration});
    const std::string session = session_name ? *session_name : issue::Serial::from(Botan::BigInt(leaf->serial_number())).hex();
    CreatedSession out;
    const std::string account = directory_.account();
    out.credentials = store_.issue(account, role->name, session, std::chrono::seconds(effective), now);
    const auto& c = out.credentials;
    out.body = {{"credentialSet",
                 json::array({{{"assumedRoleUser", {{"arn", c.assumed_role_arn}, {"assumedRoleId", c.assumed_role_id}}},
                               {"credentials",
                                {{"accessKeyId", c.access_key_id},
                                 {"expiration", issue::rfc3339(c.expiration)},
                                 {"secretAccessKey", c.secret_access_key},
                                 {"sessionToken", c.session_token}}},
                               {"packedPolicySize", 0},
                               {"roleArn", role->arn},
                               {"sourceIdentity", source_identity}}})},
                {"subjectArn", "arn:aws:rolesanywhere:" + anchor_arn.region + ":" + account + ":subject/" +
                                   subject_id(issue::Subject::from(leaf->subject_dn()).to_string())}};
    return out;
}

}  // namespace pkitool::exchange
