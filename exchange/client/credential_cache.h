// credential-process's cache (aws_signing_helper's GitHub issues #31: without one every SDK start costs a CreateSession and
// the 10 requests/s limit is hit). One 0600 file per session identity in a 0700 directory.
#pragma once

#include "exchange/client/credentials.h"
#include "exchange/client/session.h"

#include <filesystem>
#include <optional>
#include <string>

namespace pkitool::exchange {

// SHA-256 (hex) over everything that selects a session: the certificate's SHA-256 fingerprint,
// the three ARNs, the endpoint, region, duration and role session name.
std::string cache_key(const Botan::X509_Certificate& leaf, const SessionTarget& target);

// $XDG_CACHE_HOME/pkitool, else $HOME/.cache/pkitool.
std::filesystem::path default_cache_dir();

class CredentialCache {
public:
    explicit CredentialCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // Cached credentials for `key` while still fresh at `now` (more than 5 minutes left);
    // otherwise calls `fetch`, stores its result and returns it. Holds a lock on the entry
    // throughout, so concurrent callers wait and then reuse the one fetch.
    Credentials get(const std::string& key, Clock::time_point now, const CredentialSource& fetch);

    // The entry's file (exposed for tests).
    std::filesystem::path entry_path(const std::string& key) const { return dir_ / (key + ".json"); }

private:
    std::optional<Credentials> read(const std::string& key, Clock::time_point now) const;
    std::filesystem::path dir_;
};

}  // namespace pkitool::exchange
