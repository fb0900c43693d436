// Fuzz target: the emulator's request handlers without a socket: CreateSession (SigV4-X509, the
// path engine, the trust policy) and STS GetCallerIdentity, on one request each input. The input
// is "METHOD PATH?QUERY\nName: value\n...\n\nBODY" (fuzz_input.h); the trust anchor is a CA made
// at start-up in a temporary directory.
#include "ca/authority.h"
#include "exchange/emulator/config.h"
#include "exchange/emulator/session_verifier.h"
#include "exchange/emulator/sts_verifier.h"
#include "tests/fuzz/fuzz_input.h"

#include <cstdlib>
#include <filesystem>

using namespace pkitool;

namespace {

struct Emulator {
    explicit Emulator(exchange::EmulatorConfig c) : config(std::move(c)) {}
    exchange::EmulatorConfig config;
    exchange::CredentialStore store;
    exchange::SessionVerifier sessions{config, store};
    exchange::HmacVerifier hmac{store};
    exchange::StsVerifier sts{hmac};
};

Emulator& emulator() {
    static Emulator* e = [] {
        std::string dir = (std::filesystem::temp_directory_path() / "pkitool-fuzz-XXXXXX").string();
        if (!::mkdtemp(dir.data())) std::abort();
        const ca::RootRequest root{std::filesystem::path(dir) / "ca", issue::Subject::parse("CN=Fuzz Root"), issue::KeyType::default_type(), 3650,
                                   std::nullopt, std::nullopt};
        ca::Authority::init_root(root);
        auto* made = new Emulator(exchange::quick_emulator_config(root.dir / "ca.crt", {}));
        std::filesystem::remove_all(dir);
        return made;
    }();
    return *e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& e = emulator();
    const auto req = fuzz::request(fuzz::text(data, size));
    const auto now = std::chrono::system_clock::now();
    (void)e.sessions.create_session(req, now);
    try {
        (void)e.sts.get_caller_identity(req, now);
    } catch (const std::exception&) {
    }
    return 0;
}
