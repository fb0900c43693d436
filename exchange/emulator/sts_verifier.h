// STS GetCallerIdentity for the credentials the local endpoint issued (STS API Reference, "GetCallerIdentity"): ordinary SigV4
// (AWS4-HMAC-SHA256, service sts) plus X-Amz-Security-Token, so `aws sts get-caller-identity
// --endpoint-url URL` shows which role a certificate obtained.
#pragma once

#include "exchange/emulator/hmac_verifier.h"
#include "exchange/sigv4.h"

#include <chrono>
#include <string>
#include <variant>

namespace pkitool::exchange {

// STS's own error codes (its Query-API XML errors), each with the HTTP status STS uses.
enum class StsErrorCode { MissingAuthenticationToken, IncompleteSignature, InvalidClientTokenId, SignatureDoesNotMatch, ExpiredToken, InvalidAction };
std::string to_string(StsErrorCode c);
int http_status(StsErrorCode c);

struct StsRefusal {
    StsErrorCode code;
    std::string message;
};

struct CallerIdentity {
    std::string arn, user_id, account;
};

using StsDecision = std::variant<CallerIdentity, StsRefusal>;

// AWS's general SigV4 limit on clock skew (15 minutes), wider than Roles Anywhere's 5.
constexpr std::chrono::seconds kStsClockSkew{900};

class StsVerifier {
public:
    // `hmac` (the endpoint's one HMAC verifier) must outlive this one.
    explicit StsVerifier(const HmacVerifier& hmac) : hmac_(hmac) {}
    StsDecision get_caller_identity(const HttpRequest& req, std::chrono::system_clock::time_point now) const;

private:
    const HmacVerifier& hmac_;
};

// The XML bodies STS answers with.
std::string to_xml(const CallerIdentity& id, const std::string& request_id);
std::string to_xml(const StsRefusal& r, const std::string& request_id);

}  // namespace pkitool::exchange
