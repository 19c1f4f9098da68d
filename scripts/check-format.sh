#!/usr/bin/env bash
# Checks C++ formatting against .clang-format.
#
#   scripts/check-format.sh         report files that need formatting (exit 1 if any)
#   scripts/check-format.sh --fix   reformat them in place
#
# Covers *.h/*.cpp (and .hpp/.cc) under src/, bench/ and tests/ that git
# tracks, plus new files not yet added that .gitignore does not exclude.
# CLANG_FORMAT overrides the binary.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
clang_format="${CLANG_FORMAT:-clang-format}"
command -v "$clang_format" >/dev/null 2>&1 || {
  echo "check-format: $clang_format not found (run scripts/install-deps.sh)" >&2
  exit 1
}

mode=(--dry-run --Werror)
case "${1:-}" in
  "") ;;
  --fix) mode=(-i) ;;
  *)
    echo "usage: $0 [--fix]" >&2
    exit 2
    ;;
esac

dirs=(src bench tests)
patterns=()
for d in "${dirs[@]}"; do
  for ext in h hpp cpp cc; do
    patterns+=("$d/*.$ext")
  done
done

files=()
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r -d '' f; do
    [[ -f "$f" ]] && files+=("$f") # skip tracked files deleted in the work tree
  done < <(git ls-files -z --cached --others --exclude-standard -- "${patterns[@]}")
else
  while IFS= read -r -d '' f; do
    files+=("$f")
  done < <(find "${dirs[@]}" -type f \( -name '*.h' -o -name '*.hpp' -o -name '*.cpp' \
    -o -name '*.cc' \) -print0 2>/dev/null)
fi

if ((${#files[@]} == 0)); then
  echo "check-format: no C++ files to check"
  exit 0
fi

# clang-format takes many files per call; two calls run side by side.
if printf '%s\0' "${files[@]}" |
  xargs -0 -n 50 -P 2 "$clang_format" --style=file "${mode[@]}"; then
  if [[ "${mode[0]}" == -i ]]; then
    echo "check-format: formatted ${#files[@]} files"
  else
    echo "check-format: OK (${#files[@]} files)"
  fi
else
  echo "check-format: files above need formatting; run scripts/check-format.sh --fix" >&2
  exit 1
fi
