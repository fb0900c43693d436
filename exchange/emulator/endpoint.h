// The local IAM Roles Anywhere + STS endpoint as an HTTP service: POST /sessions goes to the
// SessionVerifier, POST / to the StsVerifier, and every refusal has AWS's error shape. The
// LoopbackServer runs it (`pkitool emulate`).
#pragma once

#include "exchange/emulator/config.h"
#include "exchange/emulator/issued_credentials.h"
#include "exchange/emulator/session_verifier.h"
#include "exchange/emulator/sts_verifier.h"
#include "exchange/loopback_server.h"

#include <functional>
#include <mutex>
#include <string>

namespace pkitool::exchange {

// One line per request, without secrets: "POST /sessions 403 AccessDeniedException: ...".
using RequestLog = std::function<void(const std::string&)>;

class EmulatorEndpoint {
public:
    explicit EmulatorEndpoint(EmulatorConfig config, RequestLog log = {});
    EmulatorEndpoint(const EmulatorEndpoint&) = delete;
    EmulatorEndpoint& operator=(const EmulatorEndpoint&) = delete;

    const EmulatorConfig& config() const { return config_; }
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
    void note(const std::string& line);

    EmulatorConfig config_;
    RequestLog log_;
    std::mutex log_mutex_;
    CredentialStore store_;
    SessionVerifier sessions_{config_, store_};
    StsVerifier sts_{store_};
};

}  // namespace pkitool::exchange
