// PKCS#12 (RFC 7292): the Appendix B KDF against `openssl kdf PKCS12KDF`, files written by
// `openssl pkcs12 -export` read back to the bytes openssl reads out of them, and pkitool's own
// files read by pkitool; the refusals (wrong password, RC2, truncated, two keys) word by word.
#include "issue/pkcs12.h"
#include "issue/pkcs12_kdf.h"

#include "base/error.h"
#include "base/pem.h"
#include "tests/support/cli.h"

#include <botan/hex.h>
#include <botan/x509_key.h>

#include <catch2/catch.hpp>

#include <fstream>

using namespace pkitool;
using namespace pkitool::test;

namespace {

std::vector<uint8_t> bytes_of(const fs::path& p) {
    const auto s = slurp(p);
    return {s.begin(), s.end()};
}

std::string hex(std::span<const uint8_t> b) { return Botan::hex_encode(b.data(), b.size(), true); }

// openssl's answer, "AA:BB:..." without colons.
std::string openssl_kdf(const std::string& digest, int id, const std::string& hexpass, const std::string& hexsalt, size_t iter, size_t len) {
    TempDir t;
    const auto r = shell("openssl kdf -keylen " + std::to_string(len) + " -kdfopt hexpass:" + hexpass + " -kdfopt hexsalt:" + hexsalt +
                             " -kdfopt iter:" + std::to_string(iter) + " -kdfopt id:" + std::to_string(id) + " -kdfopt digest:" + digest +
                             " PKCS12KDF",
                         t.path());
    REQUIRE(r.code == 0);
    std::string out;
    for (char c : r.out)
        if (std::isxdigit(static_cast<unsigned char>(c))) out += c;
    return out;
}

// An EC root, an EC intermediate under it, and an EC and an RSA leaf under that (openssl only),
// with chain.pem holding the root first: pkitool must put the intermediate first.
struct OpensslPki {
    TempDir t;
    OpensslPki() {
        REQUIRE(has_tool("openssl"));
        must(shell("set -e\n"
                   "printf 'basicConstraints=critical,CA:TRUE\\nkeyUsage=critical,keyCertSign,cRLSign\\n' > ca.ext\n"
                   "printf 'basicConstraints=critical,CA:FALSE\\nkeyUsage=critical,digitalSignature\\n' > leaf.ext\n"
                   "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key -out root.crt -subj /CN=P12-Root "
                   "-days 30 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null\n"
                   "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout int.key -out int.csr -subj /CN=P12-Int 2>/dev/null\n"
                   "openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -set_serial 2 -days 30 -extfile ca.ext -out int.crt 2>/dev/null\n"
                   "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.csr -subj /CN=p12-ec 2>/dev/null\n"
                   "openssl x509 -req -in ec.csr -CA int.crt -CAkey int.key -set_serial 3 -days 30 -extfile leaf.ext -out ec.crt 2>/dev/null\n"
                   "openssl req -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.csr -subj /CN=p12-rsa 2>/dev/null\n"
                   "openssl x509 -req -in rsa.csr -CA int.crt -CAkey int.key -set_serial 4 -days 30 -extfile leaf.ext -out rsa.crt 2>/dev/null\n"
                   "cat root.crt int.crt > chain.pem\n"
                   "for k in ec rsa root int; do openssl x509 -in $k.crt -outform DER -out $k.der 2>/dev/null || true; done\n"
                   "for k in ec rsa; do openssl pkey -in $k.key -pubout -outform DER -out $k.pub.der; done\n",
                   t.path()));
    }
    // `openssl pkcs12 -export` with these arguments; the file's path.
    fs::path p12(const std::string& name, const std::string& args) const {
        must(shell("openssl pkcs12 -export -out " + name + " " + args, t.path()));
        return t / name;
    }
    std::vector<uint8_t> der(const std::string& n) const { return bytes_of(t / (n + ".der")); }
};

std::vector<uint8_t> spki(const issue::PrivateKey& k) { return Botan::X509::BER_encode(*k.public_key()); }

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

// DER to BER as Java and NSS write PKCS#12: every constructed value of the first `levels`
// levels with indefinite length, and OCTET STRINGs as constructed strings of 64-byte pieces (the
// contents, and so the MAC, unchanged). With `into_octets`, an OCTET STRING holding a SEQUENCE
// is converted inside too (the bytes then change: only for files without a MAC).
constexpr const char* kToBer = R"PY(
import sys
def tlv(b, i):
    tag = b[i]; i += 1
    n = b[i]; i += 1
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(b[i:i+k], 'big'); i += k
    return tag, b[i:i+n], i + n
def der_len(n):
    if n < 0x80: return bytes([n])
    s = n.to_bytes((n.bit_length() + 7) // 8, 'big'); return bytes([0x80 | len(s)]) + s
def conv(b, levels, into):
    out, i = b'', 0
    while i < len(b):
        tag, val, i = tlv(b, i)
        if levels <= 0:
            out += bytes([tag]) + der_len(len(val)) + val
        elif tag & 0x20:
            out += bytes([tag, 0x80]) + conv(val, levels - 1, into) + b'\0\0'
        elif tag == 0x04:
            if into and val[:1] == b'\x30': val = conv(val, levels - 1, into)
            out += b'\x24\x80' + b''.join(b'\x04' + der_len(len(val[k:k+64])) + val[k:k+64] for k in range(0, len(val), 64)) + b'\0\0'
        else:
            out += bytes([tag]) + der_len(len(val)) + val
    return out
data = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(conv(data, int(sys.argv[3]), sys.argv[4] == '1'))
)PY";

// A file without MAC or encryption whose last SafeContents is moved into a safeContentsBag
// (RFC 7292 §4.2.6) inside a new one: no tool at hand writes those, and the bags must still be found.
constexpr const char* kNest = R"PY(
import sys
def tlv(b, i):
    tag = b[i]; i += 1
    n = b[i]; i += 1
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(b[i:i+k], 'big'); i += k
    return tag, b[i:i+n], i + n
def items(b):
    out, i = [], 0
    while i < len(b):
        tag, val, i = tlv(b, i); out.append((tag, val))
    return out
def enc(tag, val):
    n = len(val)
    l = bytes([n]) if n < 0x80 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, 'big')
    return bytes([tag]) + l + val
def data_ci(oid, inner):
    return enc(0x30, enc(0x06, oid) + enc(0xA0, enc(0x04, inner)))
version, auth = items(items(open(sys.argv[1], 'rb').read())[0][1])
data_oid, wrapped = items(auth[1])
cis = items(items(items(wrapped[1])[0][1])[0][1])
last_oid, last_wrapped = items(cis[-1][1])
contents = items(last_wrapped[1])[0][1]
bag_oid = bytes.fromhex('2A864886F70D010C0A0106')  # 1.2.840.113549.1.12.10.1.6 safeContentsBag
nested = enc(0x30, enc(0x30, enc(0x06, bag_oid) + enc(0xA0, contents)))
cis[-1] = (0x30, enc(0x06, last_oid[1]) + enc(0xA0, enc(0x04, nested)))
safe = enc(0x30, b''.join(enc(t, v) for t, v in cis))
open(sys.argv[2], 'wb').write(enc(0x30, enc(version[0], version[1]) + data_ci(data_oid[1], safe)))
)PY";

}  // namespace

TEST_CASE("pkcs12 kdf: RFC 7292 Appendix B.2 as openssl computes it", "[issue][pkcs12]") {
    REQUIRE(has_tool("openssl"));
    const auto smeg = issue::pkcs12_bmp_password("smeg");
    CHECK(hex(smeg) == "0073006D006500670000");
    const std::vector<uint8_t> salt8 = Botan::hex_decode("0A58CF64530D823F");
    // Every purpose, short and long outputs (several rounds of step 6), SHA-1 and SHA-2 (64- and
    // 128-byte blocks), salts shorter and longer than a block, and no salt at all.
    struct Case {
        std::string digest;
        issue::Pkcs12KeyPurpose id;
        std::string salt;
        size_t iterations, length;
    };
    const std::string long_salt(2 * 150, 'a');  // 150 bytes: more than one 128-byte block
    for (const auto& c : {Case{"SHA1", issue::Pkcs12KeyPurpose::Key, "0A58CF64530D823F", 1, 24}, Case{"SHA1", issue::Pkcs12KeyPurpose::Iv, "0A58CF64530D823F", 1, 8},
                          Case{"SHA1", issue::Pkcs12KeyPurpose::Mac, "0A58CF64530D823F", 1000, 20}, Case{"SHA256", issue::Pkcs12KeyPurpose::Mac, "0A58CF64530D823F", 2048, 32},
                          Case{"SHA256", issue::Pkcs12KeyPurpose::Key, "00", 3, 100}, Case{"SHA512", issue::Pkcs12KeyPurpose::Key, long_salt, 7, 200},
                          Case{"SHA384", issue::Pkcs12KeyPurpose::Iv, "0102030405060708090A0B0C0D0E0F1011", 2, 49}}) {
        const auto botan = c.digest == "SHA1" ? "SHA-1" : "SHA-" + c.digest.substr(3);
        const auto salt = Botan::hex_decode(c.salt);
        INFO(c.digest << " id " << int(c.id) << " salt " << c.salt.size() / 2 << " iterations " << c.iterations << " length " << c.length);
        CHECK(hex(issue::pkcs12_derive(botan, c.id, smeg, salt, c.iterations, c.length)) ==
              openssl_kdf(c.digest, int(c.id), hex(smeg), c.salt, c.iterations, c.length));
    }
    // A password longer than a block, with characters outside ASCII and outside the BMP.
    const auto long_pw = issue::pkcs12_bmp_password("pässwörd ünd 😀 " + std::string(70, 'x'));
    CHECK(hex(issue::pkcs12_derive("SHA-256", issue::Pkcs12KeyPurpose::Key, long_pw, salt8, 5, 64)) ==
          openssl_kdf("SHA256", 1, hex(long_pw), "0A58CF64530D823F", 5, 64));
    CHECK_THROWS_AS(issue::pkcs12_derive("SHA-256", issue::Pkcs12KeyPurpose::Key, smeg, salt8, 0, 32), std::invalid_argument);
}

TEST_CASE("pkcs12 kdf: the password as a BMPString", "[issue][pkcs12]") {
    CHECK(hex(issue::pkcs12_bmp_password("")) == "0000");
    CHECK(hex(issue::pkcs12_bmp_password("é")) == "00E90000");                  // UTF-8 C3 A9
    CHECK(hex(issue::pkcs12_bmp_password("\xF0\x9F\x98\x80")) == "D83DDE000000");  // U+1F600: a surrogate pair
    CHECK(hex(issue::pkcs12_bmp_password("\xE9t\xE9")) == "00E9007400E90000");    // not UTF-8: Latin-1
    CHECK(hex(issue::pkcs12_bmp_password("\xC3")) == "00C30000");                  // cut short: Latin-1
}

TEST_CASE("pkcs12: files openssl writes are read to the same key, leaf and chain", "[issue][pkcs12]") {
    OpensslPki pki;
    const auto& t = pki.t;
    struct Variant {
        std::string file, args, password, integrity, key_encryption, cert_encryption;
    };
    const std::vector<Variant> variants = {
        {"ec-pass.p12", "-in ec.crt -inkey ec.key -certfile chain.pem -passout pass:s3cret", "s3cret", "HMAC-SHA-256, 2048 iterations",
         "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations", "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations"},
        {"ec-empty.p12", "-in ec.crt -inkey ec.key -certfile chain.pem -passout pass:", "", "HMAC-SHA-256, 2048 iterations",
         "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations", "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations"},
        {"ec-none.p12", "-in ec.crt -inkey ec.key -certfile chain.pem -keypbe NONE -certpbe NONE -nomac -passout pass:", "", "none", "none", "none"},
        {"rsa-3des.p12", "-in rsa.crt -inkey rsa.key -certfile chain.pem -descert -keypbe PBE-SHA1-3DES -macalg sha1 -passout pass:s3cret", "s3cret",
         "HMAC-SHA-1, 2048 iterations", "pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations", "pbeWithSHAAnd3-KeyTripleDES-CBC, 2048 iterations"},
        {"rsa-pass.p12", "-in rsa.crt -inkey rsa.key -certfile chain.pem -passout pass:s3cret -iter 4096 -name 'my vm'", "s3cret",
         "HMAC-SHA-256, 4096 iterations", "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 4096 iterations",
         "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 4096 iterations"},
    };
    for (const auto& v : variants) {
        INFO(v.file << " (" << v.args << ")");
        const auto path = pki.p12(v.file, v.args);
        const auto data = bytes_of(path);
        const bool rsa = v.file.rfind("rsa", 0) == 0;
        CHECK(issue::Pkcs12::detect(data));
        CHECK(issue::Pkcs12::needs_password(data) == !v.password.empty());
        const auto p12 = issue::Pkcs12::parse(data, v.file, v.password.empty() ? issue::Passphrase() : v.password);
        REQUIRE(p12.key);
        REQUIRE(p12.leaf);
        CHECK(spki(*p12.key) == pki.der(rsa ? "rsa.pub" : "ec.pub"));
        CHECK(p12.leaf->BER_encode() == pki.der(rsa ? "rsa" : "ec"));
        REQUIRE(p12.chain.size() == 2);
        CHECK(p12.chain[0].BER_encode() == pki.der("int"));  // the leaf's issuer first, though chain.pem lists the root first
        CHECK(p12.chain[1].BER_encode() == pki.der("root"));
        CHECK(p12.integrity == v.integrity);
        CHECK(p12.key_encryption == v.key_encryption);
        CHECK(p12.certificate_encryption == v.cert_encryption);
        CHECK(p12.friendly_name == (v.file == "rsa-pass.p12" ? "my vm" : ""));
        // The key is read the same wherever a key is read.
        CHECK(spki(issue::PrivateKey::parse(data, v.file, v.password.empty() ? issue::Passphrase() : v.password)) == spki(*p12.key));
        CHECK(issue::PrivateKey::is_encrypted(data) == !v.password.empty());
    }
    // An empty password given as "" opens the empty-password file too.
    CHECK(issue::Pkcs12::parse(bytes_of(t / "ec-empty.p12"), "ec-empty.p12", std::string()).key);
}

TEST_CASE("pkcs12: refusals are one line naming the file", "[issue][pkcs12]") {
    OpensslPki pki;
    const auto& t = pki.t;
    const auto pass = bytes_of(pki.p12("pass.p12", "-in ec.crt -inkey ec.key -passout pass:s3cret"));
    CHECK(error_of([&] { issue::Pkcs12::parse(pass, "pass.p12", std::string("wrong")); }) ==
          "pass.p12: wrong password (the PKCS#12 MAC does not verify)");
    // No password for a file that needs one: a Passphrase step, which the CLI turns into a prompt or a flag.
    try {
        issue::Pkcs12::parse(pass, "pass.p12", std::nullopt);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(std::string(e.what()) == "pass.p12: the PKCS#12 file is protected by a password");
        REQUIRE(e.steps().size() == 1);
        CHECK(e.steps()[0].kind == NextStep::Kind::Passphrase);
    }
    const auto legacy = bytes_of(pki.p12("legacy.p12", "-in ec.crt -inkey ec.key -legacy -passout pass:s3cret"));
    CHECK(error_of([&] { issue::Pkcs12::parse(legacy, "legacy.p12", std::string("s3cret")); }) ==
          "legacy.p12: unsupported scheme pbeWithSHAAnd40BitRC2-CBC (openssl -legacy); re-export it with openssl 3 without -legacy");
    // The MAC is checked first: a wrong password on a -legacy file says so, not "RC2".
    CHECK(error_of([&] { issue::Pkcs12::parse(legacy, "legacy.p12", std::string("nope")); }) ==
          "legacy.p12: wrong password (the PKCS#12 MAC does not verify)");
    // Truncated anywhere: still known as PKCS#12 by its opening, and said to be cut.
    for (const size_t keep : {size_t(8), pass.size() / 3, pass.size() - 1}) {
        const std::vector<uint8_t> cut(pass.begin(), pass.begin() + static_cast<std::ptrdiff_t>(keep));
        INFO("kept " << keep << " of " << pass.size() << " bytes");
        CHECK(issue::Pkcs12::detect(cut));
        CHECK_THAT(error_of([&] { issue::Pkcs12::parse(cut, "cut.p12", std::string("s3cret")); }), Catch::StartsWith("cut.p12: corrupt or truncated PKCS#12 file"));
        CHECK_THAT(error_of([&] { issue::PrivateKey::parse(cut, "cut.p12", std::string("s3cret")); }), Catch::StartsWith("cut.p12: corrupt or truncated PKCS#12 file"));
    }
    // A changed byte inside the MAC'd contents is a MAC failure, never a half-read file.
    auto flipped = pass;
    flipped[flipped.size() / 2] ^= 0x01;
    CHECK_THAT(error_of([&] { issue::Pkcs12::parse(flipped, "flip.p12", std::string("s3cret")); }),
               Catch::StartsWith("flip.p12: ") && (Catch::Contains("MAC does not verify") || Catch::Contains("corrupt")));
    auto trailing = pass;
    trailing.push_back(0);
    CHECK(error_of([&] { issue::Pkcs12::parse(trailing, "t.p12", std::string("s3cret")); }) ==
          "t.p12: bytes follow the PKCS#12 structure: the file is not one PKCS#12 file");
    CHECK_FALSE(issue::Pkcs12::detect(bytes_of(t / "ec.der")));  // a certificate is not one
    CHECK_FALSE(issue::Pkcs12::detect(std::vector<uint8_t>{'g', 'a', 'r', 'b', 'a', 'g', 'e', '!'}));
    CHECK(error_of([&] { issue::Pkcs12::parse({}, "empty.p12", std::nullopt); }) == "empty.p12: file is empty, expected a PKCS#12 file");
    // Certificates only: show can read it, but it gives no key.
    const auto certs = bytes_of(pki.p12("certs.p12", "-in ec.crt -nokeys -passout pass:"));
    const auto only = issue::Pkcs12::parse(certs, "certs.p12", std::nullopt);
    CHECK_FALSE(only.key);
    CHECK_FALSE(only.leaf);
    CHECK(only.chain.size() == 1);
    CHECK(error_of([&] { issue::PrivateKey::parse(certs, "certs.p12", std::nullopt); }) == "certs.p12: the PKCS#12 file holds no private key");
    // A cap on the work a file may ask for.
    issue::Pkcs12Limits tight;
    tight.max_iterations = 1000;
    CHECK(error_of([&] { issue::Pkcs12::parse(pass, "pass.p12", std::string("s3cret"), tight); }) ==
          "pass.p12: MAC iteration count 2048 is outside 1..1000");
}

TEST_CASE("pkcs12: BER as Java and NSS write it (indefinite lengths, octet strings in pieces), and nested SafeContents", "[issue][pkcs12]") {
    OpensslPki pki;
    const auto& t = pki.t;
    std::ofstream(t / "ber.py") << kToBer;
    std::ofstream(t / "nest.py") << kNest;
    pki.p12("mac.p12", "-in ec.crt -inkey ec.key -certfile chain.pem -passout pass:s3cret");
    pki.p12("plain.p12", "-in ec.crt -inkey ec.key -certfile chain.pem -keypbe NONE -certpbe NONE -nomac -passout pass:");
    // With a MAC: the outer levels only, so the MAC'd bytes stay as they were; without: down to the bags.
    must(shell("/usr/bin/python3 ber.py mac.p12 mac-ber.p12 3 0 && /usr/bin/python3 ber.py plain.p12 plain-ber.p12 10 1 && "
               "/usr/bin/python3 nest.py plain.p12 nested.p12 && openssl pkcs12 -in nested.p12 -passin pass: -info -noout > nested.info 2>&1",
               t.path()));
    CHECK_THAT(slurp(t / "nested.info"), Catch::Contains("Safe Contents bag\nKey bag"));  // openssl's view of the file made
    for (const auto& [file, password] : std::vector<std::pair<std::string, issue::Passphrase>>{
             {"mac-ber.p12", std::string("s3cret")}, {"plain-ber.p12", std::nullopt}, {"nested.p12", std::nullopt}}) {
        INFO(file);
        const auto data = bytes_of(t / file);
        CHECK(data != bytes_of(t / (file == "mac-ber.p12" ? "mac.p12" : "plain.p12")));
        const auto p12 = issue::Pkcs12::parse(data, file, password);
        REQUIRE(p12.key);
        CHECK(spki(*p12.key) == pki.der("ec.pub"));
        REQUIRE(p12.leaf);
        CHECK(p12.leaf->BER_encode() == pki.der("ec"));
        CHECK(p12.chain.size() == 2);
    }
}

TEST_CASE("pkcs12: what pkitool writes it reads back, and refuses a key or chain that do not belong", "[issue][pkcs12]") {
    OpensslPki pki;
    const auto& t = pki.t;
    const auto key = issue::PrivateKey::load(t / "ec.key", std::nullopt);
    const auto leaf = pem::load_certificate(t / "ec.crt");
    const std::vector<Botan::X509_Certificate> chain = {pem::load_certificate(t / "int.crt"), pem::load_certificate(t / "root.crt")};
    issue::Pkcs12Contents contents{key, leaf, chain, "vm-01 ü"};
    contents.iterations = 2000;  // the test's speed; the default is kPkcs12Iterations
    for (const std::string password : {"correct horse", ""}) {
        INFO("password '" << password << "'");
        const auto der = issue::encode_pkcs12(contents, password);
        const auto back = issue::Pkcs12::parse(der, "out.p12", password);
        REQUIRE(back.key);
        CHECK(spki(*back.key) == spki(key));
        CHECK(back.leaf->BER_encode() == leaf.BER_encode());
        REQUIRE(back.chain.size() == 2);
        CHECK(back.chain[0].BER_encode() == chain[0].BER_encode());
        CHECK(back.chain[1].BER_encode() == chain[1].BER_encode());
        CHECK(back.friendly_name == "vm-01 ü");
        CHECK(back.integrity == "HMAC-SHA-256, 2000 iterations");
        CHECK(back.key_encryption == "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2000 iterations");
        CHECK(back.certificate_encryption == back.key_encryption);
        CHECK(issue::Pkcs12::needs_password(der) == !password.empty());
        if (!password.empty())
            CHECK(error_of([&] { issue::Pkcs12::parse(der, "out.p12", std::string("wrong")); }) == "out.p12: wrong password (the PKCS#12 MAC does not verify)");
    }
    const auto rsa = issue::PrivateKey::load(t / "rsa.key", std::nullopt);
    CHECK(error_of([&] { issue::encode_pkcs12({rsa, leaf, chain, ""}, "x"); }) == "the private key is not the key of the certificate");
    const std::vector<Botan::X509_Certificate> reversed = {chain[1], chain[0]};
    CHECK(error_of([&] { issue::check_chain_order(leaf, reversed); }) == "certificate 1 (CN=P12-Root) did not issue the certificate (CN=p12-ec)");
    const std::vector<Botan::X509_Certificate> gap = {chain[0], leaf};
    CHECK(error_of([&] { issue::check_chain_order(leaf, gap); }) == "certificate 2 (CN=p12-ec) did not issue certificate 1 (CN=P12-Int)");
    CHECK_NOTHROW(issue::check_chain_order(leaf, {chain[0]}));
}
