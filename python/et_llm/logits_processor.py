"""Edit a step's logits before sampling, as Hugging Face's ``LogitsProcessor``.

Pass instances (or any callable of the same signature) in
``GenerationConfig(logits_processors=[...])``. Each is called with ``input_ids``, a
read-only ``int64`` view ``[1, T]`` of the conversation so far (``-1`` at positions an
image or audio filled), and ``scores``, a writable ``float32`` view ``[1, V]`` of the
model's logits for the next token — et_llm's memory, no copies. Edit ``scores`` in place
(or return a new array of the same shape). An exception raised here ends the call with
``et_llm.CallbackError`` and leaves the conversation as it was before it.
"""

from __future__ import annotations

import numpy as np


class LogitsProcessor:
    """Base class; subclasses implement :meth:`__call__`."""

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError(f"{type(self).__name__} does not implement __call__")


class BanTokens(LogitsProcessor):
    """Never samples the given ids (their logits become ``-inf``)."""

    def __init__(self, token_ids: list[int]) -> None:
        self.token_ids = np.asarray(token_ids, dtype=np.int64)

    def __call__(self, input_ids: np.ndarray, scores: np.ndarray) -> None:
        scores[0, self.token_ids] = -np.inf
