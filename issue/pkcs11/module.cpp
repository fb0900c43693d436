#include "issue/pkcs11/module.h"

#include "base/error.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <map>
#include <mutex>

namespace pkitool::issue::pkcs11 {

namespace {
std::recursive_mutex& registry_mutex() {
    static auto* m = new std::recursive_mutex;  // never destroyed; recursive: a Module can die in load()
    return *m;
}
}  // namespace

std::shared_ptr<Module> Module::load(const std::string& path) {
    // A module's own TSS (tpm2-pkcs11, which p11-kit's proxy loads wherever it is installed)
    // logs to standard error; pkitool says what failed, once.
    ::setenv("TSS2_LOG", "all+NONE", 0);
    auto& mutex = registry_mutex();
    // Weak: the module is finalised when its last session and key are gone, while the process
    // runs. Finalising from a static destructor at exit would run after the module's own statics
    // are destroyed (seen with SoftHSM2 under valgrind: reads of freed memory in C_Finalize).
    static std::map<std::string, std::weak_ptr<Module>> loaded;
    std::lock_guard lock(mutex);
    if (auto it = loaded.find(path); it != loaded.end())
        if (auto alive = it->second.lock()) return alive;

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
    // One library reached by two names (a path and a bare name) is one module: C_Initialize
    // answered "already initialised", so the first Module finalises it; share that one.
    for (auto& [other, weak] : loaded)
        if (auto alive = weak.lock(); alive && alive->api_ == api) return alive;
    std::shared_ptr<Module> module(new Module(path, handle, api, rv == CKR_OK));
    loaded[path] = module;
    return module;
}

Module::~Module() {
    std::lock_guard lock(registry_mutex());  // not while load() initialises it again
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
