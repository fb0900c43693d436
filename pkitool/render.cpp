// Text layout for certificates, CSRs, CRLs and keys; the JSON is the source of truth.
#include "pkitool/render.h"

#include "issue/inspect.h"

namespace pkitool::cli {

namespace {

std::string str(const nlohmann::json& j) { return j.is_string() ? j.get<std::string>() : j.dump(); }

void render_key(std::ostream& out, const nlohmann::json& k, const char* indent) {
    out << indent << "Public key: " << str(k.value("type", nlohmann::json("?")));
    if (k.contains("bits")) out << " (" << k["bits"].get<size_t>() << " bits)";
    out << "\n";
    if (k.contains("sha256")) out << indent << "  SHA-256: " << str(k["sha256"]) << "\n";
}

void render_extensions(std::ostream& out, const nlohmann::json& e) {
    if (e.empty()) return;
    out << "  X509v3 extensions:\n";
    if (e.contains("basic_constraints")) {
        const auto& bc = e["basic_constraints"];
        out << "    Basic Constraints: " << (bc["critical"].get<bool>() ? "critical, " : "") << "CA:" << (bc["ca"].get<bool>() ? "TRUE" : "FALSE");
        if (!bc["path_len"].is_null()) out << ", pathlen:" << bc["path_len"].dump();
        out << "\n";
    }
    if (e.contains("key_usage"))
        out << "    Key Usage: " << (e["key_usage"]["critical"].get<bool>() ? "critical, " : "") << str(e["key_usage"]["usages"]) << "\n";
    if (e.contains("extended_key_usage")) {
        out << "    Extended Key Usage: " << (e["extended_key_usage"]["critical"].get<bool>() ? "critical, " : "");
        bool first = true;
        for (const auto& u : e["extended_key_usage"]["usages"]) out << (first ? "" : ", ") << str(u), first = false;
        out << "\n";
    }
    if (e.contains("subject_key_id")) out << "    Subject Key Identifier: " << str(e["subject_key_id"]) << "\n";
    if (e.contains("authority_key_id")) out << "    Authority Key Identifier: " << str(e["authority_key_id"]) << "\n";
    if (e.contains("subject_alt_names")) {
        out << "    Subject Alternative Names:";
        for (const auto& s : e["subject_alt_names"]) out << " " << str(s);
        out << "\n";
    }
    const auto heading = [&](const char* title, const nlohmann::json& x) {
        out << "    " << title << ":" << (x.value("critical", false) ? " critical" : "") << "\n";
        if (x.contains("error")) out << "      (" << str(x["error"]) << ")\n      Value: " << str(x["value"]) << "\n";
    };
    const auto list = [&](const char* label, const nlohmann::json& items) {
        out << "      " << label << ":";
        for (size_t i = 0; i < items.size(); ++i) out << (i ? ", " : " ") << str(items[i]);
        out << "\n";
    };
    for (const auto& [key, title] : {std::pair{"authority_info_access", "Authority Information Access"},
                                     std::pair{"subject_info_access", "Subject Information Access"}}) {
        if (!e.contains(key)) continue;
        heading(title, e[key]);
        for (const auto& d : e[key].value("descriptions", nlohmann::json::array()))
            out << "      " << str(d["method"]) << " - " << str(d["location"]) << "\n";
    }
    for (const auto& [key, title] : {std::pair{"crl_distribution_points", "CRL Distribution Points"}, std::pair{"freshest_crl", "Freshest CRL"}}) {
        if (!e.contains(key)) continue;
        heading(title, e[key]);
        for (const auto& p : e[key].value("points", nlohmann::json::array())) {
            if (p.contains("full_name")) list("Full Name", p["full_name"]);
            if (p.contains("relative_name")) out << "      Relative Name: " << str(p["relative_name"]) << "\n";
            if (p.contains("reasons")) list("Reasons", p["reasons"]);
            if (p.contains("crl_issuer")) list("CRL Issuer", p["crl_issuer"]);
        }
    }
    if (e.contains("certificate_policies")) {
        heading("Certificate Policies", e["certificate_policies"]);
        for (const auto& p : e["certificate_policies"].value("policies", nlohmann::json::array())) {
            out << "      Policy: " << str(p["oid"]) << (p.contains("name") ? " (" + str(p["name"]) + ")" : "") << "\n";
            for (const auto& uri : p.value("cps", nlohmann::json::array())) out << "        CPS: " << str(uri) << "\n";
            for (const auto& n : p.value("user_notices", nlohmann::json::array())) {
                out << "        User Notice:\n";
                if (n.contains("organization")) out << "          Organization: " << str(n["organization"]) << "\n";
                if (n.contains("notice_numbers")) {
                    out << "          Numbers:";
                    for (size_t i = 0; i < n["notice_numbers"].size(); ++i) out << (i ? ", " : " ") << n["notice_numbers"][i].dump();
                    out << "\n";
                }
                if (n.contains("explicit_text")) out << "          Explicit Text: " << str(n["explicit_text"]) << "\n";
            }
            for (const auto& q : p.value("other_qualifiers", nlohmann::json::array())) out << "        Qualifier: " << str(q) << "\n";
        }
    }
    if (e.contains("name_constraints")) {
        const auto& nc = e["name_constraints"];
        heading("Name Constraints", nc);
        if (!nc.value("permitted", nlohmann::json::array()).empty()) list("Permitted", nc["permitted"]);
        if (!nc.value("excluded", nlohmann::json::array()).empty()) list("Excluded", nc["excluded"]);
    }
    if (e.contains("issuer_alt_names")) {
        heading("Issuer Alternative Names", e["issuer_alt_names"]);
        if (e["issuer_alt_names"].contains("names")) list("Names", e["issuer_alt_names"]["names"]);
    }
    for (const auto& x : e.value("other", nlohmann::json::array())) {
        out << "    " << (x["name"].is_null() ? "Extension " + str(x["oid"]) : str(x["name"]) + " (" + str(x["oid"]) + ")") << ":"
            << (x["critical"].get<bool>() ? " critical" : " not critical") << "\n";
        out << "      Value: " << str(x["value"]) << "\n";
    }
}

}  // namespace

void render(std::ostream& out, const nlohmann::json& d) {
    const std::string kind = d.value("kind", "");
    if (d.contains("path")) out << str(d["path"]) << ":\n";
    if (kind == "certificate") {
        out << "Certificate:\n"
            << "  Version: " << d["version"].dump() << "\n"
            << "  Serial: " << str(d["serial"]) << "\n"
            << "  Signature algorithm: " << str(d["signature_algorithm"]) << "\n"
            << "  Issuer: " << str(d["issuer"]) << "\n"
            << "  Validity:\n"
            << "    Not before: " << str(d["not_before"]) << "\n"
            << "    Not after:  " << str(d["not_after"]) << "\n"
            << "  Subject: " << str(d["subject"]) << "\n";
        render_key(out, d["public_key"], "  ");
        render_extensions(out, d["extensions"]);
        out << "  SHA-256 fingerprint: " << str(d["sha256_fingerprint"]) << "\n";
    } else if (kind == "certificate_request") {
        out << "Certificate request:\n"
            << "  Subject: " << str(d["subject"]) << "\n"
            << "  Signature algorithm: " << str(d["signature_algorithm"]) << "\n"
            << "  Signature: " << (d["signature_valid"].get<bool>() ? "valid" : "DOES NOT VERIFY") << "\n";
        render_key(out, d["public_key"], "  ");
        if (!d["subject_alt_names"].empty()) {
            out << "  Requested Subject Alternative Names:";
            for (const auto& s : d["subject_alt_names"]) out << " " << str(s);
            out << "\n";
        }
    } else if (kind == "crl") {
        out << "Certificate revocation list:\n"
            << "  Issuer: " << str(d["issuer"]) << "\n"
            << "  Signature algorithm: " << str(d["signature_algorithm"]) << "\n"
            << "  CRL number: " << d["crl_number"].dump() << "\n"
            << "  This update: " << str(d["this_update"]) << "\n"
            << "  Next update: " << str(d["next_update"]) << "\n"
            << "  Revoked certificates: " << d["revoked"].size() << "\n";
        for (const auto& r : d["revoked"])
            out << "    " << str(r["serial"]) << "  revoked " << str(r["revoked_at"]) << "  reason " << (r.contains("reason") ? str(r["reason"]) : r["reason_code"].dump()) << "\n";
    } else if (kind == "private_key") {
        out << "Private key" << (d.value("encrypted", false) ? " (encrypted)" : "") << ":\n";
        render_key(out, d, "  ");
    } else if (kind == "public_key") {
        render_key(out, d, "");
    } else if (kind == "pkcs12") {
        if (!d.contains("chain")) {  // not opened: no password given
            out << "PKCS#12 file (protected by a password: give it with --passphrase-file or PKITOOL_PASSPHRASE to see what it holds)\n";
            return;
        }
        out << "PKCS#12 file:\n";
        if (!str(d["friendly_name"]).empty()) out << "  Friendly name: " << str(d["friendly_name"]) << "\n";
        out << "  Integrity: " << str(d["integrity"]) << "\n"
            << "  Key encryption: " << str(d["key_encryption"]) << "\n"
            << "  Certificate encryption: " << str(d["certificate_encryption"]) << "\n"
            << "  Chain certificates: " << d["chain"].size() << "\n";
        if (!d["private_key"].is_null()) render(out, d["private_key"]);
        if (!d["certificate"].is_null()) render(out, d["certificate"]);
        for (const auto& c : d["chain"]) render(out, c);  // after the leaf, issuer first
    } else {
        out << d.dump(2) << "\n";
    }
}

std::string hold_instruction_name(const std::string& oid) {
    if (oid == "1.2.840.10040.2.1") return "holdInstructionNone";
    if (oid == "1.2.840.10040.2.2") return "holdInstructionCallIssuer";
    if (oid == "1.2.840.10040.2.3") return "holdInstructionReject";
    return oid;
}

nlohmann::json record_json(const db::CertificateRecord& r, db::Time now) {
    nlohmann::json j{{"serial", r.serial.hex()},           {"subject", r.subject},
                     {"sans", r.sans},                       {"not_before", issue::rfc3339(r.not_before)},
                     {"not_after", issue::rfc3339(r.not_after)}, {"status", db::to_string(r.status(now))},
                     {"profile", r.profile},                 {"sha256_fingerprint", r.fingerprint},
                     {"created_at", issue::rfc3339(r.created_at)}};
    if (r.revocation) {
        j["revocation"] = {{"at", issue::rfc3339(r.revocation->at)}, {"reason", db::to_string(r.revocation->reason)}};
        if (r.revocation->hold_instruction) j["revocation"]["hold_instruction"] = *r.revocation->hold_instruction;
    }
    if (r.superseded_by) j["superseded_by"] = r.superseded_by->hex();
    // A row recorded from an openssl index line alone (`ca import --allow-missing`): no start, no
    // fingerprint to show, rather than 1970 and an empty string.
    if (!r.has_certificate()) {
        j["not_before"] = nullptr;
        j["sha256_fingerprint"] = nullptr;
        j["certificate_missing"] = true;
    }
    return j;
}

namespace {

// A string as nlohmann's dump() writes it (ensure_ascii off): ASCII here, other text through
// nlohmann itself, which also refuses invalid UTF-8 as it would in record_json().
void append_json_string(std::string& out, const std::string& s) {
    for (const unsigned char c : s)
        if (c >= 0x80) {
            out += nlohmann::json(s).dump();
            return;
        }
    out += '"';
    for (const unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out += "0123456789abcdef"[c >> 4];
                    out += "0123456789abcdef"[c & 0xf];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
}

}  // namespace

void append_record_json(std::string& out, const db::CertificateRecord& r, db::Time now, std::string_view indent) {
    // Rare rows with more fields (a hold's instruction, a certificate missing at import) go through
    // nlohmann itself, re-indented, so the fast path below stays the common shape only.
    if ((r.revocation && r.revocation->hold_instruction) || !r.has_certificate() || r.superseded_by) {
        const std::string dumped = record_json(r, now).dump(2);
        out += indent;
        for (const char c : dumped) {
            out += c;
            if (c == '\n') out += indent;
        }
        return;
    }
    // The keys in nlohmann's order (std::map: sorted), two spaces deeper per level, as dump(2).
    const auto field = [&](std::string_view depth, const char* key, const std::string& value, bool last) {
        out += indent;
        out += depth;
        out += '"';
        out += key;
        out += "\": ";
        append_json_string(out, value);
        out += last ? "\n" : ",\n";
    };
    out += indent;
    out += "{\n";
    field("  ", "created_at", issue::rfc3339(r.created_at), false);
    field("  ", "not_after", issue::rfc3339(r.not_after), false);
    field("  ", "not_before", issue::rfc3339(r.not_before), false);
    field("  ", "profile", r.profile, false);
    if (r.revocation) {
        out += indent;
        out += "  \"revocation\": {\n";
        field("    ", "at", issue::rfc3339(r.revocation->at), false);
        field("    ", "reason", db::to_string(r.revocation->reason), true);
        out += indent;
        out += "  },\n";
    }
    field("  ", "sans", r.sans, false);
    field("  ", "serial", r.serial.hex(), false);
    field("  ", "sha256_fingerprint", r.fingerprint, false);
    field("  ", "status", db::to_string(r.status(now)), false);
    field("  ", "subject", r.subject, true);
    out += indent;
    out += "}";
}

}  // namespace pkitool::cli
