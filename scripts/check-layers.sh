#!/usr/bin/env bash
# Enforces the include layering of src/:
#
#   core < domain < flows < adapters < apps
#
#   src/core/             may include core only
#   src/domain/<m>/       may include core, domain/<m>, and the domain modules
#                         named in src/domain/<m>/DEPS (one per line, # comments)
#   src/flows/            may include core, domain, flows
#   src/adapters/<a>/     may include core, domain, flows, adapters
#   src/apps/             may include anything
#
# Project headers are included by their path under src/ ("core/result.h");
# quoted includes relative to the including file are resolved too. The domain
# also may not include I/O or JSON libraries (see banned_in_domain below).
# DEPS files must name existing modules and must not form a cycle.
# Test code is exempt: *_test.cpp files and the *_test_support.h headers only they include.
# Third-party and system headers are otherwise free.
#
# Usage: scripts/check-layers.sh [REPO_ROOT]
# Prints each violation as path:line: message; exits 1 if there is any.
set -euo pipefail

root="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
cd "$root"

if [[ ! -d src ]]; then
  echo "check-layers: no src/ directory, nothing to check"
  exit 0
fi

# Rank of each layer: a file may include layers of equal or lower rank,
# subject to the finer rules for core and domain below.
declare -A rank=([core]=0 [domain]=1 [flows]=2 [adapters]=3 [apps]=4)
layer_list="core < domain < flows < adapters < apps"

# Include paths (or prefixes ending in /) the domain must not use.
banned_in_domain=(
  sqlite3.h
  libpq-fe.h
  postgresql/libpq-fe.h
  boost/beast.hpp
  boost/beast/
  nlohmann/
  spdlog/
)

violations=0
report() {
  echo "$1:$2: $3"
  violations=$((violations + 1))
}

# --- domain module dependencies -------------------------------------------

declare -A deps=()      # module -> " dep1 dep2 "
declare -A dep_line=()  # "module dep" -> line in DEPS
modules=()
for dir in src/domain/*/; do
  [[ -d "$dir" ]] || continue
  m="${dir%/}"
  m="${m##*/}"
  modules+=("$m")
  deps[$m]=" "
done

for m in "${modules[@]}"; do
  file="src/domain/$m/DEPS"
  [[ -f "$file" ]] || continue
  n=0
  # shellcheck disable=SC2094 # report only prints the file name
  while IFS= read -r line || [[ -n "$line" ]]; do
    n=$((n + 1))
    line="${line%%#*}"
    line="${line//[[:space:]]/}"
    [[ -n "$line" ]] || continue
    if [[ "$line" == "$m" ]]; then
      continue
    elif [[ -z "${deps[$line]+set}" ]]; then
      report "$file" "$n" "unknown domain module '$line' (no src/domain/$line/)"
    elif [[ "${deps[$m]}" != *" $line "* ]]; then
      deps[$m]+="$line "
      dep_line["$m $line"]=$n
    fi
  done <"$file"
done

# Depth-first search for cycles between domain modules.
declare -A visit=() # unset: new, 1: on the current path, 2: done
dfs_path=()
dfs() {
  local m="$1" d i cycle
  visit[$m]=1
  dfs_path+=("$m")
  for d in ${deps[$m]}; do
    if [[ "${visit[$d]:-}" == 1 ]]; then
      cycle=""
      for ((i = 0; i < ${#dfs_path[@]}; i++)); do
        if [[ -n "$cycle" || "${dfs_path[i]}" == "$d" ]]; then
          cycle+="${dfs_path[i]} -> "
        fi
      done
      report "src/domain/$m/DEPS" "${dep_line["$m $d"]}" "domain module dependency cycle: $cycle$d"
    elif [[ -z "${visit[$d]:-}" ]]; then
      dfs "$d"
    fi
  done
  unset 'dfs_path[${#dfs_path[@]}-1]'
  visit[$m]=2
}
for m in "${modules[@]}"; do
  [[ -n "${visit[$m]:-}" ]] || dfs "$m"
done

# --- includes --------------------------------------------------------------

# Collapses "." and ".." in a relative path; prints nothing if it climbs out.
normalize() {
  local IFS=/ part
  local -a out=()
  for part in $1; do
    case "$part" in
      "" | .) ;;
      ..)
        ((${#out[@]} > 0)) || return 0
        unset 'out[${#out[@]}-1]'
        ;;
      *) out+=("$part") ;;
    esac
  done
  echo "${out[*]}"
}

mapfile -t files < <(
  find src -type f \( -name '*.h' -o -name '*.hh' -o -name '*.hpp' -o -name '*.hxx' \
    -o -name '*.inl' -o -name '*.ipp' -o -name '*.c' -o -name '*.cc' -o -name '*.cpp' \
    -o -name '*.cxx' \) ! -name '*_test.cpp' ! -name '*_test.cc' ! -name '*_test_support.h' | LC_ALL=C sort
)

if ((${#files[@]} == 0)); then
  echo "check-layers: no source files under src/"
  exit $((violations > 0))
fi

# Where each file sits: layer and (for domain/adapters) module.
file_layer() {
  local rel="${1#src/}"
  f_layer="${rel%%/*}"
  f_module=""
  if [[ "$rel" == */*/* ]]; then
    f_module="${rel#*/}"
    f_module="${f_module%%/*}"
  fi
}

for file in "${files[@]}"; do
  file_layer "$file"
  if [[ -z "${rank[$f_layer]+set}" || "$file" != src/*/* ]]; then
    report "$file" 1 "not inside a layer directory (src/core, src/domain, src/flows, src/adapters, src/apps)"
  elif [[ "$f_layer" == domain && -z "$f_module" ]]; then
    report "$file" 1 "domain code must live in a module directory src/domain/<module>/"
  fi
done

# One awk pass over all files: emit "file<TAB>line<TAB>delimiter<TAB>path" for
# every #include outside block comments.
while IFS=$'\t' read -r file line delim inc; do
  file_layer "$file"
  [[ -n "${rank[$f_layer]+set}" ]] || continue
  [[ "$f_layer" == apps ]] && continue

  # Resolve to a path under src/, or leave empty for third-party/system headers.
  target=""
  if [[ "$delim" == '"' ]]; then
    rel="$(normalize "$(dirname "$file")/$inc")"
    if [[ "$rel" == src/* && -f "$rel" ]]; then
      target="${rel#src/}"
    fi
  fi
  if [[ -z "$target" && -n "${rank[${inc%%/*}]+set}" && "$inc" == */* ]]; then
    target="$inc"
  fi
  if [[ "$delim" == '"' ]]; then shown="\"$inc\""; else shown="<$inc>"; fi

  if [[ -z "$target" ]]; then
    if [[ "$f_layer" == domain ]]; then
      for banned in "${banned_in_domain[@]}"; do
        if [[ "$inc" == "$banned" || ("$banned" == */ && "$inc" == "$banned"*) ]]; then
          report "$file" "$line" "domain may not include $shown (no I/O, SQL, HTTP, JSON or logging in the domain)"
          break
        fi
      done
    fi
    continue
  fi

  t_layer="${target%%/*}"
  t_module=""
  if [[ "$target" == */*/* ]]; then
    t_module="${target#*/}"
    t_module="${t_module%%/*}"
  fi

  if ((rank[$t_layer] > rank[$f_layer])); then
    report "$file" "$line" "$f_layer may not include $shown (layers: $layer_list)"
    continue
  fi
  case "$f_layer" in
    core)
      # rank already guarantees t_layer == core
      ;;
    domain)
      if [[ "$t_layer" == domain && -n "$t_module" && "$t_module" != "$f_module" &&
        "${deps[$f_module]:-}" != *" $t_module "* ]]; then
        report "$file" "$line" "domain/$f_module may not include $shown: add '$t_module' to src/domain/$f_module/DEPS"
      fi
      ;;
  esac
done < <(
  LC_ALL=C awk '
    FNR == 1 { in_comment = 0 }
    {
      s = $0
      if (in_comment) {
        end = index(s, "*/")
        if (end == 0) next
        s = substr(s, end + 2)
        in_comment = 0
      }
      # drop complete /* ... */ runs, then an unterminated one
      while ((start = index(s, "/*")) > 0) {
        rest = substr(s, start + 2)
        end = index(rest, "*/")
        if (end == 0) { s = substr(s, 1, start - 1); in_comment = 1; break }
        s = substr(s, 1, start - 1) " " substr(rest, end + 2)
      }
      if (match(s, /^[ \t]*#[ \t]*include[ \t]*["<][^">]+[">]/)) {
        t = substr(s, RSTART, RLENGTH)
        sub(/^[ \t]*#[ \t]*include[ \t]*/, "", t)
        delim = substr(t, 1, 1)
        path = substr(t, 2, length(t) - 2)
        printf "%s\t%d\t%s\t%s\n", FILENAME, FNR, delim, path
      }
    }
  ' "${files[@]}"
)

if ((violations > 0)); then
  echo "check-layers: $violations violation(s)" >&2
  exit 1
fi
echo "check-layers: OK (${#files[@]} files)"
