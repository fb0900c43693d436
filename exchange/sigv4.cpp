// SigV4 canonicalisation and signatures (AWS General Reference, "Signature Version 4"; the X.509
// variant per the IAM Roles Anywhere User Guide, "Signing process for IAM Roles Anywhere").
#include "exchange/sigv4.h"

#include "issue/random.h"
#include "base/error.h"

#include <botan/base64.h>
#include <botan/bigint.h>
#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mac.h>
#include <botan/pubkey.h>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace pkitool::exchange {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// SigV4 header values: leading/trailing spaces removed, inner runs of spaces folded to one.
std::string trim_fold(const std::string& v) {
    std::string out;
    bool space = false;
    for (char c : v) {
        if (c == ' ' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out += ' ';
        space = false;
        out += c;
    }
    return out;
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(' ');
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(' ') - b + 1);
}

std::vector<uint8_t> hmac(const std::vector<uint8_t>& key, const std::string& data) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(key);
    mac->update(data);
    return Botan::unlock(mac->final());
}

// How Botan signs an X.509 algorithm: Roles Anywhere hashes with SHA-256 whatever the key size, and
// ECDSA signatures go on the wire DER-encoded (SEQUENCE { r, s }), as the official helper sends them.
struct X509Scheme {
    const char* emsa;
    Botan::Signature_Format format;
    const char* key_algo;  // Botan's algo_name() of the keys that sign it
};

std::optional<X509Scheme> x509_scheme(SigningAlgorithm algorithm) {
    switch (algorithm) {
        case SigningAlgorithm::X509Rsa: return X509Scheme{"EMSA3(SHA-256)", Botan::IEEE_1363, "RSA"};
        case SigningAlgorithm::X509Ecdsa: return X509Scheme{"EMSA1(SHA-256)", Botan::DER_SEQUENCE, "ECDSA"};
        case SigningAlgorithm::Hmac: return std::nullopt;
    }
    return std::nullopt;
}

constexpr SigningAlgorithm kAlgorithms[] = {SigningAlgorithm::X509Rsa, SigningAlgorithm::X509Ecdsa, SigningAlgorithm::Hmac};

}  // namespace

std::string to_string(SigningAlgorithm algorithm) {
    switch (algorithm) {
        case SigningAlgorithm::X509Rsa: return "AWS4-X509-RSA-SHA256";
        case SigningAlgorithm::X509Ecdsa: return "AWS4-X509-ECDSA-SHA256";
        case SigningAlgorithm::Hmac: return "AWS4-HMAC-SHA256";
    }
    return "";
}

std::optional<SigningAlgorithm> parse_signing_algorithm(std::string_view text) {
    for (const auto a : kAlgorithms)
        if (to_string(a) == text) return a;
    return std::nullopt;
}

std::optional<std::string> HttpRequest::header(const std::string& name) const {
    const auto n = lower(name);
    for (const auto& [k, v] : headers)
        if (lower(k) == n) return v;
    return std::nullopt;
}

void HttpRequest::set_header(const std::string& name, const std::string& value) {
    const auto n = lower(name);
    for (auto& [k, v] : headers)
        if (lower(k) == n) {
            v = value;
            return;
        }
    headers.emplace_back(name, value);
}

std::string uri_encode(const std::string& s) {
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else out += fmt::format("%{:02X}", c);
    }
    return out;
}

std::string canonical_query(const Params& query) {
    std::vector<std::pair<std::string, std::string>> enc;
    for (const auto& [k, v] : query) enc.emplace_back(uri_encode(k), uri_encode(v));
    std::sort(enc.begin(), enc.end());
    std::string out;
    for (const auto& [k, v] : enc) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

std::string canonical_request(const HttpRequest& req, const std::vector<std::string>& signed_headers) {
    std::vector<std::string> names;
    for (const auto& h : signed_headers) names.push_back(lower(h));
    std::sort(names.begin(), names.end());
    std::string headers, list;
    for (const auto& n : names) {
        const auto v = req.header(n);
        if (!v) throw Error("signed header '" + n + "' is not in the request");
        headers += n + ":" + trim_fold(*v) + "\n";
        list += (list.empty() ? "" : ";") + n;
    }
    // The path is already URI-encoded as sent; Roles Anywhere only uses "/sessions" and "/".
    return req.method + "\n" + req.path + "\n" + canonical_query(req.query) + "\n" + headers + "\n" + list + "\n" + sha256_hex(req.body);
}

std::string amz_date(std::chrono::system_clock::time_point t) {
    return fmt::format("{:%Y%m%dT%H%M%SZ}", std::chrono::floor<std::chrono::seconds>(t));
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
    if (text.size() != 16 || text[8] != 'T' || text[15] != 'Z') return std::nullopt;
    for (size_t i = 0; i < 15; ++i)
        if (i != 8 && !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    const auto num = [&](size_t pos, size_t len) { return std::stoi(text.substr(pos, len)); };
    const std::chrono::year_month_day ymd{std::chrono::year(num(0, 4)), std::chrono::month(num(4, 2)), std::chrono::day(num(6, 2))};
    const int hh = num(9, 2), mm = num(11, 2), ss = num(13, 2);
    if (!ymd.ok() || hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    // system_clock counts nanoseconds in 64 bits: years past 2262 overflow it (found by fuzzing).
    if (ymd.year() < std::chrono::year(1970) || ymd.year() > std::chrono::year(kLastYear)) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(hh) + std::chrono::minutes(mm) + std::chrono::seconds(ss);
}

std::string credential_scope(const std::string& date8, const std::string& region, const std::string& service) {
    return date8 + "/" + region + "/" + service + "/aws4_request";
}

std::string string_to_sign(const std::string& algorithm, const std::string& amz_date_value, const std::string& scope,
                           const std::string& canonical) {
    return algorithm + "\n" + amz_date_value + "\n" + scope + "\n" + sha256_hex(canonical);
}

std::string sha256_hex(const std::string& data) {
    auto h = Botan::HashFunction::create_or_throw("SHA-256");
    h->update(data);
    return Botan::hex_encode(h->final(), false);
}

std::optional<SigningAlgorithm> x509_algorithm_of(const Botan::Public_Key& key) {
    const auto algo = key.algo_name();
    for (const auto a : kAlgorithms)
        if (const auto scheme = x509_scheme(a); scheme && algo == scheme->key_algo) return a;
    return std::nullopt;
}

SigningAlgorithm x509_algorithm(const Botan::Public_Key& key) {
    if (const auto a = x509_algorithm_of(key)) return *a;
    throw Error(key.algo_name() + " keys cannot sign Roles Anywhere requests", "use an RSA or EC (P-256/P-384) key");
}

SigningTrace sign_x509(HttpRequest& req, const issue::PrivateKey& key, const Botan::X509_Certificate& leaf,
                       const std::vector<Botan::X509_Certificate>& intermediates, const std::string& host,
                       const std::string& region, std::chrono::system_clock::time_point now) {
    const SigningAlgorithm algorithm = x509_algorithm(key.botan());
    const auto scheme = *x509_scheme(algorithm);
    const std::string date = amz_date(now);
    if (!req.header("Content-Type")) req.set_header("Content-Type", "application/json");
    req.set_header("Host", host);
    req.set_header("X-Amz-Date", date);
    req.set_header("X-Amz-X509", Botan::base64_encode(leaf.BER_encode()));
    std::vector<std::string> signed_headers = {"content-type", "host", "x-amz-date", "x-amz-x509"};
    if (!intermediates.empty()) {
        std::string chain;
        for (const auto& c : intermediates) {
            if (!chain.empty()) chain += ',';  // piecewise: GCC 12 -O3 sees a false -Wrestrict in a + b
            chain += Botan::base64_encode(c.BER_encode());
        }
        req.set_header("X-Amz-X509-Chain", chain);
        signed_headers.push_back("x-amz-x509-chain");
    }
    std::sort(signed_headers.begin(), signed_headers.end());
    SigningTrace trace;
    trace.canonical_request = canonical_request(req, signed_headers);
    const std::string scope = credential_scope(date.substr(0, 8), region, "rolesanywhere");
    trace.string_to_sign = string_to_sign(to_string(algorithm), date, scope, trace.canonical_request);

    Botan::PK_Signer signer(key.botan(), issue::rng(), scheme.emsa, scheme.format);
    const auto sig = signer.sign_message(reinterpret_cast<const uint8_t*>(trace.string_to_sign.data()), trace.string_to_sign.size(), issue::rng());
    std::string names;
    for (const auto& h : signed_headers) names += (names.empty() ? "" : ";") + h;
    const std::string serial = Botan::BigInt(leaf.serial_number()).to_dec_string();
    req.set_header("Authorization", to_string(algorithm) + " Credential=" + serial + "/" + scope + ", SignedHeaders=" + names +
                                        ", Signature=" + Botan::hex_encode(sig, false));
    return trace;
}

std::unique_ptr<Botan::PK_Verifier> x509_verifier(const Botan::Public_Key& key, SigningAlgorithm algorithm) {
    const auto scheme = x509_scheme(algorithm);
    if (!scheme || key.algo_name() != scheme->key_algo) return nullptr;  // algorithm must match the certificate's key
    return std::make_unique<Botan::PK_Verifier>(key, scheme->emsa, scheme->format);
}

bool verify_x509(const Botan::Public_Key& key, SigningAlgorithm algorithm, const std::string& sts,
                 const std::vector<uint8_t>& signature) {
    try {
        const auto verifier = x509_verifier(key, algorithm);
        return verifier && verifier->verify_message(reinterpret_cast<const uint8_t*>(sts.data()), sts.size(), signature.data(), signature.size());
    } catch (const std::exception&) {
        return false;
    }
}

std::string hmac_signature(const std::string& secret, const std::string& date8, const std::string& region,
                           const std::string& service, const std::string& sts) {
    const std::string k0 = "AWS4" + secret;
    auto k = hmac(std::vector<uint8_t>(k0.begin(), k0.end()), date8);
    k = hmac(k, region);
    k = hmac(k, service);
    k = hmac(k, "aws4_request");
    return Botan::hex_encode(hmac(k, sts), false);
}

Authorization parse_authorization(const std::string& header) {
    const auto bad = [&](const std::string& why) { return Error("malformed Authorization header: " + why); };
    const auto sp = header.find(' ');
    if (sp == std::string::npos) throw bad("no algorithm");
    Authorization a;
    a.algorithm = header.substr(0, sp);
    a.known_algorithm = parse_signing_algorithm(a.algorithm);
    std::string credential, signed_headers;
    size_t pos = sp + 1;
    while (pos < header.size()) {
        auto comma = header.find(',', pos);
        if (comma == std::string::npos) comma = header.size();
        const std::string part = trim(header.substr(pos, comma - pos));
        pos = comma + 1;
        const auto eq = part.find('=');
        if (eq == std::string::npos) throw bad("'" + part + "' is not NAME=VALUE");
        const auto name = part.substr(0, eq), value = part.substr(eq + 1);
        if (name == "Credential") credential = value;
        else if (name == "SignedHeaders") signed_headers = value;
        else if (name == "Signature") a.signature = value;
        else throw bad("unknown field '" + name + "'");
    }
    if (credential.empty() || signed_headers.empty() || a.signature.empty())
        throw bad("Credential, SignedHeaders and Signature are all required");
    // Credential=<id>/<date>/<region>/<service>/aws4_request
    std::vector<std::string> parts;
    for (size_t b = 0, e; b <= credential.size(); b = e + 1) {
        e = credential.find('/', b);
        if (e == std::string::npos) e = credential.size();
        parts.push_back(credential.substr(b, e - b));
    }
    if (parts.size() != 5 || parts[4] != "aws4_request" || parts[1].size() != 8) throw bad("Credential must be ID/YYYYMMDD/REGION/SERVICE/aws4_request");
    a.credential = parts[0];
    a.date8 = parts[1];
    a.region = parts[2];
    a.service = parts[3];
    for (size_t b = 0, e; b <= signed_headers.size(); b = e + 1) {
        e = signed_headers.find(';', b);
        if (e == std::string::npos) e = signed_headers.size();
        a.signed_headers.push_back(signed_headers.substr(b, e - b));
    }
    for (char c : a.signature)
        if (!std::isxdigit(static_cast<unsigned char>(c))) throw bad("Signature is not hex");
    return a;
}

}  // namespace pkitool::exchange
