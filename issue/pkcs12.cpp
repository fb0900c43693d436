// PKCS#12 on Botan's BER decoder and DER encoder: PBES2 and PKCS#8 through Botan, the MAC and
// the 3DES schemes through the RFC 7292 Appendix B KDF (issue/pkcs12_kdf.h).
// botan/pbes2.h is public API in Botan 2 (BOTAN_PUBLIC_API(2,0)) that warns it will be internal
// in Botan 3; Debian 12 ships 2.19, and this file is where a port would replace it.
#define BOTAN_NO_DEPRECATED_WARNINGS
#include "issue/pkcs12.h"

#include "base/error.h"
#include "base/files.h"
#include "issue/pkcs12_kdf.h"
#include "issue/random.h"
#include "issue/subject.h"

#include <botan/ber_dec.h>
#include <botan/cipher_mode.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/mac.h>
#include <botan/mem_ops.h>
#include <botan/pbes2.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace pkitool::issue {

namespace {

using Botan::ASN1_Tag;
using Bytes = std::vector<uint8_t>;
using Secret = Botan::secure_vector<uint8_t>;

// RFC 7292 Appendix D and §4.2, RFC 5652 §4 and §8 (PKCS #7 content types), RFC 8018 Appendix A.
const Botan::OID kData("1.2.840.113549.1.7.1");
const Botan::OID kSignedData("1.2.840.113549.1.7.2");
const Botan::OID kEnvelopedData("1.2.840.113549.1.7.3");
const Botan::OID kEncryptedData("1.2.840.113549.1.7.6");
const Botan::OID kKeyBag("1.2.840.113549.1.12.10.1.1");
const Botan::OID kShroudedKeyBag("1.2.840.113549.1.12.10.1.2");
const Botan::OID kCertBag("1.2.840.113549.1.12.10.1.3");
const Botan::OID kSafeContentsBag("1.2.840.113549.1.12.10.1.6");
const Botan::OID kX509Certificate("1.2.840.113549.1.9.22.1");
const Botan::OID kFriendlyName("1.2.840.113549.1.9.20");
const Botan::OID kLocalKeyId("1.2.840.113549.1.9.21");
const Botan::OID kPbes2("1.2.840.113549.1.5.13");
const Botan::OID kPbkdf2("1.2.840.113549.1.5.12");
const Botan::OID kScrypt("1.3.6.1.4.1.11591.4.11");  // RFC 7914 §7
const Botan::OID kSha256("2.16.840.1.101.3.4.2.1");

struct Named {
    const char* oid;
    const char* name;  // Botan's name
};
// MacData digests (RFC 7292 §4 leaves them open; OpenSSL writes SHA-1 or SHA-2).
constexpr Named kDigests[] = {{"1.3.14.3.2.26", "SHA-1"},        {"2.16.840.1.101.3.4.2.4", "SHA-224"}, {"2.16.840.1.101.3.4.2.1", "SHA-256"},
                              {"2.16.840.1.101.3.4.2.2", "SHA-384"}, {"2.16.840.1.101.3.4.2.3", "SHA-512"}};
// PBKDF2 PRFs, RFC 8018 Appendix B.1.
constexpr Named kHmacs[] = {{"1.2.840.113549.2.7", "SHA-1"},   {"1.2.840.113549.2.8", "SHA-224"}, {"1.2.840.113549.2.9", "SHA-256"},
                            {"1.2.840.113549.2.10", "SHA-384"}, {"1.2.840.113549.2.11", "SHA-512"}};
// PBES2 encryption schemes, RFC 8018 Appendix B.2 and RFC 3565 §4.1.
constexpr Named kCiphers[] = {{"2.16.840.1.101.3.4.1.2", "AES-128/CBC"},
                              {"2.16.840.1.101.3.4.1.22", "AES-192/CBC"},
                              {"2.16.840.1.101.3.4.1.42", "AES-256/CBC"},
                              {"1.2.840.113549.3.7", "TripleDES/CBC"},
                              // RFC 3657 §3: what `openssl pkcs8 -v2 camellia-256-cbc` writes.
                              {"1.2.392.200011.61.1.1.1.2", "Camellia-128/CBC"},
                              {"1.2.392.200011.61.1.1.1.3", "Camellia-192/CBC"},
                              {"1.2.392.200011.61.1.1.1.4", "Camellia-256/CBC"}};

// Botan's name for `oid` in `table`, or null.
template <size_t N>
const char* lookup(const Named (&table)[N], const Botan::OID& oid) {
    for (const auto& n : table)
        if (oid == Botan::OID(n.oid)) return n.name;
    return nullptr;
}

// RFC 7292 Appendix C; only the 3DES ones are in Botan (RC2 and RC4 are refused by name).
struct Pkcs12Pbe {
    const char* oid;
    const char* name;
    size_t key_bytes;  // 0: refused
};
constexpr Pkcs12Pbe kPkcs12Pbes[] = {{"1.2.840.113549.1.12.1.1", "pbeWithSHAAnd128BitRC4", 0},
                                     {"1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4", 0},
                                     {"1.2.840.113549.1.12.1.3", "pbeWithSHAAnd3-KeyTripleDES-CBC", 24},
                                     {"1.2.840.113549.1.12.1.4", "pbeWithSHAAnd2-KeyTripleDES-CBC", 16},
                                     {"1.2.840.113549.1.12.1.5", "pbeWithSHAAnd128BitRC2-CBC", 0},
                                     {"1.2.840.113549.1.12.1.6", "pbeWithSHAAnd40BitRC2-CBC", 0}};

// A structure that is not what RFC 7292 says; Pkcs12::parse names the file.
struct Malformed : std::runtime_error {
    using std::runtime_error::runtime_error;
};
[[noreturn]] void malformed(const std::string& what) { throw Malformed("malformed " + what); }

// The bytes of an object as it was encoded (tag, length, value): what Botan's decoders of a
// whole structure (PKCS#8, X.509, AlgorithmIdentifier) take.
Bytes encoding(const Botan::BER_Object& obj) {
    Bytes out;
    Botan::DER_Encoder(out).add_object(obj.type(), obj.get_class(), obj.bits(), obj.length());
    return out;
}

// The next object, which must be there and be `type` (universal, constructed or not).
Botan::BER_Object expect(Botan::BER_Decoder& d, ASN1_Tag type, ASN1_Tag cls, const std::string& what) {
    auto obj = d.get_next_object();
    if (!obj.is_a(type, cls)) malformed(what);
    return obj;
}

// The contents of the next object, a constructed `type`. Not BER_Decoder::start_cons: Botan
// 2.19 reads an indefinite length inside what start_cons returns from the wrong offset (its
// DataSource_BERObject::peek ignores what was read), so one object swallows the next. A decoder
// built on a copy of the object's bytes reads them right; so every decoder here is made from a
// const BER_Object&, never from a temporary.
Botan::BER_Decoder enter(Botan::BER_Decoder& d, ASN1_Tag type, const std::string& what) {
    const auto obj = expect(d, type, Botan::CONSTRUCTED, what);  // an lvalue: BER_Decoder(BER_Object&&) is the other kind
    return Botan::BER_Decoder(obj);
}

// Botan skips the EOC markers that end BER's indefinite lengths (X.690 §8.1.5) when it reads
// the next object, but more_items() and verify_end() still see them: ends are checked this way.
void expect_end(Botan::BER_Decoder& d, const std::string& what) {
    if (d.get_next_object().is_set()) malformed(what + " (unexpected data at its end)");
}

// An OCTET STRING's contents (or an IMPLICIT one's, tagged `type`/`cls`), primitive or, as BER
// allows (X.690 §8.7.3), constructed of pieces.
void append_octets(const Botan::BER_Object& obj, ASN1_Tag type, ASN1_Tag cls, Secret& out, const std::string& what, int depth = 0) {
    if (obj.is_a(type, cls)) {
        out.insert(out.end(), obj.bits(), obj.bits() + obj.length());
        return;
    }
    if (depth > 4 || !obj.is_a(type, ASN1_Tag(cls | Botan::CONSTRUCTED))) malformed(what);
    Botan::BER_Decoder pieces(obj);
    for (auto piece = pieces.get_next_object(); piece.is_set(); piece = pieces.get_next_object())
        append_octets(piece, Botan::OCTET_STRING, Botan::UNIVERSAL, out, what, depth + 1);
}
Secret octets(const Botan::BER_Object& obj, const std::string& what, ASN1_Tag type = Botan::OCTET_STRING, ASN1_Tag cls = Botan::UNIVERSAL) {
    Secret out;
    append_octets(obj, type, cls, out, what);
    return out;
}

// The one object inside `[0] EXPLICIT`.
Botan::BER_Object explicit_content(const Botan::BER_Object& obj, const std::string& what) {
    if (!obj.is_a(ASN1_Tag(0), ASN1_Tag(Botan::CONTEXT_SPECIFIC | Botan::CONSTRUCTED))) malformed(what);
    Botan::BER_Decoder in(obj);
    auto inner = in.get_next_object();
    if (!inner.is_set()) malformed(what);
    expect_end(in, what);
    return inner;
}

Botan::AlgorithmIdentifier algorithm_of(const Botan::BER_Object& obj, const std::string& what) {
    if (!obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed(what);
    Botan::AlgorithmIdentifier alg;
    Botan::BER_Decoder(encoding(obj)).decode(alg);
    return alg;
}

std::string utf16be_to_utf8(const Secret& in) {
    std::string out;
    const auto put = [&out](uint32_t cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    };
    for (size_t i = 0; i + 1 < in.size(); i += 2) {
        uint32_t unit = (uint32_t(in[i]) << 8) | in[i + 1];
        if (unit >= 0xD800 && unit < 0xDC00 && i + 3 < in.size()) {
            const uint32_t low = (uint32_t(in[i + 2]) << 8) | in[i + 3];
            if (low >= 0xDC00 && low < 0xE000) {
                put(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00));
                i += 2;
                continue;
            }
        }
        put(unit >= 0xD800 && unit < 0xE000 ? 0xFFFD : unit);  // a lone surrogate
    }
    return out;
}

// SafeBag attributes (RFC 7292 §4.2) pkitool uses; others (a CSP name, key usage) are skipped.
struct Attributes {
    std::string friendly_name;
    Bytes local_key_id;
};

Attributes attributes_of(const Botan::BER_Object& set) {
    if (!set.is_a(Botan::SET, Botan::CONSTRUCTED)) malformed("SafeBag attributes");
    Attributes out;
    Botan::BER_Decoder all(set);
    for (auto attr = all.get_next_object(); attr.is_set(); attr = all.get_next_object()) {
        if (!attr.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("SafeBag attribute");
        Botan::BER_Decoder a(attr);
        Botan::OID id;
        a.decode(id);
        const auto values = expect(a, Botan::SET, Botan::CONSTRUCTED, "SafeBag attribute values");
        expect_end(a, "SafeBag attribute");
        Botan::BER_Decoder v(values);
        const auto first = v.get_next_object();
        if (id == kFriendlyName && first.is_a(Botan::BMP_STRING, Botan::UNIVERSAL))
            out.friendly_name = utf16be_to_utf8(Secret(first.bits(), first.bits() + first.length()));
        else if (id == kLocalKeyId && first.is_set())
            out.local_key_id = Botan::unlock(octets(first, "localKeyID"));
    }
    return out;
}

// "PBES2 (PBKDF2-HMAC-SHA-256, AES-256/CBC), 2048 iterations", after checking that Botan has the
// parts and that the file asks no more work than `limits` allow (RFC 8018 §6.2, Appendix A.2;
// RFC 7914 §7 for scrypt). Botan's PBES2 then decrypts.
std::string check_pbes2(const std::vector<uint8_t>& params, const Pkcs12Limits& limits) {
    Botan::BER_Decoder top(params);
    Botan::BER_Decoder seq = enter(top, Botan::SEQUENCE, "PBES2 parameters");
    const auto kdf = algorithm_of(seq.get_next_object(), "PBES2 key derivation");
    const auto enc = algorithm_of(seq.get_next_object(), "PBES2 encryption scheme");
    expect_end(seq, "PBES2 parameters");
    const char* cipher = lookup(kCiphers, enc.get_oid());
    if (!cipher) throw Error("unsupported key encryption: PBES2 with the cipher " + enc.get_oid().to_string());
    Botan::BER_Decoder p(kdf.get_parameters());
    Botan::BER_Decoder kp = enter(p, Botan::SEQUENCE, "PBES2 key derivation parameters");
    std::vector<uint8_t> salt;
    if (kdf.get_oid() == kPbkdf2) {
        size_t iterations = 0;
        kp.decode(salt, Botan::OCTET_STRING).decode(iterations);
        const char* prf = "SHA-1";  // RFC 8018 Appendix A.2: the default PRF
        for (auto obj = kp.get_next_object(); obj.is_set(); obj = kp.get_next_object()) {
            if (obj.is_a(Botan::INTEGER, Botan::UNIVERSAL)) continue;  // keyLength: the cipher's own
            const auto alg = algorithm_of(obj, "PBKDF2 PRF");
            prf = lookup(kHmacs, alg.get_oid());
            if (!prf) throw Error("unsupported key encryption: PBKDF2 with the PRF " + alg.get_oid().to_string());
        }
        if (iterations == 0) throw Error("PBKDF2 iteration count 0 is outside 1.." + std::to_string(limits.max_iterations));
        if (iterations > limits.max_iterations)
            throw Error("PBKDF2 cost of " + std::to_string(iterations) + " iterations is beyond pkitool's cap of " + std::to_string(limits.max_iterations));
        return "PBES2 (PBKDF2-HMAC-" + std::string(prf) + ", " + cipher + "), " + std::to_string(iterations) + " iterations";
    }
    if (kdf.get_oid() == kScrypt) {
        size_t n = 0, r = 0, parallel = 0;
        kp.decode(salt, Botan::OCTET_STRING).decode(n).decode(r).decode(parallel);
        // 128 * N * r bytes of memory and p times the work: at most OpenSSL's own 32 MiB cap, x8.
        if (n < 2 || r == 0 || parallel == 0 || n > (1u << 20) || r > 64 || parallel > 16 || n * r > (1u << 21) || n * r * parallel > (1u << 22))
            throw Error("scrypt cost N=" + std::to_string(n) + " r=" + std::to_string(r) + " p=" + std::to_string(parallel) +
                        " is beyond pkitool's cap (128·N·r at most 256 MiB, p at most 16, N·r·p at most 2^22)");
        return "PBES2 (scrypt N=" + std::to_string(n) + " r=" + std::to_string(r) + " p=" + std::to_string(parallel) + ", " + cipher + ")";
    }
    throw Error("unsupported key encryption: PBES2 with the key derivation " + kdf.get_oid().to_string());
}

struct Found {
    std::vector<std::pair<PrivateKey, Attributes>> keys;
    std::vector<std::pair<Botan::X509_Certificate, Attributes>> certs;
    std::vector<std::string> key_encryption, certificate_encryption;
    size_t bags = 0;
};

void note(std::vector<std::string>& list, const std::string& what) {
    if (std::find(list.begin(), list.end(), what) == list.end()) list.push_back(what);
}
std::string joined(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& s : list) out += (out.empty() ? "" : "; ") + s;
    return out.empty() ? "none" : out;
}

// One reading of one file: every error names it.
class Reader {
public:
    Reader(std::string name, const Passphrase& password, const Pkcs12Limits& limits)
        : name_(std::move(name)), given_(password && !password->empty()), raw_(given_ ? *password : ""), limits_(limits) {
        // OpenSSL, given no password or an empty one, tries the empty BMPString (00 00) and then
        // no bytes at all: writers differ on which of the two "empty" means.
        if (given_) candidates_ = {pkcs12_bmp_password(raw_)};
        else candidates_ = {pkcs12_bmp_password(""), Secret()};
    }

    Pkcs12 read(std::span<const uint8_t> data) {
        Botan::BER_Decoder top(data.data(), data.size());
        const auto pfx_obj = top.get_next_object();
        if (!pfx_obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) fail("not a PKCS#12 file (RFC 7292 §4 PFX)");
        bool trailing = true;
        try {
            trailing = top.get_next_object().is_set();
        } catch (const std::exception&) {
        }
        if (trailing) fail("bytes follow the PKCS#12 structure: the file is not one PKCS#12 file");
        Botan::BER_Decoder pfx(pfx_obj);
        size_t version = 0;
        pfx.decode(version);
        if (version != 3) fail("PKCS#12 version " + std::to_string(version) + ", expected 3");
        const auto auth_safe = expect(pfx, Botan::SEQUENCE, Botan::CONSTRUCTED, "authSafe");
        Botan::BER_Decoder ci(auth_safe);
        Botan::OID type;
        ci.decode(type);
        if (type == kSignedData) fail("public-key integrity mode (signedData) is not supported", "export it again with a password");
        if (type != kData) fail("authSafe content type " + type.to_string() + ", expected data (RFC 7292 §4)");
        const Secret contents = octets(explicit_content(ci.get_next_object(), "authSafe content"), "authSafe content");
        expect_end(ci, "authSafe");

        Pkcs12 out;
        out.integrity = "none";
        if (const auto mac = pfx.get_next_object(); mac.is_set()) {
            out.integrity = verify_mac(mac, contents);
            mac_verified_ = true;
        }
        expect_end(pfx, "PFX");

        Found found;
        Botan::BER_Decoder as_top(contents);
        Botan::BER_Decoder safe = enter(as_top, Botan::SEQUENCE, "AuthenticatedSafe");
        for (auto info = safe.get_next_object(); info.is_set(); info = safe.get_next_object()) content_info(info, found);
        expect_end(as_top, "AuthenticatedSafe");
        return assemble(std::move(found), std::move(out));
    }

private:
    [[noreturn]] void fail(const std::string& problem, const std::string& hint = {}) const { throw Error(name_ + ": " + problem, hint); }

    // A key bag's PKCS#8 (RFC 7292 §4.2.1). Never another PFX: PrivateKey::parse reads those too,
    // and a file nesting PFX in key bags would recurse until the stack ran out.
    PrivateKey bag_key(const std::vector<uint8_t>& pkcs8) const {
        if (Pkcs12::detect(pkcs8)) malformed("key bag (it holds another PKCS#12 file)");
        return PrivateKey::parse(pkcs8, name_, std::nullopt);
    }

    // What to say when encrypted contents do not decrypt under any candidate password.
    [[noreturn]] void undecryptable(const std::string& what) const {
        if (mac_verified_) fail(what + " does not decrypt with the password that verifies the MAC (corrupt file)");
        if (given_) fail("wrong password (" + what + " does not decrypt)");
        throw Error(name_ + ": the PKCS#12 file is protected by a password").with_step({NextStep::Kind::Passphrase, "give its password"});
    }

    // RFC 7292 §4 MacData: HMAC over the authSafe contents with a key from Appendix B (ID 3), the
    // digest's length; compared in constant time. The password that verifies it is the one used.
    std::string verify_mac(const Botan::BER_Object& obj, const Secret& contents) {
        if (!obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("MacData");
        Botan::BER_Decoder mac(obj);
        const auto digest_info = expect(mac, Botan::SEQUENCE, Botan::CONSTRUCTED, "MacData digest");
        Botan::BER_Decoder di(digest_info);
        const auto alg = algorithm_of(di.get_next_object(), "MacData digest algorithm");
        const Secret expected = octets(di.get_next_object(), "MacData digest");
        expect_end(di, "MacData digest");
        const Secret salt = octets(mac.get_next_object(), "MacData salt");
        size_t iterations = 1;  // DEFAULT 1
        if (auto it = mac.get_next_object(); it.is_set()) {
            Botan::BER_Decoder(encoding(it)).decode(iterations);
            expect_end(mac, "MacData");
        }
        const char* hash = lookup(kDigests, alg.get_oid());
        if (!hash) fail("unsupported MAC digest " + alg.get_oid().to_string() + " (PBMAC1 and others are not read)");
        if (iterations == 0 || iterations > limits_.max_iterations)
            fail("MAC iteration count " + std::to_string(iterations) + " is outside 1.." + std::to_string(limits_.max_iterations));
        auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(" + std::string(hash) + ")");
        for (const auto& candidate : candidates_) {
            hmac->set_key(pkcs12_derive(hash, Pkcs12KeyPurpose::Mac, candidate, salt, iterations, hmac->output_length()));
            hmac->update(contents);
            const Secret got = hmac->final();
            if (got.size() == expected.size() && Botan::constant_time_compare(got.data(), expected.data(), got.size())) {
                candidates_ = {candidate};
                return "HMAC-" + std::string(hash) + ", " + std::to_string(iterations) + " iterations";
            }
        }
        if (given_) fail("wrong password (the PKCS#12 MAC does not verify)");
        throw Error(name_ + ": the PKCS#12 file is protected by a password").with_step({NextStep::Kind::Passphrase, "give its password"});
    }

    // The plaintext under `alg`, or nullopt when no candidate password decrypts it; `scheme`
    // says what it was.
    std::optional<Secret> decrypt(const Botan::AlgorithmIdentifier& alg, const Secret& ciphertext, std::string& scheme) const {
        if (alg.get_oid() == kPbes2) {
            try {
                scheme = check_pbes2(alg.get_parameters(), limits_);
            } catch (const Error& e) {
                fail(e.what());
            }
            try {
                // RFC 8018 takes the password as octets: its UTF-8 bytes, as OpenSSL passes them.
                return Botan::pbes2_decrypt(ciphertext, raw_, alg.get_parameters());
            } catch (const std::exception&) {
                return std::nullopt;
            }
        }
        for (const auto& pbe : kPkcs12Pbes) {
            if (alg.get_oid() != Botan::OID(pbe.oid)) continue;
            scheme = pbe.name;
            if (pbe.key_bytes == 0) {
                const bool legacy = scheme == "pbeWithSHAAnd40BitRC2-CBC";
                fail("unsupported scheme " + scheme + (legacy ? " (openssl -legacy)" : "") + "; re-export it with openssl 3 without -legacy",
                     "openssl pkcs12 -legacy -in FILE -nodes -out all.pem, then openssl pkcs12 -export -in all.pem -out new.p12");
            }
            // pkcs-12PbeParams ::= SEQUENCE { salt OCTET STRING, iterations INTEGER } (Appendix C).
            Bytes salt;
            size_t iterations = 0;
            Botan::BER_Decoder params(alg.get_parameters());
            Botan::BER_Decoder fields = enter(params, Botan::SEQUENCE, scheme + " parameters");
            fields.decode(salt, Botan::OCTET_STRING).decode(iterations);
            expect_end(fields, scheme + " parameters");
            if (iterations == 0 || iterations > limits_.max_iterations)
                fail(scheme + " iteration count " + std::to_string(iterations) + " is outside 1.." + std::to_string(limits_.max_iterations));
            scheme += ", " + std::to_string(iterations) + " iterations";
            for (const auto& candidate : candidates_) {
                auto cipher = Botan::Cipher_Mode::create_or_throw("TripleDES/CBC/PKCS7", Botan::DECRYPTION);
                cipher->set_key(pkcs12_derive("SHA-1", Pkcs12KeyPurpose::Key, candidate, salt, iterations, pbe.key_bytes));
                cipher->start(pkcs12_derive("SHA-1", Pkcs12KeyPurpose::Iv, candidate, salt, iterations, 8));
                Secret plain = ciphertext;
                try {
                    cipher->finish(plain);
                    return plain;
                } catch (const std::exception&) {
                }
            }
            return std::nullopt;
        }
        fail("unsupported scheme " + alg.get_oid().to_string());
    }

    // RFC 7292 §4.1: a ContentInfo of the AuthenticatedSafe, Data or EncryptedData.
    void content_info(const Botan::BER_Object& obj, Found& found) {
        if (!obj.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("AuthenticatedSafe ContentInfo");
        Botan::BER_Decoder ci(obj);
        Botan::OID type;
        ci.decode(type);
        const auto content = explicit_content(ci.get_next_object(), "ContentInfo content");
        expect_end(ci, "ContentInfo");
        if (type == kData) return safe_contents(octets(content, "Data content"), found, "none", 0);
        if (type == kEnvelopedData) fail("public-key privacy mode (envelopedData) is not supported", "export it again with a password");
        if (type != kEncryptedData) fail("unknown content type " + type.to_string() + " in the AuthenticatedSafe");
        // RFC 5652 §8: EncryptedData ::= SEQUENCE { version, EncryptedContentInfo, [1] unprotectedAttrs OPTIONAL }
        if (!content.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("EncryptedData");
        Botan::BER_Decoder ed(content);
        size_t version = 0;
        ed.decode(version);
        const auto eci_obj = expect(ed, Botan::SEQUENCE, Botan::CONSTRUCTED, "EncryptedContentInfo");
        Botan::BER_Decoder eci(eci_obj);
        Botan::OID inner;
        eci.decode(inner);
        const auto alg = algorithm_of(eci.get_next_object(), "EncryptedContentInfo algorithm");
        const auto body = eci.get_next_object();
        if (!body.is_set()) fail("an EncryptedData holds no encrypted content");
        const Secret ciphertext = octets(body, "encrypted content", ASN1_Tag(0), Botan::CONTEXT_SPECIFIC);
        expect_end(eci, "EncryptedContentInfo");
        std::string scheme;
        auto plain = decrypt(alg, ciphertext, scheme);
        if (!plain) undecryptable("the certificates' EncryptedData");
        safe_contents(*plain, found, scheme, 0);
    }

    // RFC 7292 §4.2: SafeContents ::= SEQUENCE OF SafeBag; `protection` is how they were kept.
    void safe_contents(const Secret& der, Found& found, const std::string& protection, int depth) {
        Botan::BER_Decoder top(der);
        Botan::BER_Decoder bags = enter(top, Botan::SEQUENCE, "SafeContents");
        for (auto bag = bags.get_next_object(); bag.is_set(); bag = bags.get_next_object()) {
            if (++found.bags > limits_.max_bags) fail("holds more than " + std::to_string(limits_.max_bags) + " bags");
            if (!bag.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("SafeBag");
            Botan::BER_Decoder b(bag);
            Botan::OID id;
            b.decode(id);
            const auto value = explicit_content(b.get_next_object(), "SafeBag value");
            Attributes attrs;
            if (auto set = b.get_next_object(); set.is_set()) {
                attrs = attributes_of(set);
                expect_end(b, "SafeBag");
            }
            if (id == kKeyBag) {
                note(found.key_encryption, protection);
                found.keys.emplace_back(bag_key(encoding(value)), std::move(attrs));
            } else if (id == kShroudedKeyBag) {
                // EncryptedPrivateKeyInfo (RFC 5958 §3): decrypted here, the PKCS#8 inside read by Botan.
                if (!value.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("PKCS8ShroudedKeyBag");
                Botan::BER_Decoder k(value);
                const auto alg = algorithm_of(k.get_next_object(), "PKCS8ShroudedKeyBag algorithm");
                const Secret ciphertext = octets(k.get_next_object(), "PKCS8ShroudedKeyBag contents");
                expect_end(k, "PKCS8ShroudedKeyBag");
                std::string scheme;
                auto plain = decrypt(alg, ciphertext, scheme);
                if (!plain) undecryptable("the private key");
                note(found.key_encryption, scheme);
                found.keys.emplace_back(bag_key(Botan::unlock(*plain)), std::move(attrs));
            } else if (id == kCertBag) {
                if (!value.is_a(Botan::SEQUENCE, Botan::CONSTRUCTED)) malformed("CertBag");
                Botan::BER_Decoder c(value);
                Botan::OID cert_type;
                c.decode(cert_type);
                const Secret der_cert = octets(explicit_content(c.get_next_object(), "CertBag value"), "CertBag value");
                expect_end(c, "CertBag");
                if (cert_type != kX509Certificate)
                    fail("a certificate of type " + cert_type.to_string() + " (only X.509 certificates are read)");
                note(found.certificate_encryption, protection);
                try {
                    found.certs.emplace_back(Botan::X509_Certificate(Botan::unlock(der_cert)), std::move(attrs));
                } catch (const std::exception& e) {
                    fail("certificate " + std::to_string(found.certs.size() + 1) + " is not a valid X.509 certificate (" + e.what() + ")");
                }
            } else if (id == kSafeContentsBag) {
                if (depth >= 3) fail("SafeContents nested more than 3 deep");
                const auto nested = encoding(value);
                safe_contents(Secret(nested.begin(), nested.end()), found, protection, depth + 1);
            }
            // crlBag, secretBag and bag types to come (§4.2 leaves the set open) hold nothing pkitool uses.
        }
        expect_end(top, "SafeContents");
    }

    Pkcs12 assemble(Found found, Pkcs12 out) const {
        if (found.keys.size() > 1)
            fail("holds " + std::to_string(found.keys.size()) + " private keys; pkitool reads a PKCS#12 file with one",
                 "export the key you mean, with its certificate and chain, into a file of its own");
        if (found.keys.empty() && found.certs.empty()) fail("holds neither a private key nor a certificate");
        out.key_encryption = joined(found.key_encryption);
        out.certificate_encryption = joined(found.certificate_encryption);
        std::optional<size_t> leaf;
        if (!found.keys.empty()) {
            const auto& [key, key_attrs] = found.keys.front();
            out.key = key;
            out.friendly_name = key_attrs.friendly_name;
            // The leaf is the certificate of the key; localKeyID (§4.2) picks among several.
            for (size_t i = 0; i < found.certs.size(); ++i) {
                const auto& [cert, attrs] = found.certs[i];
                bool matches = false;
                try {
                    std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
                    matches = keys_match(key.botan(), *pub);
                } catch (const std::exception&) {
                }
                if (!matches) continue;
                const bool same_id = !key_attrs.local_key_id.empty() && attrs.local_key_id == key_attrs.local_key_id;
                if (!leaf || same_id) leaf = i;
                if (same_id) break;
            }
        }
        std::vector<bool> used(found.certs.size(), false);
        if (leaf) {
            out.leaf = found.certs[*leaf].first;
            if (!found.certs[*leaf].second.friendly_name.empty()) out.friendly_name = found.certs[*leaf].second.friendly_name;
            used[*leaf] = true;
            // The chain as far as it goes: each next one the issuer of the last.
            for (const Botan::X509_Certificate* last = &*out.leaf;;) {
                if (last->is_self_signed()) break;
                size_t i = 0;
                while (i < found.certs.size() && (used[i] || found.certs[i].first.subject_dn() != last->issuer_dn())) ++i;
                if (i == found.certs.size()) break;
                used[i] = true;
                out.chain.push_back(found.certs[i].first);
                last = &out.chain.back();
            }
        }
        for (size_t i = 0; i < found.certs.size(); ++i)
            if (!used[i]) out.chain.push_back(found.certs[i].first);
        return out;
    }

    std::string name_;
    bool given_;
    std::string raw_;
    std::vector<Secret> candidates_;
    const Pkcs12Limits& limits_;
    bool mac_verified_ = false;
};

// RFC 7292 §4.2 SafeBag attributes: friendlyName (a BMPString) and localKeyID.
void encode_attributes(Botan::DER_Encoder& der, const std::string& friendly_name, const Bytes& local_key_id) {
    der.start_cons(Botan::SET);
    if (!friendly_name.empty()) {
        const auto bmp = pkcs12_bmp_password(friendly_name);  // UTF-16BE, then its terminator dropped
        der.start_cons(Botan::SEQUENCE)
            .encode(kFriendlyName)
            .start_cons(Botan::SET)
            .add_object(Botan::BMP_STRING, Botan::UNIVERSAL, bmp.data(), bmp.size() - 2)
            .end_cons()
            .end_cons();
    }
    der.start_cons(Botan::SEQUENCE).encode(kLocalKeyId).start_cons(Botan::SET).encode(local_key_id, Botan::OCTET_STRING).end_cons().end_cons();
    der.end_cons();
}

// ContentInfo (RFC 5652 §3) of type data around `inner`.
void encode_data(Botan::DER_Encoder& der, const Bytes& inner) {
    der.start_cons(Botan::SEQUENCE).encode(kData).start_explicit(0).encode(inner, Botan::OCTET_STRING).end_explicit().end_cons();
}

}  // namespace

std::string check_pbes2_parameters(const std::vector<uint8_t>& params) { return check_pbes2(params, Pkcs12Limits{}); }

bool Pkcs12::detect(std::span<const uint8_t> data) {
    // 30 <length> 02 01 03 30: PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, ... }
    if (data.size() < 6 || data[0] != 0x30) return false;
    size_t at = 2;
    if (data[1] & 0x80) at += data[1] & 0x7F;  // long form (0x80: indefinite, no length bytes)
    return data.size() >= at + 4 && data[at] == 0x02 && data[at + 1] == 0x01 && data[at + 2] == 0x03 && data[at + 3] == 0x30;
}

bool Pkcs12::needs_password(std::span<const uint8_t> data) {
    if (!detect(data)) return false;
    try {
        (void)parse(data, "", std::nullopt);
        return false;
    } catch (const Error& e) {
        const auto& steps = e.steps();
        return std::any_of(steps.begin(), steps.end(), [](const NextStep& s) { return s.kind == NextStep::Kind::Passphrase; });
    }
}

Pkcs12 Pkcs12::parse(std::span<const uint8_t> data, const std::string& name, const Passphrase& password, const Pkcs12Limits& limits) {
    if (data.empty()) throw Error(name + ": file is empty, expected a PKCS#12 file");
    try {
        return Reader(name, password, limits).read(data);
    } catch (const Error&) {
        throw;  // already names the file
    } catch (const Malformed& e) {
        throw Error(name + ": not a valid PKCS#12 file: " + e.what());
    } catch (const std::exception& e) {
        throw Error(name + ": corrupt or truncated PKCS#12 file (" + e.what() + ")");
    }
}

Pkcs12 Pkcs12::load(const std::filesystem::path& path, const Passphrase& password) {
    return parse(files::read(path), files::name_of(path), password);
}

void check_chain_order(const Botan::X509_Certificate& leaf, const std::vector<Botan::X509_Certificate>& chain) {
    const Botan::X509_Certificate* last = &leaf;
    for (size_t i = 0; i < chain.size(); ++i) {
        const auto& cert = chain[i];
        bool issued = cert.subject_dn() == last->issuer_dn();
        if (issued) {
            std::unique_ptr<Botan::Public_Key> pub(cert.subject_public_key());
            issued = last->check_signature(*pub);
        }
        if (!issued)
            throw Error("certificate " + std::to_string(i + 1) + " (" + format_dn(cert.subject_dn()) + ") did not issue " +
                            (i == 0 ? std::string("the certificate") : "certificate " + std::to_string(i)) + " (" + format_dn(last->subject_dn()) + ")",
                        "list the chain from the certificate's issuer up, each the issuer of the one before it");
        last = &cert;
    }
}

std::vector<uint8_t> encode_pkcs12(const Pkcs12Contents& c, const std::string& password) {
    std::unique_ptr<Botan::Public_Key> pub(c.leaf.subject_public_key());
    if (!keys_match(c.key.botan(), *pub)) throw Error("the private key is not the key of the certificate");
    check_chain_order(c.leaf, c.chain);
    // localKeyID joins the key to its certificate: the certificate's SHA-1, as OpenSSL makes it.
    const Bytes local_key_id = Botan::unlock(Botan::HashFunction::create_or_throw("SHA-1")->process(c.leaf.BER_encode()));

    // The certificates, leaf first, in an EncryptedData under PBES2 (RFC 7292 §4.1, §4.2.3).
    Bytes certs;
    {
        Botan::DER_Encoder der(certs);
        der.start_cons(Botan::SEQUENCE);
        for (size_t i = 0; i <= c.chain.size(); ++i) {
            const auto& cert = i == 0 ? c.leaf : c.chain[i - 1];
            der.start_cons(Botan::SEQUENCE)
                .encode(kCertBag)
                .start_explicit(0)
                .start_cons(Botan::SEQUENCE)
                .encode(kX509Certificate)
                .start_explicit(0)
                .encode(cert.BER_encode(), Botan::OCTET_STRING)
                .end_explicit()
                .end_cons()
                .end_explicit();
            if (i == 0) encode_attributes(der, c.friendly_name, local_key_id);
            der.end_cons();
        }
        der.end_cons();
    }
    const auto [cert_alg, cert_ciphertext] =
        Botan::pbes2_encrypt_iter(Secret(certs.begin(), certs.end()), password, c.iterations, "AES-256/CBC", "SHA-256", rng());

    // The key as a PKCS8ShroudedKeyBag (§4.2.2) in a Data.
    Bytes keys;
    {
        Botan::DER_Encoder der(keys);
        der.start_cons(Botan::SEQUENCE)
            .start_cons(Botan::SEQUENCE)
            .encode(kShroudedKeyBag)
            .start_explicit(0)
            .raw_bytes(c.key.to_encrypted_der(password, c.iterations))
            .end_explicit();
        encode_attributes(der, c.friendly_name, local_key_id);
        der.end_cons().end_cons();
    }

    Bytes auth_safe;
    {
        Botan::DER_Encoder der(auth_safe);
        der.start_cons(Botan::SEQUENCE);
        der.start_cons(Botan::SEQUENCE)
            .encode(kEncryptedData)
            .start_explicit(0)
            .start_cons(Botan::SEQUENCE)
            .encode(static_cast<size_t>(0))
            .start_cons(Botan::SEQUENCE)
            .encode(kData)
            .encode(cert_alg)
            .add_object(ASN1_Tag(0), Botan::CONTEXT_SPECIFIC, cert_ciphertext.data(), cert_ciphertext.size())
            .end_cons()
            .end_cons()
            .end_explicit()
            .end_cons();
        encode_data(der, keys);
        der.end_cons();
    }

    // §4 MacData: HMAC-SHA-256 keyed by Appendix B (ID 3) over the AuthenticatedSafe.
    Bytes salt(16);
    rng().randomize(salt.data(), salt.size());
    auto hmac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    hmac->set_key(pkcs12_derive("SHA-256", Pkcs12KeyPurpose::Mac, pkcs12_bmp_password(password), salt, c.iterations, hmac->output_length()));
    hmac->update(auth_safe);
    const Bytes mac = Botan::unlock(hmac->final());

    Bytes pfx;
    Botan::DER_Encoder der(pfx);
    der.start_cons(Botan::SEQUENCE).encode(static_cast<size_t>(3));
    encode_data(der, auth_safe);
    der.start_cons(Botan::SEQUENCE)
        .start_cons(Botan::SEQUENCE)
        .encode(Botan::AlgorithmIdentifier(kSha256, Botan::AlgorithmIdentifier::USE_NULL_PARAM))
        .encode(mac, Botan::OCTET_STRING)
        .end_cons()
        .encode(salt, Botan::OCTET_STRING)
        .encode(c.iterations)
        .end_cons()
        .end_cons();
    return pfx;
}

}  // namespace pkitool::issue
