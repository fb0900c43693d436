// Shared by the fuzz targets (issue #8): inputs as text, as a file (memfd: the code under test
// reads paths), and as an HTTP request for the emulator's handlers.
#pragma once

#include "exchange/sigv4.h"
#include "exchange/url_query.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace pkitool::fuzz {

inline std::string text(const uint8_t* data, size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

// The input as a file that code reading paths can open; closed (and gone) with the object.
class MemoryFile {
public:
    MemoryFile(const uint8_t* data, size_t size) : fd_(::memfd_create("fuzz-input", MFD_CLOEXEC)) {
        size_t done = 0;
        while (fd_ >= 0 && done < size) {
            const ssize_t n = ::write(fd_, data + done, size - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
    }
    ~MemoryFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    MemoryFile(const MemoryFile&) = delete;
    MemoryFile& operator=(const MemoryFile&) = delete;
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// "METHOD PATH[?QUERY]\nName: value\n...\n\nBODY" as the servers hand requests to the verifiers.
inline exchange::HttpRequest request(const std::string& in) {
    exchange::HttpRequest req;
    size_t line_end = in.find('\n');
    const std::string first = in.substr(0, line_end);
    const auto space = first.find(' ');
    req.method = first.substr(0, space);
    std::string target = space == std::string::npos ? "/" : first.substr(space + 1);
    if (const auto q = target.find('?'); q != std::string::npos) {
        req.query = exchange::parse_url_query(target.substr(q + 1), exchange::PlusMeans::Plus);
        target = target.substr(0, q);
    }
    req.path = target;
    size_t at = line_end == std::string::npos ? in.size() : line_end + 1;
    while (at < in.size()) {
        line_end = in.find('\n', at);
        const std::string line = in.substr(at, line_end == std::string::npos ? std::string::npos : line_end - at);
        at = line_end == std::string::npos ? in.size() : line_end + 1;
        if (line.empty()) break;
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const auto value_start = line.find_first_not_of(' ', colon + 1);
        req.headers.emplace_back(line.substr(0, colon), value_start == std::string::npos ? "" : line.substr(value_start));
    }
    req.body = at < in.size() ? in.substr(at) : "";
    return req;
}

}  // namespace pkitool::fuzz
