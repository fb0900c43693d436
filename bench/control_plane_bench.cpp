// Control-plane calls per second (ListTrustAnchors, and UpdateProfile as a write) and CreateSession
// per second over loopback HTTP, with the state in SQLite (emulate --state) and in memory, in one
// run so the ratios compare like with like.
// Usage: control_plane_bench ANCHOR.crt LEAF.crt LEAF.key STATE.db [SECONDS]   (bench/control_plane.sh makes the files)
#include "base/pem.h"
#include "exchange/emulator/control_state.h"
#include "exchange/emulator/endpoint.h"
#include "exchange/loopback_server.h"
#include "issue/key.h"

#include <httplib.h>

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

using namespace pkitool;
using Clock = std::chrono::steady_clock;

namespace {

template <typename Op>
double rate(double seconds, Op op) {
    size_t n = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        for (int i = 0; i < 8; ++i) op();
        n += 8;
    }
    return n / std::chrono::duration<double>(Clock::now() - start).count();
}

// A control-plane request signed as botocore signs it: AWS4-HMAC-SHA256 over content-type;host;x-amz-date,
// or host;x-amz-date for a GET, which carries no body.
exchange::HttpRequest hmac_request(const std::string& method, const std::string& path, const std::string& body, const exchange::Administrator& admin,
                                   const std::string& host) {
    exchange::HttpRequest req;
    req.method = method;
    req.path = path;
    req.body = body;
    const bool get = method == "GET";
    if (!get) req.set_header("Content-Type", "application/json");
    req.set_header("Host", host);
    const auto date = exchange::amz_date(std::chrono::system_clock::now());
    req.set_header("X-Amz-Date", date);
    const std::vector<std::string> names = get ? std::vector<std::string>{"host", "x-amz-date"} : std::vector<std::string>{"content-type", "host", "x-amz-date"};
    const auto scope = exchange::credential_scope(date.substr(0, 8), "us-east-1", "rolesanywhere");
    const auto sts = exchange::string_to_sign("AWS4-HMAC-SHA256", date, scope, exchange::canonical_request(req, names));
    req.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=" + admin.access_key_id + "/" + scope + ", SignedHeaders=" + (get ? "host;x-amz-date" : "content-type;host;x-amz-date") + ", Signature=" +
                                        exchange::hmac_signature(admin.secret_access_key, date.substr(0, 8), "us-east-1", "rolesanywhere", sts));
    return req;
}

struct Rates {
    double list = 0, update = 0, session = 0;
};

// One endpoint on `state`, measured over HTTP by one keep-alive client.
Rates measure(std::unique_ptr<exchange::ControlState> state, const exchange::EmulatorConfig& seed, const Botan::X509_Certificate& leaf,
              const issue::PrivateKey& key, double seconds) {
    state->initialize(seed, std::chrono::system_clock::now());
    exchange::EmulatorEndpoint endpoint(std::move(state));
    exchange::LoopbackServer server(endpoint.service(), exchange::EmulatorEndpoint::limits());
    const int port = server.bind(0);
    std::thread serving([&] { server.run(); });
    // Stops and joins the server however this function ends, so a failed request is reported, not a terminate().
    struct Joiner {
        exchange::LoopbackServer& server;
        std::thread& thread;
        ~Joiner() {
            server.stop();
            thread.join();
        }
    } joiner{server, serving};
    const std::string host = "127.0.0.1:" + std::to_string(port);
    const auto s = endpoint.state().snapshot();
    const auto profile = exchange::ControlSnapshot::in_order(s->profiles).front();
    const std::string profile_arn = s->profile_arn(*profile);

    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    const auto send = [&](const exchange::HttpRequest& req, int want) {
        httplib::Headers headers;
        for (const auto& [k, v] : req.headers)
            if (k != "Content-Type") headers.emplace(k, v);
        const std::string target = req.query.empty() ? req.path : req.path + "?" + exchange::canonical_query(req.query);
        httplib::Result res = req.method == "GET"     ? client.Get(target.c_str(), headers)
                              : req.method == "PATCH" ? client.Patch(target.c_str(), headers, req.body, "application/json")
                                                      : client.Post(target.c_str(), headers, req.body, "application/json");
        if (!res || res->status != want) throw std::runtime_error(req.method + " " + req.path + " failed: " + (res ? res->body : httplib::to_string(res.error())));
    };
    const auto list = hmac_request("GET", "/trustanchors", "", endpoint.administrator(), host);
    const auto update = hmac_request("PATCH", "/profile/" + profile->id, "{\"durationSeconds\":3600}", endpoint.administrator(), host);
    exchange::HttpRequest session;
    session.path = "/sessions";
    session.query = {{"profileArn", profile_arn}, {"roleArn", profile->role_arns.front()}, {"trustAnchorArn", s->anchor_views.begin()->first}};
    session.body = "{\"durationSeconds\":3600}";
    exchange::sign_x509(session, key, leaf, {}, host, "us-east-1", std::chrono::system_clock::now());

    send(list, 200);
    send(update, 200);
    send(session, 201);
    Rates r;
    r.list = rate(seconds, [&] { send(list, 200); });
    r.update = rate(seconds, [&] { send(update, 200); });
    r.session = rate(seconds, [&] { send(session, 201); });
    return r;
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 5) {
        std::cerr << "usage: control_plane_bench ANCHOR.crt LEAF.crt LEAF.key STATE.db [SECONDS]\n";
        return 2;
    }
    const double seconds = argc > 5 ? std::stod(argv[5]) : 2.0;
    const auto seed = exchange::quick_emulator_config(argv[1], {});
    const auto leaf = pem::load_certificate(argv[2]);
    const auto key = issue::PrivateKey::load(argv[3], std::nullopt);

    const Rates memory = measure(std::make_unique<exchange::ControlState>(), seed, leaf, key, seconds);
    const Rates state = measure(exchange::open_control_state(std::filesystem::path(argv[4])), seed, leaf, key, seconds);
    const auto line = [](const char* what, double m, double s) {
        return fmt::format("{:<44} in memory {:8.0f} /s   --state {:8.0f} /s   ratio {:.2f}\n", what, m, s, s / m);
    };
    std::cout << line("ListTrustAnchors (HMAC SigV4, 1 client):", memory.list, state.list)
              << line("UpdateProfile (a write, committed first):", memory.update, state.update)
              << line("CreateSession (EC P-256, 1 client):", memory.session, state.session);
    return 0;
} catch (const std::exception& e) {
    std::cerr << "control_plane_bench: " << e.what() << "\n";
    return 1;
}
