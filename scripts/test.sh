#!/usr/bin/env bash
# Runs every test: set-up, fixtures (cached), C++ tests and example via ctest,
# Python tests via pytest, ruff.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ET_LLM_VENV:-$ROOT/.venv}
bash "$ROOT/scripts/setup.sh"
PY="$VENV/bin/python"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"

echo "[test] ruff, ruff format, clang-format" >&2
ruff check python tests benchmarks examples scripts
ruff format --check python tests benchmarks examples scripts
# Every C and C++ source (the repository's .clang-format); a git checkout lists them.
git -C "$ROOT" ls-files '*.c' '*.cpp' '*.h' | (cd "$ROOT" && xargs clang-format --dry-run -Werror)

echo "[test] stubs: python/et_llm/_et_llm.pyi is what the compiled module generates" >&2
"$PY" scripts/generate_stubs.py --check

echo "[test] fixtures" >&2
FIXTURES=$("$PY" -m tests.fixtures.build)
export ET_LLM_FIXTURES_DIR="$FIXTURES"
ET_LLM_MULTIMODAL_FIXTURES_DIR=$("$PY" -m tests.fixtures.build_multimodal)
export ET_LLM_MULTIMODAL_FIXTURES_DIR

echo "[test] real models (cached in ~/.cache/et_llm/models): SmolLM2-135M-Instruct" >&2
ET_LLM_DEFAULT_MODEL_DIR=$(dirname "$("$PY" -m et_llm pull smollm2-135m-instruct | tail -n 1)")
export ET_LLM_DEFAULT_MODEL_DIR

echo "[test] Gemma 3 270M fp32 (et-llm pull; ~10 min the first time)" >&2
ET_LLM_GEMMA_DIR=$(dirname "$(dirname "$("$PY" -m et_llm pull gemma3-270m --variant fp32 | tail -n 1)")")
export ET_LLM_GEMMA_DIR
export ET_LLM_GEMMA_TOKENIZER_DIR="$ET_LLM_GEMMA_DIR"

echo "[test] C++ tests (against the installed package)" >&2
PREFIX=$("$PY" -c "import et_llm; print(et_llm.cmake_prefix_path)")
BUILD="$ROOT/build/cpp-tests"
cmake -S tests/cpp -B "$BUILD" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD" -j2
(cd "$BUILD" && ctest --output-on-failure -j2)
echo "[test] C++ under ASan+UBSan and TSan, Python runner tests under ASan, fuzz smoke runs" >&2
bash "$ROOT/scripts/sanitizers.sh"

echo "[test] Python tests" >&2
"$PY" -m pytest -q tests/python
