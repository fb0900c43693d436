// Atomic, permission-aware file output (temp file + rename) and uniform read errors.
#include "base/files.h"

#include "base/error.h"

#include <cerrno>
#include <cstdio>  // renameat2, RENAME_NOREPLACE (glibc 2.28+)
#include <cstring>
#include <fcntl.h>
#include <algorithm>
#include <sys/random.h>
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

// The file is kept; replacing it is the caller's choice (Overwrite::Yes), so the step is theirs to word.
Error already_exists(const fs::path& path) {
    return Error(path.string() + ": already exists")
        .with_step({NextStep::Kind::Overwrite, "choose another path, or allow replacing it"});
}

}  // namespace

bool is_stdin(const fs::path& path) { return path.native() == "-"; }

std::string name_of(const fs::path& path) { return is_stdin(path) ? "standard input" : path.string(); }

Error too_large(const fs::path& path, size_t max_bytes) {
    return Error(name_of(path) + ": larger than " + std::to_string(max_bytes >> 20) + " MiB, the most pkitool reads from one input file",
                 "is this the right file?");
}

void read_into(const fs::path& path, std::vector<uint8_t>& data, size_t max_bytes) {
    const bool in = is_stdin(path);
    const int fd = in ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(name_of(path) + ": cannot read: " + describe_errno(errno));
    const auto fail = [&](const std::string& what) {
        if (!in) ::close(fd);
        return Error(name_of(path) + what);
    };
    struct stat st {};
    if (::fstat(fd, &st) != 0) throw fail(": cannot read: " + describe_errno(errno));
    if (S_ISDIR(st.st_mode)) throw fail(": is a directory, expected a file");
    if (S_ISREG(st.st_mode) && static_cast<uint64_t>(st.st_size) > max_bytes) {
        if (!in) ::close(fd);
        throw too_large(path, max_bytes);
    }
    // Pipes and devices have no size to ask: read at most one byte past the cap.
    data.resize(S_ISREG(st.st_mode) ? static_cast<size_t>(st.st_size) : 0);
    size_t got = 0;
    for (;;) {
        if (got == data.size()) {
            if (data.size() > max_bytes) break;
            data.resize(std::min(max_bytes + 1, std::max<size_t>(data.size() * 2, 64 << 10)));
        }
        const ssize_t n = ::read(fd, data.data() + got, data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw fail(": cannot read: " + describe_errno(errno));
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    if (!in) ::close(fd);
    if (got > max_bytes) throw too_large(path, max_bytes);
    data.resize(got);
}

std::vector<uint8_t> read(const fs::path& path, size_t max_bytes) {
    std::vector<uint8_t> data;
    read_into(path, data, max_bytes);
    return data;
}

std::string read_text(const fs::path& path, size_t max_bytes) {
    auto bytes = read(path, max_bytes);
    return std::string(bytes.begin(), bytes.end());
}

void ensure_writable(const fs::path& path, Overwrite overwrite) {
    std::error_code ec;
    if (overwrite == Overwrite::No && fs::exists(path, ec))
        throw already_exists(path);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    if (!fs::is_directory(dir, ec))
        throw Error(path.string() + ": directory " + dir.string() + " does not exist");
}

namespace {

// A file with no name yet: O_TMPFILE (Linux 3.11, most local filesystems). A process killed
// before publishing leaves nothing behind, where a named temporary file stayed as an empty
// `.NAME.tmpXXXXXX` beside the outputs (issue #8, defect 11). -1 where unsupported.
int open_unnamed(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL || errno == ENOENT) return -1;
    throw Error(dir.string() + ": cannot create a file: " + describe_errno(errno));
}

// Gives the unnamed file `fd` the name `target`; EEXIST when it exists. 0 or an errno.
int link_unnamed(int fd, const fs::path& target) {
    const std::string self = "/proc/self/fd/" + std::to_string(fd);
    if (::linkat(AT_FDCWD, self.c_str(), AT_FDCWD, target.c_str(), AT_SYMLINK_FOLLOW) == 0) return 0;
    return errno;
}

std::string temp_template(const fs::path& dir, const fs::path& path) {
    // Appended piecewise: GCC 12's -Wrestrict misfires on `"." + std::string&&` at -O3.
    std::string name = ".";
    name += path.filename().string();
    name += ".tmpXXXXXX";
    return (dir / name).string();
}

void write_and_close(int& fd, std::string_view data, Mode mode, const fs::path& path) {
    write_all(fd, data, path);
    if (mode == Mode::Public && ::fchmod(fd, 0644) != 0) throw Error(path.string() + ": cannot set permissions: " + describe_errno(errno));
}

}  // namespace

void write_atomic(const fs::path& path, std::string_view data, Mode mode, Overwrite overwrite) {
    ensure_writable(path, overwrite);
    const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
    // Naming an unnamed file goes through /proc/self/fd: without /proc (some chroots), use a
    // named temporary file instead.
    static const bool have_proc = ::access("/proc/self/fd", X_OK) == 0;
    int fd = have_proc ? open_unnamed(dir) : -1;
    const bool unnamed = fd >= 0;
    std::string tmpl;
    if (!unnamed) {
        tmpl = temp_template(dir, path);
        // mkstemp creates the file 0600, so a secret is never readable by others, not even briefly.
        fd = ::mkstemp(tmpl.data());
        if (fd < 0) throw Error(path.string() + ": cannot create: " + describe_errno(errno));
    }
    try {
        write_and_close(fd, data, mode, path);
        if (unnamed && overwrite == Overwrite::No) {
            // linkat never replaces: a file that appeared since ensure_writable is kept.
            const int err = link_unnamed(fd, path);
            if (err == EEXIST) throw already_exists(path);
            if (err != 0) throw Error(path.string() + ": cannot create: " + describe_errno(err));
        } else if (unnamed) {
            // Replacing needs a name to rename from; it exists only between these two calls.
            const std::string base = temp_template(dir, path);
            for (int attempt = 0;; ++attempt) {
                // linkat refuses an existing name, so a guessable suffix cannot be raced into.
                unsigned char bytes[6];
                if (::getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
                    throw Error(path.string() + ": cannot create a temporary name: " + describe_errno(errno));
                std::string name = base.substr(0, base.size() - 6);
                for (const unsigned char b : bytes) name += "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"[b & 63];
                const int err = link_unnamed(fd, name);
                if (err == 0) {
                    tmpl = std::move(name);
                    break;
                }
                if (err != EEXIST || attempt == 10) throw Error(path.string() + ": cannot create: " + describe_errno(err));
            }
            if (::rename(tmpl.c_str(), path.c_str()) != 0) throw Error(path.string() + ": cannot replace: " + describe_errno(errno));
        } else if (overwrite == Overwrite::No) {
            // Never clobber a file that appeared since ensure_writable. renameat2(RENAME_NOREPLACE)
            // does it in one directory operation; filesystems without it (EINVAL; ENOSYS before
            // Linux 3.15) fall back to link(), which fails just the same on an existing target.
            int err = ::renameat2(AT_FDCWD, tmpl.c_str(), AT_FDCWD, path.c_str(), RENAME_NOREPLACE) == 0 ? 0 : errno;
            if (err == EINVAL || err == ENOSYS) {
                err = ::link(tmpl.c_str(), path.c_str()) == 0 ? 0 : errno;
                if (err == 0) ::unlink(tmpl.c_str());
            }
            if (err == EEXIST) throw already_exists(path);
            if (err != 0) throw Error(path.string() + ": cannot create: " + describe_errno(err));
        } else if (::rename(tmpl.c_str(), path.c_str()) != 0) {
            throw Error(path.string() + ": cannot replace: " + describe_errno(errno));
        }
        const int closing = fd;
        fd = -1;
        if (::close(closing) != 0) throw Error(path.string() + ": cannot write: " + describe_errno(errno));
    } catch (...) {
        if (fd >= 0) ::close(fd);
        if (!tmpl.empty()) ::unlink(tmpl.c_str());
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
