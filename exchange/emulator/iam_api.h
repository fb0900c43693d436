// The IAM query API for roles (IAM API Reference, 2010-05-08): CreateRole, GetRole, ListRoles,
// UpdateRole, UpdateAssumeRolePolicy, DeleteRole and the inline role policies, as form-encoded
// POST / signed with SigV4 (signing name iam, region us-east-1) by the administrator or with
// credentials the emulator issued, answered in IAM's XML. Each change is made on the ControlState
// that CreateSession reads, so a new role, trust policy or MaxSessionDuration counts from the next
// request on.
#pragma once

#include "exchange/emulator/control_state.h"
#include "exchange/emulator/hmac_verifier.h"
#include "exchange/sigv4.h"

#include <optional>
#include <string>

namespace pkitool::exchange {

// IAM's error codes (the model's exceptions, and the SigV4 front door's), each with its HTTP status.
enum class IamErrorCode {
    NoSuchEntity,
    EntityAlreadyExists,
    MalformedPolicyDocument,
    ValidationError,
    DeleteConflict,
    LimitExceeded,
    InvalidAction,
    MissingAuthenticationToken,
    IncompleteSignature,
    InvalidClientTokenId,
    SignatureDoesNotMatch,
    ExpiredToken,
    AccessDenied,
};
std::string to_string(IamErrorCode c);
int http_status(IamErrorCode c);

struct IamReply {
    int status = 200;
    std::optional<IamErrorCode> error;  // set on a refusal; the body is then an <ErrorResponse>
    std::string body;                   // XML
    std::string operation;              // the Action, "CreateRole"; empty when none was readable
    std::string summary;                // for the request log, without secrets
};

// The service of a request's SigV4 credential scope ("iam", "sts"); empty when the request is
// unsigned or its Authorization header unreadable.
std::string signing_service(const HttpRequest& req);

class IamApi {
public:
    // Both must outlive the API; `handle` is safe to call from several threads.
    IamApi(ControlState& state, const HmacVerifier& hmac) : state_(state), hmac_(hmac) {}

    IamReply handle(const HttpRequest& request, Timestamp now, const std::string& request_id);

    // Items a list returns when the request names no MaxItems (IAM API Reference, "ListRoles").
    static constexpr int kDefaultMaxItems = 100;

private:
    ControlState& state_;
    const HmacVerifier& hmac_;
};

// "AROA" and 17 random uppercase letters and digits: the form of IAM's role ids
// (IAM User Guide, "IAM identifiers", "Unique identifiers").
std::string new_role_id();

// The RoleId IAM would show for a role that has none (one seeded from the command line or
// emulate.json): derived from its ARN, so it stays the same across restarts.
std::string role_id_of(const EmulatedRole& role);

}  // namespace pkitool::exchange
