// Shell completion (issue #15): the engine behind `pkitool __complete`, checked against the parser
// (every value it offers is one pkitool accepts, and a value it does not offer is refused), then
// the three scripts driven in bash, zsh and fish themselves.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

using namespace pkitool::test;
using nlohmann::json;

namespace {

struct Answer {
    bool files = false;
    std::vector<std::string> words;
};

// `pkitool __complete -- WORDS`, each word single-quoted (the last one may be empty).
Answer complete(const std::vector<std::string>& words, const TempDir& t, const std::string& env = "") {
    std::string args;
    for (const auto& w : words) args += " '" + w + "'";
    // The caller's own PKITOOL_PROFILES must not change what the built-in catalog offers.
    const auto r = shell("env -u PKITOOL_PROFILES " + env + " '" PKITOOL_BINARY "' __complete --" + args, t.path());
    must(r);
    std::istringstream in(r.out);
    std::string line;
    Answer a;
    std::getline(in, line);
    REQUIRE((line == ":files" || line == ":words"));
    a.files = line == ":files";
    while (std::getline(in, line)) a.words.push_back(line.substr(0, line.find('\t')));
    return a;
}

std::set<std::string> as_set(const std::vector<std::string>& v) { return {v.begin(), v.end()}; }

// A shell command with the pkitool under test first on PATH, as an installed one would be.
std::string with_pkitool(const std::string& command) {
    const auto dir = fs::path(PKITOOL_BINARY).parent_path().string();
    return "PATH='" + dir + "':/usr/bin:/bin " + command;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("completion engine: commands, subcommands and flags as the parser knows them", "[cli][completion]") {
    TempDir t;
    CHECK(complete({"is"}, t).words == std::vector<std::string>{"issue"});
    // A group offers its subcommands, and every one is a command `ca --help` lists.
    const auto ca = complete({"ca", ""}, t);
    CHECK(as_set(ca.words) == std::set<std::string>{"init", "show", "import", "renew", "attach"});
    CHECK_FALSE(ca.files);
    // Hidden commands are not offered.
    for (const auto& w : complete({""}, t).words) CHECK(w.rfind("__", 0) == std::string::npos);
    CHECK(complete({"__"}, t).words.empty());

    // Every flag offered for issue is in its help or main's (whose flags fall through to every
    // command), and every long flag its help lists is offered.
    const auto help = run("issue --help", t.path()).out + run("--help", t.path()).out;
    const auto flags = complete({"issue", "--"}, t).words;
    CHECK(flags.size() > 15);
    for (const auto& f : flags) CHECK(help.find(f) != std::string::npos);
    for (const auto& line : lines(run("issue --help", t.path()).out)) {
        const auto start = line.find("--");
        if (line.rfind("  ", 0) != 0 || start == std::string::npos || start > 8) continue;
        const auto name = line.substr(start, line.find_first_of(" ,=", start) - start);
        CHECK(as_set(flags).count(name) == 1);
    }
    CHECK(as_set(complete({"issue", "--ou"}, t).words) == std::set<std::string>{"--out", "--out-dir"});
    // main's --json and --quiet fall through to every command, so they are offered there too.
    CHECK(complete({"ca", "init", "--js"}, t).words == std::vector<std::string>{"--json"});

    // A flag takes no value: what follows it is completed as if it were not there.
    CHECK(complete({"--json", "iss"}, t).words == std::vector<std::string>{"issue"});
    CHECK(as_set(complete({"-q", "issue", "--force", "--key-type", "ec"}, t).words) == std::set<std::string>{"ec:p256", "ec:p384"});
    // A flag's value is consumed: "ca" here is --subject's value, not the group.
    CHECK(as_set(complete({"issue", "--subject", "ca", "--ou"}, t).words) == std::set<std::string>{"--out", "--out-dir"});
    CHECK(complete({"issue", "--subject", "ca", ""}, t).words.empty());
    // After --, only arguments: files for lint, no flags.
    const auto after = complete({"lint", "--", "--ch"}, t);
    CHECK(after.words.empty());
    CHECK(after.files);
}

TEST_CASE("completion engine: every fixed value offered is accepted by the parser, and others are refused", "[cli][completion]") {
    TempDir t;
    // Exit 2 is a usage error (a refused flag value); 1 is the missing CA, found after parsing.
    const auto parses = [&](const std::string& args) { return run(args, t.path()).code != 2; };

    const auto key_types = complete({"issue", "--key-type", ""}, t).words;
    CHECK(as_set(key_types) == std::set<std::string>{"ec:p256", "ec:p384", "rsa:2048", "rsa:3072", "rsa:4096"});
    for (const auto& k : key_types) CHECK(parses("issue --ca nowhere --subject CN=x --out a.crt --key-out a.key --yes --key-type " + k));
    CHECK_FALSE(parses("issue --ca nowhere --subject CN=x --out a.crt --key-out a.key --yes --key-type ec:p521"));
    CHECK(complete({"key", "new", "--type", "rsa:3"}, t).words == std::vector<std::string>{"rsa:3072"});

    const auto statuses = complete({"db", "list", "--status", ""}, t).words;
    CHECK(statuses.size() == 4);
    for (const auto& s : statuses) CHECK(parses("db list --ca nowhere --status " + s));
    CHECK_FALSE(parses("db list --ca nowhere --status lost"));

    const auto reasons = complete({"revoke", "--reason", ""}, t).words;
    CHECK(reasons.size() >= 6);
    for (const auto& r : reasons) CHECK(parses("revoke --ca nowhere 01 --reason " + r));
    CHECK_FALSE(parses("revoke --ca nowhere 01 --reason stolen"));
    // A positional with fixed choices: completion's own SHELL.
    CHECK(as_set(complete({"completion", ""}, t).words) == std::set<std::string>{"bash", "zsh", "fish"});
    // --opt=value: the candidates keep the flag, as the word being completed has it.
    CHECK(complete({"revoke", "--reason=key"}, t).words == std::vector<std::string>{"--reason=keyCompromise"});

    // Numbers get nothing, not file names.
    const auto days = complete({"issue", "--days", ""}, t);
    CHECK(days.words.empty());
    CHECK_FALSE(days.files);
    // Files where the argument is a path: a positional, an input and an output flag.
    CHECK(complete({"show", ""}, t).files);
    CHECK(complete({"lint", "--chain", ""}, t).files);
    CHECK(complete({"issue", "--out", ""}, t).files);
    CHECK(complete({"issue", "--force", "--out", ""}, t).files);
    // A subject, a serial or an ARN is not a file.
    CHECK_FALSE(complete({"issue", "--subject", ""}, t).files);
    CHECK_FALSE(complete({"revoke", "--ca", "root-ca", ""}, t).files);
    CHECK_FALSE(complete({"doctor", "--role-arn", ""}, t).files);
}

TEST_CASE("completion engine: --profile from the catalog, with the user's profiles file", "[cli][completion]") {
    TempDir t;
    std::set<std::string> builtins;
    const auto listed = json::parse(run("profiles list --json", t.path()).out);
    for (const auto& p : listed.at("profiles")) builtins.insert(p.at("name").get<std::string>());
    REQUIRE(builtins.size() >= 4);
    CHECK(as_set(complete({"issue", "--profile", ""}, t).words) == builtins);
    CHECK(as_set(complete({"lint", "--profile", ""}, t).words) == builtins);
    CHECK(as_set(complete({"profiles", "show", ""}, t).words) == builtins);

    std::ofstream(t / "mine.json") << R"({"profiles": [{"name": "vm-client", "description": "Our VMs", "max_days": 30, "default_days": 30}]})";
    auto with_mine = builtins;
    with_mine.insert("vm-client");
    CHECK(as_set(complete({"issue", "--profiles-file", "mine.json", "--profile", ""}, t).words) == with_mine);
    CHECK(as_set(complete({"issue", "--profiles-file=mine.json", "--profile", ""}, t).words) == with_mine);
    CHECK(as_set(complete({"issue", "--profile", ""}, t, "PKITOOL_PROFILES=mine.json").words) == with_mine);
    CHECK(complete({"issue", "--profiles-file", "mine.json", "--profile", "vm"}, t).words == std::vector<std::string>{"vm-client"});
    // The profile offered is one issue takes (the run then fails on the missing CA, exit 1).
    CHECK(run("issue --ca nowhere --subject CN=x --out a.crt --key-out a.key --yes --profiles-file mine.json --profile vm-client", t.path()).code == 1);
    // A profiles file that does not load still leaves the built-ins.
    std::ofstream(t / "broken.json") << "{";
    CHECK(as_set(complete({"issue", "--profiles-file", "broken.json", "--profile", ""}, t).words) == builtins);
    // exchange's --profile is an AWS CLI profile, not a certificate profile: nothing from the catalog.
    CHECK(complete({"exchange", "update", "--profile", "root"}, t).words.empty());
}

TEST_CASE("completion scripts: bash's completion function, zsh's and fish's", "[cli][completion]") {
    TempDir t;
    std::ofstream(t / "vm.crt") << "x";
    std::ofstream(t / "vm.key") << "x";
    fs::create_directories(t / "certs");
    for (const auto* sh : {"bash", "zsh", "fish"}) must(shell("'" PKITOOL_BINARY "' completion " + std::string(sh) + " > script." + sh, t.path()));
    CHECK(run("completion tcsh", t.path()).code == 2);

    // bash and zsh: Tab pressed in the real shell, on a terminal; what its line editor made of the
    // line is what runs. ':' and '=' split bash's words (COMP_WORDBREAKS), so they are tried at the
    // cursor too, and a flag before the command must not take the next word as its value.
    const std::vector<std::pair<std::string, std::string>> typed{
        {"pkitool is<TAB>", "issue"},
        {"pkitool --json db l<TAB>", "--json db list"},
        {"pkitool issue --key-type ec:p3<TAB>", "issue --key-type ec:p384"},
        {"pkitool issue --key-type ec:<TAB>", "issue --key-type ec:p"},
        {"pkitool revoke --reason=ke<TAB>", "revoke --reason=keyCompromise"},
        {"pkitool show vm.c<TAB>", "show vm.crt"},
        {"pkitool issue --out=vm.k<TAB>", "issue --out=vm.key"},
        {"pkitool lint --chain ce<TAB>", "lint --chain certs/"},
        {"pkitool -q issue --key-type rsa:4<TAB>", "-q issue --key-type rsa:4096"}};
    std::string args;
    std::vector<std::string> completed;
    for (const auto& [line, result] : typed) {
        args += " '" + line + "'";
        completed.push_back(result);
    }
    // What each line ran with after Tab and Enter in `shell_command`, set up by `setup`.
    const auto press_tab = [&](const std::string& shell_command, const std::string& setup) {
        const auto r = shell(with_pkitool("/usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/shell_tab.py' '" + shell_command + "' '" + setup + "'" + args),
                             t.path());
        must(r);
        return lines(r.out);
    };
    CHECK(press_tab("bash --norc --noprofile -i", "source ./script.bash") == completed);
    REQUIRE(has_tool("zsh"));
    must(shell("zsh -n script.zsh", t.path()));
    fs::create_directories(t / "fpath");
    fs::copy_file(t / "script.zsh", t / "fpath/_pkitool");  // as the package installs it: autoloaded
    completed.at(7) = "lint --chain certs";                  // zsh takes back its added '/' at Enter
    CHECK(press_tab("zsh -f -i", "fpath=($PWD/fpath $fpath); autoload -Uz compinit; compinit -u -D") == completed);

    // fish: its own completion machinery, asked with complete -C.
    REQUIRE(has_tool("fish"));
    const auto fish = shell(with_pkitool("fish --no-config -c 'source script.fish; complete -C \"pkitool --json is\"; complete -C \"pkitool revoke --reason key\"; "
                                         "complete -C \"pkitool show vm.\"; complete -C \"pkitool issue --out=vm.k\"; complete -C \"pkitool ca \"'"),
                            t.path());
    must(fish);
    const auto f = lines(fish.out);
    REQUIRE(f.size() == 10);
    CHECK(f.at(0) == "issue\tIssue certificates: from a CSR, with a new key, or for a fleet (CSV)");
    CHECK(f.at(1) == "keyCompromise");
    CHECK(as_set({f.at(2), f.at(3)}) == std::set<std::string>{"vm.crt", "vm.key"});
    CHECK(f.at(4) == "--out=vm.key");
    CHECK(f.at(5).rfind("attach\t", 0) == 0);
}
