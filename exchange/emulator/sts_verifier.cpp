// GetCallerIdentity: verify the HMAC signature against an issued secret, then say who the caller is.
#include "exchange/emulator/sts_verifier.h"
#include "exchange/emulator/xml_text.h"

#include "exchange/url_query.h"

namespace pkitool::exchange {

namespace {

StsRefusal refuse(StsErrorCode c, const std::string& m) { return {c, m}; }


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
    const auto signer = hmac_.verify(req, "sts", "STS", now, kStsClockSkew);
    if (const auto* r = std::get_if<HmacRefusal>(&signer)) {
        switch (r->failure) {
            case HmacFailure::Unsigned: return refuse(StsErrorCode::MissingAuthenticationToken, r->message);
            case HmacFailure::Malformed: return refuse(StsErrorCode::IncompleteSignature, r->message);
            // STS answers a stale date as a signature mismatch ("Signature expired").
            case HmacFailure::Stale: return refuse(StsErrorCode::SignatureDoesNotMatch, r->message);
            case HmacFailure::UnknownKey:
            case HmacFailure::BadToken: return refuse(StsErrorCode::InvalidClientTokenId, r->message);
            case HmacFailure::SignatureMismatch: return refuse(StsErrorCode::SignatureDoesNotMatch, r->message);
            case HmacFailure::Expired: return refuse(StsErrorCode::ExpiredToken, r->message);
        }
        return refuse(StsErrorCode::IncompleteSignature, r->message);
    }
    const auto& caller = std::get<Caller>(signer);

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
    return CallerIdentity{caller.arn, caller.user_id, caller.account};
}

std::string to_xml(const CallerIdentity& id, const std::string& request_id) {
    return std::string("<GetCallerIdentityResponse xmlns=\"") + kXmlns + "\">\n  <GetCallerIdentityResult>\n    <Arn>" + xml_text(id.arn) +
           "</Arn>\n    <UserId>" + xml_text(id.user_id) + "</UserId>\n    <Account>" + xml_text(id.account) +
           "</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>" + request_id +
           "</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n";
}

std::string to_xml(const StsRefusal& r, const std::string& request_id) {
    return std::string("<ErrorResponse xmlns=\"") + kXmlns + "\">\n  <Error>\n    <Type>Sender</Type>\n    <Code>" + to_string(r.code) +
           "</Code>\n    <Message>" + xml_text(r.message) + "</Message>\n  </Error>\n  <RequestId>" + request_id + "</RequestId>\n</ErrorResponse>\n";
}

}  // namespace pkitool::exchange
