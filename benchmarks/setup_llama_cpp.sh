#!/usr/bin/env bash
# Builds llama-cpp-python (llama.cpp with its Python API) into its own venv for the
# benchmarks: ${ET_LLM_CACHE:-~/.cache/et_llm}/llama-cpp-venv. PyPI has only its source,
# so this compiles llama.cpp for this CPU (about 13 minutes on 2 cores). Idempotent. The
# [server] extra is its OpenAI-compatible server, for benchmarks/bench_serve.py.
set -euo pipefail
CACHE=${ET_LLM_CACHE:-$HOME/.cache/et_llm}
VENV="$CACHE/llama-cpp-venv"
VERSION=${LLAMA_CPP_PYTHON_VERSION:-0.3.36}
if "$VENV/bin/python" -c "import llama_cpp, llama_cpp.server.app, sys; sys.exit(llama_cpp.__version__ != '$VERSION')" 2>/dev/null; then
  echo "$VENV/bin/python"
  exit 0
fi
python3.11 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip >&2
# GGML_NATIVE: build for this CPU's instruction set, as a llama.cpp user would.
CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-2} CMAKE_ARGS="-DGGML_NATIVE=ON" \
  "$VENV/bin/pip" install "llama-cpp-python[server]==$VERSION" numpy >&2
echo "$VENV/bin/python"
