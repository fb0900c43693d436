// SigV4 envelope checks shared by CreateSession and STS.
#include "exchange/signed_request.h"

#include "base/error.h"

#include <botan/mem_ops.h>

#include <algorithm>

namespace pkitool::exchange {

std::variant<SignedRequest, EnvelopeError> read_signed_request(const HttpRequest& req, const std::string& service,
                                                             std::chrono::system_clock::time_point now, std::chrono::seconds max_skew) {
    SignedRequest s;
    const auto malformed = [](std::string m) { return EnvelopeError{EnvelopeError::Kind::Malformed, std::move(m)}; };
    const auto auth = req.header("Authorization");
    if (!auth) return malformed("missing Authorization header: the request is not signed");
    try {
        s.authorization = parse_authorization(*auth);
    } catch (const Error& e) {
        return malformed(e.what());
    }
    const auto& a = s.authorization;
    if (a.service != service) return malformed("credential scope names service \"" + a.service + "\", this endpoint is \"" + service + "\"");
    const auto& sh = a.signed_headers;
    if (!std::is_sorted(sh.begin(), sh.end()) || std::adjacent_find(sh.begin(), sh.end()) != sh.end())
        return malformed("SignedHeaders must be lowercase names in sorted order without repeats");
    for (const auto& h : sh)
        if (h.empty() || std::any_of(h.begin(), h.end(), [](unsigned char c) { return std::isupper(c); }))
            return malformed("SignedHeaders holds \"" + h + "\", which is not a lowercase header name");
    for (const char* need : {"host", "x-amz-date"})
        if (!std::binary_search(sh.begin(), sh.end(), std::string(need))) return malformed(std::string(need) + " is not among SignedHeaders");

    const auto date = req.header("X-Amz-Date");
    if (!date) return malformed("missing X-Amz-Date header");
    s.amz_date = *date;
    const auto when = parse_amz_date(*date);
    if (!when) return malformed("X-Amz-Date \"" + *date + "\" is not YYYYMMDDTHHMMSSZ");
    const auto skew = std::chrono::duration_cast<std::chrono::seconds>(now > *when ? now - *when : *when - now);
    if (skew > max_skew)
        return EnvelopeError{EnvelopeError::Kind::Stale, "X-Amz-Date " + *date + " is " + std::to_string(skew.count()) + " s " + (*when < now ? "in the past" : "in the future") +
               "; at most " + std::to_string(max_skew.count()) + " s of clock skew is allowed (server time " + amz_date(now) + ")"};
    if (a.date8 != date->substr(0, 8))
        return malformed("credential scope date " + a.date8 + " does not match X-Amz-Date " + *date);

    for (const auto& h : sh)
        if (!req.header(h)) return malformed("SignedHeaders lists \"" + h + "\" but the request has no such header");
    s.canonical_request = canonical_request(req, sh);
    s.string_to_sign = string_to_sign(a.algorithm, *date, credential_scope(a.date8, a.region, a.service), s.canonical_request);
    return s;
}

bool constant_time_equal(const std::string& a, const std::string& b) {
    // Compare digests of both so the time does not depend on where they differ or on their lengths.
    const auto ha = sha256_hex(a), hb = sha256_hex(b);
    return Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(ha.data()), reinterpret_cast<const uint8_t*>(hb.data()), ha.size());
}

}  // namespace pkitool::exchange
