// flock-based lock file.
#include "base/file_lock.h"

#include "base/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace pkitool::files {

FileLock::FileLock(const std::filesystem::path& path, Kind kind) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0) throw Error(path.string() + ": cannot open lock file: " + std::strerror(errno));
    while (::flock(fd_, kind == Kind::Shared ? LOCK_SH : LOCK_EX) != 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::close(fd_);
        throw Error(path.string() + ": cannot lock: " + std::strerror(err));
    }
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace pkitool::files
