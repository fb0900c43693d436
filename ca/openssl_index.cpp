// index.txt parsing: dates in UTCTime or GeneralizedTime form, revocations with their reasons.
#include "ca/openssl_index.h"
#include "issue/subject.h"

#include "base/error.h"
#include "base/files.h"

#include <botan/asn1_obj.h>
#include <botan/der_enc.h>

#include <algorithm>
#include <cctype>
#include <chrono>

namespace pkitool::ca {

namespace {

// YYMMDDHHMMSSZ (UTCTime: 50-99 are 19xx, RFC 5280 §4.1.2.5.1) or YYYYMMDDHHMMSSZ.
std::optional<db::Time> asn1_time(const std::string& t) {
    if ((t.size() != 13 && t.size() != 15) || t.back() != 'Z') return std::nullopt;
    if (!std::all_of(t.begin(), t.end() - 1, [](unsigned char c) { return std::isdigit(c); })) return std::nullopt;
    const auto num = [&](size_t pos, size_t len) { return std::stoi(t.substr(pos, len)); };
    size_t at = 0;
    int year = 0;
    if (t.size() == 13) {
        year = num(0, 2);
        year += year < 50 ? 2000 : 1900;
        at = 2;
    } else {
        year = num(0, 4);
        at = 4;
    }
    const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(num(at, 2)), std::chrono::day(num(at + 2, 2))};
    const int h = num(at + 4, 2), m = num(at + 6, 2), s = num(at + 8, 2);
    if (!ymd.ok() || h > 23 || m > 59 || s > 59 || year < 1950 || year > 2200) return std::nullopt;
    return std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(m) + std::chrono::seconds(s);
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t at; (at = s.find(sep, start)) != std::string::npos; start = at + 1) out.push_back(s.substr(start, at - start));
    out.push_back(s.substr(start));
    return out;
}

// openssl's reason names (crl_reasons in apps/ca.c), case-insensitive as it reads them.
std::optional<db::Reason> reason(const std::string& name) {
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (n == "unspecified") return db::Reason::Unspecified;
    if (n == "keycompromise") return db::Reason::KeyCompromise;
    if (n == "cacompromise") return db::Reason::CaCompromise;
    if (n == "affiliationchanged") return db::Reason::AffiliationChanged;
    if (n == "superseded") return db::Reason::Superseded;
    if (n == "cessationofoperation") return db::Reason::CessationOfOperation;
    if (n == "certificatehold") return db::Reason::CertificateHold;
    return std::nullopt;
}

// -crl_hold's argument as openssl's OBJ_txt2obj takes it: a short or long name, or a dotted OID.
// The arc is id-holdinstruction, 1.2.840.10040.2 (RFC 3280 §5.3.2).
std::optional<std::string> hold_instruction(const std::string& text) {
    static const std::pair<const char*, const char*> kKnown[] = {
        {"holdInstructionNone", "1.2.840.10040.2.1"},       {"Hold Instruction None", "1.2.840.10040.2.1"},
        {"holdInstructionCallIssuer", "1.2.840.10040.2.2"}, {"Hold Instruction Call Issuer", "1.2.840.10040.2.2"},
        {"holdInstructionReject", "1.2.840.10040.2.3"},     {"Hold Instruction Reject", "1.2.840.10040.2.3"},
    };
    for (const auto& [name, oid] : kKnown)
        if (text == name) return oid;
    // A dotted OID, as DER can encode it (X.660: first arc 0 to 2, ...).
    if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) || c == '.'; })) return std::nullopt;
    try {
        const Botan::OID oid(text);
        Botan::DER_Encoder().encode(oid);
        return oid.to_string();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// `\xHH` (X509_NAME_oneline's escape for bytes outside printable ASCII) back to the byte.
std::string unescape_oneline(const std::string& v) {
    std::string out;
    for (size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 3 < v.size() && v[i + 1] == 'x' && std::isxdigit(static_cast<unsigned char>(v[i + 2])) &&
            std::isxdigit(static_cast<unsigned char>(v[i + 3]))) {
            out += static_cast<char>(std::stoi(v.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            out += v[i];
        }
    }
    return out;
}

}  // namespace

std::vector<IndexEntry> parse_openssl_index(const std::string& text, const std::string& file) {
    std::vector<IndexEntry> out;
    size_t line_no = 0;
    for (const auto& raw : split(text, '\n')) {
        ++line_no;
        const std::string line = !raw.empty() && raw.back() == '\r' ? raw.substr(0, raw.size() - 1) : raw;
        if (line.empty()) continue;
        const std::string where = file + ":" + std::to_string(line_no) + ": ";
        const auto f = split(line, '\t');
        if (f.size() != 6) throw Error(where + std::to_string(f.size()) + " TAB-separated fields, an openssl index line has 6");
        if (f[0].size() != 1 || std::string("VRE").find(f[0][0]) == std::string::npos)
            throw Error(where + "status '" + f[0] + "' is not V, R or E");
        IndexEntry e{line_no, f[0][0], {}, std::nullopt, issue::Serial::random(), "", false};
        const auto expiry = asn1_time(f[1]);
        if (!expiry) throw Error(where + "expiry '" + f[1] + "' is not YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ");
        e.expiry = *expiry;
        if (e.status == 'R') {
            const auto parts = split(f[2], ',');
            const auto at = asn1_time(parts[0]);
            if (!at) throw Error(where + "revocation date '" + parts[0] + "' is not YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ");
            db::Revocation revocation{*at, db::Reason::Unspecified};
            if (parts.size() >= 2) {
                if (parts[1] == "keyTime") revocation.reason = db::Reason::KeyCompromise;  // -crl_compromise: key compromise with its date
                else if (parts[1] == "CAkeyTime") revocation.reason = db::Reason::CaCompromise;
                else if (parts[1] == "holdInstruction") {  // -crl_hold CODE
                    if (parts.size() < 3 || parts[2].empty()) throw Error(where + "revocation reason holdInstruction without its instruction code");
                    revocation.hold_instruction = hold_instruction(parts[2]);
                    if (!revocation.hold_instruction)
                        throw Error(where + "hold instruction '" + parts[2] + "' is neither a name openssl knows nor a dotted OID");
                    revocation.reason = db::Reason::CertificateHold;
                } else if (parts[1] == "removeFromCRL") {
                    e.released = true;
                } else if (const auto r = reason(parts[1])) {
                    revocation.reason = *r;
                } else {
                    throw Error(where + "unknown revocation reason '" + parts[1] + "'");
                }
            }
            if (!e.released) e.revocation = revocation;
        } else if (!f[2].empty()) {
            throw Error(where + "a revocation field on a certificate with status " + f[0]);
        }
        try {
            if (f[3].empty() || f[3].size() % 2 != 0) throw Error("odd");
            e.serial = issue::Serial::parse(f[3]);
        } catch (const Error&) {
            throw Error(where + "serial '" + f[3] + "' is not an even number of hex digits");
        }
        e.subject = subject_from_oneline(f[5]);
        out.push_back(std::move(e));
    }
    return out;
}

std::string subject_from_oneline(const std::string& oneline) {
    if (oneline.empty() || oneline[0] != '/') return "";
    // An attribute starts at a '/' followed by TYPE= (letters, digits, '.' or '-').
    const auto starts_attribute = [&](size_t slash) {
        size_t i = slash + 1;
        while (i < oneline.size() && (std::isalnum(static_cast<unsigned char>(oneline[i])) || oneline[i] == '.' || oneline[i] == '-')) ++i;
        return i > slash + 1 && i < oneline.size() && oneline[i] == '=';
    };
    std::vector<std::string> rdns;
    size_t start = 0;
    for (size_t i = 1; i <= oneline.size(); ++i) {
        if (i < oneline.size() && !(oneline[i] == '/' && starts_attribute(i))) continue;
        const std::string part = oneline.substr(start + 1, i - start - 1);
        const auto eq = part.find('=');
        if (eq != std::string::npos) rdns.push_back(part.substr(0, eq) + "=" + issue::escape_dn_value(unescape_oneline(part.substr(eq + 1))));
        start = i;
    }
    std::string out;
    // RFC 4514 §2.1: the last RDN of the sequence comes first.
    for (auto it = rdns.rbegin(); it != rdns.rend(); ++it) out += (out.empty() ? "" : ",") + *it;
    return out;
}

uint64_t read_openssl_crlnumber(const std::filesystem::path& path) {
    std::string text = files::read_text(path);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    if (text.empty() || text.size() > 16 || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c); }))
        throw Error(path.string() + ": not an openssl crlnumber file (one hex number)");
    return std::stoull(text, nullptr, 16);
}

}  // namespace pkitool::ca
