// Reading the set-up: a pkitool emulator's control plane and IAM, or files.
#include "exchange/doctor/setup_source.h"

#include "base/error.h"
#include "base/files.h"
#include "base/pem.h"
#include "exchange/arn.h"
#include "exchange/url_query.h"
#include "issue/x509_file.h"

#include <botan/base64.h>
#include <nlohmann/json.hpp>

#include <charconv>

namespace pkitool::exchange::doctor {

namespace {

using nlohmann::json;

// One request signed with SigV4 HMAC as botocore signs it (content-type;host;x-amz-date, and the
// session token when there is one).
HttpRequest signed_request(const std::string& endpoint, std::string method, std::string path, std::string body, const std::string& content_type,
                           const Credentials& who, const std::string& region, const std::string& service) {
    HttpRequest req;
    req.method = std::move(method);
    req.path = std::move(path);
    req.body = std::move(body);
    std::string host = endpoint.substr(endpoint.find("://") == std::string::npos ? 0 : endpoint.find("://") + 3);
    if (const auto slash = host.find('/'); slash != std::string::npos) host.resize(slash);
    req.set_header("Content-Type", content_type);
    req.set_header("Host", host);
    const auto date = amz_date(Clock::now());
    req.set_header("X-Amz-Date", date);
    std::vector<std::string> signed_headers{"content-type", "host", "x-amz-date"};
    if (!who.session_token.empty()) {
        req.set_header("X-Amz-Security-Token", who.session_token);
        signed_headers.push_back("x-amz-security-token");
    }
    const auto scope = credential_scope(date.substr(0, 8), region, service);
    const auto sts = string_to_sign("AWS4-HMAC-SHA256", date, scope, canonical_request(req, signed_headers));
    std::string names;
    for (const auto& h : signed_headers) names += (names.empty() ? "" : ";") + h;
    req.set_header("Authorization", "AWS4-HMAC-SHA256 Credential=" + who.access_key_id + "/" + scope + ", SignedHeaders=" + names +
                                        ", Signature=" + hmac_signature(who.secret_access_key, date.substr(0, 8), region, service, sts));
    return req;
}

// The JSON answer of a control-plane GET; nullopt for 404 (no such resource); Error otherwise.
std::optional<json> control_get(const std::string& endpoint, const std::string& path, const Credentials& who, const std::string& region,
                                const TransportOptions& transport) {
    const auto resp = send(endpoint, signed_request(endpoint, "GET", path, "", "application/json", who, region, "rolesanywhere"), transport);
    if (resp.status == 404) return std::nullopt;
    auto body = json::parse(resp.body, nullptr, false);
    if (resp.status != 200 || body.is_discarded())
        throw Error(endpoint + path + ": HTTP " + std::to_string(resp.status) + (body.is_object() && body.contains("message") ? ": " + body["message"].dump() : ""));
    return body;
}

bool parse_int(const std::string& text, int& out) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

std::string id_of(const std::string& arn) { return arn.substr(arn.rfind('/') + 1); }

// The text of the first <name> element of an XML answer whose shape is IAM's (no CDATA, no
// nesting of the same name), entities decoded.
std::optional<std::string> element_text(const std::string& xml, const std::string& name) {
    const auto open = xml.find("<" + name + ">");
    if (open == std::string::npos) return std::nullopt;
    const auto start = open + name.size() + 2;
    const auto close = xml.find("</" + name + ">", start);
    if (close == std::string::npos) return std::nullopt;
    std::string out;
    for (size_t i = start; i < close; ++i) {
        if (xml[i] != '&') {
            out += xml[i];
            continue;
        }
        const auto semi = xml.find(';', i);
        const auto entity = xml.substr(i + 1, semi - i - 1);
        if (entity == "amp") out += '&';
        else if (entity == "lt") out += '<';
        else if (entity == "gt") out += '>';
        else if (entity == "quot") out += '"';
        else if (entity == "apos") out += '\'';
        else out += "&" + entity + ";";
        i = semi;
    }
    return out;
}

std::vector<Botan::X509_Certificate> bundle_of(const std::string& pem, const std::string& name) {
    return pem::certificates({reinterpret_cast<const uint8_t*>(pem.data()), pem.size()}, name);
}

}  // namespace

// Members are read with at(): an answer without one is an exception (one line, exit 1), never the
// undefined behaviour of a const operator[] on a missing key.
Setup read_emulator_setup(const std::string& endpoint, const Credentials& who, const Presented& p, const TransportOptions& transport) {
    Setup s;
    s.source = "the emulator at " + endpoint;
    s.looked_up = true;
    const auto region = Arn::parse(p.trust_anchor_arn).region;
    if (const auto a = control_get(endpoint, "/trustanchor/" + id_of(p.trust_anchor_arn), who, region, transport)) {
        const auto& anchor = a->at("trustAnchor");
        s.anchor = Setup::Anchor{anchor.value("enabled", false),
                                 bundle_of(anchor.at("source").at("sourceData").value("x509CertificateData", ""), "trust anchor " + p.trust_anchor_arn)};
    }
    if (const auto listed = control_get(endpoint, "/crls", who, region, transport))
        for (const auto& c : listed->at("crls")) {
            if (c.value("trustAnchorArn", "") != p.trust_anchor_arn || !c.value("enabled", false)) continue;
            // ImportCrl keeps what the CLI sent: base64 of the file, PEM or DER.
            const auto bytes = Botan::base64_decode(c.value("crlData", ""));
            s.crls.push_back(issue::parse_crl({bytes.data(), bytes.size()}, "CRL " + c.value("crlArn", "")));
        }
    if (const auto got = control_get(endpoint, "/profile/" + id_of(p.profile_arn), who, region, transport)) {
        const auto& profile = got->at("profile");
        Setup::Profile out;
        out.name = profile.value("name", "");
        out.enabled = profile.value("enabled", false);
        for (const auto& r : profile.value("roleArns", json::array())) out.role_arns.push_back(r.get<std::string>());
        out.duration_seconds = profile.value("durationSeconds", 3600);
        if (profile.contains("attributeMappings")) {
            out.mappings.clear();
            for (const auto& m : profile.at("attributeMappings")) {
                AttributeMapping mapping{m.value("certificateField", ""), {}};
                for (const auto& r : m.value("mappingRules", json::array())) mapping.specifiers.push_back(r.value("specifier", ""));
                out.mappings.push_back(std::move(mapping));
            }
        }
        s.profile = std::move(out);
    }
    // IAM is global and signed for us-east-1 (IAM User Guide, "Signing AWS API requests").
    const std::string form = "Action=GetRole&Version=2010-05-08&RoleName=" + uri_encode(Arn::parse(p.role_arn).role_name());
    const auto resp = send(endpoint, signed_request(endpoint, "POST", "/", form, "application/x-www-form-urlencoded; charset=utf-8", who, "us-east-1", "iam"), transport);
    if (resp.status == 200) {
        const auto encoded = element_text(resp.body, "AssumeRolePolicyDocument");
        if (!encoded) throw Error(endpoint + ": GetRole answered without AssumeRolePolicyDocument");
        // The document is URL-encoded inside the XML (IAM API Reference, "Role").
        const auto decoded = parse_url_query("d=" + *encoded, PlusMeans::Plus);
        const std::string document = decoded.empty() ? "" : decoded.front().second;
        const auto max = element_text(resp.body, "MaxSessionDuration");
        int max_seconds = 3600;
        if (max && !parse_int(*max, max_seconds)) throw Error(endpoint + ": GetRole answered MaxSessionDuration \"" + *max + "\"");
        s.role = Setup::Role{TrustPolicy::parse(document), max_seconds};
    } else if (resp.status != 404) {
        throw Error(endpoint + ": GetRole answered HTTP " + std::to_string(resp.status));
    }
    return s;
}

Setup read_file_setup(const SetupFiles& files) {
    Setup s;
    s.source = "the files given";
    if (files.anchor) {
        const auto bytes = files::read(*files.anchor);
        s.anchor = Setup::Anchor{true, pem::certificates({bytes.data(), bytes.size()}, files.anchor->string())};
    }
    for (const auto& c : files.crls) s.crls.push_back(issue::load_crl(c));
    if (files.trust_policy) {
        const auto bytes = files::read(*files.trust_policy, 131072);  // IAM's largest policy document
        try {
            s.role = Setup::Role{TrustPolicy::parse(std::string(bytes.begin(), bytes.end())), 43200};
        } catch (const std::exception& e) {
            throw Error(files.trust_policy->string() + ": " + e.what());
        }
    }
    return s;
}

std::optional<std::string> endpoint_date(const std::string& endpoint, const TransportOptions& transport) {
    HttpRequest req;
    req.method = "GET";
    req.path = "/";
    return send(endpoint, req, transport).header("Date");
}

}  // namespace pkitool::exchange::doctor
