// Test helpers: a private temporary directory, and running pkitool or openssl as a subprocess.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace pkitool::test {

namespace fs = std::filesystem;

struct Result {
    int code;
    std::string out;
    std::string err;
};

// A fresh directory under the system temp dir, removed with everything in it.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    fs::path operator/(const std::string& name) const { return path_ / name; }

private:
    fs::path path_;
};

// Runs `sh -c` with cwd = dir, stdin from /dev/null (no terminal, as in CI); captures both streams.
Result shell(const std::string& command, const fs::path& dir, const std::string& stdin_text = "");

// Runs `sh -c command` in dir on a new pseudo-terminal, typing each answer and Enter after each
// prompt that ends in ':' ("^C" types Ctrl-C); `out` is all the terminal showed. PKITOOL_PASSPHRASE
// is unset, so a prompt is what pkitool falls back to.
Result on_terminal(const std::string& command, const std::vector<std::string>& answers, const fs::path& dir);
// Runs the pkitool binary under test: `pkitool <args>` in dir.
Result run(const std::string& args, const fs::path& dir);

// Whole file contents ("" when missing).
std::string slurp(const fs::path& p);
// `s` with every `from` replaced by `to`.
std::string replace_all(std::string s, const std::string& from, const std::string& to);
// Octal permission bits of a file, e.g. 0600.
unsigned mode_of(const fs::path& p);
bool has_tool(const std::string& name);

// Runs pkitool and REQUIREs exit 0, showing the command and its stderr when it fails.
void run_ok(const std::string& args, const TempDir& t);
// REQUIREs exit 0 of a command already run, showing its output when it failed.
void must(const Result& r);
// root-ca/ (pkitool), then an EC leaf (ec.crt, ec.key) and an RSA one (rsa.crt, rsa.key) from it.
void make_pki(const TempDir& t);
// /usr/bin/aws explicitly (an `aws` earlier on PATH may be v1), with bounded time and JSON output.
std::string aws_cli(const std::string& args);
// A certificate's serial as `openssl x509 -serial` prints it (uppercase hex).
std::string openssl_serial(const std::string& cert, const TempDir& t);
// The cRLNumber of a CRL file as openssl reads it.
long crl_number(const std::string& crl, const TempDir& t);
// The openssl-made lint corpus (tests/data/lint/make-corpus.sh), made once per process.
const fs::path& lint_corpus();

}  // namespace pkitool::test
