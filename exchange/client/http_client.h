// One HTTP(S) request with libcurl: the transport of CreateSession (and of doctor's reads). TLS is verified (against the
// trust store chosen) unless told otherwise, and proxies are used only when asked (as
// aws_signing_helper's --with-proxy), chosen as ProxyEnvironment says.
#pragma once

#include "exchange/client/trust_store.h"
#include "exchange/sigv4.h"

#include <chrono>
#include <string>

namespace pkitool::exchange {

struct TransportOptions {
    bool verify_tls = true;
    TrustStore trust_store;  // the endpoint's (and an https:// proxy's) CAs; default the system's
    bool use_proxy = false;  // honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY (proxy_environment.h)
    std::chrono::seconds timeout{30};
};

struct HttpResponse {
    long status = 0;
    Params headers;  // names as received
    std::string body;
    std::optional<std::string> header(const std::string& name) const;
};

// Sends `req` (its method, path, query, headers and body) to `base_url` ("https://host[:port]").
// Error naming the URL (and the proxy, when one was used) when the connection fails; when the
// endpoint's TLS certificate is not trusted it says which store was used and carries the
// NextStep SkipTlsCheck. Any HTTP status is returned, not thrown.
HttpResponse send(const std::string& base_url, const HttpRequest& req, const TransportOptions& options);

// Makes every request in flight, and every later one, fail within about a second: a server told
// to stop must not wait out a slow endpoint's 30 s timeout first (issue #9).
void cancel_requests();

}  // namespace pkitool::exchange
