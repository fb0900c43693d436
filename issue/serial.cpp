// Serial generation and its two textual forms.
#include "issue/serial.h"

#include "issue/random.h"
#include "base/error.h"

#include <botan/hex.h>

#include <cctype>

namespace pkitool::issue {

namespace {

// A serial is typed by hand, from the CA's inventory listing.
const NextStep kListSerials{NextStep::Kind::ListSerials, "copy it from the CA's inventory"};

}  // namespace

Serial Serial::random() {
    Botan::BigInt v;
    v.randomize(rng(), 128, true);
    return Serial(v);
}

Serial Serial::parse(const std::string& text) {
    std::string hex = text;
    if (hex.rfind("0x", 0) == 0 || hex.rfind("0X", 0) == 0) hex = hex.substr(2);
    std::string clean;
    for (char c : hex)
        if (c != ':') clean += c;
    if (clean.empty() || clean.size() > 40)
        throw usage_error(Error::Input{"serial", "'" + text + "'"}, "expected 1 to 40 hex digits").with_step(kListSerials);
    for (char c : clean)
        if (!std::isxdigit(static_cast<unsigned char>(c)))
            throw usage_error(Error::Input{"serial", "'" + text + "'"}, "not a hexadecimal number").with_step(kListSerials);
    if (clean.size() % 2) clean = "0" + clean;
    const auto bytes = Botan::hex_decode(clean);
    return Serial(Botan::BigInt(bytes.data(), bytes.size()));
}

std::string Serial::hex() const {
    if (value_.is_zero()) return "00";
    return Botan::hex_encode(Botan::BigInt::encode(value_), true);
}

std::string Serial::decimal() const { return value_.to_dec_string(); }

}  // namespace pkitool::issue
