// The one HTTP/1.1 server of pkitool, under `exchange serve` (IMDS) and `emulate` (Roles Anywhere
// + STS): bound to 127.0.0.1 unless told another address, every request read by HttpRequestParser
// within deadlines, so that no local process can starve the credential endpoint by opening
// connections and talking slowly.
//
// One thread per connection, blocked in poll() with a deadline: an idle or trickling connection
// costs a thread stack and an fd, never a worker that a valid request waits for. At the connection
// cap the connection that has waited longest for its next request is closed to make room; on
// loopback every client has the same address, so a per-address cap would lock out the valid ones.
#pragma once

#include "exchange/http_request_parser.h"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pkitool::exchange {

struct HttpReply {
    int status = 200;
    std::vector<std::pair<std::string, std::string>> headers;  // Content-Length and Connection are added
    std::string content_type = "text/plain";
    std::string body;
};

struct ServerLimits {
    RequestLimits request;
    std::chrono::milliseconds idle{10'000};  // a kept-alive connection waits this long for its next request
    std::chrono::milliseconds head{5'000};   // from a request's first byte to the end of its head
    std::chrono::milliseconds body{10'000};  // from the end of the head to the end of the body
    std::chrono::milliseconds write{5'000};  // to send one reply
    size_t max_connections = 512;
    // IP_TTL of accepted connections; 0 keeps the system's. 1 makes answers die at the first hop,
    // as EC2's metadata service does (aws_signing_helper's serve --hop-limit).
    int hop_limit = 0;
};

// What the endpoint does: answer a request, and word a refusal the server made itself (a
// malformed or oversized request, a timeout) in the endpoint's own error shape.
struct HttpService {
    std::function<HttpReply(const HttpRequest&)> handle;
    std::function<HttpReply(const RequestRefusal&)> refuse;
};

class LoopbackServer {
public:
    LoopbackServer(HttpService service, ServerLimits limits);
    ~LoopbackServer();
    LoopbackServer(const LoopbackServer&) = delete;
    LoopbackServer& operator=(const LoopbackServer&) = delete;

    // Binds 127.0.0.1:port (0: a free port) and returns the port; Error when it cannot.
    int bind(int port);
    // Binds `address`, an IPv4 or IPv6 literal ("0.0.0.0", "::1", "fe80::1%eth0"), and returns the
    // port. An IPv6 address listens for IPv6 only (IPV6_V6ONLY), so "::" never takes IPv4 too.
    // Error naming the address when it is not a literal or cannot be bound.
    int bind(const std::string& address, int port);
    int port() const;
    std::string url() const;  // "http://127.0.0.1:PORT", "http://[::1]:PORT"
    // Serves until stop(); returns once every connection is closed. A stop() that came first
    // (a signal during start-up) makes it return at once.
    void run();
    // Thread-safe; remembered when called before run().
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// `address` is an IPv4 or IPv6 literal a server can bind (a zone index allowed: "fe80::1%eth0").
bool is_ip_literal(const std::string& address);
// ... and one of this host's loopback addresses, 127.0.0.0/8 or ::1: nothing beyond the host can
// reach a server bound there (RFC 1122 section 3.2.1.3, RFC 4291 section 2.5.3).
bool is_loopback_address(const std::string& address);

// Calls `on_signal` (in a thread of its own) on the first SIGINT or SIGTERM from construction on.
// Construct it before any other thread starts: the two signals are blocked in this thread, and
// threads inherit that, so no other thread is chosen to take them with the default action.
class StopOnSignal {
public:
    explicit StopOnSignal(std::function<void()> on_signal);
    ~StopOnSignal();
    StopOnSignal(const StopOnSignal&) = delete;
    StopOnSignal& operator=(const StopOnSignal&) = delete;
    bool signalled() const { return signalled_; }

private:
    std::atomic<bool> signalled_{false}, done_{false};
    std::function<void()> on_signal_;
    struct Waiter;
    std::unique_ptr<Waiter> waiter_;
};

}  // namespace pkitool::exchange
