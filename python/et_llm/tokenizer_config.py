"""What a HF ``tokenizer_config.json`` (and ``tokenizer.json``'s post-processor) say beyond the
vocabulary: the chat template, the special-token strings templates use, and whether an
encoded prompt starts with BOS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_tokenizer_config(path: str | Path) -> dict[str, Any] | None:
    """The parsed ``tokenizer_config.json`` (or the one in a folder); None if there is none."""
    path = Path(path)
    if path.is_dir():
        path = path / "tokenizer_config.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def chat_template_of(config: dict[str, Any]) -> str | None:
    template = config.get("chat_template")
    if isinstance(template, list):  # [{"name": "default", "template": ...}, ...]
        named = {entry.get("name"): entry.get("template") for entry in template}
        template = named.get("default") or next(iter(named.values()), None)
    return template


def special_tokens_of(config: dict[str, Any]) -> dict[str, str]:
    """``bos_token`` & co. as templates use them (HF writes a string or ``{"content": ...}``)."""
    tokens = {}
    for name in ("bos_token", "eos_token", "pad_token", "unk_token"):
        value = config.get(name)
        if isinstance(value, dict):
            value = value.get("content")
        if isinstance(value, str):
            tokens[name] = value
    return tokens


def adds_bos(tokenizer: str | Path, tokenizer_config: str | Path | None) -> bool:
    """Whether HF would start an encoded prompt with BOS: ``add_bos_token`` of the tokenizer
    config, else a BOS-first TemplateProcessing in tokenizer.json. Gemma needs its BOS."""
    config = read_tokenizer_config(tokenizer_config) if tokenizer_config is not None else None
    if config is not None and isinstance(config.get("add_bos_token"), bool):
        return bool(config["add_bos_token"])
    tokenizer = Path(tokenizer)
    if tokenizer.suffix != ".json" or not tokenizer.is_file():
        return False
    processor = json.loads(tokenizer.read_text(encoding="utf-8")).get("post_processor")
    steps = (processor or {}).get("processors", [processor]) if processor else []
    for step in steps:
        if step and step.get("type") == "TemplateProcessing":
            single = step.get("single") or [{}]
            return "SpecialToken" in single[0]
    return False
