#include "exchange/client/curl_library.h"

#include "base/error.h"
#include "base/shared_library.h"

namespace pkitool::exchange {

namespace {

CurlLibrary load() {
    // libcurl keeps global state for the life of the process: never closed.
    const SharedLibrary lib("libcurl.so.4", "libcurl4");
    CurlLibrary c{};
    lib.resolve("curl_easy_init", c.easy_init);
    lib.resolve("curl_easy_setopt", c.easy_setopt);
    lib.resolve("curl_easy_perform", c.easy_perform);
    lib.resolve("curl_easy_getinfo", c.easy_getinfo);
    lib.resolve("curl_easy_cleanup", c.easy_cleanup);
    lib.resolve("curl_easy_strerror", c.easy_strerror);
    lib.resolve("curl_slist_append", c.slist_append);
    lib.resolve("curl_slist_free_all", c.slist_free_all);
    decltype(&::curl_global_init) global_init = nullptr;
    lib.resolve("curl_global_init", global_init);
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw Error("libcurl.so.4: initialisation failed");
    return c;
}

}  // namespace

const CurlLibrary& CurlLibrary::get() {
    // A failed load throws out of the initialiser, so the next call tries again.
    static const CurlLibrary library = load();
    return library;
}

}  // namespace pkitool::exchange
