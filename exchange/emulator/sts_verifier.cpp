// GetCallerIdentity: verify the HMAC signature against an issued secret, then say who the caller is.
#include "exchange/emulator/sts_verifier.h"

#include "exchange/signed_request.h"
#include "exchange/url_query.h"

namespace pkitool::exchange {

namespace {

StsRefusal refuse(StsErrorCode c, const std::string& m) { return {c, m}; }

std::string xml_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            default: out += c;
        }
    }
    return out;
}

constexpr const char* kXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";

}  // namespace

std::string to_string(StsErrorCode c) {
    switch (c) {
        case StsErrorCode::MissingAuthenticationToken: return "MissingAuthenticationToken";
        case StsErrorCode::IncompleteSignature: return "IncompleteSignature";
        case StsErrorCode::InvalidClientTokenId: return "InvalidClientTokenId";
        case StsErrorCode::SignatureDoesNotMatch: return "SignatureDoesNotMatch";
        case StsErrorCode::ExpiredToken: return "ExpiredToken";
        case StsErrorCode::InvalidAction: return "InvalidAction";
    }
    return "InvalidAction";
}

int http_status(StsErrorCode c) {
    switch (c) {
        case StsErrorCode::MissingAuthenticationToken:
        case StsErrorCode::InvalidClientTokenId:
        case StsErrorCode::SignatureDoesNotMatch: return 403;
        case StsErrorCode::IncompleteSignature:
        case StsErrorCode::ExpiredToken:
        case StsErrorCode::InvalidAction: return 400;
    }
    return 400;
}

StsDecision StsVerifier::get_caller_identity(const HttpRequest& req, std::chrono::system_clock::time_point now) const {
    if (!req.header("Authorization")) return refuse(StsErrorCode::MissingAuthenticationToken, "missing Authorization header: the request is not signed");
    auto envelope = read_signed_request(req, "sts", now, kStsClockSkew);
    if (auto* why = std::get_if<EnvelopeError>(&envelope)) {
        // STS answers a stale date as a signature mismatch ("Signature expired"); the rest is an incomplete signature.
        const bool stale = why->kind == EnvelopeError::Kind::Stale;
        return refuse(stale ? StsErrorCode::SignatureDoesNotMatch : StsErrorCode::IncompleteSignature, why->message);
    }
    const auto& s = std::get<SignedRequest>(envelope);
    const auto& a = s.authorization;
    if (a.known_algorithm != SigningAlgorithm::Hmac)
        return refuse(StsErrorCode::IncompleteSignature, "unsupported algorithm \"" + a.algorithm + "\": STS takes " + to_string(SigningAlgorithm::Hmac));

    const auto issued = store_.find(a.credential);
    if (!issued) return refuse(StsErrorCode::InvalidClientTokenId, "access key " + a.credential + " was not issued by this endpoint (or it was restarted since)");
    const auto token = req.header("X-Amz-Security-Token");
    if (!token) return refuse(StsErrorCode::InvalidClientTokenId, "missing X-Amz-Security-Token: temporary credentials need their session token");
    if (!constant_time_equal(*token, issued->session_token))
        return refuse(StsErrorCode::InvalidClientTokenId, "X-Amz-Security-Token is not the session token issued with access key " + a.credential);
    const auto expected = hmac_signature(issued->secret_access_key, a.date8, a.region, a.service, s.string_to_sign);
    if (!constant_time_equal(expected, a.signature))
        return refuse(StsErrorCode::SignatureDoesNotMatch, "the signature does not match the one computed with the secret of access key " + a.credential +
                                                             " over the canonical request rebuilt from SignedHeaders (canonical request SHA-256 " +
                                                             sha256_hex(s.canonical_request) + ")");
    if (now >= issued->expiration) return refuse(StsErrorCode::ExpiredToken, "the credentials of access key " + a.credential + " expired");

    // Action may come in the query string or, as the AWS CLI sends it, in the form body.
    auto params = req.query;
    const auto ct = req.header("Content-Type").value_or("");
    if (ct.rfind("application/x-www-form-urlencoded", 0) == 0)
        for (auto& p : parse_url_query(req.body, PlusMeans::Space)) params.push_back(std::move(p));
    std::string action;
    for (const auto& [k, v] : params)
        if (k == "Action") action = v;
    if (action != "GetCallerIdentity")
        return refuse(StsErrorCode::InvalidAction, action.empty() ? "no Action parameter" : "action " + action + " is not supported by this endpoint (only GetCallerIdentity)");
    return CallerIdentity{issued->assumed_role_arn, issued->assumed_role_id, issued->account};
}

std::string to_xml(const CallerIdentity& id, const std::string& request_id) {
    return std::string("<GetCallerIdentityResponse xmlns=\"") + kXmlns + "\">\n  <GetCallerIdentityResult>\n    <Arn>" + xml_escape(id.arn) +
           "</Arn>\n    <UserId>" + xml_escape(id.user_id) + "</UserId>\n    <Account>" + xml_escape(id.account) +
           "</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>" + request_id +
           "</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n";
}

std::string to_xml(const StsRefusal& r, const std::string& request_id) {
    return std::string("<ErrorResponse xmlns=\"") + kXmlns + "\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>" + to_string(r.code) +
           "</Code>\n    <Message>" + xml_escape(r.message) + "</Message>\n  </Error>\n  <RequestId>" + request_id + "</RequestId>\n</ErrorResponse>\n";
}

}  // namespace pkitool::exchange
