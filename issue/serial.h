// Certificate serial numbers: random, positive, 128 bits (RFC 5280 §4.1.2.2 allows up to 20 octets).
#pragma once

#include <botan/bigint.h>

#include <string>

namespace pkitool::issue {

class Serial {
public:
    static Serial random();                        // 128 random bits, top bit set, so always 16 octets of value
    static Serial parse(const std::string& text);  // hex as `openssl x509 -serial` prints it; Error otherwise
    static Serial from(const Botan::BigInt& v) { return Serial(v); }

    const Botan::BigInt& value() const { return value_; }
    std::string hex() const;      // uppercase, even length, as openssl prints it
    std::string decimal() const;  // as SigV4-X509's Credential= wants it

    bool operator==(const Serial& o) const { return value_ == o.value_; }

private:
    explicit Serial(Botan::BigInt v) : value_(std::move(v)) {}
    Botan::BigInt value_;
};

}  // namespace pkitool::issue
