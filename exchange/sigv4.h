// AWS Signature Version 4 pieces shared by the client and the local endpoint: canonical request,
// string to sign, and the two ways to sign it (X.509 key for Roles Anywhere, HMAC for STS).
// Wire facts: AWS General Reference, "Signature Version 4 signing process"; IAM Roles Anywhere User
// Guide, "Signing process for IAM Roles Anywhere".
#pragma once

#include "issue/key.h"

#include <botan/pubkey.h>
#include <botan/x509cert.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pkitool::exchange {

// The last year a date on the wire may name: std::chrono::system_clock (64-bit nanoseconds) ends
// in 2262, and no credential or request is dated that far out.
constexpr int kLastYear = 2200;

using Params = std::vector<std::pair<std::string, std::string>>;

// The signing algorithms pkitool speaks: the first word of Authorization and the first line of the
// string to sign. Roles Anywhere takes the two X.509 ones, STS the HMAC one.
enum class SigningAlgorithm { X509Rsa, X509Ecdsa, Hmac };

// "AWS4-X509-RSA-SHA256", "AWS4-X509-ECDSA-SHA256", "AWS4-HMAC-SHA256".
std::string to_string(SigningAlgorithm algorithm);
// The inverse of to_string; nullopt for any other text (callers refuse it in their own terms).
std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view text);

struct HttpRequest {
    std::string method = "POST";
    std::string path = "/";
    Params query;    // decoded names and values
    Params headers;  // names as sent; lookups are case-insensitive
    std::string body;

    std::optional<std::string> header(const std::string& name) const;
    void set_header(const std::string& name, const std::string& value);
};

// RFC 3986 percent-encoding: A-Z a-z 0-9 - _ . ~ kept, everything else %XX (uppercase).
std::string uri_encode(const std::string& s);
// Sorted by encoded name then value, joined by '&'.
std::string canonical_query(const Params& query);

// The canonical request over exactly `signed_headers` (lowercase names). Error when a signed
// header is absent from the request.
std::string canonical_request(const HttpRequest& req, const std::vector<std::string>& signed_headers);

// "20201105T120000Z" and its date part.
std::string amz_date(std::chrono::system_clock::time_point t);
// The inverse of amz_date; empty when the text is not exactly YYYYMMDDTHHMMSSZ with a real date.
std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text);
std::string credential_scope(const std::string& date8, const std::string& region, const std::string& service);
std::string string_to_sign(const std::string& algorithm, const std::string& amz_date_value, const std::string& scope,
                           const std::string& canonical_request);

std::string sha256_hex(const std::string& data);

// --- SigV4-X509 (Roles Anywhere) ---------------------------------------------------------

// The X.509 algorithm a key signs with: RSA keys X509Rsa, EC keys X509Ecdsa; nullopt for others.
std::optional<SigningAlgorithm> x509_algorithm_of(const Botan::Public_Key& key);
// As x509_algorithm_of, with an Error for keys Roles Anywhere does not take.
SigningAlgorithm x509_algorithm(const Botan::Public_Key& key);

struct SigningTrace {
    std::string canonical_request;
    std::string string_to_sign;
};

// Sets Content-Type (if absent), Host, X-Amz-Date, X-Amz-X509, X-Amz-X509-Chain (only with
// intermediates) and Authorization. Returns what was signed, for --debug.
SigningTrace sign_x509(HttpRequest& req, const issue::PrivateKey& key, const Botan::X509_Certificate& leaf,
                       const std::vector<Botan::X509_Certificate>& intermediates, const std::string& host,
                       const std::string& region, std::chrono::system_clock::time_point now);

// A verifier for SigV4-X509 signatures of `algorithm` with `key`; null when the algorithm does not
// fit the key (x509_algorithm_of) or is not an X.509 one.
std::unique_ptr<Botan::PK_Verifier> x509_verifier(const Botan::Public_Key& key, SigningAlgorithm algorithm);

// Checks a SigV4-X509 signature (hex-decoded) over the string to sign with the leaf's public key.
bool verify_x509(const Botan::Public_Key& key, SigningAlgorithm algorithm, const std::string& string_to_sign,
                 const std::vector<uint8_t>& signature);

// --- SigV4 with HMAC (STS, AWS4-HMAC-SHA256) -----------------------------------------------

// Lowercase hex HMAC signature over the string to sign with the derived signing key.
std::string hmac_signature(const std::string& secret_access_key, const std::string& date8, const std::string& region,
                           const std::string& service, const std::string& string_to_sign);

// --- Authorization header ---------------------------------------------------------------------

struct Authorization {
    std::string algorithm;  // as sent: the string to sign repeats it
    std::optional<SigningAlgorithm> known_algorithm;  // parse_signing_algorithm(algorithm)
    std::string credential;  // X.509: serial in decimal; HMAC: access key id
    std::string date8, region, service;  // from the credential scope
    std::vector<std::string> signed_headers;
    std::string signature;  // lowercase hex
};

// Error (with a precise message) when the header is malformed.
Authorization parse_authorization(const std::string& header);

}  // namespace pkitool::exchange
