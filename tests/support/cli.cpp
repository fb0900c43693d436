// Subprocess and temp-dir helpers for end-to-end tests.
#include "tests/support/cli.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef PKITOOL_BINARY
#error "PKITOOL_BINARY must name the pkitool executable under test"
#endif

namespace pkitool::test {

TempDir::TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "pkitool-test-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
    return s;
}

Result shell(const std::string& command, const fs::path& dir, const std::string& stdin_text) {
    static int counter = 0;
    const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(++counter);
    const fs::path out = fs::temp_directory_path() / ("pkitool-out-" + tag);
    const fs::path err = fs::temp_directory_path() / ("pkitool-err-" + tag);
    const fs::path in = fs::temp_directory_path() / ("pkitool-in-" + tag);
    std::ofstream(in) << stdin_text;
    const std::string full = "cd '" + dir.string() + "' && (" + command + ") <'" + in.string() + "' >'" + out.string() + "' 2>'" + err.string() + "'";
    const int status = std::system(full.c_str());
    Result r{WIFEXITED(status) ? WEXITSTATUS(status) : 128, slurp(out), slurp(err)};
    fs::remove(out);
    fs::remove(err);
    fs::remove(in);
    return r;
}

Result on_terminal(const std::string& command, const std::vector<std::string>& answers, const fs::path& dir) {
    const auto quote = [](const std::string& s) {
        std::string q = "'";
        for (const char c : s) q += c == '\'' ? std::string("'\"'\"'") : std::string(1, c);
        return q + "'";
    };
    std::string line = "env -u PKITOOL_PASSPHRASE timeout 90 /usr/bin/python3 '" PKITOOL_SOURCE_DIR "/tests/support/on_terminal.py' " + quote(command);
    for (const auto& a : answers) line += " " + quote(a);
    return shell(line, dir);
}

Result run(const std::string& args, const fs::path& dir) {
    return shell(std::string("'") + PKITOOL_BINARY + "' " + args, dir);
}

unsigned mode_of(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
}

bool has_tool(const std::string& name) { return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0; }

void run_ok(const std::string& args, const TempDir& t) {
    const auto r = run(args, t.path());
    INFO(args << "\n" << r.err);
    REQUIRE(r.code == 0);
}

void must(const Result& r) {
    INFO(r.out << r.err);
    REQUIRE(r.code == 0);
}

void make_pki(const TempDir& t) {
    must(run("ca init --dir root-ca --subject \"CN=Test Root CA\"", t.path()));
    must(run("issue --ca root-ca --subject CN=ec-vm --out ec.crt --key-out ec.key --yes", t.path()));
    must(run("issue --ca root-ca --subject CN=rsa-vm --key-type rsa:2048 --out rsa.crt --key-out rsa.key --yes", t.path()));
}

std::string aws_cli(const std::string& args) {
    return "timeout 90 /usr/bin/aws " + args + " --output json --cli-read-timeout 15 --cli-connect-timeout 10";
}

std::string openssl_serial(const std::string& cert, const TempDir& t) {
    auto out = shell("openssl x509 -in " + cert + " -noout -serial", t.path()).out;
    out = out.substr(out.find('=') + 1);
    return out.substr(0, out.find('\n'));
}

long crl_number(const std::string& crl, const TempDir& t) {
    const auto r = shell("openssl crl -in " + crl + " -noout -crlnumber", t.path());
    REQUIRE(r.code == 0);
    return std::stol(r.out.substr(r.out.find('=') + 1), nullptr, 16);
}

const fs::path& lint_corpus() {
    static TempDir dir;
    static const bool made = [] {
        const auto script = fs::path(__FILE__).parent_path().parent_path() / "data/lint/make-corpus.sh";
        const auto r = shell("bash '" + script.string() + "'", dir.path());
        if (r.code != 0) throw std::runtime_error("make-corpus.sh failed: " + r.err);
        return true;
    }();
    (void)made;
    return dir.path();
}

}  // namespace pkitool::test
