// CreateSession client (IAM Roles Anywhere User Guide, "Authenticating with IAM Roles Anywhere").
#include "exchange/client/session.h"

#include "exchange/arn.h"
#include "exchange/client/diagnosis.h"
#include "base/error.h"

#include <nlohmann/json.hpp>

namespace pkitool::exchange {

namespace {

// One of the three ARNs of a session, or a usage Error naming the input and what is wrong.
Arn parse_flag(const char* input, const std::string& text, ArnType type, const char* shape) {
    try {
        return Arn::parse(text, type);
    } catch (const Error& e) {
        throw usage_error(Error::Input{input, text}, e.what(), std::string("give ") + shape);
    }
}

// "https://host:port/x" → "host:port": the Host header curl will send and we must sign.
std::string host_of(const std::string& url) {
    const auto scheme = url.find("://");
    if (scheme == std::string::npos) throw Error(Error::Input{"endpoint", url}, "not a URL", "give e.g. https://rolesanywhere.us-east-1.amazonaws.com");
    const auto rest = url.substr(scheme + 3);
    const auto host = rest.substr(0, rest.find('/'));
    if (host.empty()) throw Error(Error::Input{"endpoint", url}, "no host");
    return host;
}

std::string service_message(const std::string& body) {
    try {
        const auto j = nlohmann::json::parse(body);
        for (const char* k : {"message", "Message"})
            if (j.is_object() && j.contains(k) && j[k].is_string()) return j[k].get<std::string>();
    } catch (const nlohmann::json::exception&) {
    }
    return body.size() > 200 ? body.substr(0, 200) + "…" : body;
}

}  // namespace

std::string region_of_arn(const std::string& arn) {
    return parse_flag("trust_anchor_arn", arn, ArnType::TrustAnchor, "arn:aws:rolesanywhere:REGION:ACCOUNT:trust-anchor/ID").region;
}

std::string role_name_of_arn(const std::string& arn) {
    return parse_flag("role_arn", arn, ArnType::Role, "arn:aws:iam::ACCOUNT:role/NAME").role_name();
}

void SessionTarget::check_arns() const {
    region_of_arn(trust_anchor_arn);
    parse_flag("profile_arn", profile_arn, ArnType::Profile, "arn:aws:rolesanywhere:REGION:ACCOUNT:profile/ID");
    role_name_of_arn(role_arn);
}

std::string SessionTarget::effective_region() const { return region.empty() ? region_of_arn(trust_anchor_arn) : region; }

std::string SessionTarget::effective_endpoint() const {
    std::string url = endpoint.empty() ? "https://rolesanywhere." + effective_region() + ".amazonaws.com" : endpoint;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

HttpRequest build_request(const SessionTarget& target, const SessionIdentity& id, Clock::time_point now, SigningTrace* trace) {
    target.check_arns();  // the service could only refuse them, less clearly
    HttpRequest req;
    req.method = "POST";
    req.path = "/sessions";
    req.query = {{"profileArn", target.profile_arn}, {"roleArn", target.role_arn}, {"trustAnchorArn", target.trust_anchor_arn}};
    nlohmann::ordered_json body;
    body["durationSeconds"] = target.duration_seconds;
    if (!target.role_session_name.empty()) body["roleSessionName"] = target.role_session_name;
    req.body = body.dump();
    req.set_header("Content-Type", "application/json");
    const auto t = sign_x509(req, id.key, id.leaf, id.intermediates, host_of(target.effective_endpoint()), target.effective_region(), now);
    if (trace) *trace = t;
    return req;
}

Credentials create_session(const SessionTarget& target, const SessionIdentity& id, const TransportOptions& transport,
                           std::ostream* debug) {
    SigningTrace trace;
    const auto req = build_request(target, id, Clock::now(), &trace);
    const std::string url = target.effective_endpoint();
    if (debug) {
        *debug << "pkitool: debug: POST " << url << req.path << "\n"
               << "pkitool: debug: canonical request:\n" << trace.canonical_request << "\n"
               << "pkitool: debug: string to sign:\n" << trace.string_to_sign << "\n";
    }
    const auto resp = send(url, req, transport);
    if (debug) *debug << "pkitool: debug: HTTP " << resp.status << "\n";
    if (resp.status == 201 || resp.status == 200) return parse_create_session(resp.body);

    // The service's verdict first (type and message), then what pkitool sees in the certificate.
    std::string type = resp.header("X-Amzn-ErrorType").value_or("");
    type = type.substr(0, type.find(':'));  // AWS may append ":http://internal.amazon.com/…"
    if (type.empty()) type = "HTTP " + std::to_string(resp.status);
    Error refused("CreateSession at " + url + " refused: " + type + ": " + service_message(resp.body));
    for (const auto& line : diagnose(id.leaf, id.intermediates, type)) refused.with_hint(line);
    if (refused.hints().empty() && type == "ValidationException")
        refused.with_hint("check the ARNs, the session duration (900 to 43200 seconds) and the role session name");
    throw refused;
}

}  // namespace pkitool::exchange
