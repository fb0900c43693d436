// Decoding query strings and application/x-www-form-urlencoded bodies into name/value pairs.
#pragma once

#include "exchange/sigv4.h"

#include <string>

namespace pkitool::exchange {

enum class PlusMeans { Plus, Space };

// "a=1&b=x%2Fy" -> {{"a","1"},{"b","x/y"}}. Invalid %-escapes are kept literally, as AWS does not
// reject them either. Forms encode spaces as '+'; SigV4 query strings use %20 and keep '+' as is.
Params parse_url_query(const std::string& text, PlusMeans plus);

}  // namespace pkitool::exchange
