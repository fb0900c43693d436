// libcurl, loaded when the first request is sent rather than when pkitool starts: its ~30 shared
// libraries (TLS, Kerberos, LDAP, HTTP/2...) cost every process ~4.5 ms to map and initialise,
// and only the commands that call CreateSession need them.
#pragma once

#include <curl/curl.h>

namespace pkitool::exchange {

struct CurlLibrary {
    decltype(&::curl_easy_init) easy_init;
    decltype(&::curl_easy_setopt) easy_setopt;
    decltype(&::curl_easy_perform) easy_perform;
    decltype(&::curl_easy_getinfo) easy_getinfo;
    decltype(&::curl_easy_cleanup) easy_cleanup;
    decltype(&::curl_easy_strerror) easy_strerror;
    decltype(&::curl_slist_append) slist_append;
    decltype(&::curl_slist_free_all) slist_free_all;

    // Loads libcurl.so.4 and runs curl_global_init, once per process; thread-safe. Error (with the
    // package to install) when the library or one of its functions is missing.
    static const CurlLibrary& get();
};

}  // namespace pkitool::exchange
