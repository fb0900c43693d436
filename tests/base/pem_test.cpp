// The PEM reader: its fast base64 against Botan's decoder (the same bytes for every PEM-shaped
// input, and a refusal, so Botan decides, for anything else), and which blocks hold certificates.
#include "base/pem.h"

#include "base/error.h"

#include <botan/base64.h>

#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

using pkitool::pem::decode_base64_fast;

namespace {

std::optional<std::vector<uint8_t>> fast(const std::string& text) {
    std::vector<uint8_t> out(3 * text.size() / 4 + 3);
    const auto n = decode_base64_fast(text, out.data());
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

TEST_CASE("pem base64: every length and line ending decodes to Botan's bytes", "[pem]") {
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

TEST_CASE("pem base64: anything unusual is left to Botan", "[pem]") {
    for (const std::string text : {"QQ", "QUJ", "Q===", "QQ==QQ==", "QQ=A", "QQ=", "Q!QQ", "QUJD\x01", "QUJD\xc3\xa9"}) {
        INFO(text);
        CHECK_FALSE(fast(text));
    }
}

namespace {

std::vector<uint8_t> bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string pem(const std::string& label, const std::vector<uint8_t>& der) {
    return "-----BEGIN " + label + "-----\n" + Botan::base64_encode(der) + "\n-----END " + label + "-----\n";
}

const std::vector<uint8_t>& fixture_der() {
    static const auto der = pkitool::pem::load_certificate(PKITOOL_SOURCE_DIR "/tests/data/exchange/rsa-test.crt").BER_encode();
    return der;
}

}  // namespace

TEST_CASE("pem: blocks, their labels, and END lines that must match", "[pem]") {
    using namespace pkitool::pem;
    const auto s = scan("junk\n-----BEGIN A-----\nQUJD\n-----END A-----\n-----BEGIN B C-----\n-----END B C-----\n");
    REQUIRE(s.blocks.size() == 2);
    CHECK(s.problem.empty());
    CHECK(s.blocks[0].label == "A");
    CHECK(s.blocks[0].body == "\nQUJD\n");
    CHECK(s.blocks[1].label == "B C");
    CHECK(scan("-----BEGIN A-----\nQUJD\n").problem == "PEM block \"A\" has no END line (truncated file?)");
    CHECK(scan("-----BEGIN A-----\nQUJD\n-----END B-----\n").problem == "PEM block \"A\" is closed by the END line of \"B\"");
    CHECK(first_label("x -----BEGIN X509 CRL-----") == "X509 CRL");
    CHECK(count("-----BEGIN A-----\n-----END A-----\n-----BEGIN A-----\n-----END A-----\n", "A") == 2);
    for (const auto* label : {"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"}) CHECK(is_certificate_label(label));
    for (const auto* label : {"CERTIFICATE REQUEST", "X509 CRL", "PRIVATE KEY", "certificate"}) CHECK_FALSE(is_certificate_label(label));
}

TEST_CASE("pem: the certificate reader, for every certificate label, DER, and bad input", "[pem]") {
    using namespace pkitool::pem;
    const auto& der = fixture_der();
    std::vector<uint8_t> scratch;
    for (const auto* label : {"CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE"}) {
        INFO(label);
        const auto r = read_certificates(bytes(pem(label, der)), scratch);
        CHECK(r.problems.empty());
        REQUIRE(r.certs.size() == 1);
        CHECK(r.certs[0].BER_encode() == der);
    }
    CHECK(read_certificates(der, scratch).certs.size() == 1);
    // OpenSSL's trust settings (X509_CERT_AUX, a SEQUENCE) follow a trusted certificate's DER.
    auto trusted = der;
    for (const int b : {0x30, 0x03, 0x0c, 0x01, 0x78}) trusted.push_back(static_cast<uint8_t>(b));  // SEQUENCE { UTF8String "x" }
    auto r = read_certificates(bytes(pem("TRUSTED CERTIFICATE", trusted)), scratch);
    CHECK(r.problems.empty());
    REQUIRE(r.certs.size() == 1);
    CHECK(r.certs[0].BER_encode() == der);
    // ... but only there, and nothing after them.
    CHECK(read_certificates(bytes(pem("CERTIFICATE", trusted)), scratch).problems ==
          std::vector<std::string>{"certificate #1 has bytes after its DER encoding"});
    trusted.push_back(0);
    CHECK(read_certificates(bytes(pem("TRUSTED CERTIFICATE", trusted)), scratch).problems ==
          std::vector<std::string>{"certificate #1 has bytes after its DER encoding"});

    // A bundle: other blocks are skipped, every certificate is read, problems are listed in order.
    const auto bundle = pem("PRIVATE KEY", {1, 2, 3}) + pem("CERTIFICATE", der) + "-----BEGIN CERTIFICATE-----\n!!\n-----END CERTIFICATE-----\n" +
                        pem("TRUSTED CERTIFICATE", der) + "-----BEGIN CERTIFICATE-----\nMII";
    r = read_certificates(bytes(bundle), scratch);
    CHECK(r.certs.size() == 2);
    REQUIRE(r.problems.size() == 2);
    CHECK_THAT(r.problems[0], Catch::StartsWith("certificate #2 is corrupt ("));
    CHECK(r.problems[1] == "PEM block \"CERTIFICATE\" has no END line (truncated file?)");
    CHECK(read_certificates(bytes(pem("PRIVATE KEY", {1})), scratch).other_pem_only);
    CHECK(read_certificates({}, scratch).problems == std::vector<std::string>{"file is empty"});

    const auto error_of = [](const std::string& text) {
        try {
            (void)certificates(bytes(text), "in.pem");
        } catch (const pkitool::Error& e) {
            return std::string(e.what());
        }
        return std::string("(no error)");
    };
    CHECK(error_of(pem("PRIVATE KEY", {1})) == "in.pem: holds a PEM \"PRIVATE KEY\", expected a certificate");
    CHECK(error_of("") == "in.pem: file is empty, expected a certificate");
    CHECK_THAT(error_of("hello"), Catch::StartsWith("in.pem: not a PEM or DER certificate ("));
    auto junk = der;
    junk.push_back(0);
    CHECK(error_of(std::string(junk.begin(), junk.end())) == "in.pem: bytes follow the DER certificate: the file is not one certificate");
}
