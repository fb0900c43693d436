// The TSS2 libraries (ESAPI, TCTI loader, marshalling, response codes), loaded when a TPM key is
// first used rather than linked: libtss2-esys links OpenSSL's libcrypto, which the pkitool binary
// must not map (startup_test), and only TPM keys need them.
#pragma once

#include <tss2/tss2_esys.h>
#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

namespace pkitool::issue::tpm2 {

struct TssLibrary {
    decltype(&::Tss2_TctiLdr_Initialize) TctiLdr_Initialize;
    decltype(&::Tss2_TctiLdr_Finalize) TctiLdr_Finalize;
    decltype(&::Esys_Initialize) Initialize;
    decltype(&::Esys_Finalize) Finalize;
    decltype(&::Esys_Free) Free;
    decltype(&::Esys_TR_FromTPMPublic) TR_FromTPMPublic;
    decltype(&::Esys_TR_SetAuth) TR_SetAuth;
    decltype(&::Esys_TR_Close) TR_Close;
    decltype(&::Esys_ReadPublic) ReadPublic;
    decltype(&::Esys_CreatePrimary) CreatePrimary;
    decltype(&::Esys_Load) Load;
    decltype(&::Esys_Sign) Sign;
    decltype(&::Esys_FlushContext) FlushContext;
    decltype(&::Tss2_MU_TPM2B_PUBLIC_Unmarshal) PUBLIC_Unmarshal;
    decltype(&::Tss2_MU_TPM2B_PRIVATE_Unmarshal) PRIVATE_Unmarshal;
    decltype(&::Tss2_RC_Decode) RC_Decode;

    // Loads them once per process; thread-safe. Error naming the Debian package when one is missing.
    static const TssLibrary& get();
};

}  // namespace pkitool::issue::tpm2
