#include "issue/tpm2/tss_library.h"

#include "base/shared_library.h"

namespace pkitool::issue::tpm2 {

namespace {

TssLibrary load() {
    TssLibrary t{};
    // TPM keys need the TSS2 libraries (the ESAPI keeps its TCTI modules loaded for the process).
    const SharedLibrary esys("libtss2-esys.so.0", "libtss2-esys-3.0.2-0"), tctildr("libtss2-tctildr.so.0", "libtss2-tctildr0"),
        mu("libtss2-mu.so.0", "libtss2-mu0"), rc("libtss2-rc.so.0", "libtss2-rc0");
    tctildr.resolve("Tss2_TctiLdr_Initialize", t.TctiLdr_Initialize);
    tctildr.resolve("Tss2_TctiLdr_Finalize", t.TctiLdr_Finalize);
    esys.resolve("Esys_Initialize", t.Initialize);
    esys.resolve("Esys_Finalize", t.Finalize);
    esys.resolve("Esys_Free", t.Free);
    esys.resolve("Esys_TR_FromTPMPublic", t.TR_FromTPMPublic);
    esys.resolve("Esys_TR_SetAuth", t.TR_SetAuth);
    esys.resolve("Esys_TR_Close", t.TR_Close);
    esys.resolve("Esys_ReadPublic", t.ReadPublic);
    esys.resolve("Esys_CreatePrimary", t.CreatePrimary);
    esys.resolve("Esys_Load", t.Load);
    esys.resolve("Esys_Sign", t.Sign);
    esys.resolve("Esys_FlushContext", t.FlushContext);
    mu.resolve("Tss2_MU_TPM2B_PUBLIC_Unmarshal", t.PUBLIC_Unmarshal);
    mu.resolve("Tss2_MU_TPM2B_PRIVATE_Unmarshal", t.PRIVATE_Unmarshal);
    rc.resolve("Tss2_RC_Decode", t.RC_Decode);
    return t;
}

}  // namespace

const TssLibrary& TssLibrary::get() {
    // A failed load throws out of the initialiser, so the next call tries again.
    static const TssLibrary library = load();
    return library;
}

}  // namespace pkitool::issue::tpm2
