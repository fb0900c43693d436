// The SigV4 envelope both local endpoints check before anything else: a well-formed Authorization
// header, a fresh X-Amz-Date, a credential scope that agrees with it, and the canonical request
// rebuilt from exactly the headers the client says it signed.
#pragma once

#include "exchange/sigv4.h"

#include <chrono>
#include <string>
#include <variant>

namespace pkitool::exchange {

struct SignedRequest {
    Authorization authorization;
    std::string amz_date;          // X-Amz-Date as sent
    std::string canonical_request;  // rebuilt here, never taken from the client
    std::string string_to_sign;
};

// Why an envelope was refused: STS reports a stale date differently from a malformed signature.
struct EnvelopeError {
    enum class Kind { Malformed, Stale } kind;
    std::string message;
};

// The parsed envelope, or why it is refused. `max_skew`: how far X-Amz-Date may be from now.
std::variant<SignedRequest, EnvelopeError> read_signed_request(const HttpRequest& req, const std::string& service,
                                                             std::chrono::system_clock::time_point now, std::chrono::seconds max_skew);

// Equal-length-independent constant-time comparison for signatures and tokens.
bool constant_time_equal(const std::string& a, const std::string& b);

}  // namespace pkitool::exchange
