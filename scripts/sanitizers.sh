#!/usr/bin/env bash
# The sanitizer and fuzzing stages of the tests (scripts/test.sh runs them all
# after the C++ tests; ET_LLM_FIXTURES_DIR and ET_LLM_MULTIMODAL_FIXTURES_DIR
# must be set). Each build goes to build/sanitizers/<build>, installed in
# <build>/prefix, with the test projects built against that prefix:
#   asan    libet_llm and libet_llm_c with ASan + UBSan (clang, with libFuzzer's
#           coverage instrumentation, so the fuzz targets share the build);
#           tests/cpp and tests/sanitizers against it, LeakSanitizer on
#   python  the core and the Python extension with ASan + UBSan (gcc: clang 14
#           rejects a pybind11 signature in bindings/ that gcc accepts); the
#           Python suite's runner, session, KV-cache manager, thread and stop
#           tests on it, the ASan runtime preloaded into CPython
#   tsan    the core under ThreadSanitizer (gcc: clang 14's shared TSan runtime
#           crashes at start) and the C++ tests whose calls cross threads
#   fuzz    every libFuzzer target of tests/fuzz (on the asan build) replays its
#           saved regressions, then runs on its seeds for a short while; any
#           crash fails
# Suppressions, for third-party code only, are in tests/sanitizers/*.supp.
#
#   bash scripts/sanitizers.sh [STAGE...]                 # default: all four
#   bash scripts/sanitizers.sh fuzz TARGET [FLAG...]      # one target, libFuzzer flags,
#                                                         # e.g. -max_total_time=3600
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ET_LLM_VENV:-$ROOT/.venv}
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"
: "${ET_LLM_FIXTURES_DIR:?set it to the fixtures (python -m tests.fixtures.build prints them)}"
: "${ET_LLM_MULTIMODAL_FIXTURES_DIR:?set it (python -m tests.fixtures.build_multimodal)}"
cd "$ROOT"

# Debian's clang and gcc by their full names: another clang may come first on PATH.
CLANG=${ET_LLM_CLANG:-/usr/bin/clang-14}
CLANGXX=${CLANG/clang/clang++}
GCC=${ET_LLM_GCC:-/usr/bin/gcc-12}
GXX=${GCC/gcc/g++}
CLANG_RUNTIME_DIR=$("$CLANG" -print-runtime-dir)
# CPython loads the extension with dlopen: the ASan runtime must be preloaded,
# and libstdc++ with it, or ASan finds no __cxa_throw to intercept.
PYTHON_PRELOAD="$("$GCC" -print-file-name=libasan.so) $("$GCC" -print-file-name=libstdc++.so)"
OUT="$ROOT/build/sanitizers"
SUPP="$ROOT/tests/sanitizers"
JOBS=${ET_LLM_SANITIZER_JOBS:-2}
FUZZ_SECONDS=${ET_LLM_FUZZ_SECONDS:-20}

COMMON_FLAGS="-fno-omit-frame-pointer -O1 -g"
ASAN_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined $COMMON_FLAGS"
TSAN_FLAGS="-fsanitize=thread $COMMON_FLAGS"

ASAN_SYMBOLIZER_PATH="$(dirname "$(readlink -f "$CLANG")")/llvm-symbolizer"
export ASAN_SYMBOLIZER_PATH
export ASAN_OPTIONS="detect_leaks=1:detect_stack_use_after_return=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$SUPP/tsan.supp"

log() { echo "[sanitizers] $*" >&2; }

# Runs "$@" and says how long it took.
timed() {
  local label=$1 start=$SECONDS
  shift
  "$@"
  log "$label: $((SECONDS - start)) s"
}

# configure BUILD SOURCE BUILD_DIR [CMAKE_ARG...]: a build with BUILD's
# compiler and flags everywhere (Release's -O3 replaced; NDEBUG kept, as the
# wheel's runtime has it).
configure() {
  local name=$1 source=$2 build=$3 cc cxx flags link
  shift 3
  case $name in
    asan)
      # The ASan runtime as a shared library, as gcc links it: libet_llm_c
      # links with --no-undefined.
      cc=$CLANG cxx=$CLANGXX flags="$ASAN_FLAGS -fsanitize=fuzzer-no-link"
      link="-shared-libsan -Wl,-rpath,$CLANG_RUNTIME_DIR" ;;
    python) cc=$GCC cxx=$GXX flags=$ASAN_FLAGS link="-fsanitize=address,undefined" ;;
    tsan) cc=$GCC cxx=$GXX flags=$TSAN_FLAGS link="-fsanitize=thread" ;;
  esac
  cmake -S "$source" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_C_FLAGS_RELEASE=-DNDEBUG -DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG \
    -DCMAKE_EXE_LINKER_FLAGS="$link" -DCMAKE_SHARED_LINKER_FLAGS="$link" \
    -DCMAKE_MODULE_LINKER_FLAGS="$link" -DPython_EXECUTABLE="$PY" "$@" >/dev/null
}

# build_core BUILD [CMAKE_ARG...]: the top-level project into $OUT/BUILD/prefix.
build_core() {
  local name=$1
  shift
  configure "$name" "$ROOT" "$OUT/$name/core" "$@"
  cmake --build "$OUT/$name/core" -j"$JOBS"
  cmake --install "$OUT/$name/core" --prefix "$OUT/$name/prefix" >/dev/null
}

# build_against BUILD SOURCE [TARGET...]: a consumer project against that prefix.
build_against() {
  local name=$1 source=$2
  shift 2
  local build
  build="$OUT/$name/$(basename "$source")"
  configure "$name" "$source" "$build" -DCMAKE_PREFIX_PATH="$OUT/$name/prefix"
  local targets=()
  for target in "$@"; do targets+=(--target "$target"); done
  cmake --build "$build" -j"$JOBS" "${targets[@]}"
}

# run_all "COMMAND [ARG...]"...: each command, its output shown only on failure.
run_all() {
  local command
  for command in "$@"; do
    log "  $command"
    # shellcheck disable=SC2086  # a command and its flags, split on purpose
    $command >"$OUT/last_run.log" 2>&1 || {
      cat "$OUT/last_run.log" >&2
      return 1
    }
  done
}

asan_core() {  # once per run: the asan and fuzz stages share it
  if [ -z "${ASAN_CORE_BUILT:-}" ]; then
    timed "asan: core build" build_core asan
    ASAN_CORE_BUILT=1
  fi
}

stage_asan() {
  asan_core
  timed "asan: tests/cpp build" build_against asan "$ROOT/tests/cpp"
  timed "asan: tests/sanitizers build" build_against asan "$SUPP"
  timed "asan: ctest" ctest --test-dir "$OUT/asan/cpp" --output-on-failure -j"$JOBS"
  timed "asan: tests/sanitizers" ctest --test-dir "$OUT/asan/sanitizers" --output-on-failure
}

# python/et_llm with the instrumented extension in it, found before the
# installed et_llm.
python_package() {
  local package="$OUT/python/package/et_llm"
  rm -rf "$OUT/python/package"
  mkdir -p "$package"
  local entry
  for entry in "$ROOT"/python/et_llm/*; do
    case $entry in *.so) continue ;; esac
    ln -s "$entry" "$package/"
  done
  ln -s "$OUT/python/prefix/et_llm/"_et_llm*.so "$package/"
  ln -s "$OUT/python/prefix/lib" "$package/lib"  # the extension's $ORIGIN/lib
}

stage_python() {
  # pybind11 asks for LTO, which only slows an instrumented build.
  timed "python: core and extension build" build_core python -DET_LLM_BUILD_PYTHON=ON \
    -Dpybind11_DIR="$("$PY" -m pybind11 --cmakedir)" -DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF
  python_package
  # CPython frees little at exit: leaks are the C++ stage's to find.
  # PYTHONMALLOC=malloc puts Python's objects where ASan sees them;
  # --capture=sys leaves a report on stderr when ASan ends the process.
  local tests=(tests/python/test_{runner_behaviour,sessions,io_manager,threads,stop_semantics}.py
    tests/python/test_stop_during_prefill.py)
  timed "python: runner, session, KV-cache manager, thread and stop tests" env \
    LD_PRELOAD="$PYTHON_PRELOAD" ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" PYTHONMALLOC=malloc \
    PYTHONPATH="$OUT/python/package${PYTHONPATH:+:$PYTHONPATH}" \
    "$PY" -m pytest -q --capture=sys -p no:cacheprovider "${tests[@]}"
}

# TSan runs a program some 15 times slower: only the tests whose calls cross
# threads: sessions on threads (three program styles: dynamic shapes, et_llm's
# SDPA kernel, KV cache as inputs/outputs), the thread pool's resize guard, and
# tests/sanitizers' stop(), sessions and thread-count changes from other threads.
stage_tsan() {
  timed "tsan: core build" build_core tsan
  timed "tsan: threaded tests build" build_against tsan "$ROOT/tests/cpp" \
    test_engine_session test_thread_pool
  timed "tsan: tests/sanitizers build" build_against tsan "$SUPP"
  timed "tsan: run" run_all \
    "$OUT/tsan/cpp/test_engine_session --gtest_filter=*SessionsOnThreads*/0:*SessionsOnThreads*/2:*SessionsOnThreads*/5" \
    "$OUT/tsan/cpp/test_thread_pool" \
    "$OUT/tsan/sanitizers/test_threads"
}

# The tokenizer files the encode target uses: the fixtures' of every format.
fuzz_tokenizers() {
  local dir
  dir=$("$PY" -m tests.fixtures.tokenizer_formats.build)
  local files=("$dir"/*.json "$dir"/*.model "$dir"/*.bin "$dir"/*.tiktoken
    "$ET_LLM_FIXTURES_DIR/tokenizer.json")
  local IFS=:
  echo "${files[*]}"
}

# The program flatbuffers of the fixture .pte files (without their segments,
# the weights), seeds of fuzz_program_plans too big to keep in the repository.
program_seeds() {
  "$PY" - "$1" "$ET_LLM_FIXTURES_DIR" "$ET_LLM_MULTIMODAL_FIXTURES_DIR" <<'EOF'
import struct
import sys
from pathlib import Path

out = Path(sys.argv[1])
for directory in sys.argv[2:]:
    for pte in sorted(Path(directory).glob("*.pte")):
        data = pte.read_bytes()
        # The extended header at offset 8: b"eh00", its length, the program's size.
        if data[8:12] == b"eh00":
            (size,) = struct.unpack_from("<Q", data, 16)
            (out / pte.name).write_bytes(data[:size])
EOF
}

# fuzz_target TARGET [FLAG...]: replays the target's saved regressions, then
# runs it on its seeds and its corpus in build/ (which libFuzzer extends).
fuzz_target() {
  local target=$1
  shift
  local binary="$OUT/asan/fuzz/fuzz_$target" work="$OUT/fuzz/$target"
  mkdir -p "$work/corpus" "$work/artifacts"
  local regressions=("$ROOT/tests/fuzz/regressions/$target"/*)
  if [ -e "${regressions[0]}" ]; then
    "$binary" "${regressions[@]}" >"$work/regressions.log" 2>&1 || {
      cat "$work/regressions.log" >&2
      return 1
    }
  fi
  local corpora=("$work/corpus" "$ROOT/tests/fuzz/corpus/$target")
  case $target in
    tokenizer_detect)  # a file of any format: every loader target's seeds
      corpora+=("$ROOT"/tests/fuzz/corpus/tokenizer_{hf_json,sentencepiece,tiktoken,llama2c}) ;;
    program_plans)
      mkdir -p "$work/fixtures"
      program_seeds "$work/fixtures"
      corpora+=("$work/fixtures") ;;
  esac
  "$binary" -artifact_prefix="$work/artifacts/" -print_final_stats=1 "$@" "${corpora[@]}" \
    >"$work/fuzz.log" 2>&1 || {
    tail -n 60 "$work/fuzz.log" >&2
    log "  $target: the input is in $work/artifacts"
    return 1
  }
  log "  $target: $(awk '/^stat::number_of_executed_units/ {print $2}' "$work/fuzz.log") runs," \
    "$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$work/fuzz.log" | tail -n 1)"
}

stage_fuzz() {
  asan_core
  timed "fuzz: targets build" build_against asan "$ROOT/tests/fuzz"
  export ET_LLM_FUZZ_TOKENIZERS
  ET_LLM_FUZZ_TOKENIZERS=$(fuzz_tokenizers)
  # The file-reading targets write each input to a file: memory is faster.
  if [ -w /dev/shm ]; then export TMPDIR=/dev/shm; fi
  # A corrupt XNNPACK blob in a .pte may ask for any amount of memory: beyond
  # 1 GiB malloc fails, as on a machine without it (XNNPACK reports that),
  # instead of meeting libFuzzer's memory limit. A failing new still aborts.
  export ASAN_OPTIONS="$ASAN_OPTIONS:allocator_may_return_null=1:max_allocation_size_mb=1024"
  if [ $# -gt 0 ]; then
    fuzz_target "$@"
    return
  fi
  local source target
  for source in "$ROOT"/tests/fuzz/fuzz_*.cpp; do
    target=$(basename "$source" .cpp)
    target=${target#fuzz_}
    # A fixed seed: the smoke run replays the corpus and explores the same way each
    # time, so CI does not turn red on a finding of chance; the long runs explore.
    timed "fuzz: $target" fuzz_target "$target" -max_total_time="$FUZZ_SECONDS" -timeout=30 -seed=1
  done
}

if [ "${1:-}" = fuzz ] && [ $# -gt 1 ]; then
  shift
  stage_fuzz "$@"
  exit
fi
stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(asan python tsan fuzz)
for stage in "${stages[@]}"; do
  case $stage in
    asan | python | tsan | fuzz) timed "stage $stage" "stage_$stage" ;;
    *) echo "unknown stage $stage (asan, python, tsan, fuzz)" >&2 && exit 2 ;;
  esac
done
