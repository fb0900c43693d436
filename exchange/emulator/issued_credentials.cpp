// Random credential material and the bounded store of what was issued.
#include "exchange/emulator/issued_credentials.h"

#include "exchange/arn.h"
#include "exchange/sigv4.h"
#include "issue/random.h"

#include <botan/base64.h>

namespace pkitool::exchange {

namespace {

constexpr char kUpperAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";  // 32 symbols: no modulo bias

std::string random_upper(size_t n) {
    std::vector<uint8_t> bytes(n);
    issue::rng().randomize(bytes.data(), bytes.size());
    std::string out;
    for (auto b : bytes) out += kUpperAlnum[b % 32];
    return out;
}

std::string random_base64(size_t bytes) {
    std::vector<uint8_t> b(bytes);
    issue::rng().randomize(b.data(), b.size());
    return Botan::base64_encode(b);
}

// STS ids are stable per principal: derived from its ARN rather than kept in another table.
std::string principal_id(const std::string& prefix, const std::string& arn) {
    std::string id;
    for (char h : sha256_hex(arn).substr(0, 17)) id += static_cast<char>(std::toupper(static_cast<unsigned char>(h)));
    return prefix + id;
}

constexpr const char* kAdministratorName = "emulate-admin";

}  // namespace

Administrator administrator_of(const std::string& account, const std::string& access_key_id, const std::string& secret_access_key) {
    Administrator a{access_key_id, secret_access_key, account, "arn:aws:iam::" + account + ":user/" + kAdministratorName, ""};
    a.user_id = principal_id("AIDA", a.arn);
    return a;
}

Administrator make_administrator(const std::string& account) {
    return administrator_of(account, "AKIA" + random_upper(16), random_base64(30));
}

IssuedCredentials CredentialStore::issue(const std::string& account, const std::string& role_name, const std::string& session_name,
                                         std::chrono::seconds duration, std::chrono::system_clock::time_point now) {
    IssuedCredentials c;
    c.access_key_id = "ASIA" + random_upper(16);
    c.secret_access_key = random_base64(30);  // 40 characters, as AWS secrets are
    c.session_token = random_base64(96);
    c.expiration = std::chrono::floor<std::chrono::seconds>(now) + duration;
    c.account = account;
    c.role_arn = role_arn(account, role_name);
    c.assumed_role_arn = "arn:aws:sts::" + account + ":assumed-role/" + role_name + "/" + session_name;
    c.assumed_role_id = principal_id("AROA", c.role_arn) + ":" + session_name;

    std::lock_guard lock(mutex_);
    if (by_key_id_.size() >= capacity_) std::erase_if(by_key_id_, [&](const auto& kv) { return kv.second.expiration <= now; });
    if (by_key_id_.size() >= capacity_) by_key_id_.erase(by_key_id_.begin());  // still full: forget an arbitrary one
    by_key_id_[c.access_key_id] = c;
    return c;
}

std::optional<IssuedCredentials> CredentialStore::find(const std::string& access_key_id) const {
    std::lock_guard lock(mutex_);
    const auto it = by_key_id_.find(access_key_id);
    if (it == by_key_id_.end()) return std::nullopt;
    return it->second;
}

size_t CredentialStore::size() const {
    std::lock_guard lock(mutex_);
    return by_key_id_.size();
}

}  // namespace pkitool::exchange
