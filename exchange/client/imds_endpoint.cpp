// IMDSv2 as EC2 answers it, for the credentials path only.
#include "exchange/client/imds_endpoint.h"

#include "issue/inspect.h"

#include <nlohmann/json.hpp>

namespace pkitool::exchange {

namespace {

constexpr const char* kCredentialsPath = "/latest/meta-data/iam/security-credentials";
constexpr const char* kTtlHeader = "X-aws-ec2-metadata-token-ttl-seconds";

HttpReply text(int status, std::string body) {
    HttpReply r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

HttpReply refuse(int status, const std::string& message) { return text(status, message + "\n"); }

}  // namespace

ImdsEndpoint::ImdsEndpoint(std::string role_name, RefreshingCredentials& credentials)
    : role_name_(std::move(role_name)), credentials_(credentials) {}

ServerLimits ImdsEndpoint::limits() {
    ServerLimits l;
    l.request.max_body_bytes = 4096;
    l.request.max_head_bytes = 16 * 1024;
    return l;
}

HttpService ImdsEndpoint::service() {
    return {[this](const HttpRequest& r) { return handle(r); }, [](const RequestRefusal& r) { return refuse(r.status, r.message); }};
}

HttpReply ImdsEndpoint::issue_token(const HttpRequest& request) {
    // EC2 answers 400 to a token PUT without the TTL header, or with an empty or out-of-range one.
    const auto ttl = ImdsTokens::parse_ttl(request.header(kTtlHeader));
    if (!ttl) return refuse(400, std::string(kTtlHeader) + " must be present, a whole number of seconds in 1..21600");
    auto reply = text(200, tokens_.issue(*ttl, ImdsTokens::Clock::now()));
    reply.headers.emplace_back(kTtlHeader, std::to_string(*ttl));
    return reply;
}

HttpReply ImdsEndpoint::handle(const HttpRequest& request) {
    // A proxied request is how SSRF reaches a metadata service; EC2 refuses any request carrying
    // X-Forwarded-For, even an empty one, and so do we.
    if (request.header("X-Forwarded-For")) return refuse(400, "requests carrying X-Forwarded-For are refused");
    if (request.method == "PUT" && request.path == "/latest/api/token") return issue_token(request);
    if (request.method != "GET") return refuse(405, request.method + " is not allowed here (GET, or PUT /latest/api/token)");
    // Everything else needs a live token (IMDSv2 only; no IMDSv1 fallback).
    if (!tokens_.valid(request.header("X-aws-ec2-metadata-token").value_or(""), ImdsTokens::Clock::now()))
        return refuse(401, "a live token from PUT /latest/api/token is required in X-aws-ec2-metadata-token");
    const std::string& path = request.path;
    if (path == kCredentialsPath || path == std::string(kCredentialsPath) + "/") return text(200, role_name_);
    if (path != std::string(kCredentialsPath) + "/" + role_name_) return refuse(404, "not found");
    const auto got = credentials_.get(Clock::now());
    if (const auto* failure = std::get_if<CredentialsFailure>(&got)) return refuse(500, "no credentials: " + failure->reason);
    auto reply = text(200, rendered(std::get<RefreshingCredentials::Snapshot>(got)));
    reply.content_type = "application/json";
    return reply;
}

std::string ImdsEndpoint::rendered(const RefreshingCredentials::Snapshot& snap) {
    // The body is a function of the snapshot alone; building and dumping the JSON was a third of
    // serve's CPU per request (callgrind under wrk), so it is redone only when they change.
    std::lock_guard lock(rendered_mutex_);
    if (rendered_for_ == snap) return rendered_body_;
    nlohmann::ordered_json j;
    j["Code"] = "Success";
    j["LastUpdated"] = issue::rfc3339(snap.last_updated);
    j["Type"] = "AWS-HMAC";
    j["AccessKeyId"] = snap.credentials.access_key_id;
    j["SecretAccessKey"] = snap.credentials.secret_access_key;
    j["Token"] = snap.credentials.session_token;
    j["Expiration"] = issue::rfc3339(snap.credentials.expiration);
    rendered_body_ = j.dump(2);
    rendered_for_ = snap;
    return rendered_body_;
}

}  // namespace pkitool::exchange
