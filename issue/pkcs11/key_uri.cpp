#include "issue/pkcs11/key_uri.h"

#include "base/error.h"

#include <fmt/format.h>
#include <cctype>
#include <p11-kit/uri.h>

namespace pkitool::issue::pkcs11 {

namespace {

// p11-kit's parser says what went wrong but not where; each attribute parsed alone tells which.
std::shared_ptr<p11_kit_uri> parse_one(const std::string& text, int* result, bool* unrecognized) {
    std::shared_ptr<p11_kit_uri> uri(p11_kit_uri_new(), p11_kit_uri_free);
    *result = p11_kit_uri_parse(text.c_str(), P11_KIT_URI_FOR_ANY, uri.get());
    *unrecognized = *result == P11_KIT_URI_OK && p11_kit_uri_any_unrecognized(uri.get());
    return uri;
}

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= s.size()) {
        const size_t end = std::min(s.find(sep, start), s.size());
        if (end > start) out.emplace_back(s.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

[[noreturn]] void refuse(const std::string& shown, const std::string& attribute, const std::string& problem) {
    if (attribute.empty()) throw Error(fmt::format("{}: not a PKCS#11 URI: {}", shown, problem));
    throw Error(fmt::format("{}: attribute '{}': {}", shown, attribute, problem),
                "RFC 7512 attributes: token, object, id, type, manufacturer, model, serial, slot-id, "
                "library-manufacturer, library-description; query: pin-source, pin-value, module-path, module-name");
}

std::string lowercase(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string trimmed(const CK_UTF8CHAR* field, size_t size) {
    std::string s(reinterpret_cast<const char*>(field), size);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
}

std::optional<std::string> text_or_none(const char* s) {
    if (!s) return std::nullopt;
    return std::string(s);
}

// An attribute that may hold a PIN: pin-value in the path or the query (p11-kit takes either),
// and anything misspelt like it ("pin_value", "PIN-VALEU"); pin-source names a file, not a PIN.
bool may_hold_pin(const std::string& attr) {
    const std::string name = lowercase(attr.substr(0, attr.find('=')));
    return name.find("pin") != std::string::npos && name != "pin-source";
}

// The URI less whatever may hold a PIN, so that nothing shown or written carries it.
std::string without_pin(const std::string& text) {
    const size_t q = text.find('?');
    const std::string path = text.substr(0, std::min(q, text.size()));
    std::string kept_path;
    const size_t colon = path.find(':');
    for (const auto& part : split(std::string_view(path).substr(colon == std::string::npos ? 0 : colon + 1), ';'))
        if (!may_hold_pin(part)) kept_path += (kept_path.empty() ? "" : ";") + part;
    std::string out = (colon == std::string::npos ? std::string() : path.substr(0, colon + 1)) + kept_path;
    if (q == std::string::npos) return out;
    std::string kept;
    for (const auto& part : split(std::string_view(text).substr(q + 1), '&'))
        if (!may_hold_pin(part)) kept += (kept.empty() ? "" : "&") + part;
    return out + (kept.empty() ? "" : "?" + kept);
}

// How an error names an attribute: with its value, unless the value may be a PIN (any
// attribute whose name mentions one, misspelt ones included, and every query attribute).
std::string named(const std::string& attr, bool query) {
    const std::string name = attr.substr(0, attr.find('='));
    if (query || lowercase(name).find("pin") != std::string::npos) return name;
    return attr;
}

}  // namespace

KeyUri KeyUri::parse(const std::string& text) {
    KeyUri k;
    k.shown_ = without_pin(text);
    if (!looks_like(text)) refuse(k.shown_, "", "it does not start with pkcs11:");
    int result = 0;
    bool unrecognized = false;
    k.uri_ = parse_one(text, &result, &unrecognized);
    // RFC 7512 §2.3 leaves unknown query attributes to the consumer; p11-kit skips them, and a
    // misspelt pin-source would then go unnoticed. Only the standard ones and vendor "x-" pass.
    if (const size_t q = text.find('?'); q != std::string::npos && result == P11_KIT_URI_OK)
        for (const auto& attr : split(std::string_view(text).substr(q + 1), '&')) {
            const std::string name = attr.substr(0, attr.find('='));
            if (name != "pin-source" && name != "pin-value" && name != "module-name" && name != "module-path" && !name.starts_with("x-"))
                refuse(k.shown_, named(attr, true), "unknown attribute");
        }
    if (result != P11_KIT_URI_OK || unrecognized) {
        const std::string body = text.substr(7);
        const size_t q = body.find('?');
        for (const auto& attr : split(std::string_view(body).substr(0, std::min(q, body.size())), ';')) {
            parse_one("pkcs11:" + attr, &result, &unrecognized);
            if (result != P11_KIT_URI_OK) refuse(k.shown_, named(attr, false), p11_kit_uri_message(result));
            if (unrecognized) refuse(k.shown_, named(attr, false), "unknown attribute");
        }
        if (q != std::string::npos)
            for (const auto& attr : split(std::string_view(body).substr(q + 1), '&')) {
                parse_one("pkcs11:?" + attr, &result, &unrecognized);
                if (result != P11_KIT_URI_OK) refuse(k.shown_, named(attr, true), p11_kit_uri_message(result));
                if (unrecognized) refuse(k.shown_, named(attr, true), "unknown attribute");
            }
        refuse(k.shown_, "", result != P11_KIT_URI_OK ? p11_kit_uri_message(result) : "unknown attribute");
    }
    if (const auto* a = p11_kit_uri_get_attribute(k.uri_.get(), CKA_LABEL))
        k.object_ = std::string(static_cast<const char*>(a->pValue), a->ulValueLen);
    if (const auto* a = p11_kit_uri_get_attribute(k.uri_.get(), CKA_ID)) {
        const auto* p = static_cast<const uint8_t*>(a->pValue);
        k.id_ = std::vector<uint8_t>(p, p + a->ulValueLen);
    }
    k.pin_value_ = text_or_none(p11_kit_uri_get_pin_value(k.uri_.get()));
    k.pin_source_ = text_or_none(p11_kit_uri_get_pin_source(k.uri_.get()));
    k.module_path_ = text_or_none(p11_kit_uri_get_module_path(k.uri_.get()));
    k.module_name_ = text_or_none(p11_kit_uri_get_module_name(k.uri_.get()));
    const auto* token = p11_kit_uri_get_token_info(k.uri_.get());
    if (auto label = trimmed(token->label, sizeof token->label); !label.empty()) k.token_label_ = label;
    return k;
}

bool KeyUri::matches_token(const CK_TOKEN_INFO& info) const { return p11_kit_uri_match_token_info(uri_.get(), &info) == 1; }

bool KeyUri::matches_slot(CK_SLOT_ID id, const CK_SLOT_INFO& info) const {
    const CK_SLOT_ID wanted = p11_kit_uri_get_slot_id(uri_.get());
    if (wanted != static_cast<CK_SLOT_ID>(-1) && wanted != id) return false;
    return p11_kit_uri_match_slot_info(uri_.get(), &info) == 1;
}

bool KeyUri::matches_module(const CK_INFO& info) const { return p11_kit_uri_match_module_info(uri_.get(), &info) == 1; }

std::string KeyUri::token_shown() const { return token_label_ ? "token '" + *token_label_ + "'" : "the token of " + shown_; }

}  // namespace pkitool::issue::pkcs11
