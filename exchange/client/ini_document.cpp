// Line-based INI editing; the AWS CLI reads these files with Python's configparser rules.
#include "exchange/client/ini_document.h"

#include <optional>

namespace pkitool::exchange {

namespace {

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    size_t b = 0;
    while (b < text.size()) {
        auto e = text.find('\n', b);
        if (e == std::string::npos) e = text.size();
        lines.push_back(text.substr(b, e - b));
        b = e + 1;
    }
    return lines;
}

// "[ name ]" → "name"; nullopt when the line is not a section header.
std::optional<std::string> section_of(const std::string& line) {
    const auto t = trim(line);
    if (t.size() < 2 || t.front() != '[' || t.back() != ']') return std::nullopt;
    return trim(t.substr(1, t.size() - 2));
}

bool is_comment_or_blank(const std::string& line) {
    const auto t = trim(line);
    return t.empty() || t[0] == '#' || t[0] == ';';
}

// The key of a "key = value" line (configparser also accepts ':'), or "".
std::string key_of(const std::string& line) {
    if (is_comment_or_blank(line) || line[0] == ' ' || line[0] == '\t') return "";  // indented: a continuation
    const auto sep = line.find_first_of("=:");
    return sep == std::string::npos ? "" : trim(line.substr(0, sep));
}

}  // namespace

std::string set_ini_values(const std::string& text, const std::string& section, const IniValues& values) {
    auto lines = lines_of(text);
    std::vector<bool> done(values.size(), false);
    std::vector<std::string> out;
    bool in_section = false, found = false;
    size_t last_setting = 0;  // index in `out` after the section's last setting

    const auto flush_missing = [&] {
        std::vector<std::string> add;
        for (size_t i = 0; i < values.size(); ++i)
            if (!done[i]) {
                add.push_back(values[i].first + " = " + values[i].second);
                done[i] = true;
            }
        out.insert(out.begin() + static_cast<std::ptrdiff_t>(last_setting), add.begin(), add.end());
    };

    for (size_t n = 0; n < lines.size(); ++n) {
        const auto& line = lines[n];
        if (const auto s = section_of(line)) {
            if (in_section) flush_missing();
            in_section = *s == section;
            if (in_section) found = true;
            out.push_back(line);
            last_setting = out.size();
            continue;
        }
        if (in_section) {
            const auto key = key_of(line);
            bool replaced = false, drop = false;
            for (size_t i = 0; i < values.size() && !key.empty(); ++i) {
                if (values[i].first != key) continue;
                if (done[i]) drop = true;  // a duplicate of a key already set
                else {
                    out.push_back(values[i].first + " = " + values[i].second);
                    done[i] = true;
                    replaced = true;
                }
            }
            if (drop) continue;
            if (!replaced) out.push_back(line);
            // A replaced or kept value line (and its continuations) end the settings so far.
            if (!is_comment_or_blank(line)) last_setting = out.size();
            continue;
        }
        out.push_back(line);
    }
    if (in_section) flush_missing();
    if (!found) {
        if (!out.empty() && !trim(out.back()).empty()) out.push_back("");
        out.push_back("[" + section + "]");
        for (const auto& [k, v] : values) out.push_back(k + " = " + v);
    }
    std::string result;
    for (const auto& l : out) result += l + "\n";
    return result;
}

std::string get_ini_value(const std::string& text, const std::string& section, const std::string& key) {
    bool in_section = false;
    for (const auto& line : lines_of(text)) {
        if (const auto s = section_of(line)) {
            in_section = *s == section;
            continue;
        }
        if (in_section && key_of(line) == key) return trim(line.substr(line.find_first_of("=:") + 1));
    }
    return "";
}

}  // namespace pkitool::exchange
