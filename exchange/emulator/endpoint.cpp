// Routing and AWS error shapes for the local Roles Anywhere + STS endpoint.
#include "exchange/emulator/endpoint.h"

#include "issue/random.h"

#include <botan/hex.h>
#include <nlohmann/json.hpp>

namespace pkitool::exchange {

namespace {

std::string request_id() {
    std::vector<uint8_t> b(16);
    issue::rng().randomize(b.data(), b.size());
    const auto h = Botan::hex_encode(b, false);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// Roles Anywhere's REST errors: the type in X-Amzn-ErrorType and {"message": ...} in the body,
// which is how the AWS CLI and SDKs tell one refusal from another.
HttpReply json_error(int status, const std::string& type, const std::string& message) {
    HttpReply r;
    r.status = status;
    r.headers.emplace_back("X-Amzn-ErrorType", type);
    r.content_type = "application/json";
    r.body = nlohmann::json{{"message", message}}.dump();
    return r;
}

}  // namespace

namespace {

std::unique_ptr<ControlState> seeded(const EmulatorConfig& config) {
    auto state = std::make_unique<ControlState>();
    state->initialize(config, std::chrono::system_clock::now());
    return state;
}

}  // namespace

EmulatorEndpoint::EmulatorEndpoint(const EmulatorConfig& config, RequestLog log) : EmulatorEndpoint(seeded(config), std::move(log)) {}

EmulatorEndpoint::EmulatorEndpoint(std::unique_ptr<ControlState> state, RequestLog log)
    : state_(std::move(state)), log_(std::move(log)), hmac_(store_, state_->snapshot()->administrator) {
    if (!hmac_.administrator()) throw std::logic_error("EmulatorEndpoint: the state is not initialized");
}

ServerLimits EmulatorEndpoint::limits() {
    ServerLimits l;
    // ImportCrl takes 300,000 bytes of CRL, sent as base64 inside JSON (the service model).
    l.request.max_body_bytes = 512 * 1024;
    l.request.max_head_bytes = 64 * 1024;
    return l;
}

HttpService EmulatorEndpoint::service() {
    return {[this](const HttpRequest& r) { return handle(r); }, [this](const RequestRefusal& r) { return refusal(r); }};
}

void EmulatorEndpoint::note(const std::string& line) {
    if (!log_) return;
    std::lock_guard lock(log_mutex_);
    log_(line);
}

HttpReply EmulatorEndpoint::handle(const HttpRequest& request) {
    if (request.method == "POST" && request.path == "/sessions") return create_session(request);
    // IAM and STS share POST /: the credential scope's service tells them apart, as AWS's own
    // endpoints differ only by host name.
    if (request.method == "POST" && request.path == "/") return signing_service(request) == "iam" ? iam(request) : get_caller_identity(request);
    if (const auto reply = control_.handle(request, std::chrono::system_clock::now())) return control(*reply, request);
    const std::string msg = "no such endpoint: " + request.method + " " + request.path +
                            " (POST /sessions is CreateSession, POST / STS or IAM roles; the control plane has trust anchors, profiles, CRLs, "
                            "subjects, tags, attribute mappings and notification settings)";
    note(request.method + " " + request.path + " 404: " + msg);
    return json_error(404, to_string(ServiceErrorType::ResourceNotFound), msg);
}

HttpReply EmulatorEndpoint::refusal(const RequestRefusal& r) {
    note("HTTP " + std::to_string(r.status) + ": " + r.message);
    return r.status >= 500 && r.status != 501 && r.status != 505 ? json_error(r.status, "InternalServerException", r.message)
                                                                 : json_error(r.status, to_string(ServiceErrorType::Validation), r.message);
}

HttpReply EmulatorEndpoint::create_session(const HttpRequest& request) {
    const auto decision = sessions_.create_session(request, std::chrono::system_clock::now());
    if (const auto* ok = std::get_if<CreatedSession>(&decision)) {
        HttpReply reply;
        reply.status = 201;
        reply.content_type = "application/json";
        reply.body = ok->body.dump();
        note("POST /sessions 201 " + ok->credentials.assumed_role_arn + " until " + ok->body["credentialSet"][0]["credentials"]["expiration"].get<std::string>());
        return reply;
    }
    const auto& r = std::get<Refusal>(decision);
    note("POST /sessions " + std::to_string(http_status(r.type)) + " " + to_string(r.type) + ": " + r.message);
    return json_error(http_status(r.type), to_string(r.type), r.message);
}

HttpReply EmulatorEndpoint::control(const ControlReply& r, const HttpRequest& request) {
    HttpReply reply;
    reply.status = r.status;
    reply.headers.emplace_back("x-amzn-RequestId", request_id());
    if (r.error) reply.headers.emplace_back("X-Amzn-ErrorType", to_string(*r.error));
    reply.content_type = "application/json";
    reply.body = r.body.dump();
    note(request.method + " " + request.path + " " + std::to_string(r.status) + " " + r.operation + (r.error ? " " + to_string(*r.error) + ": " : " ") + r.summary);
    return reply;
}

HttpReply EmulatorEndpoint::iam(const HttpRequest& request) {
    const auto id = request_id();
    const auto r = iam_.handle(request, std::chrono::system_clock::now(), id);
    HttpReply reply;
    reply.status = r.status;
    reply.headers.emplace_back("x-amzn-RequestId", id);
    reply.content_type = "text/xml";
    reply.body = r.body;
    note("POST / " + std::to_string(r.status) + " " + (r.operation.empty() ? "IAM" : r.operation) + (r.error ? " " + to_string(*r.error) + ": " : " ") + r.summary);
    return reply;
}

HttpReply EmulatorEndpoint::get_caller_identity(const HttpRequest& request) {
    const auto id = request_id();
    HttpReply reply;
    reply.headers.emplace_back("x-amzn-RequestId", id);
    reply.content_type = "text/xml";
    const auto decision = sts_.get_caller_identity(request, std::chrono::system_clock::now());
    if (const auto* who = std::get_if<CallerIdentity>(&decision)) {
        reply.body = to_xml(*who, id);
        note("POST / 200 GetCallerIdentity " + who->arn);
        return reply;
    }
    const auto& r = std::get<StsRefusal>(decision);
    reply.status = http_status(r.code);
    reply.body = to_xml(r, id);
    note("POST / " + std::to_string(reply.status) + " " + to_string(r.code) + ": " + r.message);
    return reply;
}

}  // namespace pkitool::exchange
