// What STS and IAM answers put inside elements stays well-formed XML, whatever a caller stored.
#include "exchange/emulator/xml_text.h"

#include <catch2/catch.hpp>

using pkitool::exchange::xml_text;

TEST_CASE("xml text: markup is escaped and forbidden controls are replaced", "[emulate]") {
    CHECK(xml_text(R"(a&b<c>"d'e)") == "a&amp;b&lt;c&gt;&quot;d&apos;e");
    CHECK(xml_text("tab\tnl\ncr\r") == "tab\tnl\ncr\r");
    CHECK(xml_text(std::string("nul\0x\x01\x1f", 7)) == "nul\xEF\xBF\xBDx\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(xml_text("caf\xC3\xA9") == "caf\xC3\xA9");  // UTF-8 passes through
}
