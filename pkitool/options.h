// Flags shared by several commands, declared once (style.md rule 3).
#pragma once

#include "db/location.h"
#include "issue/key.h"
#include "base/files.h"
#include "profiles/catalog.h"

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pkitool::cli {

// --passphrase-file F, or env PKITOOL_PASSPHRASE; never the secret itself on the command line.
struct PassphraseOption {
    std::string file;
    std::string flag = "--passphrase-file";
    std::string env = "PKITOOL_PASSPHRASE";
    // `asked`: the command calls for_key, which asks on the terminal when neither is given.
    void add(CLI::App& app, const std::string& what, bool asked = false);
    issue::Passphrase get() const;  // empty optional when neither is given
    // What decrypts the key `data` (read from `name`): the file or the environment when given;
    // else, when the key is encrypted, what is typed on the terminal after "Passphrase for
    // vm.key: ". Empty when the key is not encrypted or there is no terminal to ask on, and
    // loading the key then says which passphrase it needs.
    issue::Passphrase for_key(const std::vector<uint8_t>& data, const std::string& name) const;
    // The same for a key file (not "-": standard input cannot be read twice).
    issue::Passphrase for_key(const std::filesystem::path& key) const;
};

// Keys given as pkcs11: URIs (issue #11): --pkcs11-lib LIB picks the module; the PIN comes from
// the URI (pin-value, pin-source), --pin-file F or PKITOOL_PIN, else a no-echo terminal prompt,
// asked once per process. Never the PIN itself as a flag value.
struct TokenOption {
    std::string module;
    std::string pin_file;
    void add(CLI::App& app);
    issue::pkcs11::Access access() const;
};

struct KeyTypeOption {
    std::string name = "ec:p256";
    CLI::Option* add(CLI::App& app);
    issue::KeyType get() const { return issue::KeyType::parse(name); }
};

struct DaysOption {
    std::optional<unsigned> days;
    CLI::Option* add(CLI::App& app, const std::string& default_text);
};

struct ForceOption {
    bool force = false;
    void add(CLI::App& app);
    files::Overwrite overwrite() const { return force ? files::Overwrite::Yes : files::Overwrite::No; }
};

// --out FILE with its --force: the one way a command names a file it writes.
struct OutputOption {
    std::string path;
    ForceOption force;
    CLI::Option* add(CLI::App& app, const std::string& description);
    bool given() const { return !path.empty(); }
    files::Overwrite overwrite() const { return force.overwrite(); }
};

struct SubjectOption {
    std::string text;
    CLI::Option* option = nullptr;
    CLI::Option* add(CLI::App& app, bool required);
    bool given() const { return option && option->count() > 0; }  // `--subject ""` counts: it is an empty subject
};

struct SanOption {
    std::vector<std::string> values;
    CLI::Option* add(CLI::App& app);
};

// --ca DIR: the CA directory a command works on; `ca init`, `ca import` and `ca show` also take
// --dir, the name they had first.
struct CaDirOption {
    std::string dir;
    void add(CLI::App& app, const std::string& description = "CA directory made by `pkitool ca init`", bool dir_alias = false);
};

// --db sqlite|CONNINFO (else $PKITOOL_DB): where a new CA directory keeps its inventory (issue #14).
struct DbOption {
    std::string text;
    CLI::Option* add(CLI::App& app, const std::string& description);
    // The PostgreSQL database asked for, if any; none: DIR/pkitool.db.
    std::optional<db::PostgresDatabase> database(const std::string& dir) const;
};

// --port N on 127.0.0.1 for the loopback endpoints; 0 picks a free one (printed at start).
struct PortOption {
    int port;
    explicit PortOption(int default_port) : port(default_port) {}
    void add(CLI::App& app);
};

// --profiles-file F (or $PKITOOL_PROFILES): the user's profiles, added to the built-in ones.
// The one place the environment variable is read: commands build the catalog once and pass it on.
struct ProfilesFileOption {
    static constexpr const char* kEnv = "PKITOOL_PROFILES";
    std::string file;
    void add(CLI::App& app);
    // --profiles-file when given, else $PKITOOL_PROFILES when set, else the built-ins only.
    profiles::Catalog catalog() const;
};

// An input file that must exist, or "-" for standard input (cli.md: `-` wherever a file is read).
extern const CLI::Validator kExistingFileOrStdin;
// An existing file, or a pkcs11: URI (RFC 7512) naming a key in a token.
extern const CLI::Validator kExistingFileOrUri;
// The same for a file or a directory.
extern const CLI::Validator kExistingPathOrStdin;
// Usage error when "-" is among `paths` more than once: standard input can be read only once.
void refuse_repeated_stdin(const std::vector<std::string>& paths);

// The format of a profiles file, for help footers.
extern const char* const kProfilesFileFormat;

// The one help footer builder (style.md rule 8): `notes` (paragraphs, each line ending in \n),
// then "Exit status: ..." for commands whose exit status is a verdict, then "Examples:" with 2-5
// pairs of (what it does, command line). tests/cli/help_test.cpp checks the shape.
void examples(CLI::App& app, const std::vector<std::pair<std::string, std::string>>& items, const std::string& notes = "",
              const std::string& exit_status = "");

}  // namespace pkitool::cli
