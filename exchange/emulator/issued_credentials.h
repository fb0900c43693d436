// The temporary credentials the local endpoint hands out, remembered so its STS endpoint can check
// requests signed with them (Roles Anywhere API Reference, "CreateSession"; STS API Reference, "GetCallerIdentity"). Thread-safe: the server answers on a pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace pkitool::exchange {

struct IssuedCredentials {
    std::string access_key_id;  // "ASIA" + 16 uppercase letters and digits, like STS's
    std::string secret_access_key;
    std::string session_token;
    std::chrono::system_clock::time_point expiration;
    std::string account;
    std::string role_arn;
    std::string assumed_role_arn;  // arn:aws:sts::<acct>:assumed-role/<role>/<session>
    std::string assumed_role_id;   // "AROA…:<session>", STS's UserId
};

// The long-term access key of the emulator's administrator, the identity the control plane takes
// besides issued credentials (an IAM user's key: "AKIA" + 16, no session token).
struct Administrator {
    std::string access_key_id;
    std::string secret_access_key;
    std::string account;
    std::string arn;      // arn:aws:iam::<account>:user/<name>
    std::string user_id;  // "AIDA…", STS's UserId for an IAM user
};

// A fresh random key for `account`.
Administrator make_administrator(const std::string& account);
// The same administrator from a kept key (a restarted emulator's state).
Administrator administrator_of(const std::string& account, const std::string& access_key_id, const std::string& secret_access_key);

class CredentialStore {
public:
    // Expired entries are dropped when the store reaches this size, so a long run stays bounded.
    explicit CredentialStore(size_t capacity = 100000) : capacity_(capacity) {}

    IssuedCredentials issue(const std::string& account, const std::string& role_name, const std::string& session_name,
                            std::chrono::seconds duration, std::chrono::system_clock::time_point now);
    std::optional<IssuedCredentials> find(const std::string& access_key_id) const;
    size_t size() const;

private:
    size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, IssuedCredentials> by_key_id_;
};

}  // namespace pkitool::exchange
