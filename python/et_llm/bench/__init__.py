"""`et-llm bench`: et_llm's prefill/decode speed, time to first token and peak memory next to
upstream ExecuTorch's runner on the same `.pte` and llama.cpp on the model's GGUF.

One module per concern: ``arguments`` (the options), ``model_files`` (which files, named models
prepared first), ``planning`` (the (engine, file) targets, engines that cannot run skipped with
the reason), ``subprocesses`` (rounds of one subprocess per target), ``engines`` (the script
each subprocess runs; it imports nothing from et_llm, so llama.cpp's venv can run it),
``summary`` (medians and ratios), ``report`` (table and JSON) and ``command`` (all of it).
"""

from et_llm.bench.arguments import DEFAULT_PROMPT, ENGINES, add_arguments
from et_llm.bench.command import main, run
from et_llm.bench.planning import Target, plan
from et_llm.bench.summary import METRICS

__all__ = ["DEFAULT_PROMPT", "ENGINES", "METRICS", "Target", "add_arguments", "main", "plan", "run"]
