// The PEM scanner and certificate reader every command shares, with a table-driven base64 decoder:
// Botan 2's looks each character up through a function call, about 55 instructions per character,
// which was 14 % of `pkitool lint` on a directory.
#include "base/pem.h"

#include "base/error.h"

#include <botan/base64.h>
#include <botan/ber_dec.h>

#include <array>

namespace pkitool::pem {

namespace {

constexpr std::string_view kBegin = "-----BEGIN ", kEnd = "-----END ", kDashes = "-----";

constexpr int8_t kSkip = -2, kPad = -3, kBad = -1;

constexpr std::array<int8_t, 256> make_table() {
    std::array<int8_t, 256> t{};
    for (auto& v : t) v = kBad;
    constexpr std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < alphabet.size(); ++i) t[static_cast<uint8_t>(alphabet[i])] = static_cast<int8_t>(i);
    for (char c : {'\n', '\r', ' ', '\t'}) t[static_cast<uint8_t>(c)] = kSkip;
    t[static_cast<uint8_t>('=')] = kPad;
    return t;
}

constexpr auto kTable = make_table();

std::string_view as_text(std::span<const uint8_t> data) { return {reinterpret_cast<const char*>(data.data()), data.size()}; }

// The encoded size of the DER object at the start of `der` (X.690 §8.1: identifier, definite
// length, contents), or 0 when it is not a complete one.
size_t object_size(const uint8_t* der, size_t size) {
    size_t at = 1;
    if (size < 2) return 0;
    if ((der[0] & 0x1f) == 0x1f)  // high tag number form
        while (at < size && (der[at++] & 0x80)) {}
    if (at >= size) return 0;
    size_t length = der[at++];
    if (length & 0x80) {
        const size_t octets = length & 0x7f;
        if (octets == 0 || octets > sizeof(size_t) - 1 || at + octets > size) return 0;  // indefinite (BER), or absurd
        length = 0;
        for (size_t i = 0; i < octets; ++i) length = (length << 8) | der[at++];
    }
    return length <= size - at ? at + length : 0;
}

// The certificate in one block's DER. For TRUSTED CERTIFICATE the certificate is followed by
// OpenSSL's X509_CERT_AUX (one SEQUENCE of trust settings), which is allowed and not read; any
// other bytes after it are refused, as after any certificate.
void add_certificate(Certificates& r, const std::vector<uint8_t>& der, size_t n, std::string_view label, size_t number) {
    size_t cert_size = n;
    if (label == "TRUSTED CERTIFICATE") {
        const size_t first = object_size(der.data(), n);
        if (first > 0 && first < n && object_size(der.data() + first, n - first) == n - first && der[first] == 0x30) cert_size = first;
    }
    if (has_trailing_data(der.data(), cert_size)) {
        r.problems.push_back("certificate #" + std::to_string(number) + " has bytes after its DER encoding");
        return;
    }
    r.certs.emplace_back(der.data(), cert_size);
}

}  // namespace

Blocks scan(std::string_view text) {
    Blocks out;
    size_t pos = 0;
    while ((pos = text.find(kBegin, pos)) != std::string_view::npos) {
        const size_t label_end = text.find(kDashes, pos + kBegin.size());
        if (label_end == std::string_view::npos) break;
        const auto label = text.substr(pos + kBegin.size(), label_end - pos - kBegin.size());
        const size_t body = label_end + kDashes.size();
        const size_t end = text.find(kEnd, body);
        if (end == std::string_view::npos) {
            out.problem = "PEM block \"" + std::string(label) + "\" has no END line (truncated file?)";
            break;
        }
        const size_t end_label_end = text.find(kDashes, end + kEnd.size());
        const auto end_label = text.substr(end + kEnd.size(), end_label_end == std::string_view::npos ? 0 : end_label_end - end - kEnd.size());
        if (end_label_end == std::string_view::npos || end_label != label) {
            out.problem = "PEM block \"" + std::string(label) + "\" is closed by the END line of \"" + std::string(end_label) + "\"";
            break;
        }
        out.blocks.push_back({label, text.substr(body, end - body)});
        pos = end_label_end + kDashes.size();
    }
    return out;
}

bool is_pem(std::string_view text) { return text.find(kBegin) != std::string_view::npos; }

std::string first_label(std::string_view text) {
    const auto b = text.find(kBegin);
    if (b == std::string_view::npos) return "";
    const auto e = text.find(kDashes, b + kBegin.size());
    return e == std::string_view::npos ? "" : std::string(text.substr(b + kBegin.size(), e - b - kBegin.size()));
}

size_t count(std::string_view text, std::string_view label) {
    size_t n = 0;
    for (const auto& b : scan(text).blocks) n += b.label == label;
    return n;
}

bool is_certificate_label(std::string_view label) {
    return label == "CERTIFICATE" || label == "X509 CERTIFICATE" || label == "TRUSTED CERTIFICATE";
}

std::optional<size_t> decode_base64_fast(std::string_view text, uint8_t* out) {
    uint32_t acc = 0;
    int quantum = 0, pad = 0;
    size_t n = 0;
    for (const char ch : text) {
        const int8_t v = kTable[static_cast<uint8_t>(ch)];
        if (v >= 0) {
            if (pad) return std::nullopt;  // data after padding
            acc = (acc << 6) | static_cast<uint32_t>(v);
            if (++quantum == 4) {
                out[n++] = static_cast<uint8_t>(acc >> 16);
                out[n++] = static_cast<uint8_t>(acc >> 8);
                out[n++] = static_cast<uint8_t>(acc);
                acc = 0;
                quantum = 0;
            }
        } else if (v == kPad) {
            if (++pad > 2) return std::nullopt;
        } else if (v != kSkip) {
            return std::nullopt;
        }
    }
    if (pad == 0) return quantum == 0 ? std::optional<size_t>(n) : std::nullopt;
    // "xx==" carries one byte (12 bits, 4 unused), "xxx=" two (18 bits, 2 unused).
    if (quantum + pad != 4 || quantum < 2) return std::nullopt;
    if (quantum == 2) {
        out[n++] = static_cast<uint8_t>(acc >> 4);
    } else {
        out[n++] = static_cast<uint8_t>(acc >> 10);
        out[n++] = static_cast<uint8_t>(acc >> 2);
    }
    return n;
}

void decode(const Block& block, std::vector<uint8_t>& out) {
    out.resize(Botan::base64_decode_max_output(block.body.size()) + 3);
    const auto fast = decode_base64_fast(block.body, out.data());
    out.resize(fast ? *fast : Botan::base64_decode(out.data(), block.body.data(), block.body.size(), true));
}

bool has_trailing_data(const uint8_t* der, size_t size) {
    Botan::BER_Decoder in(der, size);
    const auto first = in.get_next_object();
    if (!first.is_set()) throw Botan::Decoding_Error("no DER object");
    return in.more_items();
}

Certificates read_certificates(std::span<const uint8_t> data, std::vector<uint8_t>& der) {
    Certificates r;
    if (data.empty()) {
        r.problems.push_back("file is empty");
        return r;
    }
    const auto text = as_text(data);
    if (!is_pem(text)) {
        try {
            if (has_trailing_data(data.data(), data.size()))
                r.problems.push_back("bytes follow the DER certificate: the file is not one certificate");
            else
                r.certs.emplace_back(data.data(), data.size());
        } catch (const std::exception& e) {
            r.problems.push_back(std::string("not a PEM or DER certificate (") + e.what() + ")");
        }
        return r;
    }
    const auto scanned = scan(text);
    size_t number = 0;
    for (const auto& block : scanned.blocks) {
        if (!is_certificate_label(block.label)) continue;  // bundles may carry keys, CRLs
        ++number;
        try {
            decode(block, der);
            add_certificate(r, der, der.size(), block.label, number);
        } catch (const std::exception& e) {
            r.problems.push_back("certificate #" + std::to_string(number) + " is corrupt (" + e.what() + ")");
        }
    }
    if (!scanned.problem.empty()) r.problems.push_back(scanned.problem);
    if (number == 0 && r.problems.empty()) r.other_pem_only = true;
    return r;
}

std::vector<Botan::X509_Certificate> certificates(std::span<const uint8_t> data, const std::string& name) {
    if (data.empty()) throw Error(name + ": file is empty, expected a certificate");
    std::vector<uint8_t> der;
    auto r = read_certificates(data, der);
    if (!r.problems.empty()) throw Error(name + ": " + r.problems.front());
    if (r.certs.empty()) {
        const auto label = first_label(as_text(data));
        throw Error(name + ": " + (label.empty() ? std::string("is not PEM and not valid DER") : "holds a PEM \"" + label + "\"") +
                    ", expected a certificate");
    }
    return std::move(r.certs);
}

std::vector<Botan::X509_Certificate> load_certificates(const fs::path& path) {
    return certificates(files::read(path), files::name_of(path));
}

Botan::X509_Certificate load_certificate(const fs::path& path) {
    auto certs = load_certificates(path);
    if (certs.size() != 1)
        throw Error(files::name_of(path) + ": holds " + std::to_string(certs.size()) + " certificates, expected exactly one");
    return certs.front();
}

}  // namespace pkitool::pem
