// The certificate and key that serve and update sign with, picked up again from disk when renewed,
// and adopted only when the new pair can work (its key is the certificate's, the certificate valid now).
#pragma once

#include "exchange/client/credentials.h"
#include "exchange/client/session.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pkitool::exchange {

// What tells a changed file from an unchanged one without reading it: device, inode (a renewal
// written by rename is a new inode), size and modification time in nanoseconds.
struct FileStamp {
    std::uintmax_t device = 0, inode = 0, size = 0;
    std::int64_t mtime_ns = 0;
    bool exists = false;

    static FileStamp of(const std::filesystem::path& file);
    bool operator==(const FileStamp&) const = default;
};

class ReloadingIdentity {
public:
    // Loads the identity from the files (throws Error when it cannot, or when the key is not the
    // certificate's); `files` are the ones it reads (certificate, key, chain). A key or
    // certificate in a token is no file and not among them (issue #11): the loader keeps the
    // token key it opened once, so a reload neither stats a URI nor asks for the PIN again.
    using Loader = std::function<SessionIdentity()>;
    using Warn = std::function<void(const std::string&)>;

    ReloadingIdentity(std::vector<std::filesystem::path> files, Loader load, Warn warn);

    // The identity to sign with at `now`. The first call loads it (an Error is thrown, as it is a
    // setup mistake). Later calls look at the files' stamps only; when one changed, the files are
    // read again and the new pair is used if its key matches its certificate and the certificate
    // is valid at `now`; otherwise the previous pair is kept and `warn` is told once for that change.
    const SessionIdentity& current(Clock::time_point now);

private:
    std::vector<FileStamp> stamps() const;

    std::vector<std::filesystem::path> files_;
    Loader load_;
    Warn warn_;
    std::optional<SessionIdentity> identity_;
    std::vector<FileStamp> seen_;  // the stamps of the files last read, adopted or not
};

// Why `cert` cannot sign at `now` ("not valid until ...", "expired on ..."), or nothing.
std::optional<std::string> validity_problem(const Botan::X509_Certificate& cert, Clock::time_point now);

}  // namespace pkitool::exchange
