// libcurl transport for CreateSession.
#include "exchange/client/http_client.h"

#include "exchange/client/curl_library.h"
#include "exchange/client/proxy_environment.h"
#include "base/error.h"

#include <atomic>
#include <memory>

namespace pkitool::exchange {

namespace {

size_t on_body(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    auto* headers = static_cast<Params*>(user);
    if (line.rfind("HTTP/", 0) == 0) headers->clear();  // a new response (after 100 Continue or a redirect)
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string value = line.substr(colon + 1);
        const auto b = value.find_first_not_of(" \t");
        const auto e = value.find_last_not_of(" \t\r\n");
        headers->emplace_back(line.substr(0, colon), b == std::string::npos ? "" : value.substr(b, e - b + 1));
    }
    return size * n;
}

// A proxy URL for messages: without its user and password ("http://user:secret@proxy:3128").
std::string redacted(const std::string& proxy) {
    const auto sep = proxy.find("://");
    const auto start = sep == std::string::npos ? 0 : sep + 3;
    const auto end = proxy.find_first_of("/?#", start);
    const auto at = proxy.rfind('@', end == std::string::npos ? proxy.size() : end);
    if (at == std::string::npos || at < start) return proxy;
    return proxy.substr(0, start) + proxy.substr(at + 1);
}

std::atomic<bool> cancelled{false};

// libcurl calls this about once a second, and more often while data moves; non-zero aborts.
int on_progress(void*, curl_off_t, curl_off_t, curl_off_t, curl_off_t) { return cancelled ? 1 : 0; }

}  // namespace

void cancel_requests() { cancelled = true; }

std::optional<std::string> HttpResponse::header(const std::string& name) const {
    HttpRequest r;
    r.headers = headers;
    return r.header(name);
}

HttpResponse send(const std::string& base_url, const HttpRequest& req, const TransportOptions& options) {
    const auto& lib = CurlLibrary::get();
    std::unique_ptr<CURL, decltype(lib.easy_cleanup)> curl(lib.easy_init(), lib.easy_cleanup);
    if (!curl) throw Error(base_url + ": cannot start an HTTP client");
    std::string url = base_url;
    while (!url.empty() && url.back() == '/') url.pop_back();
    url += req.path;
    const std::string query = canonical_query(req.query);
    if (!query.empty()) url += "?" + query;

    // Exactly the headers that were signed go out; "Expect:" and "Accept:" with no value stop
    // curl adding its own, so the service sees no surprises.
    curl_slist* list = nullptr;
    for (const auto& [k, v] : req.headers) list = lib.slist_append(list, (k + ": " + v).c_str());
    list = lib.slist_append(list, "Expect:");
    list = lib.slist_append(list, "Accept:");
    std::unique_ptr<curl_slist, decltype(lib.slist_free_all)> headers(list, lib.slist_free_all);

    HttpResponse resp;
    CURL* c = curl.get();
    lib.easy_setopt(c, CURLOPT_URL, url.c_str());
    if (req.method == "GET" && req.body.empty()) {
        lib.easy_setopt(c, CURLOPT_HTTPGET, 1L);  // no body, no Content-Length: as botocore sends a GET
    } else {
        lib.easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
        lib.easy_setopt(c, CURLOPT_POSTFIELDS, req.body.data());
        lib.easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
    }
    lib.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    lib.easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    lib.easy_setopt(c, CURLOPT_WRITEDATA, &resp.body);
    lib.easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    lib.easy_setopt(c, CURLOPT_HEADERDATA, &resp.headers);
    lib.easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options.timeout.count()));
    lib.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
    lib.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // safe in serve's threads
    lib.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    lib.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    lib.easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
    lib.easy_setopt(c, CURLOPT_PROXY_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
    const std::string& bundle = options.trust_store.file;
    if (options.verify_tls && !bundle.empty()) {
        // The bundle replaces the system's store rather than adding to it, as AWS_CA_BUNDLE does
        // in the AWS SDKs: no CA directory beside it.
        lib.easy_setopt(c, CURLOPT_CAINFO, bundle.c_str());
        lib.easy_setopt(c, CURLOPT_CAPATH, static_cast<const char*>(nullptr));
        lib.easy_setopt(c, CURLOPT_PROXY_CAINFO, bundle.c_str());
        lib.easy_setopt(c, CURLOPT_PROXY_CAPATH, static_cast<const char*>(nullptr));
    }
    // pkitool picks the proxy (or none) itself; an empty proxy string makes libcurl ignore the
    // proxy environment variables, and an empty no-proxy list its reading of NO_PROXY.
    const std::string proxy = options.use_proxy ? ProxyEnvironment::from_environment().proxy_for(url) : "";
    lib.easy_setopt(c, CURLOPT_PROXY, proxy.c_str());
    lib.easy_setopt(c, CURLOPT_NOPROXY, "");

    lib.easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    lib.easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
    if (cancelled) throw Error(base_url + ": request cancelled: the command is stopping");
    char errbuf[CURL_ERROR_SIZE] = {0};
    lib.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    const CURLcode rc = lib.easy_perform(c);
    if (rc == CURLE_ABORTED_BY_CALLBACK) throw Error(base_url + ": request cancelled: the command is stopping");
    if (rc != CURLE_OK) {
        std::string why = errbuf[0] ? errbuf : lib.easy_strerror(rc);
        while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
        Error failed(base_url + ": request failed" + (proxy.empty() ? "" : " through proxy " + redacted(proxy)) + ": " + why);
        if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
            failed.with_hint("its TLS certificate was checked against " + options.trust_store.describe())
                .with_step({NextStep::Kind::SkipTlsCheck, "the check can be skipped, for testing only"});
        throw failed;
    }
    lib.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    return resp;
}

}  // namespace pkitool::exchange
