"""A float32 Hugging Face checkpoint directory made from a GGUF (runs in the tools environment).

transformers dequantizes the GGUF (and undoes llama.cpp's +1 on Gemma's norm weights). Its
`from_pretrained(gguf_file=...)` insists on a `generation_config.json` next to the file, so one
is written first with the GGUF's BOS/EOS; the tokenizer files come from the tokenizer step.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

from et_llm.models.log import log

TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json", "tokenizer.model")


def convert_gguf(
    gguf_path: Path, tokenizer_dir: Path, hf_dir: Path, special: dict[str, object]
) -> None:
    """Write `hf_dir` (config, weights, generation config, tokenizer files).

    `special` holds bos_token_id / eos_token_id (an int or a list: Gemma also ends a turn with
    <end_of_turn>) / pad_token_id, which override what transformers guesses.
    """
    import torch
    from transformers import AutoModelForCausalLM

    with tempfile.TemporaryDirectory(prefix="et_llm-gguf-", dir=hf_dir.parent) as scratch:
        # A directory of its own: the GGUF's directory may hold other models' files.
        source = Path(scratch)
        (source / gguf_path.name).symlink_to(gguf_path.resolve())
        (source / "generation_config.json").write_text(json.dumps(special, indent=2))
        model = AutoModelForCausalLM.from_pretrained(
            str(source), gguf_file=gguf_path.name, dtype=torch.float32
        )
    model.config.update({key: value for key, value in special.items() if key != "eos_token_id"})
    model.config.eos_token_id = special["eos_token_id"]
    model.generation_config.update(**special)
    staging = hf_dir.with_name(hf_dir.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(str(staging))
    for name in TOKENIZER_FILES:
        if (tokenizer_dir / name).is_file():
            shutil.copy2(tokenizer_dir / name, staging / name)
    shutil.rmtree(hf_dir, ignore_errors=True)
    staging.rename(hf_dir)
    log(f"HF checkpoint: {model.config.model_type}, {model.num_parameters() / 1e6:.0f}M parameters")


def eos_ids_of(hf_dir: Path) -> list[int]:
    """EOS ids of a HF model dir: generation config and config merged, in order."""
    ids: list[int] = []
    for name in ("generation_config.json", "config.json"):
        path = hf_dir / name
        if not path.is_file():
            continue
        value = json.loads(path.read_text()).get("eos_token_id")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, int) and item not in ids:
                ids.append(item)
    return ids


def bos_id_of(hf_dir: Path) -> int | None:
    for name in ("generation_config.json", "config.json"):
        path = hf_dir / name
        if path.is_file():
            value = json.loads(path.read_text()).get("bos_token_id")
            if isinstance(value, int):
                return value
    return None
