// Model constraints and AWS's wording of their violations.
#include "exchange/emulator/request_fields.h"

#include <botan/base64.h>

#include <algorithm>
#include <map>
#include <mutex>

namespace pkitool::exchange {

namespace {

using nlohmann::json;

// Long values are cut in messages: an 8,000-character bundle helps nobody there.
std::string shown(const std::string& v) { return v.size() <= 80 ? v : v.substr(0, 60) + "...(" + std::to_string(v.size()) + " characters)"; }

// The model's patterns are full-match Java regular expressions; these ones mean the same in ECMAScript.
bool matches(const std::string& pattern, const std::string& value) {
    static std::mutex mutex;
    static std::map<std::string, std::regex> compiled;
    const std::regex* re = nullptr;
    {
        std::lock_guard lock(mutex);
        auto it = compiled.find(pattern);
        if (it == compiled.end()) it = compiled.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
        re = &it->second;
    }
    return std::regex_match(value, *re);
}

const char* type_name(const json& v) {
    if (v.is_string()) return "a string";
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_array()) return "a list";
    if (v.is_object()) return "a structure";
    return "null";
}

[[noreturn]] void wrong_type(const std::string& path, const json& v, const char* expected) {
    throw SerializationError("Value of '" + path + "' is " + type_name(v) + ", expected " + expected);
}

}  // namespace

void Violations::add(const std::string& path, const std::string& value, const std::string& constraint) {
    items_.push_back("Value '" + shown(value) + "' at '" + path + "' failed to satisfy constraint: " + constraint);
}

void Violations::add_null(const std::string& path, const std::string& constraint) {
    items_.push_back("Value null at '" + path + "' failed to satisfy constraint: " + constraint);
}

void Violations::add_hidden(const std::string& path, const std::string& constraint) {
    items_.push_back("Value at '" + path + "' failed to satisfy constraint: " + constraint);
}

std::string Violations::message() const {
    std::string out = std::to_string(items_.size()) + (items_.size() == 1 ? " validation error detected: " : " validation errors detected: ");
    for (size_t i = 0; i < items_.size(); ++i) out += (i ? "; " : "") + items_[i];
    return out;
}

bool check_string(const std::string& value, const std::string& path, const StringRule& rule, Violations& violations) {
    const auto fail = [&](const std::string& constraint) {
        if (rule.sensitive) violations.add_hidden(path, constraint);
        else violations.add(path, value, constraint);
    };
    bool ok = true;
    // Lengths count UTF-16 code units in Java; for the ASCII these members allow, that is bytes.
    if (value.size() < rule.min) {
        fail("Member must have length greater than or equal to " + std::to_string(rule.min));
        ok = false;
    } else if (value.size() > rule.max) {
        fail("Member must have length less than or equal to " + std::to_string(rule.max));
        ok = false;
    } else if (!rule.pattern.empty() && !matches(rule.pattern, value)) {
        fail("Member must satisfy regular expression pattern: " + rule.pattern);
        ok = false;
    }
    if (ok && !rule.enum_values.empty() && std::find(rule.enum_values.begin(), rule.enum_values.end(), value) == rule.enum_values.end()) {
        std::string set;
        for (const auto& e : rule.enum_values) set += (set.empty() ? "" : ", ") + e;
        fail("Member must satisfy enum value set: [" + set + "]");
        ok = false;
    }
    return ok;
}

json parse_body(const std::string& body) {
    if (body.empty()) return json::object();
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded()) throw SerializationError("the request body is not JSON");
    if (!j.is_object()) throw SerializationError("the request body is " + std::string(type_name(j)) + ", not a JSON object");
    return j;
}

Members::Members(const json& object, std::string path, Violations& violations) : object_(object), path_(std::move(path)), violations_(violations) {}

const json* Members::member(const std::string& name) const {
    const auto it = object_.find(name);
    return it == object_.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> Members::string(const std::string& name, const StringRule& rule, bool required) const {
    const auto* v = member(name);
    if (!v) {
        if (required) violations_.add_null(where(name), "Member must not be null");
        return std::nullopt;
    }
    if (!v->is_string()) wrong_type(where(name), *v, "a string");
    const auto s = v->get<std::string>();
    if (!check_string(s, where(name), rule, violations_)) return std::nullopt;
    return s;
}

std::optional<bool> Members::boolean(const std::string& name) const {
    const auto* v = member(name);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) wrong_type(where(name), *v, "a boolean");
    return v->get<bool>();
}

std::optional<int64_t> Members::integer(const std::string& name, std::optional<int64_t> min, std::optional<int64_t> max) const {
    const auto* v = member(name);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) wrong_type(where(name), *v, "an integer");
    const auto i = v->get<int64_t>();
    if (min && i < *min) {
        violations_.add(where(name), std::to_string(i), "Member must have value greater than or equal to " + std::to_string(*min));
        return std::nullopt;
    }
    if (max && i > *max) {
        violations_.add(where(name), std::to_string(i), "Member must have value less than or equal to " + std::to_string(*max));
        return std::nullopt;
    }
    return i;
}

std::optional<std::vector<std::string>> Members::strings(const std::string& name, size_t max_items, const StringRule& item, bool required) const {
    const auto* v = member(name);
    if (!v) {
        if (required) violations_.add_null(where(name), "Member must not be null");
        return std::nullopt;
    }
    if (!v->is_array()) wrong_type(where(name), *v, "a list");
    if (v->size() > max_items) {
        violations_.add_hidden(where(name), "Member must have length less than or equal to " + std::to_string(max_items));
        return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (size_t i = 0; i < v->size(); ++i) {
        const auto& e = (*v)[i];
        // Coral numbers list members from 1: "roleArns.1.member".
        const std::string path = where(name) + "." + std::to_string(i + 1) + ".member";
        if (!e.is_string()) wrong_type(path, e, "a string");
        out.push_back(e.get<std::string>());
        ok = check_string(out.back(), path, item, violations_) && ok;
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<std::vector<uint8_t>> Members::blob(const std::string& name, size_t min, size_t max, bool required) const {
    const auto* v = member(name);
    if (!v) {
        if (required) violations_.add_null(where(name), "Member must not be null");
        return std::nullopt;
    }
    if (!v->is_string()) wrong_type(where(name), *v, "base64 text");
    std::vector<uint8_t> bytes;
    try {
        const auto decoded = Botan::base64_decode(v->get<std::string>());
        bytes.assign(decoded.begin(), decoded.end());
    } catch (const std::exception&) {
        throw SerializationError("Value of '" + where(name) + "' is not valid base64");
    }
    if (bytes.size() < min) {
        violations_.add_hidden(where(name), "Member must have length greater than or equal to " + std::to_string(min));
        return std::nullopt;
    }
    if (bytes.size() > max) {
        violations_.add_hidden(where(name), "Member must have length less than or equal to " + std::to_string(max));
        return std::nullopt;
    }
    return bytes;
}

std::optional<Members> Members::structure(const std::string& name, bool required) const {
    const auto* v = member(name);
    if (!v) {
        if (required) violations_.add_null(where(name), "Member must not be null");
        return std::nullopt;
    }
    if (!v->is_object()) wrong_type(where(name), *v, "a structure");
    return Members(*v, where(name), violations_);
}

namespace model {

// Patterns as the current model writes them (the 2.9 CLI's copy anchors them with ^...$; the same).
const StringRule& resource_name() {
    static const StringRule r{1, 255, "[ a-zA-Z0-9-_]*", {}, false};
    return r;
}
const StringRule& uuid() {
    static const StringRule r{36, 36, "[a-f0-9]{8}-([a-z0-9]{4}-){3}[a-z0-9]{12}", {}, false};
    return r;
}
const StringRule& resource_arn() {
    static const StringRule r{1, 1011, "", {}, false};
    return r;
}
const StringRule& trust_anchor_arn() {
    static const StringRule r{1, 1011, "arn:aws(-[^:]+)?:rolesanywhere(:.*){2}(:trust-anchor.*)", {}, false};
    return r;
}
const StringRule& role_arn() {
    static const StringRule r{1, 1011, "arn:aws(-[^:]+)?:iam(:.*){2}(:role.*)", {}, false};
    return r;
}
const StringRule& tag_key() {
    static const StringRule r{1, 128, "[ a-zA-Z0-9_.:/=+@-]*", {}, true};
    return r;
}
const StringRule& tag_value() {
    static const StringRule r{0, 256, "[ a-zA-Z0-9_.:/=+@-]*", {}, true};
    return r;
}

}  // namespace model

}  // namespace pkitool::exchange
