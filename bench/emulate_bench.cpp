// CreateSession verifications per second, side by side with the raw Botan ECDSA verify rate that
// bounds them: in-process (SessionVerifier) and over loopback HTTP (EmulatorEndpoint on the LoopbackServer + httplib client).
// Usage: emulate_bench ANCHOR.crt LEAF.crt LEAF.key [SECONDS [CRL.pem]]   (bench/emulate.sh makes the files)
// With a CRL, one more in-process rate: the same anchor with that CRL imported.
#include "exchange/emulator/endpoint.h"
#include "exchange/loopback_server.h"
#include "exchange/emulator/session_verifier.h"
#include "issue/key.h"
#include "issue/random.h"
#include "base/pem.h"

#include <botan/pubkey.h>
#include <httplib.h>

#include <fmt/format.h>

#include <chrono>
#include <iostream>
#include <thread>

using namespace pkitool;
using Clock = std::chrono::steady_clock;

namespace {

// Runs `op` until `seconds` have passed; returns operations per second.
template <typename Op>
double rate(double seconds, Op op) {
    size_t n = 0;
    const auto start = Clock::now();
    const auto until = start + std::chrono::duration<double>(seconds);
    while (Clock::now() < until) {
        for (int i = 0; i < 16; ++i) op();
        n += 16;
    }
    return n / std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 4) {
        std::cerr << "usage: emulate_bench ANCHOR.crt LEAF.crt LEAF.key [SECONDS [CRL.pem]]\n";
        return 2;
    }
    const double seconds = argc > 4 ? std::stod(argv[4]) : 2.0;
    auto config = exchange::quick_emulator_config(argv[1], {});
    const auto leaf = pem::load_certificate(argv[2]);
    const auto key = issue::PrivateKey::load(argv[3], std::nullopt);
    const auto now = std::chrono::system_clock::now();

    // Raw ECDSA P-256 verification of one SHA-256 signature: the floor of any CreateSession.
    const std::string msg = "AWS4-X509-ECDSA-SHA256\n20201105T120000Z\nscope\nhash";
    Botan::PK_Signer signer(key.botan(), issue::rng(), "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
    const auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), issue::rng());
    Botan::PK_Verifier verifier(*key.public_key(), "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
    const auto raw = [&] {
        if (!verifier.verify_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), sig.data(), sig.size())) throw std::runtime_error("raw verify failed");
    };

    // The same with a fresh verifier per call, as a server must for each request's certificate: Botan
    // precomputes a multi-point table for the public key when the verifier is built.
    const auto raw_fresh = [&] {
        Botan::PK_Verifier v(*key.public_key(), "EMSA1(SHA-256)", Botan::DER_SEQUENCE);
        if (!v.verify_message(reinterpret_cast<const uint8_t*>(msg.data()), msg.size(), sig.data(), sig.size())) throw std::runtime_error("raw verify failed");
    };

    auto request = [&](const std::string& host) {
        exchange::HttpRequest req;
        req.path = "/sessions";
        req.query = {{"profileArn", config.profiles[0].arn}, {"roleArn", config.roles[0].arn}, {"trustAnchorArn", config.anchors[0].arn}};
        req.body = "{\"durationSeconds\":3600}";
        exchange::sign_x509(req, key, leaf, {}, host, "us-east-1", now);
        return req;
    };

    exchange::CredentialStore store;
    exchange::SessionVerifier sessions(config, store);
    const auto signed_req = request("127.0.0.1");
    const auto in_process = [&] {
        const auto d = sessions.create_session(signed_req, std::chrono::system_clock::now());
        if (!std::holds_alternative<exchange::CreatedSession>(d)) throw std::runtime_error("refused: " + std::get<exchange::Refusal>(d).message);
    };
    // The same anchor (same ARN) with the CRL imported: revocation is checked on every request.
    const auto crl_config = argc > 5 ? exchange::quick_emulator_config(argv[1], {argv[5]}) : config;
    exchange::SessionVerifier crl_sessions(crl_config, store);
    const auto in_process_crl = [&] {
        const auto d = crl_sessions.create_session(signed_req, std::chrono::system_clock::now());
        if (!std::holds_alternative<exchange::CreatedSession>(d)) throw std::runtime_error("refused: " + std::get<exchange::Refusal>(d).message);
    };

    exchange::EmulatorEndpoint endpoint(config);
    exchange::LoopbackServer server(endpoint.service(), exchange::EmulatorEndpoint::limits());
    const int port = server.bind(0);
    std::thread serving([&] { server.run(); });
    const auto http_req = request("127.0.0.1:" + std::to_string(port));
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    httplib::Headers headers;
    for (const auto& [k, v] : http_req.headers)
        if (k != "Content-Type") headers.emplace(k, v);
    const std::string target = "/sessions?" + exchange::canonical_query(http_req.query);
    const auto over_http = [&] {
        auto res = client.Post(target.c_str(), headers, http_req.body, "application/json");
        if (!res || res->status != 201) throw std::runtime_error("HTTP CreateSession failed: " + (res ? res->body : httplib::to_string(res.error())));
    };

    // The loopback floor: the same requests from the same client to an httplib server that answers
    // 201 with a constant body at once, set up as the LoopbackServer is (no Nagle, long keep-alive).
    httplib::Server floor_server;
    floor_server.set_tcp_nodelay(true);
    floor_server.set_keep_alive_max_count(1000);
    const std::string floor_body(1200, 'x');
    floor_server.Post("/sessions", [&](const httplib::Request&, httplib::Response& r) {
        r.status = 201;
        r.set_content(floor_body, "application/json");
    });
    const int floor_port = floor_server.bind_to_any_port("127.0.0.1");
    std::thread floor_serving([&] { floor_server.listen_after_bind(); });
    httplib::Client floor_client("127.0.0.1", floor_port);
    floor_client.set_keep_alive(true);
    floor_client.set_tcp_nodelay(true);
    const auto over_http_floor = [&] {
        auto res = floor_client.Post(target.c_str(), headers, http_req.body, "application/json");
        if (!res || res->status != 201) throw std::runtime_error("HTTP floor request failed");
    };

    // Warm up once each, then measure in one run so the ratios compare like with like.
    raw();
    in_process();
    in_process_crl();
    over_http();
    over_http_floor();
    const double raw1 = rate(seconds, raw);
    const double fresh = rate(seconds, raw_fresh);
    const double inproc = rate(seconds, in_process);
    const double inproc_crl = argc > 5 ? rate(seconds, in_process_crl) : 0;
    const double http = rate(seconds, over_http);
    const double floor = rate(seconds, over_http_floor);
    const double raw2 = rate(seconds, raw);
    const double raw_rate = (raw1 + raw2) / 2;
    server.stop();
    serving.join();
    floor_server.stop();
    floor_serving.join();

    std::cout << fmt::format("raw Botan ECDSA P-256 verify:            {:9.0f} /s  (runs: {:.0f}, {:.0f})\n", raw_rate, raw1, raw2)
              << fmt::format("raw verify, new PK_Verifier each time:  {:9.0f} /s  ratio to raw verify {:.2f}\n", fresh, fresh / raw_rate)
              << fmt::format("CreateSession, in process (1 thread):    {:9.0f} /s  ratio to raw verify {:.2f}\n", inproc, inproc / raw_rate)
              << (argc > 5 ? fmt::format("CreateSession, in process, anchor + CRL:  {:9.0f} /s  ratio to raw verify {:.2f}\n", inproc_crl, inproc_crl / raw_rate) : "")
              << fmt::format("CreateSession, loopback HTTP (1 client): {:9.0f} /s  ratio to raw verify {:.2f}\n", http, http / raw_rate)
              << fmt::format("loopback floor: constant 201, same client: {:8.0f} /s  (HTTP CreateSession predicted from it and in-process: {:.0f} /s)\n",
                             floor, 1 / (1 / inproc + 1 / floor))
              << fmt::format("target >= 1500 /s: in process {}, HTTP {}\n", inproc >= 1500 ? "met" : "NOT met", http >= 1500 ? "met" : "NOT met");
    return 0;
} catch (const std::exception& e) {
    std::cerr << "emulate_bench: " << e.what() << "\n";
    return 1;
}
