// Text inside an element of the XML that STS and IAM's query API answer with.
#pragma once

#include <string>

namespace pkitool::exchange {

// `s` escaped for element content or an attribute: & < > " ' as entities, and the C0 controls XML
// 1.0 forbids even as references (its "Char" production, section 2.2) as U+FFFD, so what a caller
// stored can never make the answer unparseable. Tab, LF and CR stay.
std::string xml_text(const std::string& s);

}  // namespace pkitool::exchange
