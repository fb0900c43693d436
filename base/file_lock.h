// An exclusive advisory lock (flock) on a lock file: serialises pkitool processes that update the
// same cache entry or credentials file, so two at once never interleave their read-modify-write.
#pragma once

#include <filesystem>

namespace pkitool::files {

class FileLock {
public:
    enum class Kind { Exclusive, Shared };
    // Creates `path` (0600) if needed and blocks until the lock is held. Error naming the file.
    explicit FileLock(const std::filesystem::path& path, Kind kind = Kind::Exclusive);
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace pkitool::files
