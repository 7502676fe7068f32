"""Export a HF checkpoint to a `.pte` with optimum-executorch's XNNPACK recipe (tools environment).

This is what `optimum-cli export executorch --task text-generation --recipe xnnpack` does, called
in-process so the program's metadata methods can be completed first: optimum writes
`get_eos_id` and no `get_eos_ids` / `get_max_context_len`, which et_llm reads
(docs/program_conventions.md).
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from et_llm.models.hf_checkpoint import bos_id_of, eos_ids_of
from et_llm.models.log import log

QUANTIZATIONS = {
    "fp32": {},
    # 8-bit dynamic activations, 4-bit grouped weights on linears; 8-bit embeddings.
    "8da4w": {"qlinear": "8da4w", "qembedding": "8w"},
    # 8-bit dynamic activations, 8-bit per-channel weights on linears; 8-bit embeddings.
    "8da8w": {"qlinear": "8da8w", "qembedding": "8w"},
}


def optimum_options(quant: str, custom_ops: bool, max_seq_len: int) -> dict[str, Any]:
    """The keyword arguments optimum-cli would pass for these flags."""
    if quant not in QUANTIZATIONS:
        raise ValueError(f"unknown quantization {quant!r}; known: {', '.join(QUANTIZATIONS)}")
    options: dict[str, Any] = {"max_seq_len": max_seq_len, **QUANTIZATIONS[quant]}
    if custom_ops:
        options.update(use_custom_sdpa=True, use_custom_kv_cache=True)
    else:
        # Without the custom KV cache a sliding-window model (Gemma 3) traces to a fixed 1-token
        # input while the metadata would claim dynamic shapes: say so explicitly.
        options["disable_dynamic_shapes"] = True
    return options


def completed_metadata(metadata: dict[str, Any], hf_dir: Path, max_seq_len: int) -> dict[str, Any]:
    """optimum's metadata plus what et_llm's conventions expect."""
    completed = dict(metadata)
    eos_ids = eos_ids_of(hf_dir)
    if eos_ids:
        completed["get_eos_ids"] = eos_ids
    bos_id = bos_id_of(hf_dir)
    if bos_id is not None:
        completed.setdefault("get_bos_id", bos_id)
    completed.setdefault("get_max_context_len", max_seq_len)
    # optimum computes hidden_size / heads, which is wrong where head_dim is set (Gemma 3: 256).
    config = json.loads((hf_dir / "config.json").read_text())
    if isinstance(config.get("head_dim"), int):
        completed["get_head_dim"] = config["head_dim"]
    completed.setdefault("use_kv_cache", True)
    return completed


def export(
    hf_dir: Path, pte_path: Path, quant: str, custom_ops: bool, max_seq_len: int
) -> dict[str, Any]:
    """Write `pte_path`; returns the metadata recorded in it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from optimum.exporters.executorch.convert import export_to_executorch
    from optimum.exporters.executorch.task_registry import discover_tasks, task_registry

    options = optimum_options(quant, custom_ops, max_seq_len)
    log(f"optimum-executorch export of {hf_dir.name}: {options}")
    logging.getLogger().setLevel(logging.WARNING)
    discover_tasks()
    load = task_registry.get("text-generation")
    module = load(
        str(hf_dir),
        cache_dir=None,
        trust_remote_code=False,
        subfolder="",
        revision="main",
        force_download=False,
        config=None,
        **options,
    )
    module.metadata = completed_metadata(module.metadata, hf_dir, max_seq_len)
    log(f"metadata: {module.metadata}")
    out_dir = pte_path.parent / (pte_path.name + ".partial")
    out_dir.mkdir(parents=True, exist_ok=True)
    export_to_executorch(model=module, task="text-generation", recipe="xnnpack", output_dir=out_dir)
    os.replace(out_dir / "model.pte", pte_path)
    for extra in out_dir.iterdir():  # external tensor data, if a recipe writes any
        os.replace(extra, pte_path.parent / extra.name)
    out_dir.rmdir()
    log(f"{pte_path}: {pte_path.stat().st_size / 2**20:.0f} MiB")
    return dict(module.metadata)
