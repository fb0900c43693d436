// The IAM Roles Anywhere control plane (IAM Roles Anywhere API Reference): trust anchors,
// profiles, CRLs and tags over REST JSON, each call signed with SigV4 (signing name
// rolesanywhere) by the administrator or with credentials the emulator issued, each request
// validated as the service's API model says, each change made on the ControlState that
// CreateSession reads, so it counts from the next request on.
#pragma once

#include "exchange/emulator/control_state.h"
#include "exchange/emulator/hmac_verifier.h"
#include "exchange/emulator/service_error.h"
#include "exchange/sigv4.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace pkitool::exchange {

struct ControlReply {
    int status = 200;
    std::optional<ServiceErrorType> error;  // set on a refusal; the body is then {"message": ...}
    nlohmann::json body;
    std::string operation;  // "CreateTrustAnchor"
    std::string summary;    // for the request log, without secrets: the resource, or why it was refused
};

class ControlPlane {
public:
    // Both must outlive the control plane; `handle` is safe to call from several threads.
    ControlPlane(ControlState& state, const HmacVerifier& hmac) : state_(state), hmac_(hmac) {}

    // nullopt when the method and path name no control-plane operation.
    std::optional<ControlReply> handle(const HttpRequest& request, Timestamp now);

    // Items a list returns when the request names no pageSize.
    static constexpr int kDefaultPageSize = 50;

private:
    ControlState& state_;
    const HmacVerifier& hmac_;
};

}  // namespace pkitool::exchange
