// SigV4 with an access key's secret (AWS4-HMAC-SHA256): the one check behind STS and the Roles
// Anywhere control plane. It says who signed a request (the administrator or the holder of issued
// credentials) or exactly why the signature is refused; each caller words the refusal as its
// service does (AWS General Reference, "Signature Version 4 signing process").
#pragma once

#include "exchange/emulator/issued_credentials.h"
#include "exchange/sigv4.h"

#include <chrono>
#include <optional>
#include <string>
#include <variant>

namespace pkitool::exchange {

// Who signed: an issued session's assumed role, or the administrator.
struct Caller {
    std::string access_key_id;
    std::string arn;      // arn:aws:sts::<acct>:assumed-role/<role>/<session>, or the administrator's user ARN
    std::string user_id;  // STS's UserId
    std::string account;
    bool administrator = false;
};

// Each failure, in the order the checks run.
enum class HmacFailure {
    Unsigned,           // no Authorization header
    Malformed,          // the envelope (signed_request.h) or the algorithm is wrong
    Stale,              // X-Amz-Date too far from now
    UnknownKey,         // no such access key
    BadToken,           // the session token is missing, wrong, or sent with a long-term key
    SignatureMismatch,  // the HMAC does not match
    Expired,            // issued credentials past their expiration
};

struct HmacRefusal {
    HmacFailure failure;
    std::string message;
};

class HmacVerifier {
public:
    // `issued` must outlive the verifier; without an administrator only issued credentials sign.
    explicit HmacVerifier(const CredentialStore& issued, std::optional<Administrator> administrator = std::nullopt)
        : issued_(issued), administrator_(std::move(administrator)) {}

    // `service` is the credential scope's service ("sts", "rolesanywhere"); `label` names the
    // endpoint in messages ("STS"). Thread-safe.
    std::variant<Caller, HmacRefusal> verify(const HttpRequest& req, const std::string& service, const std::string& label,
                                             std::chrono::system_clock::time_point now, std::chrono::seconds max_skew) const;

    const std::optional<Administrator>& administrator() const { return administrator_; }

private:
    const CredentialStore& issued_;
    std::optional<Administrator> administrator_;
};

}  // namespace pkitool::exchange
