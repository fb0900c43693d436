// The members of a control-plane request checked against the constraints of the service's API
// model (lengths, patterns, enums, ranges, list sizes), with every violation of one request in one
// message worded as AWS words its ValidationException: "1 validation error detected: Value 'x' at
// 'name' failed to satisfy constraint: Member must have length less than or equal to 255".
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

namespace pkitool::exchange {

class Violations {
public:
    // "Value 'x' at 'path' failed to satisfy constraint: <constraint>".
    void add(const std::string& path, const std::string& value, const std::string& constraint);
    // "Value null at ...": an absent member.
    void add_null(const std::string& path, const std::string& constraint);
    // "Value at ...": one not shown (sensitive, a list or a blob).
    void add_hidden(const std::string& path, const std::string& constraint);
    bool empty() const { return items_.empty(); }
    std::string message() const;

private:
    std::vector<std::string> items_;
};

// A body that is not the operation's JSON shape (a string where a number belongs): AWS answers
// those with a SerializationException before validating anything.
struct SerializationError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A string member's constraints in the model.
struct StringRule {
    size_t min = 0, max = SIZE_MAX;
    std::string pattern;                   // as the model writes it; empty: none
    std::vector<std::string> enum_values;  // empty: any value
    bool sensitive = false;                // never shown in messages (tag keys and values)
};

// The members of one JSON object: the body or a structure inside it. `path` prefixes member names
// in messages ("source.sourceData.x509CertificateData").
class Members {
public:
    Members(const nlohmann::json& object, std::string path, Violations& violations);

    // Each reader returns nullopt when the member is absent (recording a violation when it is
    // required) or violates its constraints. SerializationError when it has the wrong JSON type.
    std::optional<std::string> string(const std::string& name, const StringRule& rule, bool required = false) const;
    std::optional<bool> boolean(const std::string& name) const;
    std::optional<int64_t> integer(const std::string& name, std::optional<int64_t> min, std::optional<int64_t> max) const;
    std::optional<std::vector<std::string>> strings(const std::string& name, size_t max_items, const StringRule& item, bool required = false) const;
    // A blob: base64 text in JSON, decoded; `min`/`max` count the decoded bytes.
    std::optional<std::vector<uint8_t>> blob(const std::string& name, size_t min, size_t max, bool required = false) const;
    std::optional<Members> structure(const std::string& name, bool required = false) const;
    const nlohmann::json& object() const { return object_; }
    bool has(const std::string& name) const { return object_.contains(name) && !object_.at(name).is_null(); }

private:
    std::string where(const std::string& name) const { return path_.empty() ? name : path_ + "." + name; }
    const nlohmann::json* member(const std::string& name) const;

    const nlohmann::json& object_;
    std::string path_;
    Violations& violations_;
};

// One string checked against a rule, for values outside a JSON body (URI and query parameters).
bool check_string(const std::string& value, const std::string& path, const StringRule& rule, Violations& violations);

// The parsed JSON object of a body; an empty body is an empty object. SerializationError otherwise.
nlohmann::json parse_body(const std::string& body);

// Constraints of the Roles Anywhere API model (2018-05-10) that several operations share.
namespace model {
const StringRule& resource_name();  // 1..255, [ a-zA-Z0-9-_]*
const StringRule& uuid();           // 36, [a-f0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}
const StringRule& resource_arn();   // 1..1011
const StringRule& trust_anchor_arn();
const StringRule& role_arn();
const StringRule& tag_key();        // 1..128, [ a-zA-Z0-9_.:/=+@-]*
const StringRule& tag_value();      // 0..256, same pattern
}  // namespace model

}  // namespace pkitool::exchange
