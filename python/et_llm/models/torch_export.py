"""Our own export path (used for SmolLM2): `torch.export` + XNNPACK, fp32, no custom ops.

The program is `forward(tokens [1, T], cache_position [T]) -> logits [1, V]` (last position),
with the KV cache inside as mutable buffers and T dynamic up to max_seq_len - 1. ExecuTorch's
own Python runtime then must reproduce the HF reference ids (whole-prompt, chunked and
token-by-token prefill). Runs in the model tools environment.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from et_llm.models.hf_checkpoint import bos_id_of, eos_ids_of
from et_llm.models.log import log
from et_llm.models.reference import load_eager


def _static_cache_module(model: Any, max_context_len: int) -> Any:
    import torch
    from transformers import StaticCache

    class StaticCacheCausalLM(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model
            config = model.config
            self.cache = StaticCache(config=config, max_cache_len=max_context_len)
            head_dim = (
                getattr(config, "head_dim", None)
                or config.hidden_size // config.num_attention_heads
            )
            self.cache.early_initialization(
                1, config.num_key_value_heads, head_dim, torch.float32, torch.device("cpu")
            )
            # As buffers, the cache tensors become mutable state of the exported program.
            for index, layer in enumerate(self.cache.layers):
                self.register_buffer(f"key_cache_{index}", layer.keys, persistent=False)
                self.register_buffer(f"value_cache_{index}", layer.values, persistent=False)

        def forward(self, tokens: torch.Tensor, cache_position: torch.Tensor) -> torch.Tensor:
            output = self.model(
                input_ids=tokens,
                cache_position=cache_position,
                past_key_values=self.cache,
                use_cache=True,
                logits_to_keep=1,
            )
            return output.logits[:, -1, :]

    return StaticCacheCausalLM().eval()


def metadata_for(hf_dir: Path, config: Any, max_seq_len: int) -> dict[str, Any]:
    return {
        "get_max_seq_len": max_seq_len,
        "get_max_context_len": max_seq_len,
        "enable_dynamic_shape": True,
        "use_kv_cache": True,
        "use_sdpa_with_kv_cache": False,
        "get_bos_id": bos_id_of(hf_dir),
        "get_eos_ids": eos_ids_of(hf_dir),
        "get_vocab_size": config.vocab_size,
        "get_n_layers": config.num_hidden_layers,
    }


def _lower(module: Any, metadata: dict[str, Any], example_ids: list[int], pte_path: Path) -> None:
    import torch
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import (
        EdgeCompileConfig,
        ExecutorchBackendConfig,
        to_edge_transform_and_lower,
    )

    # export_llm's bound: one call takes at most max_seq_len - 1 tokens.
    token_count = torch.export.Dim("token_count", min=1, max=metadata["get_max_seq_len"] - 1)
    example = (torch.tensor([example_ids]), torch.arange(len(example_ids)))
    # Strict (dynamo) export: the non-strict tracer reaches the cache tensors through the cache
    # object as well as through the buffers and lifts them twice, which lowering then rejects.
    with torch.no_grad():
        exported = torch.export.export(
            module, example, dynamic_shapes=({1: token_count}, {0: token_count}), strict=True
        )
    log("torch.export done; lowering to XNNPACK")
    edge = to_edge_transform_and_lower(
        exported,
        partitioner=[XnnpackPartitioner()],
        compile_config=EdgeCompileConfig(_check_ir_validity=False),
        constant_methods=metadata,
    )
    program = edge.to_executorch(ExecutorchBackendConfig(extract_delegate_segments=True))
    partial = pte_path.with_suffix(".partial")
    partial.write_bytes(program.buffer)
    partial.replace(pte_path)
    log(f"{pte_path.name}: {pte_path.stat().st_size / 2**20:.0f} MiB")


def _runtime_greedy(
    pte_path: Path, prompt_ids: list[int], new_tokens: int, chunk: int
) -> list[int]:
    """Greedy ids from ExecuTorch's own runtime: the prompt in chunks, then a token a call."""
    import torch
    from executorch.runtime import Runtime

    forward = Runtime.get().load_program(pte_path).load_method("forward")
    position = 0

    def step(ids: list[int]) -> int:
        nonlocal position
        positions = torch.arange(position, position + len(ids))
        logits = forward.execute([torch.tensor([ids]), positions])[0]
        position += len(ids)
        return int(logits[0].argmax())

    for start in range(0, len(prompt_ids), chunk):
        next_id = step(prompt_ids[start : start + chunk])
    generated = [next_id]
    while len(generated) < new_tokens:
        generated.append(step([generated[-1]]))
    return generated


def _verify(pte_path: Path, reference: dict[str, Any]) -> None:
    prompt_ids, expected = reference["prompt_ids"], reference["generated_ids"]
    # Whole-prompt prefill, then 5-token chunks and one token a call (8 new tokens suffice there).
    for chunk, count in ((len(prompt_ids), len(expected)), (5, 8), (1, 8)):
        generated = _runtime_greedy(pte_path, prompt_ids, count, chunk)
        if generated != expected[:count]:
            raise RuntimeError(
                f"{pte_path.name} greedy ids (prefill chunk {chunk}) differ from HF eager:\n"
                f"  pte: {generated}\n  hf:  {expected[:count]}"
            )
    log(f"ExecuTorch's runtime reproduces the {len(expected)} reference tokens")


def export(hf_dir: Path, pte_path: Path, max_seq_len: int, reference_path: Path) -> None:
    import torch

    torch.manual_seed(0)
    reference = json.loads(reference_path.read_text())
    model = load_eager(hf_dir)
    metadata = metadata_for(hf_dir, model.config, max_seq_len)
    _lower(_static_cache_module(model, max_seq_len), metadata, reference["prompt_ids"], pte_path)
    del model
    _verify(pte_path, reference)
