// Atomic, permission-aware file output (temp file + rename) and uniform read errors.
#include "pkitool/files.h"

#include "pkitool/error.h"

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE (glibc 2.28+)
#include <cstring>
#include <fcntl.h>
#include <algorithm>
#include <sys/stat.h>
#include <unistd.h>

namespace pkitool::files {

namespace {

std::string describe_errno(int err) { return std::strerror(err); }

void write_all(int fd, std::string_view data, const fs::path& path) {
    const char* p = data.data();
    size_t left = data.size();
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw Error(path.string() + ": cannot write: " + describe_errno(errno));
        }
        p += n;
        left -= static_cast<size_t>(n);
    }
}

}  // namespace

std::vector<uint8_t> read(const fs::path& path, size_t max_bytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path.string() + ": cannot read: " + describe_errno(errno));
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        const int err = errno;
        ::close(fd);
        throw Error(path.string() + ": cannot read: " + describe_errno(err));
    }
    const auto too_large = [&] {
        return Error(path.string() + ": larger than " + std::to_string(max_bytes >> 20) + " MiB, the most pkitool reads from one input file",
                     "is this the right file?");
    };
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw Error(path.string() + ": is a directory, expected a file");
    }
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        throw too_large();
    }
    // Pipes and devices have no size to ask: read at most one byte past the cap.
    std::vector<uint8_t> data(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0);
    size_t got = 0;
    for (;;) {
        if (got == data.size()) {
            if (data.size() > max_bytes) break;
            data.resize(std::min(max_bytes + 1, std::max<size_t>(data.size() * 2, 64 << 10)));
        }
        const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            const int err = errno;
            ::close(fd);
            throw Error(path.string() + ": cannot read: " + describe_errno(err));
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (got > max_bytes) throw too_large();
    data.resize(got);
    return data;
}

std::string read_text(const fs::path& path, size_t max_bytes) {
    auto bytes = read(path, max_bytes);
    return std::string(bytes.begin(), bytes.end());
}

void ensure_writable(const fs::path& path, Overwrite overwrite) {
    std::error_code ec;
    if (overwrite == Overwrite::No && fs::exists(path, ec))
        throw Error(path.string() + ": already exists", "choose another path, or pass --force to replace it");
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec))
        throw Error(path.string() + ": directory " + dir.string() + " does not exist");
}

void write_atomic(const fs::path& path, std::string_view data, Mode mode, Overwrite overwrite) {
    ensure_writable(path, overwrite);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    // Appended piecewise: GCC 12's -Wrestrict misfires on `"." + std::string&&` at -O3.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmpXXXXXX";
    std::string tmpl = (dir / name).string();
    // mkstemp creates the file 0600, so a secret is never readable by others, not even briefly.
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw Error(path.string() + ": cannot create: " + describe_errno(errno));
    try {
        write_all(fd, data, path);
        if (mode == Mode::Public && ::fchmod(fd, 0644) != 0)
            throw Error(path.string() + ": cannot set permissions: " + describe_errno(errno));
        if (::close(fd) != 0) {
            fd = -1;
            throw Error(path.string() + ": cannot write: " + describe_errno(errno));
        }
        fd = -1;
        if (overwrite == Overwrite::No) {
            // Never clobber a file that appeared since ensure_writable. renameat2(RENAME_NOREPLACE)
            // does it in one directory operation; link()+unlink() took two, and a batch writes three
            // files per certificate. Filesystems without it (EINVAL; ENOSYS before Linux 3.15) fall
            // back to link(), which fails just the same on an existing target.
            int err = ::renameat2(AT_FDCWD, tmpl.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
            if (err == EINVAL || err == ENOSYS) {
                err = ::link(tmpl.c_str(), path.c_str()) == 0 ? 0 : errno;
                if (err == 0) ::unlink(tmpl.c_str());
            }
            if (err != 0)
                throw Error(path.string() + (err == EEXIST ? ": already exists" : ": cannot create: " + describe_errno(err)),
                            err == EEXIST ? "choose another path, or pass --force to replace it" : "");
        } else if (::rename(tmpl.c_str(), path.c_str()) != 0) {
            throw Error(path.string() + ": cannot replace: " + describe_errno(errno));
        }
    } catch (...) {
        if (fd >= 0) ::close(fd);
        ::unlink(tmpl.c_str());
        throw;
    }
}

void make_directory(const fs::path& path, Mode mode) {
    const mode_t bits = mode == Mode::Secret ? 0700 : 0755;
    if (::mkdir(path.c_str(), bits) != 0) {
        if (errno == EEXIST && fs::is_directory(path)) {
            if (::chmod(path.c_str(), bits) != 0)
                throw Error(path.string() + ": cannot set permissions: " + describe_errno(errno));
            return;
        }
        throw Error(path.string() + ": cannot create directory: " + describe_errno(errno));
    }
    // mkdir applies the umask; the promise is exactly 0700 for private directories.
    if (::chmod(path.c_str(), bits) != 0)
        throw Error(path.string() + ": cannot set permissions: " + describe_errno(errno));
}

}  // namespace pkitool::files
