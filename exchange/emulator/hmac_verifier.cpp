// The HMAC SigV4 checks: envelope, key, session token, signature (compared in constant time), expiry.
#include "exchange/emulator/hmac_verifier.h"

#include "exchange/signed_request.h"

namespace pkitool::exchange {

std::variant<Caller, HmacRefusal> HmacVerifier::verify(const HttpRequest& req, const std::string& service, const std::string& label,
                                                       std::chrono::system_clock::time_point now, std::chrono::seconds max_skew) const {
    const auto refuse = [](HmacFailure f, std::string m) { return HmacRefusal{f, std::move(m)}; };
    if (!req.header("Authorization")) return refuse(HmacFailure::Unsigned, "missing Authorization header: the request is not signed");
    auto envelope = read_signed_request(req, service, now, max_skew);
    if (auto* why = std::get_if<EnvelopeError>(&envelope))
        return refuse(why->kind == EnvelopeError::Kind::Stale ? HmacFailure::Stale : HmacFailure::Malformed, why->message);
    const auto& s = std::get<SignedRequest>(envelope);
    const auto& a = s.authorization;
    if (a.known_algorithm != SigningAlgorithm::Hmac)
        return refuse(HmacFailure::Malformed, "unsupported algorithm \"" + a.algorithm + "\": " + label + " takes " + to_string(SigningAlgorithm::Hmac));

    const auto token = req.header("X-Amz-Security-Token");
    std::string secret;
    Caller caller;
    std::optional<std::chrono::system_clock::time_point> expiration;
    if (administrator_ && a.credential == administrator_->access_key_id) {
        // A long-term key signs alone; a session token next to it is someone else's.
        if (token) return refuse(HmacFailure::BadToken, "access key " + a.credential + " is a long-term key: it takes no X-Amz-Security-Token");
        secret = administrator_->secret_access_key;
        caller = {a.credential, administrator_->arn, administrator_->user_id, administrator_->account, true};
    } else {
        const auto issued = issued_.find(a.credential);
        if (!issued) return refuse(HmacFailure::UnknownKey, "access key " + a.credential + " was not issued by this endpoint (or it was restarted since)");
        if (!token) return refuse(HmacFailure::BadToken, "missing X-Amz-Security-Token: temporary credentials need their session token");
        if (!constant_time_equal(*token, issued->session_token))
            return refuse(HmacFailure::BadToken, "X-Amz-Security-Token is not the session token issued with access key " + a.credential);
        secret = issued->secret_access_key;
        caller = {a.credential, issued->assumed_role_arn, issued->assumed_role_id, issued->account, false};
        expiration = issued->expiration;
    }
    const auto expected = hmac_signature(secret, a.date8, a.region, a.service, s.string_to_sign);
    if (!constant_time_equal(expected, a.signature))
        return refuse(HmacFailure::SignatureMismatch, "the signature does not match the one computed with the secret of access key " + a.credential +
                                                          " over the canonical request rebuilt from SignedHeaders (canonical request SHA-256 " +
                                                          sha256_hex(s.canonical_request) + ")");
    if (expiration && now >= *expiration) return refuse(HmacFailure::Expired, "the credentials of access key " + a.credential + " expired");
    return caller;
}

}  // namespace pkitool::exchange
