// Which proxy a request goes through: the rules of Go's net/http ProxyFromEnvironment, which
// aws_signing_helper --with-proxy follows, checked case by case from its documentation.
#include "exchange/client/proxy_environment.h"
#include "tests/support/scoped_env.h"

#include <catch2/catch.hpp>

#include <string>

using pkitool::exchange::ProxyEnvironment;
using pkitool::test::ScopedEnv;

namespace {

const std::string kProxy = "http://proxy.example:3128";

std::string via(const std::string& no_proxy, const std::string& url) { return ProxyEnvironment{kProxy, kProxy, no_proxy}.proxy_for(url); }

}  // namespace

TEST_CASE("proxy environment: the scheme picks HTTPS_PROXY or HTTP_PROXY, never the other", "[exchange][proxy]") {
    const ProxyEnvironment only_http{kProxy, "", ""};
    CHECK(only_http.proxy_for("http://rolesanywhere.eu-west-1.amazonaws.com/sessions") == kProxy);
    CHECK(only_http.proxy_for("https://rolesanywhere.eu-west-1.amazonaws.com") == "");
    const ProxyEnvironment only_https{"", "https://secure-proxy.example", ""};
    CHECK(only_https.proxy_for("https://rolesanywhere.eu-west-1.amazonaws.com") == "https://secure-proxy.example");
    CHECK(only_https.proxy_for("http://rolesanywhere.eu-west-1.amazonaws.com") == "");
    // No scheme: http:// (Go's parseProxy), socks and https kept as given.
    CHECK(ProxyEnvironment{"", "proxy.example:3128", ""}.proxy_for("https://a.example") == "http://proxy.example:3128");
    CHECK(ProxyEnvironment{"", "socks5h://127.0.0.1:1080", ""}.proxy_for("https://a.example") == "socks5h://127.0.0.1:1080");
    CHECK(ProxyEnvironment{}.proxy_for("https://a.example") == "");
    CHECK(ProxyEnvironment{kProxy, kProxy, ""}.proxy_for("ftp://a.example") == "");
}

TEST_CASE("proxy environment: localhost and loopback addresses are never proxied", "[exchange][proxy]") {
    for (const char* url : {"http://localhost:9911", "https://LOCALHOST", "http://127.0.0.1:8443/x", "http://127.3.4.5", "http://[::1]:8080",
                            "http://[::ffff:127.0.0.1]:80"}) {
        INFO(url);
        CHECK(via("", url) == "");
    }
    CHECK(via("", "http://128.0.0.1") == kProxy);
    CHECK(via("", "http://[::2]") == kProxy);
    CHECK(via("", "http://localhost.example") == kProxy);
}

TEST_CASE("proxy environment: NO_PROXY by name, subdomain, address, range, port, or *", "[exchange][proxy]") {
    const std::string host = "https://rolesanywhere.eu-west-1.amazonaws.com";
    // A name matches itself and its subdomains; a leading "." or "*." its subdomains only.
    CHECK(via("amazonaws.com", host) == "");
    CHECK(via("amazonaws.com", "https://amazonaws.com") == "");
    CHECK(via(".amazonaws.com", host) == "");
    CHECK(via(".amazonaws.com", "https://amazonaws.com") == kProxy);
    CHECK(via("*.amazonaws.com", host) == "");
    CHECK(via("*.amazonaws.com", "https://amazonaws.com") == kProxy);
    CHECK(via("ws.com", host) == kProxy);  // a suffix of the name, not a domain of it
    CHECK(via("example.com, rolesanywhere.eu-west-1.amazonaws.com ", host) == "");
    CHECK(via("RolesAnywhere.EU-west-1.AmazonAWS.com", "https://ROLESANYWHERE.eu-west-1.amazonaws.com") == "");
    CHECK(via("example.com,,other.example", host) == kProxy);
    // With a port, only that port; the URL's default port counts.
    CHECK(via("amazonaws.com:443", host) == "");
    CHECK(via("amazonaws.com:8443", host) == kProxy);
    CHECK(via("amazonaws.com:8443", host + ":8443/x") == "");
    CHECK(via("a.example:80", "http://a.example") == "");
    // Addresses and ranges, IPv4 and IPv6.
    CHECK(via("10.1.2.3", "http://10.1.2.3:8080") == "");
    CHECK(via("10.1.2.3", "http://10.1.2.4") == kProxy);
    CHECK(via("10.1.2.3:80", "http://10.1.2.3") == "");
    CHECK(via("10.1.2.3:81", "http://10.1.2.3") == kProxy);
    CHECK(via("10.0.0.0/8", "https://10.200.0.9") == "");
    CHECK(via("10.0.0.0/8", "https://11.0.0.1") == kProxy);
    CHECK(via("192.168.1.128/25", "https://192.168.1.200") == "");
    CHECK(via("192.168.1.128/25", "https://192.168.1.100") == kProxy);
    CHECK(via("fd00::/8", "https://[fd12::1]:443") == "");
    CHECK(via("fd00::/8", "https://[fe80::1]") == kProxy);
    CHECK(via("2001:db8::1", "https://[2001:db8::1]") == "");
    CHECK(via("[2001:db8::1]:8443", "https://[2001:db8::1]:8443") == "");
    CHECK(via("[2001:db8::1]:8443", "https://[2001:db8::1]") == kProxy);
    CHECK(via("*", host) == "");
    CHECK(via("example.com,*", host) == "");
    // User information in the URL is not the host.
    CHECK(via("a.example", "https://user:pw@a.example/") == "");
}

TEST_CASE("proxy environment: upper-case names first, lower-case otherwise, empty ones skipped", "[exchange][proxy]") {
    const ScopedEnv env_vars({"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"});
    env_vars.set("http_proxy", "lower-http:1");
    env_vars.set("HTTPS_PROXY", "");
    env_vars.set("https_proxy", "lower-https:2");
    env_vars.set("NO_PROXY", "upper.example");
    env_vars.set("no_proxy", "lower.example");
    const auto env = ProxyEnvironment::from_environment();
    CHECK(env.http_proxy == "lower-http:1");
    CHECK(env.https_proxy == "lower-https:2");
    CHECK(env.no_proxy == "upper.example");
    env_vars.set("HTTP_PROXY", "upper-http:3");
    CHECK(ProxyEnvironment::from_environment().http_proxy == "upper-http:3");
}
