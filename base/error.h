// The one error type of pkitool: a user-facing message, hints, and an exit code. Domains give it
// data (the input it is about, next steps as kinds); only the CLI words those as flags or commands.
#pragma once

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace pkitool {

// Exit codes of the command-line contract: 0 success, 1 failure or problems found, 2 usage.
enum class ExitCode : int { Ok = 0, Failure = 1, Usage = 2 };

// A next step that only the caller can word: a flag of the command that ran (`--force`) or one
// of its commands (`pkitool crl --ca DIR`). A domain says which step and about what; `plain`
// says it in the domain's own words, for callers with no words of their own.
struct NextStep {
    enum class Kind {
        Overwrite,             // replace the existing file
        Resume,                // run the interrupted batch again, resuming it
        Passphrase,            // give the encrypted key's passphrase
        SkipCache,             // run without the credential cache
        SkipTlsCheck,          // skip the check of the endpoint's TLS certificate (testing only)
        GiveRegion,            // name the region outright
        CreateCa,              // create a CA in `ca` (any directory when empty)
        RecreateCa,            // create the CA again
        RecreateIntermediate,  // create the intermediate again, under a CA that allows it
        Reissue,               // issue the certificate again, under `profile` when set
        ListSerials,           // list the serials the CA in `ca` issued
        PublishCrl,            // sign a new CRL with the CA in `ca` (any CA when empty)
        ExportCertificate,     // copy certificate `serial` out of the inventory of the CA in `ca`
        ProfilesFormat,        // read up on the format of a profiles file
        EmulatorSchema,        // read up on the schema of emulate.json
    };
    Kind kind;
    std::string plain = {};    // the step without flags or commands: "choose another path, or allow replacing it"
    std::string ca = {};       // the CA directory it concerns, when any
    std::string serial = {};   // the certificate it concerns, when any
    std::string profile = {};  // the profile to issue under, when any
};

// Thrown by every library when a job cannot be done; caught once, in main.
// The message names the file or object first: "vm.csr: signature does not verify".
class Error : public std::runtime_error {
public:
    // The input an error is about, as data: the CLI names it as its flag (`--days 900`) when the
    // caller passed it, and `origin` names the file and line a domain read it from
    // (`fleet.csv:3: days 900`). `name` is the request field or file column ("days", "path_len",
    // "san"); `value` is shown as given (quoted when it may hold spaces).
    struct Input {
        std::string name;
        std::string value = {};                                 // empty: the input as a whole ("subject is empty")
        std::string origin = {};                                // empty: the caller passed it
        std::optional<unsigned long long> most = std::nullopt;  // the largest value accepted, when it was exceeded
    };

    // An empty hint adds nothing.
    explicit Error(std::string message, std::string hint = {}, ExitCode code = ExitCode::Failure);
    // "<name> <value>: <problem>" (or "<name> <problem>" without a value), after "<origin>: ".
    Error(Input input, std::string problem, std::string hint = {}, ExitCode code = ExitCode::Failure);

    Error& with_hint(std::string hint);  // one more hint line; an empty one adds nothing
    Error& with_step(NextStep step);

    const std::vector<std::string>& hints() const { return hints_; }
    const std::vector<NextStep>& steps() const { return steps_; }
    const std::optional<Input>& input() const { return input_; }
    const std::string& problem() const { return problem_; }  // the message without the input's name
    ExitCode code() const { return code_; }
    // Every hint and step in plain words, joined by "; ", for callers that show one line.
    std::string hint() const;

    // The same error found at `origin` ("fleet.csv:3"): an input the caller passed now comes from
    // there; any other message is prefixed with it. Hints and steps are kept; the exit code is 1,
    // since a value read from a file is the file's fault, not the command line's.
    Error at(const std::string& origin) const;

private:
    std::optional<Input> input_;
    std::string problem_;
    std::vector<std::string> hints_;
    std::vector<NextStep> steps_;
    ExitCode code_;
};

// A usage error: bad flag values that CLI11 could not catch declaratively (exit 2).
inline Error usage_error(std::string message, std::string hint = {}) {
    return Error(std::move(message), std::move(hint), ExitCode::Usage);
}
inline Error usage_error(Error::Input input, std::string problem, std::string hint = {}) {
    return Error(std::move(input), std::move(problem), std::move(hint), ExitCode::Usage);
}

// How an input is shown: "<origin>: <name> <value>" with `name` as the caller calls it.
std::string describe_input(const Error::Input& input, const std::string& name, const std::string& problem);

}  // namespace pkitool
