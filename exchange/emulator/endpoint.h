// The local IAM Roles Anywhere + STS endpoint as an HTTP service: POST /sessions goes to the
// SessionVerifier, POST / to the IamApi when signed for iam and to the StsVerifier otherwise, the Roles Anywhere control plane's paths to the
// ControlPlane, all on one ControlState, and every refusal has AWS's error shape. The
// LoopbackServer runs it (`pkitool emulate`).
#pragma once

#include "exchange/emulator/config.h"
#include "exchange/emulator/control_plane.h"
#include "exchange/emulator/control_state.h"
#include "exchange/emulator/hmac_verifier.h"
#include "exchange/emulator/iam_api.h"
#include "exchange/emulator/issued_credentials.h"
#include "exchange/emulator/session_verifier.h"
#include "exchange/emulator/sts_verifier.h"
#include "exchange/loopback_server.h"

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace pkitool::exchange {

// One line per request, without secrets: "POST /sessions 403 AccessDeniedException: ...".
using RequestLog = std::function<void(const std::string&)>;

class EmulatorEndpoint {
public:
    // A state in memory, seeded with `config`.
    explicit EmulatorEndpoint(const EmulatorConfig& config, RequestLog log = {});
    // On `state`, which must be initialized (ControlState::initialize).
    explicit EmulatorEndpoint(std::unique_ptr<ControlState> state, RequestLog log = {});
    EmulatorEndpoint(const EmulatorEndpoint&) = delete;
    EmulatorEndpoint& operator=(const EmulatorEndpoint&) = delete;

    const ControlState& state() const { return *state_; }
    // The identity the control plane takes besides issued credentials.
    const Administrator& administrator() const { return *hmac_.administrator(); }
    // Handlers that refer to this endpoint, which must outlive the server running them.
    HttpService service();
    // CreateSession and GetCallerIdentity bodies are tiny; a chain header of five large RSA
    // certificates is not, so heads may be larger than the usual 16 KiB.
    static ServerLimits limits();

private:
    HttpReply handle(const HttpRequest& request);
    HttpReply refusal(const RequestRefusal& refusal);
    HttpReply create_session(const HttpRequest& request);
    HttpReply get_caller_identity(const HttpRequest& request);
    HttpReply iam(const HttpRequest& request);
    HttpReply control(const ControlReply& reply, const HttpRequest& request);
    void note(const std::string& line);

    std::unique_ptr<ControlState> state_;
    RequestLog log_;
    std::mutex log_mutex_;
    CredentialStore store_;
    HmacVerifier hmac_;
    SessionVerifier sessions_{*state_, store_, &state_->subjects()};
    StsVerifier sts_{hmac_};
    ControlPlane control_{*state_, hmac_};
    IamApi iam_{*state_, hmac_};
};

}  // namespace pkitool::exchange
