// Asking for a secret on the terminal, as getpass(3) did before POSIX withdrew it: prompt and
// answer go through /dev/tty, never stdout or stdin, with echo off while the answer is typed.
#pragma once

#include <optional>
#include <string>

namespace pkitool::cli {

// The line typed after `prompt` (without its newline); nullopt when there is no terminal to ask
// on (no controlling terminal, or stdin and stderr both redirected: a script's run, which must
// not wait on a terminal it may not own) or when nothing was typed. Echo is restored on every
// path, a signal (Ctrl-C) included, before the signal takes its usual course.
std::optional<std::string> ask_secret(const std::string& prompt);

}  // namespace pkitool::cli
