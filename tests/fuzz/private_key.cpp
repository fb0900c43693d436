// Fuzz target: an unencrypted private key file (PKCS#8 PEM or DER, and what people pass instead).
// Encrypted keys are left out: their KDF parameters (scrypt N, PBKDF2 iterations) come from the
// file, so a hostile one costs any amount of CPU and memory by design of PKCS#8 (see README).
#include "issue/inspect.h"
#include "issue/key.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    if (text.find("ENCRYPTED") != std::string::npos) return 0;
    try {
        const auto key = issue::PrivateKey::parse(std::vector<uint8_t>(data, data + size), "fuzz.key", std::nullopt);
        (void)issue::describe(key, false).dump();
        (void)key.public_pem();
    } catch (const std::exception&) {
    }
    return 0;
}
