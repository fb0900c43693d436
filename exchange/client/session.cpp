// CreateSession client (protocol §2 and §3).
#include "exchange/client/session.h"

#include "exchange/client/diagnosis.h"
#include "base/error.h"

#include <nlohmann/json.hpp>

namespace pkitool::exchange {

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    for (size_t b = 0, e; b <= s.size(); b = e + 1) {
        e = s.find(sep, b);
        if (e == std::string::npos) e = s.size();
        out.push_back(s.substr(b, e - b));
    }
    return out;
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
    const auto parts = split(arn, ':');
    if (parts.size() < 6 || parts[0] != "arn" || parts[3].empty())
        throw usage_error(Error::Input{"trust_anchor_arn", arn}, "not an ARN with a region").with_step({NextStep::Kind::GiveRegion, "name the region outright"});
    return parts[3];
}

std::string role_name_of_arn(const std::string& arn) {
    const auto slash = arn.rfind('/');
    if (arn.rfind("arn:", 0) != 0 || arn.find(":role/") == std::string::npos || slash + 1 >= arn.size())
        throw usage_error(Error::Input{"role_arn", arn}, "not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)");
    return arn.substr(slash + 1);
}

std::string SessionTarget::effective_region() const { return region.empty() ? region_of_arn(trust_anchor_arn) : region; }

std::string SessionTarget::effective_endpoint() const {
    std::string url = endpoint.empty() ? "https://rolesanywhere." + effective_region() + ".amazonaws.com" : endpoint;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

HttpRequest build_request(const SessionTarget& target, const SessionIdentity& id, Clock::time_point now, SigningTrace* trace) {
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
