// JSON configuration files, read strictly: nlohmann's SAX parser builds the document so that a
// second value for a key is refused where the DOM parser would keep the last one silently.
#include "base/json_file.h"

#include "base/error.h"

#include <algorithm>

namespace pkitool::json_file {

namespace {

// Builds the document as nlohmann's own DOM parser does, and stops at a duplicate key.
class StrictBuilder {
public:
    explicit StrictBuilder(json& root) : root_(root) {}

    bool null() { return add(nullptr); }
    bool boolean(bool v) { return add(v); }
    bool number_integer(json::number_integer_t v) { return add(v); }
    bool number_unsigned(json::number_unsigned_t v) { return add(v); }
    bool number_float(json::number_float_t v, const json::string_t&) { return add(v); }
    bool string(json::string_t& v) { return add(std::move(v)); }
    bool binary(json::binary_t& v) { return add(json::binary(std::move(v))); }
    bool start_object(std::size_t) { return open(json::object()); }
    bool start_array(std::size_t) { return open(json::array()); }
    bool end_object() { return close(); }
    bool end_array() { return close(); }
    bool key(json::string_t& k) {
        auto& top = frames_.back();
        if (top.container->contains(k)) {
            duplicate = child_path(k);
            return false;
        }
        top.key = std::move(k);
        return true;
    }
    bool parse_error(std::size_t position, const std::string&, const json::exception& e) {
        error_position = position;
        error = e.what();
        return false;
    }

    std::optional<std::string> duplicate;  // the path of the key given twice
    std::string error;                     // nlohmann's message for a syntax error
    size_t error_position = 0;

private:
    struct Frame {
        json* container;
        std::string path;
        std::string key;  // the key whose value comes next (objects)
    };

    std::string child_path(const std::string& key) const {
        if (frames_.empty()) return "";
        const auto& top = frames_.back();
        if (top.container->is_array()) return top.path + "[" + std::to_string(top.container->size()) + "]";
        return top.path.empty() ? key : top.path + "." + key;
    }
    json* place(json&& v) {
        if (frames_.empty()) {
            root_ = std::move(v);
            return &root_;
        }
        auto& top = frames_.back();
        if (top.container->is_array()) {
            top.container->push_back(std::move(v));
            return &top.container->back();  // stays valid: nothing else is appended while it is open
        }
        auto& slot = (*top.container)[top.key];
        slot = std::move(v);
        return &slot;
    }
    bool add(json&& v) {
        place(std::move(v));
        return true;
    }
    bool open(json&& v) {
        std::string path = child_path(frames_.empty() ? "" : frames_.back().key);
        frames_.push_back({place(std::move(v)), std::move(path), {}});
        return true;
    }
    bool close() {
        frames_.pop_back();
        return true;
    }

    json& root_;
    std::vector<Frame> frames_;
};

// nlohmann words an error "[json.exception.parse_error.101] parse error at line 1, column 2: what".
std::string what_of(const std::string& message) {
    const auto at = message.find("parse error");
    const auto colon = at == std::string::npos ? std::string::npos : message.find(": ", at);
    return colon == std::string::npos ? message : message.substr(colon + 2);
}

// Line and column (both from 1) of the byte nlohmann stopped at: it counts bytes read, the
// offending one included.
std::string location(std::string_view text, size_t position) {
    const size_t at = std::min(position == 0 ? 0 : position - 1, text.size());
    const auto before = text.substr(0, at);
    const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
    const auto nl = before.rfind('\n');
    const size_t column = at - (nl == std::string_view::npos ? 0 : nl + 1) + 1;
    return "line " + std::to_string(line) + " column " + std::to_string(column);
}

}  // namespace

namespace {
Error with(Error e, const std::optional<NextStep>& step) { return step ? e.with_step(*step) : e; }
}  // namespace

json parse(std::string_view text, const std::string& source, const std::optional<NextStep>& step) {
    json doc;
    StrictBuilder builder(doc);
    if (json::sax_parse(text.data(), text.data() + text.size(), &builder)) return doc;
    if (builder.duplicate) throw with(Error(source + ": " + *builder.duplicate + ": duplicate key (give each field once)"), step);
    throw with(Error(source + ": not valid JSON: " + location(text, builder.error_position) + ": " + what_of(builder.error)), step);
}

json read(const fs::path& path, const std::optional<NextStep>& step) {
    const auto data = files::read(path);
    return parse(std::string_view(reinterpret_cast<const char*>(data.data()), data.size()), files::name_of(path), step);
}

Object::Object(const json& value, std::string source, std::string path, std::optional<NextStep> step, Naming naming, const std::string& not_object)
    : value_(value), source_(std::move(source)), path_(std::move(path)), step_(std::move(step)), naming_(naming) {
    if (!value_.is_object()) fail(not_object.empty() ? "must be an object" : not_object);
}

std::string Object::child(const std::string& key) const {
    if (path_.empty()) return key;
    return path_ + (naming_ == Naming::Path ? "." : ": ") + key;
}

std::string Object::where() const { return path_.empty() ? source_ : source_ + ": " + path_; }

std::string Object::field(const std::string& key) const { return source_ + ": " + child(key); }

void Object::fail(const std::string& what) const { throw with(Error(where() + ": " + what), step_); }

void Object::fail(const std::string& key, const std::string& what) const { throw with(Error(field(key) + ": " + what), step_); }

void Object::only(const std::vector<std::string_view>& known, bool list_known) const {
    for (const auto& item : value_.items()) {
        const std::string& k = item.key();
        if (std::find(known.begin(), known.end(), k) != known.end()) continue;
        std::string names;
        for (const auto& n : known) names += (names.empty() ? "" : ", ") + std::string(n);
        fail(k, list_known ? "unknown field (known: " + names + ")" : "unknown field");
    }
}

std::optional<std::string> Object::string(const std::string& key, const char* type) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_string()) fail(key, std::string("must be ") + type);
    return it->get<std::string>();
}

std::optional<bool> Object::boolean(const std::string& key, const char* type) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_boolean()) fail(key, std::string("must be ") + type);
    return it->get<bool>();
}

std::optional<uint64_t> Object::whole_number(const std::string& key, const char* type) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    if (!it->is_number_unsigned()) fail(key, std::string("must be ") + type);
    return it->get<uint64_t>();
}

std::optional<int64_t> Object::integer(const std::string& key, const char* type) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return std::nullopt;
    // An unsigned value past INT64_MAX is no integer pkitool can hold.
    if (!it->is_number_integer() || (it->is_number_unsigned() && it->get<uint64_t>() > uint64_t(INT64_MAX)))
        fail(key, std::string("must be ") + type);
    return it->get<int64_t>();
}

const json* Object::array(const std::string& key, const char* type) const {
    const auto it = value_.find(key);
    if (it == value_.end()) return nullptr;
    if (!it->is_array()) fail(key, std::string("must be ") + type);
    return &*it;
}

std::optional<std::vector<std::string>> Object::strings(const std::string& key, const char* type) const {
    const auto* list = array(key, type);
    if (!list) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& e : *list) {
        if (!e.is_string()) fail(key, std::string("must be ") + type);
        out.push_back(e.get<std::string>());
    }
    return out;
}

Object Object::object(const std::string& key, const std::string& not_object) const {
    const auto it = value_.find(key);
    if (it == value_.end()) fail(key, "missing (an object is required)");
    return Object(*it, source_, child(key), step_, naming_, not_object);
}

Object Object::element(const json& value, const std::string& key, size_t index, const std::string& not_object) const {
    return Object(value, source_, child(key) + "[" + std::to_string(index) + "]", step_, naming_, not_object);
}

}  // namespace pkitool::json_file
