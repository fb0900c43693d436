// The completion engine: walks the words typed so far through the CLI11 tree as the parser
// would (subcommands, options and the values they consume, `--`, --opt=value), then offers what
// may come next. Values come from the options themselves: IsMember's choices, the profile catalog
// for kProfileType, file names for paths (is_path), nothing for other values.
#include "pkitool/completion.h"
#include "pkitool/options.h"

#include <algorithm>
#include <regex>

namespace pkitool::cli {

namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// CLI11 hides what has an empty group.
bool visible(const CLI::App* a) { return !a->get_group().empty(); }
bool visible(const CLI::Option* o) { return !o->get_group().empty(); }

// A flag keeps a type size of 1 in CLI11 2.1 but expects 0 values (Option::get_items_expected_max).
bool takes_value(const CLI::Option& o) { return o.get_items_expected_max() > 0; }

// Whether a value is a path: a file validator says so (ExistingFile is FILE, ExistingDirectory DIR),
// or the placeholder help shows does (FILE, DIR, CA.pem, FLEET.csv, PKCS11_LIB, CERT...). A subject,
// an ARN or a serial is not completed with file names.
bool is_path(const CLI::Option& o) {
    static const std::regex kValidator("(^|:)(FILE|DIR|PATH)");
    static const std::regex kPlaceholder("FILE|DIR|PATH|LIB|BUNDLE|CERT|KEY|^[A-Za-z_-]+\\.[a-z0-9]+");
    if (std::regex_search(o.get_type_name(), kValidator)) return true;
    const auto text = !o.get_option_text().empty() ? o.get_option_text() : o.nonpositional() ? std::string() : o.get_name(true);
    return std::regex_search(text.substr(0, text.find(' ')), kPlaceholder);
}

// One line, no tabs: the shells show it beside the candidate.
std::string summary(const std::string& description) {
    auto line = description.substr(0, description.find('\n'));
    std::replace(line.begin(), line.end(), '\t', ' ');
    return line;
}

// Options are also taken from the parents a subcommand falls through to (main's --json, -q).
std::vector<const CLI::Option*> options_in_reach(CLI::App* app) {
    std::vector<const CLI::Option*> out;
    for (; app != nullptr; app = app->get_fallthrough() ? app->get_parent() : nullptr)
        for (const auto* o : app->get_options()) if (o->nonpositional()) out.push_back(o);
    return out;
}

const CLI::Option* find_option(CLI::App* app, const std::string& spelling) {
    for (const auto* o : options_in_reach(app))
        if (o->check_name(spelling)) return o;
    return nullptr;
}

// The positional that the next plain word fills, `filled` words having been given.
const CLI::Option* next_positional(CLI::App& app, size_t filled) {
    for (const auto* o : app.get_options([](const CLI::Option* o) { return !o->nonpositional(); })) {
        const auto max = o->get_items_expected_max();
        if (max >= CLI::detail::expected_max_vector_size || filled < static_cast<size_t>(max)) return o;
        filled -= static_cast<size_t>(max);
    }
    return nullptr;
}

CLI::App* find_subcommand(CLI::App& app, const std::string& name) {
    for (auto* sub : app.get_subcommands([](CLI::App* s) { return visible(s); }))
        if (sub->check_name(name)) return sub;
    return nullptr;
}

bool is_profiles_file(const CLI::Option& o) { return o.check_lname("profiles-file"); }

class Engine {
public:
    explicit Engine(const std::string& typed) : typed_(typed) {}

    void offer(const std::string& word, const std::string& description) {
        if (!starts_with(word, typed_)) return;
        for (const auto& c : result_.candidates)
            if (c.word == word) return;  // -h,--help is both the command's and, falling through, main's
        result_.candidates.push_back({word, summary(description)});
    }

    // What may follow `prefix` (empty, or "--opt=") as the value of `o`.
    void values(const CLI::Option& o, const std::string& prefix, const std::string& profiles_file) {
        const auto type = o.get_type_name();
        // IsMember describes itself as {a,b,c} (CLI11 Validators.hpp, generate_set).
        if (const auto open = type.find('{'), close = type.rfind('}'); open != std::string::npos && close > open) {
            const auto list = type.substr(open + 1, close - open - 1);
            for (size_t start = 0; start <= list.size();) {
                const auto comma = std::min(list.find(',', start), list.size());
                offer(prefix + list.substr(start, comma - start), "");
                start = comma + 1;
            }
            return;
        }
        const auto base = type.substr(0, type.find(':'));
        if (base == kProfileType) {
            profiles::Catalog catalog;
            try {
                catalog = ProfilesFileOption{profiles_file}.catalog();
            } catch (const std::exception&) {
                // A profiles file that does not load still leaves the built-ins to offer.
            }
            for (const auto& p : catalog.all()) offer(prefix + p.name, p.description);
            return;
        }
        if (is_path(o)) result_.files = true;
    }

    Completion take() { return std::move(result_); }

private:
    std::string typed_;
    Completion result_;
};

}  // namespace

Completion complete(CLI::App& root, const std::vector<std::string>& words) {
    const std::string typed = words.empty() ? std::string() : words.back();
    CLI::App* app = &root;
    const CLI::Option* pending = nullptr;  // the option whose value the next word is
    bool options_ended = false;            // after `--`, every word is positional
    size_t positionals = 0;
    std::string profiles_file;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
        const auto& w = words[i];
        if (pending != nullptr) {
            if (is_profiles_file(*pending)) profiles_file = w;
            pending = nullptr;
        } else if (!options_ended && w == "--") {
            options_ended = true;
        } else if (!options_ended && w.size() > 1 && w[0] == '-') {
            const auto eq = w.find('=');
            const auto* o = find_option(app, w.substr(0, eq));
            if (o == nullptr || !takes_value(*o)) continue;
            if (eq == std::string::npos) pending = o;
            else if (is_profiles_file(*o)) profiles_file = w.substr(eq + 1);
        } else if (auto* sub = positionals == 0 && !options_ended ? find_subcommand(*app, w) : nullptr; sub != nullptr) {
            app = sub;
        } else {
            ++positionals;
        }
    }

    Engine engine(typed);
    if (pending != nullptr) {
        engine.values(*pending, "", profiles_file);
    } else if (!options_ended && starts_with(typed, "-")) {
        const auto eq = typed.find('=');
        if (eq != std::string::npos) {
            if (const auto* o = find_option(app, typed.substr(0, eq)); o != nullptr && takes_value(*o))
                engine.values(*o, typed.substr(0, eq + 1), profiles_file);
        } else {
            for (const auto* o : options_in_reach(app)) {
                if (!visible(o)) continue;
                for (const auto& l : o->get_lnames()) engine.offer("--" + l, o->get_description());
                for (const auto& s : o->get_snames()) engine.offer("-" + s, o->get_description());
            }
        }
    } else {
        if (positionals == 0 && !options_ended)
            for (const auto* sub : app->get_subcommands([](CLI::App* s) { return visible(s); }))
                engine.offer(sub->get_name(), sub->get_description());
        if (const auto* p = next_positional(*app, positionals)) engine.values(*p, "", profiles_file);
    }
    return engine.take();
}

}  // namespace pkitool::cli
