# Sourced by the builds that compile the engine without CMake (fuzz/build.sh with clang,
# scripts/build-web.sh with emscripten): makes in folder $1 what CMake generates — the
# version header ($1/include/matcalc/version.hpp, from the project() line) and the
# embedded rules and prelude (cmake/embed.cmake) — and sets `engine_sources` to every
# source of the engine and the command line's library but main.cpp, and
# `engine_newest_header` to the newest header (a change to one rebuilds everything).
#
#   source scripts/engine-sources.sh; prepare_engine_sources build-web
prepare_engine_sources() {
    local out=$1
    mkdir -p "$out/include/matcalc"
    local version
    version=$(sed -n 's/^project(matcalc VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
    sed "s/@PROJECT_VERSION@/$version/" include/matcalc/version.hpp.in > "$out/include/matcalc/version.hpp.new"
    cmp -s "$out/include/matcalc/version.hpp.new" "$out/include/matcalc/version.hpp" ||
        mv "$out/include/matcalc/version.hpp.new" "$out/include/matcalc/version.hpp"
    rm -f "$out/include/matcalc/version.hpp.new"

    cmake -DINPUT=src/simplify/rules.txt -DOUTPUT="$out/rules_text.cpp" -DNAME=kRulesText -P cmake/embed.cmake
    cmake -DINPUT=src/frontend/prelude.txt -DOUTPUT="$out/prelude_text.cpp" -DNAME=kPreludeText -P cmake/embed.cmake
    engine_sources=(grammar/parser.cpp "$out/rules_text.cpp" "$out/prelude_text.cpp")
    local s
    for s in src/*/*.cpp; do
        [[ $s == src/cli/main.cpp ]] && continue
        engine_sources+=("$s")
    done
    engine_newest_header=$(ls -t include/matcalc/*/*.hpp include/matcalc/*.hpp.in grammar/*.hpp src/*/*.hpp 2>/dev/null | head -1)
}
