// Fuzz target: RFC 4514 subjects as --subject and fleet rows give them. Property: a subject that
// parses prints as a string that parses back to the same name.
#include "issue/subject.h"

#include <cstdlib>

using namespace pkitool;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::optional<issue::Subject> s;
    try {
        s = issue::Subject::parse(text);
    } catch (const std::exception&) {
        return 0;
    }
    (void)s->problem();
    const auto printed = s->to_string();
    const auto again = issue::Subject::parse(printed);  // must not throw: we printed it
    if (!(again.dn() == s->dn()) || again.to_string() != printed) std::abort();
    return 0;
}
