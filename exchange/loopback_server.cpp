// The loopback HTTP/1.1 server: accept loop, one thread per connection, deadlines, eviction.
#include "exchange/loopback_server.h"

#include "base/error.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace pkitool::exchange {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr const char* kLoopback = "127.0.0.1";

// A socket address parsed strictly: dotted-quad IPv4 (inet_pton, unlike getaddrinfo's inet_aton,
// refuses "127.1" and "2130706433"), or IPv6 with an optional zone index (RFC 4007 section 11).
struct ListenAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
    std::string host;  // as a URL has it: "127.0.0.1", "[::1]", "[fe80::1%25eth0]" (RFC 6874)
};

std::optional<ListenAddress> parse_address(const std::string& address, int port) {
    ListenAddress a;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&a.storage);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<uint16_t>(port));
        a.length = sizeof(sockaddr_in);
        a.family = AF_INET;
        a.host = address;
        return a;
    }
    const auto percent = address.find('%');
    const std::string ip = address.substr(0, percent);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&a.storage);
    if (::inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) != 1) return std::nullopt;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    a.host = "[" + ip;
    if (percent != std::string::npos) {
        const std::string zone = address.substr(percent + 1);
        if (zone.empty()) return std::nullopt;
        const bool numeric = zone.find_first_not_of("0123456789") == std::string::npos && zone.size() < 10;
        v6->sin6_scope_id = numeric ? static_cast<uint32_t>(std::stoul(zone)) : ::if_nametoindex(zone.c_str());
        if (!numeric && v6->sin6_scope_id == 0) return std::nullopt;
        a.host += "%25" + zone;
    }
    a.host += "]";
    a.length = sizeof(sockaddr_in6);
    a.family = AF_INET6;
    return a;
}

const char* reason(int status) {
    switch (status) {
        case 100: return "Continue";
        case 200: return "OK";
        case 201: return "Created";
        case 400: return "Bad Request";
        case 401: return "Unauthorized";
        case 403: return "Forbidden";
        case 404: return "Not Found";
        case 405: return "Method Not Allowed";
        case 408: return "Request Timeout";
        case 413: return "Content Too Large";
        case 417: return "Expectation Failed";
        case 429: return "Too Many Requests";
        case 431: return "Request Header Fields Too Large";
        case 500: return "Internal Server Error";
        case 501: return "Not Implemented";
        case 503: return "Service Unavailable";
        case 505: return "HTTP Version Not Supported";
        default: return "Unknown";
    }
}

// IMF-fixdate (RFC 9110 §5.6.7): an origin server with a clock must send Date (§6.6.1), and
// clients such as `doctor` measure clock skew with it, as they do against AWS.
std::string http_date(std::time_t t) {
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    return std::string(buf, std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm));
}

std::string serialise(const HttpReply& reply, bool close) {
    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    out += "Date: " + http_date(std::time(nullptr)) + "\r\n";
    out += "Content-Type: " + reply.content_type + "\r\n";
    for (const auto& [k, v] : reply.headers) out += k + ": " + v + "\r\n";
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n";
    if (close) out += "Connection: close\r\n";
    out += "\r\n";
    out += reply.body;
    return out;
}

int remaining_ms(SteadyClock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now()).count();
    return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 60'000));
}

// Sends all of `data` before `deadline`; false when the peer is gone or too slow to read it.
bool send_all(int fd, std::string_view data, SteadyClock::time_point deadline) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            data.remove_prefix(static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            pollfd p{fd, POLLOUT, 0};
            const int ms = remaining_ms(deadline);
            if (ms == 0 || ::poll(&p, 1, ms) <= 0) return false;
            continue;
        }
        return false;
    }
    return true;
}

}  // namespace

struct LoopbackServer::Impl {
    HttpService service;
    ServerLimits limits;
    int listen_fd = -1;
    int wake_fd = -1;
    int port = 0;
    std::string host = kLoopback;  // as url() shows it

    // Connections and their state, so that stop() and eviction can shut a socket down. A thread
    // removes its entry under the mutex before it closes its fd: no fd number is shut down twice.
    struct Connection {
        SteadyClock::time_point waiting_since;  // when it started waiting for a request
        bool busy = false;                      // a handler is running or a reply is being sent
    };
    std::mutex mutex;
    std::condition_variable all_closed;
    std::map<int, Connection> connections;
    bool stopping = false;

    ~Impl() {
        if (listen_fd >= 0) ::close(listen_fd);
        if (wake_fd >= 0) ::close(wake_fd);
    }

    void set_busy(int fd, bool busy) {
        std::lock_guard lock(mutex);
        auto& c = connections.at(fd);
        c.busy = busy;
        if (!busy) c.waiting_since = SteadyClock::now();
    }

    // At the cap, the connection that has waited longest for a request makes room (false when all
    // are busy answering: then the new one is turned away).
    bool admit(int fd) {
        std::lock_guard lock(mutex);
        if (stopping) return false;
        if (connections.size() >= limits.max_connections) {
            auto oldest = connections.end();
            for (auto it = connections.begin(); it != connections.end(); ++it)
                if (!it->second.busy && (oldest == connections.end() || it->second.waiting_since < oldest->second.waiting_since)) oldest = it;
            if (oldest == connections.end()) return false;
            ::shutdown(oldest->first, SHUT_RDWR);
            oldest->second.busy = true;  // not chosen twice; its thread is on its way out
        }
        connections[fd] = Connection{SteadyClock::now(), false};
        return true;
    }

    void forget(int fd) {
        std::lock_guard lock(mutex);
        connections.erase(fd);
        ::close(fd);
        if (connections.empty()) all_closed.notify_all();
    }

    void refuse(int fd, const RequestRefusal& r) {
        std::string wire;
        try {
            wire = serialise(service.refuse(r), true);
        } catch (...) {
            return;
        }
        if (!send_all(fd, wire, SteadyClock::now() + limits.write)) return;
        // Half-close, then read and drop a little of what the client is still sending, so that it
        // reads the refusal instead of a reset (RFC 9112 section 9.6); never more than this, and
        // nothing of it is kept.
        ::shutdown(fd, SHUT_WR);
        const auto until = SteadyClock::now() + std::chrono::milliseconds(500);
        char sink[16384];
        for (size_t dropped = 0; dropped < 1024 * 1024;) {
            pollfd p{fd, POLLIN, 0};
            const int ms = remaining_ms(until);
            if (ms == 0 || ::poll(&p, 1, ms) <= 0) break;
            const ssize_t n = ::recv(fd, sink, sizeof sink, 0);
            if (n <= 0) break;
            dropped += static_cast<size_t>(n);
        }
    }

    HttpReply answer(const HttpRequest& request) {
        try {
            return service.handle(request);
        } catch (const std::exception& e) {
            return service.refuse({500, std::string("internal error: ") + e.what()});
        }
    }

    void serve_connection(int fd) {
        std::string buffer;  // may hold the start of a pipelined next request
        for (;;) {
            HttpRequestParser parser(limits.request);
            // Each phase of a request has its own deadline: waiting for it, its head (from the
            // first byte), its body (from the end of the head). A trickling client runs out of time
            // however steadily it sends.
            enum class Phase { Idle, Head, Body } phase = Phase::Idle;
            auto deadline = SteadyClock::now() + limits.idle;
            std::optional<HttpRequestParser::Complete> complete;
            for (;;) {
                auto result = parser.feed(buffer);
                if (auto* refusal = std::get_if<RequestRefusal>(&result)) return refuse(fd, *refusal);
                if (auto* c = std::get_if<HttpRequestParser::Complete>(&result)) {
                    complete = std::move(*c);
                    break;
                }
                if (phase != Phase::Body && parser.in_body()) {
                    phase = Phase::Body;
                    deadline = SteadyClock::now() + limits.body;
                    if (parser.wants_continue() && !send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", SteadyClock::now() + limits.write)) return;
                } else if (phase == Phase::Idle && parser.started()) {
                    phase = Phase::Head;
                    deadline = SteadyClock::now() + limits.head;
                }
                pollfd p{fd, POLLIN, 0};
                const int ms = remaining_ms(deadline);
                const int ready = ms == 0 ? 0 : ::poll(&p, 1, ms);
                if (ready < 0 && errno == EINTR) continue;
                if (ready <= 0) {
                    // Idle between requests: close quietly. Mid-request: say so (RFC 9110 section 15.5.9).
                    if (phase != Phase::Idle) refuse(fd, {408, "request not received within the time limit"});
                    return;
                }
                char chunk[16384];
                const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) return;
                buffer.append(chunk, static_cast<size_t>(n));
            }
            set_busy(fd, true);
            const bool keep_alive = complete->keep_alive;
            const auto wire = serialise(answer(complete->request), !keep_alive);
            if (!send_all(fd, wire, SteadyClock::now() + limits.write) || !keep_alive) return;
            set_busy(fd, false);
        }
    }

    void accept_loop() {
        pollfd fds[2] = {{listen_fd, POLLIN, 0}, {wake_fd, POLLIN, 0}};
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (stopping) return;
            }
            if (::poll(fds, 2, -1) < 0) {
                if (errno == EINTR) continue;
                return;
            }
            if (fds[1].revents) return;
            if (!(fds[0].revents & POLLIN)) continue;
            const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) {
                // EMFILE and friends: wait a little rather than spin; the deadlines free fds soon.
                if (errno != EINTR && errno != EAGAIN && errno != ECONNABORTED) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            const int one = 1;
            // Replies go out in one send; Nagle plus delayed ACK would add ~40 ms to each.
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            if (!admit(fd)) {
                ::close(fd);
                continue;
            }
            try {
                std::thread([this, fd] {
                    serve_connection(fd);
                    forget(fd);
                }).detach();
            } catch (const std::system_error&) {  // no thread to be had: turn this one away
                forget(fd);
            }
        }
    }
};

LoopbackServer::LoopbackServer(HttpService service, ServerLimits limits) : impl_(std::make_unique<Impl>()) {
    impl_->service = std::move(service);
    impl_->limits = limits;
    impl_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (impl_->wake_fd < 0) throw Error(std::string("cannot create an eventfd: ") + std::strerror(errno));
}

LoopbackServer::~LoopbackServer() {
    stop();
    std::unique_lock lock(impl_->mutex);
    impl_->all_closed.wait(lock, [this] { return impl_->connections.empty(); });
}

int LoopbackServer::bind(int port) { return bind(kLoopback, port); }

int LoopbackServer::bind(const std::string& address, int port) {
    auto parsed = parse_address(address, port);
    if (!parsed) throw Error(Error::Input{"bind", address}, "not an IPv4 or IPv6 address (a literal such as 127.0.0.1 or ::1)", "", ExitCode::Usage);
    auto& a = *parsed;
    const std::string where = a.host + ":" + std::to_string(port);
    const int fd = ::socket(a.family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw Error(where + ": cannot create a socket: " + std::strerror(errno));
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    // "::" must not quietly take IPv4 too: what is served where stays what was asked for.
    if (a.family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    // Set on the listening socket, not on each accepted one: the kernel sends the SYN-ACK from it,
    // and accepted sockets inherit it, so no packet of the server leaves with the default. IPv6
    // calls the TTL the hop limit (RFC 3493 section 5.1: IPV6_UNICAST_HOPS).
    const int hops = impl_->limits.hop_limit;
    if (hops > 0) {
        const bool v6 = a.family == AF_INET6;
        if (::setsockopt(fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL, &hops, sizeof hops) != 0) {
            const int e = errno;
            ::close(fd);
            throw Error(where + ": cannot set the hop limit " + std::to_string(hops) + ": " + std::strerror(e));
        }
    }
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a.storage), a.length) != 0 || ::listen(fd, 1024) != 0) {
        const int e = errno;
        ::close(fd);
        throw Error(where + ": cannot listen: " + std::strerror(e),
                    e == EADDRNOTAVAIL ? "the address is not one of this host's; list them with: ip address"
                                       : "another server may hold the port; pick another, or 0 for a free one");
    }
    socklen_t len = a.length;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a.storage), &len);
    if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
    impl_->listen_fd = fd;
    impl_->host = a.host;
    impl_->port = ntohs(a.family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&a.storage)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&a.storage)->sin_port);
    return impl_->port;
}

int LoopbackServer::port() const { return impl_->port; }

std::string LoopbackServer::url() const { return "http://" + impl_->host + ":" + std::to_string(impl_->port); }

void LoopbackServer::run() {
    if (impl_->listen_fd < 0) throw Error("the server is not bound to a port");
    impl_->accept_loop();
    std::unique_lock lock(impl_->mutex);
    impl_->stopping = true;
    for (const auto& [fd, c] : impl_->connections) ::shutdown(fd, SHUT_RDWR);
    impl_->all_closed.wait(lock, [this] { return impl_->connections.empty(); });
}

void LoopbackServer::stop() {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    const uint64_t one = 1;
    [[maybe_unused]] const auto n = ::write(impl_->wake_fd, &one, sizeof one);
    for (const auto& [fd, c] : impl_->connections) ::shutdown(fd, SHUT_RDWR);
}

bool is_ip_literal(const std::string& address) { return parse_address(address, 0).has_value(); }

bool is_loopback_address(const std::string& address) {
    const auto a = parse_address(address, 0);
    if (!a) return false;
    if (a->family == AF_INET) return (ntohl(reinterpret_cast<const sockaddr_in*>(&a->storage)->sin_addr.s_addr) >> 24) == 127;
    return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(&a->storage)->sin6_addr);
}

struct StopOnSignal::Waiter {
    sigset_t set{}, previous{};
    std::thread thread;
};

StopOnSignal::StopOnSignal(std::function<void()> on_signal) : on_signal_(std::move(on_signal)), waiter_(std::make_unique<Waiter>()) {
    auto& w = *waiter_;
    sigemptyset(&w.set);
    sigaddset(&w.set, SIGINT);
    sigaddset(&w.set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &w.set, &w.previous);
    // Taken synchronously by one thread (sigwait), so stopping is an ordinary call rather than
    // work inside a signal handler.
    w.thread = std::thread([this] {
        int sig = 0;
        sigwait(&waiter_->set, &sig);
        if (done_) return;
        signalled_ = true;
        on_signal_();
    });
}

StopOnSignal::~StopOnSignal() {
    done_ = true;
    if (!signalled_) pthread_kill(waiter_->thread.native_handle(), SIGTERM);
    waiter_->thread.join();
    pthread_sigmask(SIG_SETMASK, &waiter_->previous, nullptr);
}

}  // namespace pkitool::exchange
