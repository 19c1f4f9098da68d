#!/usr/bin/env bash
# Runs clang-tidy (.clang-tidy at the repo root) over src/**/*.cpp, except
# *_test.cpp, using BUILD_DIR/compile_commands.json. Two files at a time.
# Prints only findings; exits non-zero if there is any.
#
#   scripts/check-tidy.sh BUILD_DIR [FILE...]   (files: only these, e.g. the ones a change touched)
#
# CLANG_TIDY overrides the binary; XB_TIDY_JOBS the parallelism (default 2).
#
# The build may use GCC: flags clang does not know (and GCC precompiled-header
# includes) are removed from a private copy of the compilation database, and
# compiler warnings are not errors here (the compiler's own -Werror build
# covers those).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${1:-}"
if [[ -z "$build_dir" ]]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build_dir="$(cd "$build_dir" && pwd)"
db="$build_dir/compile_commands.json"
[[ -f "$db" ]] || {
  echo "check-tidy: $db not found (configure with CMAKE_EXPORT_COMPILE_COMMANDS=ON)" >&2
  exit 1
}
clang_tidy="${CLANG_TIDY:-clang-tidy}"
command -v "$clang_tidy" >/dev/null 2>&1 || {
  echo "check-tidy: $clang_tidy not found (run scripts/install-deps.sh)" >&2
  exit 1
}
jobs="${XB_TIDY_JOBS:-2}"

# Private, clang-friendly copy of the compilation database.
tidy_db_dir="$build_dir/clang-tidy-db"
mkdir -p "$tidy_db_dir"
sed -E \
  -e 's/ -include [^ ]*cmake_pch\.hxx//g' \
  -e 's/ -Winvalid-pch//g' \
  -e 's/ -fno-fat-lto-objects//g' \
  -e 's/ -flto(=[^ ]*)?//g' \
  -e 's/ -fconcepts-diagnostics-depth=[^ ]*//g' \
  "$db" >"$tidy_db_dir/compile_commands.json"

# Sources: src/**/*.cpp minus tests, spelled as the database spells them
# (the repo path may be reached through a symlink).
cd "$repo_root"
roots=("$(pwd -L)" "$(pwd -P)")
declare -A in_db=() # src/... -> path as written in the database
while IFS= read -r path; do
  for r in "${roots[@]}"; do
    rel="${path#"$r"/}"
    if [[ "$rel" != "$path" && "$rel" == src/*.cpp && "$rel" != *_test.cpp ]]; then
      in_db[$rel]="$path"
    fi
  done
done < <(sed -n -E 's/^[[:space:]]*"file"[[:space:]]*:[[:space:]]*"(.*)",?[[:space:]]*$/\1/p' \
  "$tidy_db_dir/compile_commands.json")

files=()
while IFS= read -r f; do
  if [[ -n "${in_db[$f]+set}" ]]; then
    files+=("${in_db[$f]}")
  else
    echo "check-tidy: not in the compilation database, skipped: $f" >&2
  fi
done < <(if (($# > 1)); then printf '%s\n' "${@:2}"; else
  find src -type f -name '*.cpp' ! -name '*_test.cpp' 2>/dev/null | LC_ALL=C sort; fi)
if ((${#files[@]} == 0)); then
  echo "check-tidy: no source files to check"
  exit 0
fi

# One file per clang-tidy call, output printed in one piece so that the two
# parallel jobs do not interleave, minus clang's "N warnings generated." noise.
tidy_one() {
  local out rc=0
  out="$("$clang_tidy" -p "$tidy_db_dir" --quiet \
    --extra-arg=-Wno-unknown-warning-option \
    --extra-arg=-Wno-error \
    "$1" 2>&1)" || rc=$?
  out="$(grep -vE '^[0-9]+ (warnings?|errors?)( and [0-9]+ (warnings?|errors?))? generated\.$' \
    <<<"$out" || true)"
  [[ -n "$out" ]] && printf '%s\n' "$out"
  if ((rc != 0)); then
    return 1
  fi
  return 0
}
export -f tidy_one
export clang_tidy tidy_db_dir

echo "check-tidy: ${#files[@]} files, $jobs at a time"
start=$SECONDS
# shellcheck disable=SC2016 # $1 is expanded by the inner bash
if printf '%s\0' "${files[@]}" | xargs -0 -n 1 -P "$jobs" bash -c 'tidy_one "$1"' _; then
  echo "check-tidy: OK (${#files[@]} files, $((SECONDS - start))s)"
else
  echo "check-tidy: findings above (${#files[@]} files checked)" >&2
  exit 1
fi
