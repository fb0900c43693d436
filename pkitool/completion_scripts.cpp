// The scripts `pkitool completion SHELL` prints. Each is a thin front: at every Tab it runs the
// pkitool being completed as `PROGRAM __complete -- WORD...` and shows what the engine answers
// (first line :files or :words, then one "candidate<TAB>description" per line), so a script never
// needs regenerating when pkitool gains a command or a flag.
#include "pkitool/completion.h"

namespace pkitool::cli {

namespace {

// bash(1) "Programmable Completion": COMP_WORDS is also split at COMP_WORDBREAKS (':' and '='
// among them), which ARNs, key types (ec:p256) and --opt=value hold, so the pieces are glued back
// into the words pkitool gets, and as readline replaces only what follows the last break character,
// each candidate loses what comes before it. Words are dequoted (eval of an assignment only, and
// only when the word holds no character that could run anything) so `my\ file` and ~/x are paths.
constexpr const char* kBash = R"(# bash completion for pkitool, from `pkitool completion bash`.
# Each Tab asks pkitool itself (`pkitool __complete -- WORD...`).
_pkitool_dequote() {
    REPLY=$1
    [[ $1 == *[\'\"\\~]* && $1 != *[\$\`\(\)\;\&\|\<\>]* ]] || return 0
    eval "REPLY=$1" 2>/dev/null || REPLY=$1
}
_pkitool() {
    local -a words=() out=()
    local i w c glue=0 breaks= pre=
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((${#words[@]} > 0)) && [[ $w =~ ^[:=]+$ || $glue == 1 ]]; then
            words[-1]+=$w
            [[ $w =~ ^[:=]+$ ]] && glue=1 || glue=0
        else
            words+=("$w")
            glue=0
        fi
    done
    local word=${words[-1]}
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=:
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+==
    [[ -n $breaks && $word == *["$breaks"]* ]] && pre=${word%"${word##*["$breaks"]}"}
    for i in "${!words[@]}"; do
        _pkitool_dequote "${words[i]}"
        words[i]=$REPLY
    done
    mapfile -t out < <(command "${words[0]}" __complete -- "${words[@]:1}" 2>/dev/null)
    ((${#out[@]})) || return 0
    COMPREPLY=()
    for c in "${out[@]:1}"; do
        c=${c%%$'\t'*}
        COMPREPLY+=("${c#"$pre"}")
    done
    if [[ ${out[0]} == :files ]]; then
        compopt -o filenames 2>/dev/null
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "${word#"$pre"}")
    fi
    return 0
}
complete -F _pkitool pkitool
)";

// zshcompsys(1): autoloaded from $fpath as _pkitool, or sourced (then it registers itself).
// Words are passed as the command gets them: (Q) removes the quoting typed.
constexpr const char* kZsh = R"(#compdef pkitool
# zsh completion for pkitool, from `pkitool completion zsh`.
# Each Tab asks pkitool itself (`pkitool __complete -- WORD...`).
_pkitool() {
    local -a out candidates
    local line
    out=("${(@f)$(command "${(Q)words[1]}" __complete -- "${(@Q)words[2,CURRENT]}" 2>/dev/null)}")
    for line in "${(@)out[2,-1]}"; do
        [[ -n $line ]] && candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    done
    (( ${#candidates} )) && _describe -t values pkitool candidates
    if [[ ${out[1]} == :files ]]; then
        [[ $PREFIX == -*=* ]] && compset -P '*='  # --out=FILE: the file after '='
        _files
    fi
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
        # --out=FILE: complete what follows '=' and keep the flag.
        set -l flag (string match -r -- '^-[^=]*=' "$cur")
        for path in (__fish_complete_path (string replace -r -- '^-[^=]*=' '' "$cur"))
            printf '%s%s
' "$flag" "$path"
        end
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
