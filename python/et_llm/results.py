"""What a finished turn returns when asked for more than its text or ids."""

from __future__ import annotations

from dataclasses import dataclass, field

from et_llm._et_llm import Stats


@dataclass(frozen=True)
class GenerationResult:
    """One turn: the generated ids (the ending EOS included), their text, and per token the
    log-probability under the model (``log_softmax`` of its logits) with the
    ``top_logprobs`` most likely ``(token_id, logprob)`` pairs."""

    tokens: list[int]
    text: str
    logprobs: list[float] = field(default_factory=list)
    top_logprobs: list[list[tuple[int, float]]] = field(default_factory=list)
    finish_reason: str = "none"
    stats: Stats | None = None
