#!/usr/bin/env bash
# STYLE rule 19: libroutemap's dynamic symbol table holds only public rm_
# names (no rm__ internals, no helpers of the libraries it wraps); the
# linker's own markers (_init, _fini, _edata, _end, __bss_start) aside.
# usage: symbols.sh LIBRARY
set -euo pipefail
lib=$1
all=$(nm -D --defined-only "$lib" | awk '{print $NF}')
[ -n "$all" ] || { echo "FAIL: no symbols read from $lib"; exit 1; }
bad=$(printf '%s\n' "$all" |
    grep -Ev '^(_init|_fini|_edata|_end|__bss_start)$' |
    grep -Ev '^rm_[a-z0-9]' || true)
if [ -n "$bad" ]; then
    echo "FAIL: $lib exports names outside rm_ (or rm__ internals):"
    printf '%s\n' "$bad" | head -50
    echo "Make them static or leave them without RM_EXTERN."
    exit 1
fi
echo "$(printf '%s\n' "$all" | grep -c '^rm_') rm_ symbols, nothing else"
