// Fuzz target: the AWS config/credentials INI reader and writer (`exchange configure`, `update`).
// The input is the file; its first line names the section and key written. Property: what was
// set reads back.
#include "exchange/client/ini_document.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const auto nl = text.find('\n');
    const std::string first = text.substr(0, nl);
    const std::string file = nl == std::string::npos ? "" : text.substr(nl + 1);
    const auto space = first.find(' ');
    const std::string section = first.substr(0, space);
    const std::string key = space == std::string::npos ? "credential_process" : first.substr(space + 1);
    try {
        (void)exchange::get_ini_value(file, section, key);
        const auto updated = exchange::set_ini_values(file, section, {{key, "pkitool exchange credential-process"}});
        // The property holds for the names pkitool writes: sections and keys of plain characters.
        const auto plain = [](const std::string& s) {
            return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_' || c == '-' || c == '.'; });
        };
        const auto words = [&](const std::string& s) {
            size_t sp = s.find(' ');
            return plain(s.substr(0, sp)) && (sp == std::string::npos || plain(s.substr(sp + 1)));
        };
        if (words(section) && plain(key) && exchange::get_ini_value(updated, section, key) != "pkitool exchange credential-process") std::abort();
    } catch (const std::exception&) {
    }
    return 0;
}
