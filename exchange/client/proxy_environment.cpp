// Proxy selection from the environment, the rules of Go's net/http (see the header).
#include "exchange/client/proxy_environment.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

namespace pkitool::exchange {

namespace {

// Every address as 16 bytes, IPv4 as IPv4-mapped IPv6 (RFC 4291 section 2.5.5.2), so "10.0.0.1"
// and "::ffff:10.0.0.1" are one address, as Go's net.IP.Equal has it.
using Ip = std::array<uint8_t, 16>;

std::optional<Ip> parse_ip(const std::string& text) {
    Ip ip{};
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        ip[10] = ip[11] = 0xff;
        std::memcpy(ip.data() + 12, &v4, 4);
        return ip;
    }
    if (::inet_pton(AF_INET6, text.c_str(), ip.data()) == 1) return ip;
    return std::nullopt;
}

bool is_v4(const Ip& ip) {
    return std::all_of(ip.begin(), ip.begin() + 10, [](uint8_t b) { return b == 0; }) && ip[10] == 0xff && ip[11] == 0xff;
}

bool is_loopback(const Ip& ip) {
    if (is_v4(ip)) return ip[12] == 127;  // 127.0.0.0/8 (RFC 1122 section 3.2.1.3)
    return std::all_of(ip.begin(), ip.begin() + 15, [](uint8_t b) { return b == 0; }) && ip[15] == 1;  // ::1
}

// "10.0.0.0/8" or "fd00::/8"; nullopt when `text` is not one.
std::optional<std::pair<Ip, int>> parse_cidr(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const auto ip = parse_ip(text.substr(0, slash));
    const std::string bits = text.substr(slash + 1);
    if (!ip || bits.empty() || bits.size() > 3 || !std::all_of(bits.begin(), bits.end(), ::isdigit)) return std::nullopt;
    const bool v4 = text.find(':') == std::string::npos;
    const int n = std::stoi(bits);
    if (n > (v4 ? 32 : 128)) return std::nullopt;
    return std::pair{*ip, v4 ? n + 96 : n};
}

bool in_range(const Ip& ip, const Ip& net, int bits) {
    for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
        const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
        if ((ip[i] & mask) != (net[i] & mask)) return false;
    }
    return true;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string_view trim(std::string_view s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// "host" and "port" of "[v6]:port", "host:port" or "host" (port empty); a bare IPv6 address
// (more than one colon, no brackets) is all host.
std::pair<std::string, std::string> split_host_port(const std::string& s) {
    if (!s.empty() && s.front() == '[') {
        const auto close = s.find(']');
        if (close == std::string::npos) return {s, ""};
        const std::string rest = s.substr(close + 1);
        return {s.substr(1, close - 1), rest.size() > 1 && rest.front() == ':' ? rest.substr(1) : ""};
    }
    const auto colon = s.find(':');
    if (colon == std::string::npos || s.find(':', colon + 1) != std::string::npos) return {s, ""};
    return {s.substr(0, colon), s.substr(colon + 1)};
}

struct Target {
    std::string scheme, host, port;
};

Target parse_url(const std::string& url) {
    Target t;
    const auto sep = url.find("://");
    if (sep == std::string::npos) return t;
    t.scheme = lower(url.substr(0, sep));
    std::string authority = url.substr(sep + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (const auto at = authority.rfind('@'); at != std::string::npos) authority.erase(0, at + 1);
    auto [host, port] = split_host_port(authority);
    t.host = lower(host);
    t.port = !port.empty() ? port : t.scheme == "https" ? "443" : "80";
    return t;
}

// NO_PROXY says to reach `t` directly.
bool bypassed(const Target& t, const std::string& no_proxy) {
    const auto ip = parse_ip(t.host);
    for (size_t start = 0; start <= no_proxy.size();) {
        const auto comma = std::min(no_proxy.find(',', start), no_proxy.size());
        const std::string entry = lower(trim(std::string_view(no_proxy).substr(start, comma - start)));
        start = comma + 1;
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (const auto cidr = parse_cidr(entry)) {
            if (ip && in_range(*ip, cidr->first, cidr->second)) return true;
            continue;
        }
        auto [host, port] = split_host_port(entry);
        if (host.empty()) continue;
        const bool port_matches = port.empty() || port == t.port;
        if (const auto entry_ip = parse_ip(host)) {
            if (ip && *ip == *entry_ip && port_matches) return true;
            continue;
        }
        if (host.rfind("*.", 0) == 0) host.erase(0, 1);
        const bool matches_itself = host.front() != '.';
        const std::string suffix = matches_itself ? "." + host : host;
        if ((ends_with(t.host, suffix) || (matches_itself && t.host == host)) && port_matches) return true;
    }
    return false;
}

std::string first_set(const char* upper, const char* lower_name) {
    for (const char* name : {upper, lower_name})
        if (const char* v = std::getenv(name); v && *v) return v;
    return "";
}

}  // namespace

ProxyEnvironment ProxyEnvironment::from_environment() {
    return {first_set("HTTP_PROXY", "http_proxy"), first_set("HTTPS_PROXY", "https_proxy"), first_set("NO_PROXY", "no_proxy")};
}

std::string ProxyEnvironment::proxy_for(const std::string& url) const {
    const auto t = parse_url(url);
    const std::string& proxy = t.scheme == "https" ? https_proxy : t.scheme == "http" ? http_proxy : std::string();
    if (proxy.empty() || t.host.empty()) return "";
    if (t.host == "localhost") return "";
    if (const auto ip = parse_ip(t.host); ip && is_loopback(*ip)) return "";
    if (bypassed(t, no_proxy)) return "";
    return proxy.find("://") == std::string::npos ? "http://" + proxy : proxy;
}

}  // namespace pkitool::exchange
