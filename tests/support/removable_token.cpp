// A PKCS#11 module for tests that stands for SoftHSM2 and then "loses" its token: after
// PKITOOL_TEST_SIGNATURES_LEFT signatures every C_Sign answers CKR_DEVICE_REMOVED, as a token
// pulled out mid-batch does (PKCS#11 v2.40 §5.1). Everything else is SoftHSM2's own function.
#include <p11-kit/pkcs11.h>

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>

namespace {

CK_FUNCTION_LIST real_functions;
CK_FUNCTION_LIST shim;
std::atomic<long> left{-1};

std::atomic<bool> gone{false};

CK_RV sign(CK_SESSION_HANDLE s, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
    // A length query (no buffer) does not count as a signature.
    if (sig && left.load() >= 0 && left.fetch_sub(1) <= 0) gone = true;
    if (gone) return CKR_DEVICE_REMOVED;
    return real_functions.C_Sign(s, data, len, sig, sig_len);
}

// Once gone, gone for every call that would reach it (only signing is counted).
CK_RV sign_init(CK_SESSION_HANDLE s, CK_MECHANISM_PTR mechanism, CK_OBJECT_HANDLE key) {
    if (gone) return CKR_DEVICE_REMOVED;
    return real_functions.C_SignInit(s, mechanism, key);
}

}  // namespace

extern "C" CK_RV C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
    if (!shim.C_Sign) {
        void* real = dlopen("/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_LOCAL);
        if (!real) return CKR_GENERAL_ERROR;
        auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(real, "C_GetFunctionList"));
        CK_FUNCTION_LIST_PTR functions = nullptr;
        if (!get || get(&functions) != CKR_OK) return CKR_GENERAL_ERROR;
        real_functions = *functions;
        shim = *functions;
        shim.C_Sign = sign;
        shim.C_SignInit = sign_init;
        if (const char* n = std::getenv("PKITOOL_TEST_SIGNATURES_LEFT")) left = std::atol(n);
    }
    *list = &shim;
    return CKR_OK;
}
