// The IMDSv2-compatible credentials endpoint of `exchange serve`, as an HTTP service the
// LoopbackServer runs: SDKs find the credentials with
// AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911 (AWS docs, "Use the Instance Metadata
// Service to access instance metadata"; IAM Roles Anywhere, "Obtaining temporary security credentials").
#pragma once

#include "exchange/client/imds_tokens.h"
#include "exchange/client/refreshing_credentials.h"
#include "exchange/loopback_server.h"

#include <mutex>
#include <optional>
#include <string>

namespace pkitool::exchange {

class ImdsEndpoint {
public:
    ImdsEndpoint(std::string role_name, RefreshingCredentials& credentials);
    ImdsEndpoint(const ImdsEndpoint&) = delete;
    ImdsEndpoint& operator=(const ImdsEndpoint&) = delete;

    // Handlers that refer to this endpoint, which must outlive the server running them.
    HttpService service();
    // IMDS requests have no body worth the name, and small heads.
    static ServerLimits limits();

private:
    HttpReply handle(const HttpRequest& request);
    HttpReply issue_token(const HttpRequest& request);
    // The credentials document for `snap`, rendered once per distinct snapshot.
    std::string rendered(const RefreshingCredentials::Snapshot& snap);

    std::string role_name_;
    RefreshingCredentials& credentials_;
    ImdsTokens tokens_;
    std::mutex rendered_mutex_;
    std::optional<RefreshingCredentials::Snapshot> rendered_for_;
    std::string rendered_body_;
};

}  // namespace pkitool::exchange
