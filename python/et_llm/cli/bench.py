"""`et-llm bench`: prefill/decode speed, time to first token and peak memory of et_llm, next to
upstream ExecuTorch's runner on the same `.pte` and llama.cpp on the model's GGUF, in one run.

Every (engine, file) pair runs in a fresh subprocess, the pairs alternate over several rounds
so load on the machine hits all engines alike, and the medians are compared. Upstream's runner
needs torch in its interpreter; llama.cpp needs llama-cpp-python in its own
(--llama-cpp-python, default the venv that benchmarks/setup_llama_cpp.sh makes). An engine that
is not installed is skipped with the reason, not silently dropped.
"""

from __future__ import annotations

from et_llm.bench import add_arguments, run

EXAMPLES = """examples:
  et-llm bench                                        # Gemma 3 270M fp32, every engine
  et-llm bench --model gemma3-270m:8da4w --engines et_llm,upstream --rounds 3
  et-llm bench --model model.pte --gguf model.gguf --json bench.json
"""

__all__ = ["EXAMPLES", "add_arguments", "run"]
