// HTTP plumbing for the emulator: request conversion, routing, AWS error shapes, limits.
#include "exchange/emulator/server.h"

#include "exchange/arn.h"
#include "exchange/emulator/issued_credentials.h"
#include "exchange/emulator/session_verifier.h"
#include "exchange/emulator/sts_verifier.h"
#include "exchange/url_query.h"
#include "issue/random.h"
#include "base/error.h"

#include <httplib.h>

#include <botan/hex.h>

#include <mutex>

namespace pkitool::exchange {

namespace {

constexpr const char* kHost = "127.0.0.1";

// httplib merges form bodies into its params, so the query is taken from the raw target instead:
// SigV4 signs the query string alone.
HttpRequest convert(const httplib::Request& r) {
    HttpRequest out;
    out.method = r.method;
    const auto q = r.target.find('?');
    out.path = r.target.substr(0, q);
    if (q != std::string::npos) out.query = parse_url_query(r.target.substr(q + 1), PlusMeans::Plus);
    for (const auto& [k, v] : r.headers) out.headers.emplace_back(k, v);
    out.body = r.body;
    return out;
}

std::string request_id() {
    std::vector<uint8_t> b(16);
    issue::rng().randomize(b.data(), b.size());
    const auto h = Botan::hex_encode(b, false);
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace

struct EmulatorServer::Impl {
    EmulatorConfig config;
    ServerLimits limits;
    RequestLog log;
    std::mutex log_mutex;
    CredentialStore store;
    SessionVerifier sessions{config, store};
    StsVerifier sts{store};
    httplib::Server http;
    int port = 0;

    void note(const std::string& line) {
        if (!log) return;
        std::lock_guard lock(log_mutex);
        log(line);
    }

    void on_session(const httplib::Request& hr, httplib::Response& res) {
        const auto decision = sessions.create_session(convert(hr), std::chrono::system_clock::now());
        if (const auto* ok = std::get_if<CreatedSession>(&decision)) {
            res.status = 201;
            res.set_content(ok->body.dump(), "application/json");
            note("POST /sessions 201 " + ok->credentials.assumed_role_arn + " until " + ok->body["credentialSet"][0]["credentials"]["expiration"].get<std::string>());
            return;
        }
        const auto& r = std::get<Refusal>(decision);
        res.status = http_status(r.type);
        res.set_header("X-Amzn-ErrorType", to_string(r.type));
        res.set_content(nlohmann::json{{"message", r.message}}.dump(), "application/json");
        note("POST /sessions " + std::to_string(res.status) + " " + to_string(r.type) + ": " + r.message);
    }

    void on_sts(const httplib::Request& hr, httplib::Response& res) {
        const auto id = request_id();
        res.set_header("x-amzn-RequestId", id);
        const auto decision = sts.get_caller_identity(convert(hr), std::chrono::system_clock::now());
        if (const auto* who = std::get_if<CallerIdentity>(&decision)) {
            res.status = 200;
            res.set_content(to_xml(*who, id), "text/xml");
            note("POST / 200 GetCallerIdentity " + who->arn);
            return;
        }
        const auto& r = std::get<StsRefusal>(decision);
        res.status = http_status(r.code);
        res.set_content(to_xml(r, id), "text/xml");
        note("POST / " + std::to_string(res.status) + " " + to_string(r.code) + ": " + r.message);
    }
};

EmulatorServer::EmulatorServer(EmulatorConfig config, ServerLimits limits, RequestLog log) : impl_(std::make_unique<Impl>()) {
    impl_->config = std::move(config);
    impl_->limits = limits;
    impl_->log = std::move(log);
    auto& http = impl_->http;
    Impl* self = impl_.get();
    const size_t threads = limits.threads;
    http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    http.set_payload_max_length(limits.max_body_bytes);
    http.set_read_timeout(limits.read_timeout_seconds, 0);
    http.set_write_timeout(limits.write_timeout_seconds, 0);
    http.set_keep_alive_timeout(limits.read_timeout_seconds);
    http.set_tcp_nodelay(true);  // answers go out in one piece; Nagle + delayed ACK would add ~40 ms each
    http.set_keep_alive_max_count(1000);  // httplib's default of 5 would make clients reconnect constantly
    http.Post("/sessions", [self](const httplib::Request& q, httplib::Response& r) { self->on_session(q, r); });
    http.Post("/", [self](const httplib::Request& q, httplib::Response& r) { self->on_sts(q, r); });
    // Anything else (wrong path or method, oversized body, bad request line): an AWS-shaped error, never empty.
    http.set_error_handler([self](const httplib::Request& q, httplib::Response& r) {
        if (!r.body.empty()) return;
        const auto type = r.status == 404 ? ServiceErrorType::ResourceNotFound : ServiceErrorType::Validation;
        const std::string msg = r.status == 404 ? "no such endpoint: " + q.method + " " + q.path + " (use POST /sessions or POST /)"
                               : r.status == 413 ? "request body larger than " + std::to_string(self->limits.max_body_bytes) + " bytes"
                                                 : "malformed HTTP request (status " + std::to_string(r.status) + "): a bad request line, or a header line over 8 KiB";
        r.set_header("X-Amzn-ErrorType", to_string(type));
        r.set_content(nlohmann::json{{"message", msg}}.dump(), "application/json");
        self->note(q.method + " " + q.path + " " + std::to_string(r.status) + ": " + msg);
    });
    http.set_exception_handler([self](const httplib::Request& q, httplib::Response& r, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
            if (ep) std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        r.status = 500;
        r.set_header("X-Amzn-ErrorType", "InternalServerException");
        r.set_content(nlohmann::json{{"message", "internal error: " + what}}.dump(), "application/json");
        self->note(q.method + " " + q.path + " 500: " + what);
    });
}

EmulatorServer::~EmulatorServer() = default;

int EmulatorServer::bind(int port) {
    auto& http = impl_->http;
    if (port == 0) {
        impl_->port = http.bind_to_any_port(kHost);
        if (impl_->port <= 0) throw Error(std::string(kHost) + ": cannot bind any free port");
    } else {
        if (!http.bind_to_port(kHost, port))
            throw Error(std::string(kHost) + ":" + std::to_string(port) + ": cannot listen (in use?)", "pick another --port, or --port 0 for a free one");
        impl_->port = port;
    }
    return impl_->port;
}

std::string EmulatorServer::url() const { return "http://" + std::string(kHost) + ":" + std::to_string(impl_->port); }

const EmulatorConfig& EmulatorServer::config() const { return impl_->config; }

void EmulatorServer::run() { impl_->http.listen_after_bind(); }

void EmulatorServer::stop() { impl_->http.stop(); }

}  // namespace pkitool::exchange
