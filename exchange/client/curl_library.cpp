#include "exchange/client/curl_library.h"

#include "base/error.h"

#include <dlfcn.h>

#include <string>

namespace pkitool::exchange {

namespace {

constexpr const char* kSoname = "libcurl.so.4";

template <typename F>
void resolve(void* lib, const char* name, F& out) {
    out = reinterpret_cast<F>(::dlsym(lib, name));
    if (!out) throw Error(std::string(kSoname) + ": has no " + name, "reinstall libcurl: apt-get install libcurl4");
}

CurlLibrary load() {
    // Never closed: libcurl keeps global state for the life of the process.
    void* lib = ::dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(std::string("cannot load ") + kSoname + ": " + (why ? why : "unknown error"),
                    "the HTTP client comes from libcurl: apt-get install libcurl4");
    }
    CurlLibrary c{};
    resolve(lib, "curl_easy_init", c.easy_init);
    resolve(lib, "curl_easy_setopt", c.easy_setopt);
    resolve(lib, "curl_easy_perform", c.easy_perform);
    resolve(lib, "curl_easy_getinfo", c.easy_getinfo);
    resolve(lib, "curl_easy_cleanup", c.easy_cleanup);
    resolve(lib, "curl_easy_strerror", c.easy_strerror);
    resolve(lib, "curl_slist_append", c.slist_append);
    resolve(lib, "curl_slist_free_all", c.slist_free_all);
    decltype(&::curl_global_init) global_init = nullptr;
    resolve(lib, "curl_global_init", global_init);
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error(std::string(kSoname) + ": initialisation failed");
    return c;
}

}  // namespace

const CurlLibrary& CurlLibrary::get() {
    // A failed load throws out of the initialiser, so the next call tries again.
    static const CurlLibrary library = load();
    return library;
}

}  // namespace pkitool::exchange
