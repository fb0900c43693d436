// Where the server listens: 127.0.0.1 by default, any IPv4 or IPv6 literal when told, IPv6 only
// on an IPv6 address, and url() written as a URL writes an IPv6 host (RFC 3986 section 3.2.2).
#include "exchange/loopback_server.h"
#include "base/error.h"
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <thread>

using namespace pkitool::exchange;

namespace {

HttpService hello() {
    return {[](const HttpRequest&) { return HttpReply{200, {}, "text/plain", "hello"}; },
            [](const RequestRefusal& r) { return HttpReply{r.status, {}, "text/plain", r.message}; }};
}

// One GET / over a fresh socket to `family` address `ip`; the reply, or "" when it cannot connect.
std::string get(int family, const char* ip, int port) {
    const int fd = ::socket(family, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_storage ss{};
    socklen_t len = 0;
    if (family == AF_INET) {
        auto* a = reinterpret_cast<sockaddr_in*>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET, ip, &a->sin_addr);
        len = sizeof *a;
    } else {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(static_cast<uint16_t>(port));
        ::inet_pton(AF_INET6, ip, &a->sin6_addr);
        len = sizeof *a;
    }
    std::string reply;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) == 0) {
        const std::string req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
            char buf[4096];
            for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) reply.append(buf, static_cast<size_t>(n));
        }
    }
    ::close(fd);
    return reply;
}

}  // namespace

TEST_CASE("loopback server: addresses it accepts, and which of them are loopback", "[exchange][serve]") {
    for (const char* a : {"127.0.0.1", "0.0.0.0", "192.0.2.7", "::1", "::", "fd00::2", "2001:db8::1", "::ffff:10.0.0.1", "fe80::1%1"}) {
        INFO(a);
        CHECK(is_ip_literal(a));
    }
    for (const char* a : {"", "localhost", "127.1", "2130706433", "0x7f000001", "1.2.3.4.5", "[::1]", "::1%", "fe80::1%no-such-interface0",
                          "127.0.0.1:80", " 127.0.0.1"}) {
        INFO(a);
        CHECK_FALSE(is_ip_literal(a));
    }
    for (const char* a : {"127.0.0.1", "127.255.0.9", "::1"}) {
        INFO(a);
        CHECK(is_loopback_address(a));
    }
    for (const char* a : {"0.0.0.0", "::", "128.0.0.1", "192.0.2.7", "fd00::2", "localhost", "::2"}) {
        INFO(a);
        CHECK_FALSE(is_loopback_address(a));
    }
}

TEST_CASE("loopback server: binds IPv6 ::1 only for IPv6, with a bracketed url", "[exchange][serve]") {
    LoopbackServer server(hello(), ServerLimits{});
    const int port = server.bind("::1", 0);
    REQUIRE(port > 0);
    CHECK(server.url() == "http://[::1]:" + std::to_string(port));
    std::thread serving([&] { server.run(); });
    CHECK_THAT(get(AF_INET6, "::1", port), Catch::StartsWith("HTTP/1.1 200 OK\r\n") && Catch::EndsWith("hello"));
    CHECK(get(AF_INET, "127.0.0.1", port).empty());  // IPV6_V6ONLY: no IPv4 on an IPv6 address
    server.stop();
    serving.join();
}

TEST_CASE("loopback server: the default stays 127.0.0.1, and 0.0.0.0 takes every IPv4 address", "[exchange][serve]") {
    {
        LoopbackServer server(hello(), ServerLimits{});
        const int port = server.bind(0);
        CHECK(server.url() == "http://127.0.0.1:" + std::to_string(port));
        std::thread serving([&] { server.run(); });
        CHECK_THAT(get(AF_INET, "127.0.0.1", port), Catch::EndsWith("hello"));
        CHECK(get(AF_INET6, "::1", port).empty());
        server.stop();
        serving.join();
    }
    LoopbackServer any(hello(), ServerLimits{});
    const int port = any.bind("0.0.0.0", 0);
    CHECK(any.url() == "http://0.0.0.0:" + std::to_string(port));
    std::thread serving([&] { any.run(); });
    CHECK_THAT(get(AF_INET, "127.0.0.1", port), Catch::EndsWith("hello"));
    any.stop();
    serving.join();
}

TEST_CASE("loopback server: an address that is not a literal, or not this host's, is refused naming it", "[exchange][serve]") {
    LoopbackServer server(hello(), ServerLimits{});
    try {
        server.bind("localhost", 0);
        FAIL("bound a host name");
    } catch (const pkitool::Error& e) {
        REQUIRE(e.input());
        CHECK(e.input()->name == "bind");
        CHECK(std::string(e.what()) == "bind localhost: not an IPv4 or IPv6 address (a literal such as 127.0.0.1 or ::1)");
    }
    try {
        server.bind("2001:db8::77", 0);  // RFC 3849's documentation prefix: no host has it
        FAIL("bound an address this host does not have");
    } catch (const pkitool::Error& e) {
        CHECK_THAT(e.what(), Catch::StartsWith("[2001:db8::77]:0: cannot listen: "));
        CHECK_THAT(e.hint(), Catch::Contains("not one of this host's"));
    }
}

// serve --hop-limit (aws_signing_helper's flag): the TTL is read off the loopback wire by a packet
// socket, not from the server's own view of its sockets. Needs CAP_NET_RAW, as CI (root) has.
TEST_CASE("loopback server: hop_limit sets the TTL of IPv4 replies and the hop limit of IPv6 ones", "[exchange][serve]") {
    if (::geteuid() != 0) {
        WARN("not root: no packet socket to read TTLs with");
        return;
    }
    for (const char* address : {"127.0.0.1", "::1"}) {
        for (const int hop_limit : {0, 1, 7}) {
            INFO(address << " hop_limit " << hop_limit);
            ServerLimits limits;
            limits.hop_limit = hop_limit;
            LoopbackServer server(hello(), limits);
            const int port = server.bind(address, 0);
            std::thread serving([&] { server.run(); });
            const auto seen = pkitool::test::shell("python3 '" PKITOOL_SOURCE_DIR "/tests/support/reply_ttl.py' '" + std::string(address) + "' " +
                                                       std::to_string(port),
                                                   ".");
            server.stop();
            serving.join();
            INFO(seen.err);
            REQUIRE(seen.code == 0);
            // 0 keeps the system's default (net.ipv4.ip_default_ttl, net.ipv6.conf.lo.hop_limit: 64 on Debian).
            CHECK(seen.out == "[" + std::to_string(hop_limit == 0 ? 64 : hop_limit) + "]\n");
        }
    }
}
