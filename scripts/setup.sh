#!/usr/bin/env bash
# Installs everything et_llm needs on a fresh Debian machine and builds it into
# a virtualenv: apt packages, Python 3.11 venv, torch (for exporting test models
# only), the executorch wheel, then `pip install .` of et_llm itself.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${ET_LLM_VENV:-$ROOT/.venv}
PY=${ET_LLM_PYTHON:-python3.11}

log() { echo "[setup] $*" >&2; }

# clang-14, its compiler-rt (sanitizer runtimes, libFuzzer) and llvm-14 (llvm-symbolizer): the
# sanitizer and fuzzing stages of scripts/sanitizers.sh.
apt_packages=(pkg-config libpcre2-dev nlohmann-json3-dev libgtest-dev libsentencepiece-dev
  clang-14 libclang-rt-14-dev llvm-14)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt-get install ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  log "creating $VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install -q --upgrade pip
fi
log "pip install build and test requirements"
"$VENV/bin/pip" install -q -r "$ROOT/requirements-dev.txt"

log "building and installing et_llm"
"$VENV/bin/pip" install -q --no-build-isolation --no-deps "$ROOT"
log "done: $VENV"
