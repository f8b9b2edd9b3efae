#!/usr/bin/env bash
# clang-format check and clang-tidy over src/ (uses its own build dir without
# precompiled headers, which clang cannot read from g++).
#   scripts/lint.sh [files...]
source "$(dirname "$0")/common.sh"
ensure_packages clang-format clang-tidy
cd "$ROOT"
FILES=("$@")
[ ${#FILES[@]} -gt 0 ] || mapfile -t FILES < <(git ls-files 'src/*.cc')
clang-format --dry-run --Werror $(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')
cmake -S . -B build/tidy -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON -DWH_BUILD_TESTS=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
clang-tidy -p build/tidy --quiet --extra-arg=-Wno-unknown-warning-option "${FILES[@]}"
