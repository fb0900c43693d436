// Fuzz target: a fleet CSV as `issue --batch` reads it (RFC 4180 quoting, every cell's parser).
#include "ca/fleet.h"

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const profiles::Catalog catalog;
    try {
        (void)ca::parse_fleet(std::string(reinterpret_cast<const char*>(data), size), "fleet.csv", "rolesanywhere-client", catalog);
    } catch (const std::exception&) {
    }
    return 0;
}
