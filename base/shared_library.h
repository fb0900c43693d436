// A system library loaded when it is first needed instead of linked (issue #11, #14): libcurl,
// the TSS2 libraries and libpq link OpenSSL, which the pkitool binary must not map at start
// (startup_test), and each is needed by a few commands only.
#pragma once

#include <string>

namespace pkitool {

class SharedLibrary {
public:
    // dlopen(soname); never closed: these libraries keep process-wide state. Error naming the
    // library and the Debian package that has it.
    SharedLibrary(const char* soname, const char* package);

    // The function `name`, typed as F (a decltype(&::function) of the library's own header).
    template <typename F>
    void resolve(const char* name, F& out) const {
        out = reinterpret_cast<F>(symbol(name));
    }

private:
    void* symbol(const char* name) const;  // Error when missing
    void* handle_;
    std::string soname_, package_;
};

}  // namespace pkitool
