// Error's rendering in plain words, the form every caller without words of its own shows.
#include "base/error.h"

namespace pkitool {

namespace {

std::string plain_message(const Error::Input& input, const std::string& problem) {
    return describe_input(input, input.name, problem);
}

}  // namespace

std::string describe_input(const Error::Input& input, const std::string& name, const std::string& problem) {
    std::string out = input.origin.empty() ? "" : input.origin + ": ";
    out += name;
    return input.value.empty() ? out + " " + problem : out + " " + input.value + ": " + problem;
}

Error::Error(std::string message, std::string hint, ExitCode code)
    : std::runtime_error(message), problem_(std::move(message)), code_(code) {
    with_hint(std::move(hint));
}

Error::Error(Input input, std::string problem, std::string hint, ExitCode code)
    : std::runtime_error(plain_message(input, problem)), input_(std::move(input)), problem_(std::move(problem)), code_(code) {
    with_hint(std::move(hint));
}

Error& Error::with_hint(std::string hint) {
    if (!hint.empty()) hints_.push_back(std::move(hint));
    return *this;
}

Error& Error::with_step(NextStep step) {
    steps_.push_back(std::move(step));
    return *this;
}

std::string Error::hint() const {
    std::string out;
    for (const auto& h : hints_) out += (out.empty() ? "" : "; ") + h;
    for (const auto& s : steps_)
        if (!s.plain.empty()) out += (out.empty() ? "" : "; ") + s.plain;
    return out;
}

Error Error::at(const std::string& origin) const {
    Error located = input_ && input_->origin.empty() ? Error(Input{input_->name, input_->value, origin, input_->most}, problem_)
                                                     : Error(origin + ": " + what());
    located.hints_ = hints_;
    located.steps_ = steps_;
    return located;
}

}  // namespace pkitool
