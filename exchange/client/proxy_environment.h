// The proxy of a request, read from HTTPS_PROXY / HTTP_PROXY / NO_PROXY as Go's net/http reads
// them (ProxyFromEnvironment, package golang.org/x/net/http/httpproxy), which is what
// aws_signing_helper --with-proxy and the AWS SDK for Go do. pkitool decides itself instead of
// leaving it to libcurl, which ignores upper-case HTTP_PROXY, falls back to ALL_PROXY, and does
// proxy loopback requests: a line that worked with the helper must reach the same place.
#pragma once

#include <string>

namespace pkitool::exchange {

struct ProxyEnvironment {
    std::string http_proxy;   // for http:// URLs
    std::string https_proxy;  // for https:// URLs (never HTTP_PROXY's value)
    std::string no_proxy;     // hosts reached directly

    // Each from its upper-case variable, else the lower-case one (the first that is not empty).
    static ProxyEnvironment from_environment();

    // The proxy URL for `url` ("scheme://host[:port]..."), "" to connect directly: never for
    // localhost or a loopback address, nor for a host NO_PROXY matches. NO_PROXY is a comma list
    // of "*" (no proxy at all), IP addresses, CIDR ranges, and domain names (which match
    // themselves and their subdomains; with a leading "." or "*." their subdomains only), each
    // name or address optionally with ":port". A proxy given without a scheme is http://.
    std::string proxy_for(const std::string& url) const;
};

}  // namespace pkitool::exchange
