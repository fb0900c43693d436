// A PKCS#11 URI (RFC 7512) naming a key or certificate in a token: "pkcs11:token=T;object=N".
// Parsed by p11-kit; pkitool refuses what p11-kit would skip (an unknown attribute is a typo).
#pragma once

#include <p11-kit/pkcs11.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct p11_kit_uri;

namespace pkitool::issue::pkcs11 {

class KeyUri {
public:
    static bool looks_like(std::string_view text) { return text.starts_with("pkcs11:"); }
    // Error naming the attribute that is wrong: "pkcs11 URI attribute 'lable=x': unknown attribute".
    static KeyUri parse(const std::string& text);

    // The URI as given, without a pin-value attribute: what files, logs and errors may show.
    const std::string& shown() const { return shown_; }

    bool matches_token(const CK_TOKEN_INFO& info) const;
    bool matches_slot(CK_SLOT_ID id, const CK_SLOT_INFO& info) const;
    bool matches_module(const CK_INFO& info) const;

    const std::optional<std::string>& object() const { return object_; }      // CKA_LABEL
    const std::optional<std::vector<uint8_t>>& id() const { return id_; }     // CKA_ID
    const std::optional<std::string>& pin_value() const { return pin_value_; }
    const std::optional<std::string>& pin_source() const { return pin_source_; }  // "file:/path" or a path
    const std::optional<std::string>& module_path() const { return module_path_; }
    const std::optional<std::string>& module_name() const { return module_name_; }
    // The token the URI names, for messages: its label, else the URI.
    std::string token_shown() const;

private:
    std::shared_ptr<p11_kit_uri> uri_;
    std::string shown_;
    std::optional<std::string> object_, pin_value_, pin_source_, module_path_, module_name_, token_label_;
    std::optional<std::vector<uint8_t>> id_;
};

}  // namespace pkitool::issue::pkcs11
