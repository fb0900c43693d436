#include "issue/pkcs11/module.h"

#include "base/error.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <map>
#include <mutex>

namespace pkitool::issue::pkcs11 {

std::shared_ptr<Module> Module::load(const std::string& path) {
    static std::mutex mutex;
    // Never destroyed: at exit a module's own statics may be gone before this map would be, and
    // SoftHSM2's C_Finalize then crashes (seen under the aws_signing_helper name, read-certificate-data).
    // So no module is C_Finalize()d: the objects a token stores are written as they are made, and
    // the OS reclaims the rest when the process ends.
    static auto& loaded = *new std::map<std::string, std::shared_ptr<Module>>;
    std::lock_guard lock(mutex);
    if (auto it = loaded.find(path); it != loaded.end()) return it->second;

    // RTLD_NODELETE: the module's code stays mapped after exit-time clean-up, so a sanitizer's
    // report of anything it left can still name its functions.
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
    if (!handle) throw Error(fmt::format("{}: cannot load PKCS#11 module: {}", path, dlerror()));
    auto get_list = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
    CK_FUNCTION_LIST* api = nullptr;
    if (!get_list || get_list(&api) != CKR_OK || !api) {
        dlclose(handle);
        throw Error(fmt::format("{}: not a PKCS#11 module (no C_GetFunctionList)", path));
    }
    // OS locking: pkitool signs from several threads in a batch (§5.4, CKF_OS_LOCKING_OK).
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    const CK_RV rv = api->C_Initialize(&args);
    if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
        dlclose(handle);
        throw Error(fmt::format("{}: the PKCS#11 module failed to initialise ({})", path, rv_name(rv)));
    }
    std::shared_ptr<Module> module(new Module(path, handle, api, rv == CKR_OK));
    loaded.emplace(path, module);
    return module;
}

Module::~Module() {
    if (finalize_) api_->C_Finalize(nullptr);
    dlclose(handle_);
}

std::string rv_name(CK_RV rv) {
    switch (rv) {
#define PKITOOL_RV(name) \
    case name:           \
        return #name;
        PKITOOL_RV(CKR_OK)
        PKITOOL_RV(CKR_CANCEL)
        PKITOOL_RV(CKR_HOST_MEMORY)
        PKITOOL_RV(CKR_SLOT_ID_INVALID)
        PKITOOL_RV(CKR_GENERAL_ERROR)
        PKITOOL_RV(CKR_FUNCTION_FAILED)
        PKITOOL_RV(CKR_ARGUMENTS_BAD)
        PKITOOL_RV(CKR_ATTRIBUTE_READ_ONLY)
        PKITOOL_RV(CKR_ATTRIBUTE_SENSITIVE)
        PKITOOL_RV(CKR_ATTRIBUTE_TYPE_INVALID)
        PKITOOL_RV(CKR_ATTRIBUTE_VALUE_INVALID)
        PKITOOL_RV(CKR_DATA_INVALID)
        PKITOOL_RV(CKR_DATA_LEN_RANGE)
        PKITOOL_RV(CKR_DEVICE_ERROR)
        PKITOOL_RV(CKR_DEVICE_MEMORY)
        PKITOOL_RV(CKR_DEVICE_REMOVED)
        PKITOOL_RV(CKR_FUNCTION_CANCELED)
        PKITOOL_RV(CKR_FUNCTION_NOT_SUPPORTED)
        PKITOOL_RV(CKR_KEY_HANDLE_INVALID)
        PKITOOL_RV(CKR_KEY_SIZE_RANGE)
        PKITOOL_RV(CKR_KEY_TYPE_INCONSISTENT)
        PKITOOL_RV(CKR_KEY_FUNCTION_NOT_PERMITTED)
        PKITOOL_RV(CKR_MECHANISM_INVALID)
        PKITOOL_RV(CKR_MECHANISM_PARAM_INVALID)
        PKITOOL_RV(CKR_OBJECT_HANDLE_INVALID)
        PKITOOL_RV(CKR_OPERATION_ACTIVE)
        PKITOOL_RV(CKR_OPERATION_NOT_INITIALIZED)
        PKITOOL_RV(CKR_PIN_INCORRECT)
        PKITOOL_RV(CKR_PIN_INVALID)
        PKITOOL_RV(CKR_PIN_LEN_RANGE)
        PKITOOL_RV(CKR_PIN_EXPIRED)
        PKITOOL_RV(CKR_PIN_LOCKED)
        PKITOOL_RV(CKR_SESSION_CLOSED)
        PKITOOL_RV(CKR_SESSION_COUNT)
        PKITOOL_RV(CKR_SESSION_HANDLE_INVALID)
        PKITOOL_RV(CKR_SESSION_READ_ONLY)
        PKITOOL_RV(CKR_TEMPLATE_INCOMPLETE)
        PKITOOL_RV(CKR_TEMPLATE_INCONSISTENT)
        PKITOOL_RV(CKR_TOKEN_NOT_PRESENT)
        PKITOOL_RV(CKR_TOKEN_NOT_RECOGNIZED)
        PKITOOL_RV(CKR_TOKEN_WRITE_PROTECTED)
        PKITOOL_RV(CKR_USER_ALREADY_LOGGED_IN)
        PKITOOL_RV(CKR_USER_NOT_LOGGED_IN)
        PKITOOL_RV(CKR_USER_PIN_NOT_INITIALIZED)
        PKITOOL_RV(CKR_USER_TYPE_INVALID)
        PKITOOL_RV(CKR_DOMAIN_PARAMS_INVALID)
        PKITOOL_RV(CKR_CURVE_NOT_SUPPORTED)
        PKITOOL_RV(CKR_BUFFER_TOO_SMALL)
        PKITOOL_RV(CKR_CRYPTOKI_NOT_INITIALIZED)
        PKITOOL_RV(CKR_CRYPTOKI_ALREADY_INITIALIZED)
#undef PKITOOL_RV
        default:
            return fmt::format("CKR 0x{:08X}", static_cast<unsigned long>(rv));
    }
}

}  // namespace pkitool::issue::pkcs11
