// Strict JSON configuration files: a bounded read, a parse that refuses duplicate keys, and typed
// field access whose errors name the file and the field.
#pragma once

#include "base/files.h"

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pkitool::json_file {

namespace fs = std::filesystem;
using nlohmann::json;

// The document in `text`. Error "SOURCE: not valid JSON: line L column C: <what>" on a syntax
// error, "SOURCE: PATH: duplicate key" when an object names a key twice (RFC 8259 §4 leaves the
// meaning open; parsers differ on which value wins, so pkitool refuses rather than guesses).
json parse(std::string_view text, const std::string& source, const std::optional<NextStep>& step = std::nullopt);
// The same from a file ("-": standard input), read within files::kMaxInputBytes.
json read(const fs::path& path, const std::optional<NextStep>& step = std::nullopt);

// One JSON object being read. Messages name it "SOURCE: PATH" ("emulate.json: profiles[0]"), and a
// field of it "SOURCE: PATH.key" (Naming::Path) or "SOURCE: PATH: key" (Naming::Field, for a PATH
// that carries a label: "my.json: profiles[0] (vm): max_days"); at the top (PATH "") "SOURCE: key".
// Every failure is an Error "<that name>: <what>" with the reader's next step.
class Object {
public:
    enum class Naming { Path, Field };
    // Error "SOURCE: PATH: must be an object" (or `not_object` in its place) when `value` is not one.
    Object(const json& value, std::string source, std::string path, std::optional<NextStep> step, Naming naming = Naming::Path,
           const std::string& not_object = {});

    const json& value() const { return value_; }
    std::string where() const;                        // "SOURCE: PATH"
    std::string field(const std::string& key) const;  // "SOURCE: PATH.key"
    [[noreturn]] void fail(const std::string& what) const;
    [[noreturn]] void fail(const std::string& key, const std::string& what) const;

    // Error "<field>: unknown field" for the first key (in key order) not in `known`, with the
    // known ones listed when `list_known`.
    void only(const std::vector<std::string_view>& known, bool list_known = false) const;

    bool has(const std::string& key) const { return value_.contains(key); }
    // Each getter: nullopt when the key is absent, Error "<field>: must be <type>" when it is of
    // another type; `type` words the expectation ("a non-empty string").
    std::optional<std::string> string(const std::string& key, const char* type = "a string") const;
    std::optional<bool> boolean(const std::string& key, const char* type = "true or false") const;
    std::optional<uint64_t> whole_number(const std::string& key, const char* type = "a whole number") const;
    std::optional<int64_t> integer(const std::string& key, const char* type = "an integer") const;
    const json* array(const std::string& key, const char* type = "an array") const;
    std::optional<std::vector<std::string>> strings(const std::string& key, const char* type = "a list of strings") const;
    // A member object (Error when absent or not an object), its path extended by `key`.
    Object object(const std::string& key, const std::string& not_object = {}) const;
    // An element of an array member (`key`[`index`]), read as an object.
    Object element(const json& value, const std::string& key, size_t index, const std::string& not_object = {}) const;

private:
    std::string child(const std::string& key) const;  // PATH.key, or key at the top

    const json& value_;
    std::string source_, path_;
    std::optional<NextStep> step_;
    Naming naming_;
};

}  // namespace pkitool::json_file
