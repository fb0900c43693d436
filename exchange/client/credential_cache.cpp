// On-disk credential cache with a per-entry lock.
#include "exchange/client/credential_cache.h"

#include "base/file_lock.h"
#include "base/error.h"
#include "base/files.h"

#include <botan/hash.h>
#include <botan/hex.h>

#include <cstdlib>

namespace pkitool::exchange {

std::string cache_key(const Botan::X509_Certificate& leaf, const SessionTarget& target) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    // Length-prefixed fields, so no two different tuples hash the same bytes.
    const auto field = [&](const std::string& s) {
        h->update(std::to_string(s.size()) + ":");
        h->update(s);
    };
    field(leaf.fingerprint("SHA-256"));
    field(target.trust_anchor_arn);
    field(target.profile_arn);
    field(target.role_arn);
    field(target.effective_endpoint());
    field(target.effective_region());
    field(std::to_string(target.duration_seconds));
    field(target.role_session_name);
    return Botan::hex_encode(h->final(), false);
}

std::filesystem::path default_cache_dir() {
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg == '/') return std::filesystem::path(xdg) / "pkitool";
    const char* home = std::getenv("HOME");
    if (!home || !*home)
        throw Error("credential cache: HOME is not set").with_step({NextStep::Kind::SkipCache, "set XDG_CACHE_HOME, or run without the cache"});
    return std::filesystem::path(home) / ".cache" / "pkitool";
}

std::optional<Credentials> CredentialCache::read(const std::string& key, Clock::time_point now) const {
    std::error_code ec;
    const auto path = entry_path(key);
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    try {
        auto c = parse_credential_process_json(files::read_text(path), path.string());
        if (still_fresh(c, now)) return c;
    } catch (const Error&) {
        // A damaged entry is simply a miss; it is overwritten below.
    }
    return std::nullopt;
}

Credentials CredentialCache::get(const std::string& key, Clock::time_point now, const CredentialSource& fetch) {
    std::error_code ec;
    std::filesystem::create_directories(dir_.parent_path(), ec);
    files::make_directory(dir_, files::Mode::Secret);
    files::FileLock lock(dir_ / (key + ".lock"));
    if (auto hit = read(key, now)) return *hit;
    auto fresh = fetch();
    files::write_atomic(entry_path(key), credential_process_json(fresh) + "\n", files::Mode::Secret, files::Overwrite::Yes);
    return fresh;
}

}  // namespace pkitool::exchange
