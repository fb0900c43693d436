// IMDSv2 endpoint with cpp-httplib.
#include "exchange/client/imds_server.h"

#include "issue/inspect.h"
#include "base/error.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace pkitool::exchange {

namespace {

constexpr const char* kCredentialsPath = "/latest/meta-data/iam/security-credentials";

void refuse(httplib::Response& res, int status, const std::string& message) {
    res.status = status;
    res.set_content(message + "\n", "text/plain");
}

}  // namespace

ImdsServer::ImdsServer(std::string role_name, RefreshingCredentials& credentials)
    : role_name_(std::move(role_name)), credentials_(credentials), server_(std::make_unique<httplib::Server>()) {
    auto& s = *server_;
    s.set_payload_max_length(4096);  // IMDS requests have no body worth the name
    s.set_read_timeout(5, 0);
    s.set_write_timeout(5, 0);
    s.set_keep_alive_max_count(100);
    // httplib writes the status line and headers, then the body, in two send()s: with Nagle on, the
    // body waits for the client's (delayed) ACK of the headers, about 40 ms per answer on loopback.
    s.set_tcp_nodelay(true);

    const auto issue_token = [this](const httplib::Request& req, httplib::Response& res) {
        const char* name = "X-aws-ec2-metadata-token-ttl-seconds";
        const auto ttl = ImdsTokens::parse_ttl(req.has_header(name) ? std::optional(req.get_header_value(name)) : std::nullopt);
        if (!ttl) return refuse(res, 400, std::string(name) + " must be a whole number of seconds in 1..21600");
        res.set_header(name, std::to_string(*ttl));
        res.set_content(tokens_.issue(*ttl, ImdsTokens::Clock::now()), "text/plain");
    };

    s.set_pre_routing_handler([issue_token](const httplib::Request& req, httplib::Response& res) {
        // A proxied request is how SSRF reaches a metadata service; EC2 refuses it and so do we.
        if (req.has_header("X-Forwarded-For")) {
            refuse(res, 400, "requests carrying X-Forwarded-For are refused");
            return httplib::Server::HandlerResponse::Handled;
        }
        // EC2's documented `curl -X PUT .../latest/api/token` sends no Content-Length, which
        // cpp-httplib 0.11 refuses (400) while reading the body; there is no body, so answer here.
        if (req.method == "PUT" && req.path == "/latest/api/token" && !req.has_header("Content-Length") &&
            !req.has_header("Transfer-Encoding")) {
            issue_token(req, res);
            return httplib::Server::HandlerResponse::Handled;
        }
        return httplib::Server::HandlerResponse::Unhandled;
    });

    s.Put("/latest/api/token", issue_token);

    // Everything else needs a live token (IMDSv2 only; no IMDSv1 fallback).
    s.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
        if (!tokens_.valid(req.get_header_value("X-aws-ec2-metadata-token"), ImdsTokens::Clock::now()))
            return refuse(res, 401, "a live token from PUT /latest/api/token is required in X-aws-ec2-metadata-token");
        std::string path = req.path;
        if (path == kCredentialsPath || path == std::string(kCredentialsPath) + "/") return res.set_content(role_name_, "text/plain");
        if (path != std::string(kCredentialsPath) + "/" + role_name_) return refuse(res, 404, "not found");
        const auto got = credentials_.get(Clock::now());
        if (const auto* failure = std::get_if<CredentialsFailure>(&got))
            return refuse(res, 500, "no credentials: " + failure->reason);
        res.set_content(rendered(std::get<RefreshingCredentials::Snapshot>(got)), "application/json");
    });
}

ImdsServer::~ImdsServer() = default;

std::string ImdsServer::rendered(const RefreshingCredentials::Snapshot& snap) {
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

int ImdsServer::bind(int port) {
    // Loopback only: the credentials must not be reachable from the network.
    const int bound = port == 0 ? server_->bind_to_any_port("127.0.0.1") : (server_->bind_to_port("127.0.0.1", port) ? port : -1);
    if (bound <= 0) throw Error("127.0.0.1:" + std::to_string(port) + ": cannot listen", "is another `pkitool exchange serve` running? try --port");
    return bound;
}

void ImdsServer::run() { server_->listen_after_bind(); }

void ImdsServer::stop() { server_->stop(); }

}  // namespace pkitool::exchange
