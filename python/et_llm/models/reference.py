"""The correctness oracle for a prepared model: HF eager (fp32) greedy ids for a fixed prompt."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def load_eager(hf_dir: Path) -> Any:
    import torch
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(
        str(hf_dir), dtype=torch.float32, attn_implementation="sdpa"
    ).eval()


def greedy_ids(model: Any, prompt_ids: list[int], new_tokens: int) -> list[int]:
    """Greedy (argmax) continuation with a dynamic cache; does not stop at EOS."""
    import torch
    from transformers import DynamicCache

    cache = DynamicCache(config=model.config)
    step_input = torch.tensor([prompt_ids])
    generated: list[int] = []
    with torch.no_grad():
        for _ in range(new_tokens):
            logits = model(input_ids=step_input, past_key_values=cache, use_cache=True).logits
            generated.append(int(logits[0, -1].argmax()))
            step_input = torch.tensor([[generated[-1]]])
    return generated


def write_reference(
    hf_dir: Path, prompt: str, new_tokens: int, eos_ids: list[int], path: Path
) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(hf_dir))
    prompt_ids = tokenizer(prompt)["input_ids"]  # with the tokenizer's own BOS rule
    generated = greedy_ids(load_eager(hf_dir), prompt_ids, new_tokens)
    stop = next((i for i, token in enumerate(generated) if token in eos_ids), None)
    until_eos = generated if stop is None else generated[: stop + 1]
    reference = {
        "prompt": prompt,
        "prompt_ids": prompt_ids,
        "new_tokens": new_tokens,
        "generated_ids": generated,
        "generated_text": tokenizer.decode(generated, skip_special_tokens=False),
        "generated_ids_until_eos": until_eos,
        "text_until_eos": tokenizer.decode(until_eos, skip_special_tokens=True),
        "eos_ids": eos_ids,
        "decoding": "greedy (argmax), HF transformers eager fp32, not stopped at EOS",
    }
    path.write_text(json.dumps(reference, indent=2, ensure_ascii=False) + "\n")
