// decode_pem_base64 against Botan's decoder: the same bytes for every PEM-shaped input, and a
// refusal (so lint falls back to Botan) for anything else.
#include "profiles/pem_base64.h"

#include <botan/base64.h>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using pkitool::profiles::decode_pem_base64;

namespace {

std::optional<std::vector<uint8_t>> fast(const std::string& text) {
    std::vector<uint8_t> out(3 * text.size() / 4 + 3);
    const auto n = decode_pem_base64(text, out.data());
    if (!n) return std::nullopt;
    out.resize(*n);
    return out;
}

std::string wrap(const std::string& b64, size_t width, const std::string& eol) {
    std::string out;
    for (size_t i = 0; i < b64.size(); i += width) out += eol + b64.substr(i, width);
    return out + eol;
}

}  // namespace

TEST_CASE("pem base64: every length and line ending decodes to Botan's bytes", "[lint]") {
    std::mt19937 gen(42);
    for (size_t len = 0; len < 200; ++len) {
        std::vector<uint8_t> data(len);
        for (auto& b : data) b = static_cast<uint8_t>(gen());
        const std::string b64 = Botan::base64_encode(data);
        for (const auto& text : {b64, wrap(b64, 64, "\n"), wrap(b64, 64, "\r\n"), wrap(b64, 76, "\n"), "  " + wrap(b64, 64, "\n\t")}) {
            INFO("length " << len << ": " << text);
            const auto got = fast(text);
            REQUIRE(got);
            CHECK(*got == data);
            const auto botan = Botan::base64_decode(text, true);
            CHECK(std::vector<uint8_t>(botan.begin(), botan.end()) == *got);
        }
    }
}

TEST_CASE("pem base64: anything unusual is left to Botan", "[lint]") {
    for (const std::string text : {"QQ", "QUJ", "Q===", "QQ==QQ==", "QQ=A", "QQ=", "Q!QQ", "QUJD\x01", "QUJD\xc3\xa9"}) {
        INFO(text);
        CHECK_FALSE(fast(text));
    }
}
