// A PKCS#11 module (the library that speaks for a token), opened with dlopen and initialised once
// per process: PKCS#11 v2.40 base spec §5.4 allows one C_Initialize per application.
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <string>

namespace pkitool::issue::pkcs11 {

class Module {
public:
    // p11-kit's proxy, which stands for every module registered with p11-kit (Debian's softhsm2,
    // opensc and tpm2-pkcs11 packages register theirs); aws_signing_helper's default too.
    static constexpr const char* kDefaultPath = "p11-kit-proxy.so";

    // The module at `path` (a file, or a name dlopen finds), loaded and initialised on first use
    // and finalised when the last holder lets go. Error "PATH: cannot load PKCS#11 module: reason".
    static std::shared_ptr<Module> load(const std::string& path);

    CK_FUNCTION_LIST* api() const { return api_; }
    const std::string& path() const { return path_; }

    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    ~Module();

private:
    Module(std::string path, void* handle, CK_FUNCTION_LIST* api, bool finalize)
        : path_(std::move(path)), handle_(handle), api_(api), finalize_(finalize) {}
    std::string path_;
    void* handle_;
    CK_FUNCTION_LIST* api_;
    bool finalize_;  // false when the process had initialised it already
};

// The spec's name of a return value ("CKR_PIN_INCORRECT"), or its hex value when unknown.
std::string rv_name(CK_RV rv);

}  // namespace pkitool::issue::pkcs11
