// Shared flag definitions and the passphrase lookup.
#include "pkitool/options.h"

#include "base/error.h"
#include "ca/authority.h"
#include "ca/inventory_location.h"
#include "pkitool/terminal.h"

#include <algorithm>
#include <cstdlib>

namespace pkitool::cli {

void PassphraseOption::add(CLI::App& app, const std::string& what, bool asked) {
    app.add_option(flag, file,
                   "File whose first line is the passphrase that " + what + " (or set " + env + ")" +
                       (asked ? "; without either, it is asked on the terminal when the key is encrypted" : ""))
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
}

issue::Passphrase PassphraseOption::get() const {
    if (!file.empty()) {
        std::string text = files::read_text(file);
        const auto nl = text.find_first_of("\r\n");
        if (nl != std::string::npos) text.resize(nl);
        if (text.empty()) throw Error(file + ": passphrase file is empty");
        return text;
    }
    if (const char* value = std::getenv(env.c_str()); value && *value) return std::string(value);
    return std::nullopt;
}

issue::Passphrase PassphraseOption::for_key(const std::vector<uint8_t>& data, const std::string& name) const {
    if (auto given = get()) return given;
    if (!issue::PrivateKey::is_encrypted(data)) return std::nullopt;
    return ask_secret("Passphrase for " + name + ": ");
}

issue::Passphrase PassphraseOption::for_key(const std::filesystem::path& key) const {
    if (auto given = get()) return given;
    if (key == "-") return std::nullopt;
    std::vector<uint8_t> data;
    try {
        data = files::read(key);
    } catch (const Error&) {
        return std::nullopt;  // loading it says why it cannot be read
    }
    return for_key(data, files::name_of(key));
}

void TokenOption::add(CLI::App& app) {
    app.add_option("--pkcs11-lib", module, "PKCS#11 module for keys given as pkcs11: URIs (default: p11-kit's proxy, every module p11-kit knows)")
        ->option_text("LIB");
    app.add_option("--pin-file", pin_file, "File whose first line is the token's user PIN (or set PKITOOL_PIN); else it is asked on the terminal")
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
}

issue::pkcs11::Access TokenOption::access() const {
    const std::string file = pin_file;
    // The token session remembers a PIN that logged in (per token) and never retries a refused one.
    return issue::pkcs11::Access{module, [file](const std::string& token) -> std::string {
                                     PassphraseOption pin{file, "--pin-file", "PKITOOL_PIN"};
                                     auto given = pin.get();
                                     if (!given) given = ask_secret("PIN for " + token + ": ");
                                     if (!given) throw Error(token + " needs a PIN", "give it with --pin-file FILE or PKITOOL_PIN, or run on a terminal");
                                     return *given;
                                 }};
}

CLI::Option* KeyTypeOption::add(CLI::App& app) {
    return app.add_option("--key-type,--type", name, "Key type")
        ->check(CLI::IsMember(issue::KeyType::names()))
        ->option_text("TYPE (default ec:p256)");
}

CLI::Option* DaysOption::add(CLI::App& app, const std::string& default_text) {
    return app.add_option("--days", days, "Validity in days")->check(CLI::Range(1u, 100000u))->option_text("N (default " + default_text + ")");
}

void ProfilesFileOption::add(CLI::App& app) {
    app.add_option("--profiles-file", file, "JSON file of your own profiles, added to the built-ins (or set PKITOOL_PROFILES)")
        ->check(CLI::ExistingFile)
        ->option_text("FILE");
}

profiles::Catalog ProfilesFileOption::catalog() const {
    if (!file.empty()) return profiles::Catalog::load(file);
    if (const char* env = std::getenv(kEnv); env && *env) return profiles::Catalog::load(env);
    return profiles::Catalog();
}

namespace {

CLI::Validator or_stdin(const CLI::Validator& existing, const std::string& what) {
    return CLI::Validator(
        [existing](std::string& value) { return value == "-" ? std::string() : existing(value); },
        what + " (or - for standard input)");
}

}  // namespace

const CLI::Validator kExistingFileOrStdin = or_stdin(CLI::ExistingFile, "FILE");
const CLI::Validator kExistingPathOrStdin = or_stdin(CLI::ExistingPath, "PATH");
const CLI::Validator kExistingFileOrUri = CLI::Validator(
    [](std::string& value) { return issue::pkcs11::KeyUri::looks_like(value) ? std::string() : CLI::ExistingFile(value); }, "FILE|URI");

void refuse_repeated_stdin(const std::vector<std::string>& paths) {
    if (std::count(paths.begin(), paths.end(), "-") > 1)
        throw usage_error("- (standard input) is given more than once; it can be read only once",
                          "save the input to a file and name the file");
}

const char* const kProfilesFileFormat =
    "\nProfiles file (--profiles-file F, or env PKITOOL_PROFILES=F), JSON:\n"
    "  {\"profiles\": [{\"name\": \"vm-client\", \"base\": \"rolesanywhere-client\",\n"
    "                 \"max_days\": 90, \"key_types\": [\"ec:p256\", \"ec:p384\"]}]}\n"
    "Each profile starts as a copy of `base` (default rolesanywhere-client; a built-in or an earlier\n"
    "profile of the file) and overrides any of: description, role (\"end-entity\" | \"ca\"), path_len,\n"
    "key_usage ([\"digitalSignature\", \"keyCertSign\", ...]), extended_key_usage ([\"clientAuth\", ...]),\n"
    "key_types ([\"ec:p256\", \"ec:p384\", \"rsa:2048\", \"rsa:3072\", \"rsa:4096\"]),\n"
    "min_signature_hash_bits (256 | 384 | 512), default_days, max_days, require_subject, copy_sans_from_csr.\n"
    "name: lowercase letters, digits and '-', not a built-in name. Unknown fields are errors. An\n"
    "end-entity profile must keep digitalSignature; a CA profile needs keyCertSign.\n";

void ForceOption::add(CLI::App& app) { app.add_flag("--force", force, "Replace output files that already exist"); }

CLI::Option* OutputOption::add(CLI::App& app, const std::string& description) {
    auto* o = app.add_option("--out", path, description)->option_text("FILE");
    force.add(app);
    return o;
}

CLI::Option* SubjectOption::add(CLI::App& app, bool required) {
    auto* o = option = app.add_option("--subject", text, "Distinguished name, RFC 4514 style: \"CN=vm-01,O=Example,C=US\"")
                  ->option_text("DN");
    if (required) o->required();
    return o;
}

CLI::Option* SanOption::add(CLI::App& app) {
    return app.add_option("--san", values, "Subject alternative names, repeatable: dns:host,uri:spiffe://x/y,ip:10.0.0.1,email:a@b.c")
        ->option_text("LIST")
        ->allow_extra_args(false);  // one list per --san, so it never swallows a positional argument
}

void CaDirOption::add(CLI::App& app, const std::string& description, bool dir_alias) {
    app.add_option(dir_alias ? "--ca,--dir" : "--ca", dir, description)->required()->option_text("DIR");
}

CLI::Option* DbOption::add(CLI::App& app, const std::string& description) {
    return app.add_option("--db", text, description + " (default: $PKITOOL_DB, else sqlite: DIR/pkitool.db)")->option_text("sqlite|postgresql://...");
}

std::optional<db::PostgresDatabase> DbOption::database(const std::string& dir) const {
    const ca::Layout layout{dir};
    const auto where = text.empty() ? ca::location_override(layout) : std::optional<db::Location>(ca::parse_location(text, layout));
    if (!where) return std::nullopt;
    if (const auto* pg = std::get_if<db::PostgresDatabase>(&*where)) return *pg;
    return std::nullopt;
}

void PortOption::add(CLI::App& app) {
    app.add_option("--port", port, "TCP port on 127.0.0.1 (default " + std::to_string(port) + "); 0 picks a free one, printed at start")
        ->check(CLI::Range(0, 65535))
        ->option_text("N");
}

void examples(CLI::App& app, const std::vector<std::pair<std::string, std::string>>& items, const std::string& notes,
              const std::string& exit_status) {
    std::string text;
    if (!notes.empty()) text += "\n" + notes;
    if (!exit_status.empty()) text += "\nExit status: " + exit_status + "\n";
    text += "\nExamples:\n";
    for (const auto& [what, cmd] : items) text += "  " + what + "\n    $ " + cmd + "\n";
    app.footer(text);
}

}  // namespace pkitool::cli
