"""The medians of each pair's rounds and et_llm's ratios to the other engines."""

from __future__ import annotations

import statistics
from typing import Any

from et_llm.bench.subprocesses import Runs

METRICS = ("prefill_tok_s", "decode_tok_s", "ttft_s", "peak_rss_mib")
# (file label, engine) -> median of each metric, the prompt length and et_llm's overhead.
Medians = dict[tuple[str, str], dict[str, Any]]


def _median(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def medians_of(runs: Runs) -> Medians:
    medians: Medians = {}
    for key, results in runs.items():
        medians[key] = {metric: _median(results, metric) for metric in METRICS}
        medians[key]["prompt_tokens"] = results[0]["prompt_tokens"]
        medians[key]["overhead"] = _median(results, "overhead")
    return medians


def ratios_of(medians: Medians, groups: dict[str, str]) -> dict[str, dict[str, float]]:
    """et_llm over each other engine, per file: above 1 means et_llm is better. `groups` maps
    a file label to its model, whose GGUF (if measured) is llama.cpp's counterpart."""
    gguf_of = {groups[label]: label for label, engine in medians if engine == "llama.cpp"}
    ratios: dict[str, dict[str, float]] = {}
    for (label, engine), ours in medians.items():
        if engine != "et_llm":
            continue
        others = {"upstream": (label, "upstream")}
        if groups[label] in gguf_of:
            others["llama.cpp"] = (gguf_of[groups[label]], "llama.cpp")
        for name, key in others.items():
            theirs = medians.get(key)
            if not theirs:
                continue
            entry = {}
            for metric in ("prefill_tok_s", "decode_tok_s"):
                if ours.get(metric) and theirs.get(metric):
                    entry[metric] = ours[metric] / theirs[metric]
            if ours.get("ttft_s") and theirs.get("ttft_s"):
                entry["ttft_speedup"] = theirs["ttft_s"] / ours["ttft_s"]
            if ours.get("peak_rss_mib") and theirs.get("peak_rss_mib"):
                entry["peak_rss"] = ours["peak_rss_mib"] / theirs["peak_rss_mib"]
            ratios[f"{label}: et_llm/{name}"] = entry
    return ratios
