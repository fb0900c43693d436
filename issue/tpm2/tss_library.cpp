#include "issue/tpm2/tss_library.h"

#include "base/error.h"

#include <dlfcn.h>

#include <string>

namespace pkitool::issue::tpm2 {

namespace {

void* open(const char* soname, const char* package) {
    // Never closed: the ESAPI keeps its TCTI modules loaded for the life of the process.
    void* lib = ::dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char* why = ::dlerror();
        throw Error(std::string("cannot load ") + soname + ": " + (why ? why : "unknown error"),
                    std::string("TPM keys need the TSS2 libraries: apt-get install ") + package);
    }
    return lib;
}

template <typename F>
void resolve(void* lib, const char* soname, const char* name, F& out) {
    out = reinterpret_cast<F>(::dlsym(lib, name));
    if (!out) throw Error(std::string(soname) + ": has no " + name);
}

TssLibrary load() {
    TssLibrary t{};
    void* esys = open("libtss2-esys.so.0", "libtss2-esys-3.0.2-0");
    void* tctildr = open("libtss2-tctildr.so.0", "libtss2-tctildr0");
    void* mu = open("libtss2-mu.so.0", "libtss2-mu0");
    void* rc = open("libtss2-rc.so.0", "libtss2-rc0");
    resolve(tctildr, "libtss2-tctildr.so.0", "Tss2_TctiLdr_Initialize", t.TctiLdr_Initialize);
    resolve(tctildr, "libtss2-tctildr.so.0", "Tss2_TctiLdr_Finalize", t.TctiLdr_Finalize);
    resolve(esys, "libtss2-esys.so.0", "Esys_Initialize", t.Initialize);
    resolve(esys, "libtss2-esys.so.0", "Esys_Finalize", t.Finalize);
    resolve(esys, "libtss2-esys.so.0", "Esys_Free", t.Free);
    resolve(esys, "libtss2-esys.so.0", "Esys_TR_FromTPMPublic", t.TR_FromTPMPublic);
    resolve(esys, "libtss2-esys.so.0", "Esys_TR_SetAuth", t.TR_SetAuth);
    resolve(esys, "libtss2-esys.so.0", "Esys_TR_Close", t.TR_Close);
    resolve(esys, "libtss2-esys.so.0", "Esys_ReadPublic", t.ReadPublic);
    resolve(esys, "libtss2-esys.so.0", "Esys_CreatePrimary", t.CreatePrimary);
    resolve(esys, "libtss2-esys.so.0", "Esys_Load", t.Load);
    resolve(esys, "libtss2-esys.so.0", "Esys_Sign", t.Sign);
    resolve(esys, "libtss2-esys.so.0", "Esys_FlushContext", t.FlushContext);
    resolve(mu, "libtss2-mu.so.0", "Tss2_MU_TPM2B_PUBLIC_Unmarshal", t.PUBLIC_Unmarshal);
    resolve(mu, "libtss2-mu.so.0", "Tss2_MU_TPM2B_PRIVATE_Unmarshal", t.PRIVATE_Unmarshal);
    resolve(rc, "libtss2-rc.so.0", "Tss2_RC_Decode", t.RC_Decode);
    return t;
}

}  // namespace

const TssLibrary& TssLibrary::get() {
    // A failed load throws out of the initialiser, so the next call tries again.
    static const TssLibrary library = load();
    return library;
}

}  // namespace pkitool::issue::tpm2
