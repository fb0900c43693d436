// The names of keyUsage bits (RFC 5280 §4.2.1.3) and of extendedKeyUsage purposes (§4.2.1.12):
// one table for `show`, profiles files and lint.
#pragma once

#include <botan/pkix_enums.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::issue {

struct KeyUsageName {
    Botan::Key_Constraints bit;
    const char* name;  // "digitalSignature"
};
// Every keyUsage bit, in the RFC's order.
std::span<const KeyUsageName> key_usages();
// The names of the bits set in `bits`, in the RFC's order.
std::vector<std::string> key_usage_names(Botan::Key_Constraints bits);
// The bit named `name`, or nullopt.
std::optional<Botan::Key_Constraints> key_usage_bit(std::string_view name);

// The extendedKeyUsage name for a dotted OID ("1.3.6.1.5.5.7.3.2" is "clientAuth"), as OpenSSL
// spells them; the OID itself for any other purpose.
std::string extended_key_usage_name(const std::string& oid);

}  // namespace pkitool::issue
