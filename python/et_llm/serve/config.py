"""What a server serves and how many requests it takes at once."""

from __future__ import annotations

from dataclasses import dataclass, field

from et_llm.serve.model_host import ModelSpec


@dataclass(frozen=True)
class ServerConfig:
    """`sessions` per model (each a KV cache: concurrent requests); `max_waiting` requests
    queue per model beyond those before a 429; `threads` for the model's thread pool (None:
    one per physical core); `prompt_cache`: reuse what a free session holds;
    `preload_sessions`: create every session at start (else when first needed)."""

    models: list[ModelSpec] = field(default_factory=list)
    sessions: int = 2
    max_waiting: int = 16
    threads: int | None = None
    prompt_cache: bool = True
    preload_sessions: bool = True
