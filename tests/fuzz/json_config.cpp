// Fuzz target: the JSON pkitool reads: credential_process output (the cache), CreateSession
// answers (the client), and emulate.json (through a file, as `emulate --config` reads it).
#include "exchange/client/credentials.h"
#include "exchange/emulator/config.h"
#include "tests/fuzz/fuzz_input.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto text = fuzz::text(data, size);
    try {
        (void)exchange::parse_credential_process_json(text, "cache");
    } catch (const std::exception&) {
    }
    try {
        (void)exchange::parse_create_session(text);
    } catch (const std::exception&) {
    }
    const fuzz::MemoryFile file(data, size);
    try {
        (void)exchange::load_emulator_config(file.path());
    } catch (const std::exception&) {
    }
    return 0;
}
