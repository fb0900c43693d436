// The scripts `pkitool completion SHELL` prints. Each is a thin front: at every Tab it runs the
// pkitool being completed as `PROGRAM __complete -- WORD...` and shows what the engine answers
// (first line :files or :words, then one "candidate<TAB>description" per line), so a script never
// needs regenerating when pkitool gains a command or a flag.
#include "pkitool/completion.h"

namespace pkitool::cli {

namespace {

// bash(1) "Programmable Completion": COMP_WORDS is also split at COMP_WORDBREAKS (':' and '='
// among them), which ARNs, key types (ec:p256) and --opt=value hold, so the words pkitool gets are
// cut from COMP_LINE instead, and each candidate loses the part before bash's own current word.
constexpr const char* kBash = R"(# bash completion for pkitool, from `pkitool completion bash`.
# Each Tab asks pkitool itself (`pkitool __complete -- WORD...`).
_pkitool() {
    local cur=${COMP_WORDS[COMP_CWORD]} line=${COMP_LINE:0:COMP_POINT} c
    local -a words out
    read -r -a words <<< "$line"
    [[ -z $line || $line == *[[:space:]] ]] && words+=("")
    local word=${words[${#words[@]}-1]}
    local before=${word%"$cur"}
    local IFS=$'\n'
    out=($(command "${words[0]}" __complete -- "${words[@]:1}" 2>/dev/null)) || return 0
    COMPREPLY=()
    for c in "${out[@]:1}"; do
        c=${c%%$'\t'*}
        COMPREPLY+=("${c#"$before"}")
    done
    if [[ ${out[0]} == :files ]]; then
        compopt -o filenames 2>/dev/null
        COMPREPLY+=($(compgen -f -- "$cur"))
    fi
    return 0
}
complete -F _pkitool pkitool
)";

// zshcompsys(1): autoloaded from $fpath as _pkitool, or sourced (then it registers itself).
constexpr const char* kZsh = R"(#compdef pkitool
# zsh completion for pkitool, from `pkitool completion zsh`.
# Each Tab asks pkitool itself (`pkitool __complete -- WORD...`).
_pkitool() {
    local -a out candidates
    local line
    out=("${(@f)$(command "${words[1]}" __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${(@)out[2,-1]}"; do
        [[ -n $line ]] && candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    done
    (( ${#candidates} )) && _describe -t values pkitool candidates
    [[ ${out[1]} == :files ]] && _files
    return 0
}
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then _pkitool "$@"; else compdef _pkitool pkitool; fi
)";

// fish's complete(1): candidates as "word<TAB>description" lines, which fish filters itself.
constexpr const char* kFish = R"(# fish completion for pkitool, from `pkitool completion fish`.
# Each Tab asks pkitool itself (`pkitool __complete -- WORD...`).
function __pkitool_complete
    set -l words (commandline -opc)
    set -l cur (commandline -ct)
    set -l program $words[1]
    set -e words[1]
    set -l out (command $program __complete -- $words "$cur" 2>/dev/null)
    or return 0
    if set -q out[2]
        printf '%s\n' $out[2..-1]
    end
    if test "$out[1]" = :files
        __fish_complete_path "$cur"
    end
end
complete -c pkitool -f -a '(__pkitool_complete)'
)";

}  // namespace

std::string completion_script(Shell shell) {
    switch (shell) {
        case Shell::Bash: return kBash;
        case Shell::Zsh: return kZsh;
        case Shell::Fish: return kFish;
    }
    return kBash;
}

}  // namespace pkitool::cli
