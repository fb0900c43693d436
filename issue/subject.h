// Distinguished names: parsed from and printed as RFC 4514 strings ("CN=vm-01,O=Example,C=US").
#pragma once

#include <botan/pkix_types.h>

#include <optional>
#include <string>

namespace pkitool::issue {

class Subject {
public:
    // RFC 4514: the first RDN in the string is the most specific (the last one in the DER).
    // Error (usage) naming the offending part on anything it cannot parse.
    static Subject parse(const std::string& text);
    static Subject from(const Botan::X509_DN& dn) { return Subject(dn); }

    const Botan::X509_DN& dn() const { return dn_; }
    bool empty() const { return dn_.dn_info().empty(); }
    std::string common_name() const;  // empty when there is none
    std::string to_string() const;     // RFC 4514, most specific first
    // The first attribute value pkitool would not issue: a control character (NUL included),
    // invalid UTF-8, or longer than RFC 5280 Appendix A's upper bound (ub-common-name 64, ...).
    // parse() refuses these itself; names from a CSR or a certificate are asked here.
    std::optional<std::string> problem() const;

private:
    explicit Subject(Botan::X509_DN dn) : dn_(std::move(dn)) {}
    Botan::X509_DN dn_;
};

// RFC 4514 rendering of any DN (issuer names too).
std::string format_dn(const Botan::X509_DN& dn);
// One attribute value escaped as RFC 4514 §2.4 says, for a DN written in that form.
std::string escape_dn_value(const std::string& value);

}  // namespace pkitool::issue
