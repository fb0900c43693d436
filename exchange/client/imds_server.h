// `exchange serve`: an IMDSv2-compatible credentials endpoint on 127.0.0.1 (protocol §4), so SDKs
// find the credentials with AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9911.
#pragma once

#include "exchange/client/imds_tokens.h"
#include "exchange/client/refreshing_credentials.h"

#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace httplib {
class Server;
}

namespace pkitool::exchange {

class ImdsServer {
public:
    ImdsServer(std::string role_name, RefreshingCredentials& credentials);
    ~ImdsServer();

    // Binds 127.0.0.1:port (0 picks a free port) and returns the port. Error when it cannot.
    int bind(int port);
    // Serves until stop(); returns afterwards.
    void run();
    void stop();

private:
    // The credentials document for `snap`, rendered once per distinct snapshot.
    std::string rendered(const RefreshingCredentials::Snapshot& snap);

    std::string role_name_;
    RefreshingCredentials& credentials_;
    ImdsTokens tokens_;
    std::unique_ptr<httplib::Server> server_;
    std::mutex rendered_mutex_;
    std::optional<RefreshingCredentials::Snapshot> rendered_for_;
    std::string rendered_body_;
};

}  // namespace pkitool::exchange
