// Credentials kept fresh for long-running commands (serve, update): fetched on demand, refreshed
// once fewer than 5 minutes remain, and never handed out once expired (EC2 User Guide, "Use the Instance Metadata Service"; aws_signing_helper's GitHub issues).
#pragma once

#include "exchange/client/session.h"

#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace pkitool::exchange {

struct CredentialsFailure {
    std::string reason;
};

class RefreshingCredentials {
public:
    explicit RefreshingCredentials(CredentialSource source) : source_(std::move(source)) {}

    struct Snapshot {
        Credentials credentials;
        Clock::time_point last_updated;

        bool operator==(const Snapshot&) const = default;
    };
    // Fresh credentials, or the reason none can be had. When a refresh fails but the previous
    // credentials have not expired yet, those are returned (the caller can retry later).
    std::variant<Snapshot, CredentialsFailure> get(Clock::time_point now);

private:
    CredentialSource source_;
    std::mutex mutex_;  // one refresh at a time; other requests wait for its result
    std::optional<Snapshot> current_;
};

}  // namespace pkitool::exchange
