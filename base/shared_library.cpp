#include "base/shared_library.h"

#include "base/error.h"

#include <dlfcn.h>

namespace pkitool {

SharedLibrary::SharedLibrary(const char* soname, const char* package) : handle_(::dlopen(soname, RTLD_NOW | RTLD_LOCAL)), soname_(soname), package_(package) {
    if (!handle_) {
        const char* why = ::dlerror();
        throw Error("cannot load " + soname_ + ": " + (why ? why : "unknown error"), "it comes with Debian's " + package_ + ": apt-get install " + package_);
    }
}

void* SharedLibrary::symbol(const char* name) const {
    void* f = ::dlsym(handle_, name);
    if (!f) throw Error(soname_ + ": has no " + name, "reinstall Debian's " + package_);
    return f;
}

}  // namespace pkitool
