// Temporary AWS credentials: parsed from CreateSession (Roles Anywhere API Reference, "CreateSession"), printed for credential_process
// (AWS SDKs and Tools Reference Guide, "Process credential provider") and IMDS, and stored in the credential cache.
#pragma once

#include <chrono>
#include <string>

namespace pkitool::exchange {

using Clock = std::chrono::system_clock;

struct Credentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;
    Clock::time_point expiration;
    std::string role_arn;  // from the response; may be empty (not in the cache format)
    // `expiration` exactly as the service wrote it; empty when the credentials did not come from
    // a CreateSession answer (the cache keeps only the parsed time).
    std::string expiration_text{};  // (a default, so aggregate initialisers may leave it out)

    bool operator==(const Credentials&) const = default;
};

// RFC 3339 "2026-11-25T03:00:00Z", also with fractional seconds or a numeric offset.
// Error naming `what` when the text is not a timestamp.
Clock::time_point parse_rfc3339(const std::string& text, const std::string& what);

// The 201 body of CreateSession. Error "CreateSession response: ..." when a field is missing.
Credentials parse_create_session(const std::string& body);

// How credential_process_json writes Expiration: pkitool's RFC 3339 form, or the service's own
// text when there is one, as aws_signing_helper passes it through.
enum class ExpirationText { Normalised, AsReceived };

// Exactly {"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}.
std::string credential_process_json(const Credentials& c, ExpirationText expiration = ExpirationText::Normalised);
// The inverse, for the cache; Error naming `what` when malformed.
Credentials parse_credential_process_json(const std::string& text, const std::string& what);

// Credentials are refreshed this long before they expire, everywhere (cache, serve, update).
inline constexpr std::chrono::minutes kRefreshMargin{5};
inline bool still_fresh(const Credentials& c, Clock::time_point now) { return now + kRefreshMargin < c.expiration; }

}  // namespace pkitool::exchange
