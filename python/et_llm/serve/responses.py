"""Response bodies in OpenAI's shapes: chat completions and their chunks, text completions,
and both flavours of log-probabilities (chat's per-token objects, the legacy lists)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from et_llm.serve.completion import Piece, TokenStep
    from et_llm.serve.model_host import ServedModel


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:24]}"


@dataclass
class ChoiceText:
    """One choice as it grows; `previous` is the token before the next one (its text
    depends on it for SentencePiece-style vocabularies)."""

    previous: int
    text: list[str] = field(default_factory=list)
    chat_logprobs: list[dict[str, Any]] = field(default_factory=list)
    finish_reason: str | None = None


class Shaper:
    """Builds one request's bodies; `top` is how many alternatives each token lists."""

    def __init__(self, model: ServedModel, kind: str, prompt: list[int], n: int, top: int) -> None:
        self.model = model
        self.kind = kind  # "chat" or "text"
        self.id = new_id("chatcmpl" if kind == "chat" else "cmpl")
        self.created = int(time.time())
        self.top = top
        self.choices = [ChoiceText(previous=prompt[-1]) for _ in range(n)]

    def _envelope(self, obj: str, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": obj,
            "created": self.created,
            "model": self.model.name,
            "choices": choices,
        }

    def _token(self, previous: int, token: int, logprob: float) -> dict[str, Any]:
        raw = self.model.token_bytes(previous, token)
        return {
            "token": raw.decode("utf-8", errors="replace"),
            "logprob": logprob,
            "bytes": list(raw),
        }

    def token_logprobs(self, choice: ChoiceText, steps: list[TokenStep]) -> list[dict[str, Any]]:
        """Chat-style entries for `steps`, advancing `choice.previous`."""
        entries = []
        for token, logprob, top in steps:
            if logprob is not None:
                entry = self._token(choice.previous, token, logprob)
                entry["top_logprobs"] = [
                    self._token(choice.previous, alt, alt_logprob)
                    for alt, alt_logprob in top[: self.top]
                ]
                entries.append(entry)
            choice.previous = token
        return entries

    def add(self, piece: Piece, want_logprobs: bool) -> list[dict[str, Any]] | None:
        choice = self.choices[piece.index]
        choice.text.append(piece.text)
        if not want_logprobs:
            for token, _, _ in piece.tokens:
                choice.previous = token
            return None
        entries = self.token_logprobs(choice, piece.tokens)
        choice.chat_logprobs.extend(entries)
        return entries

    # --- chat --------------------------------------------------------------------------

    def chat_completion(self, usage: dict[str, Any], want_logprobs: bool) -> dict[str, Any]:
        choices = [
            {
                "index": i,
                "message": {"role": "assistant", "content": "".join(c.text)},
                "logprobs": {"content": c.chat_logprobs, "refusal": None}
                if want_logprobs
                else None,
                "finish_reason": c.finish_reason,
            }
            for i, c in enumerate(self.choices)
        ]
        return {**self._envelope("chat.completion", choices), "usage": usage}

    def chat_chunk(
        self,
        index: int,
        delta: dict[str, Any],
        logprobs: list[dict[str, Any]] | None = None,
        finish_reason: str | None = None,
    ) -> dict[str, Any]:
        choice = {
            "index": index,
            "delta": delta,
            "logprobs": None if logprobs is None else {"content": logprobs},
            "finish_reason": finish_reason,
        }
        return self._envelope("chat.completion.chunk", [choice])

    # --- text completions --------------------------------------------------------------

    def legacy_logprobs(self, entries: list[dict[str, Any]], offset: int) -> dict[str, Any]:
        offsets = []
        for entry in entries:
            offsets.append(offset)
            offset += len(entry["token"])
        return {
            "tokens": [e["token"] for e in entries],
            "token_logprobs": [e["logprob"] for e in entries],
            "top_logprobs": [
                {alt["token"]: alt["logprob"] for alt in e["top_logprobs"]} for e in entries
            ],
            "text_offset": offsets,
        }

    def text_completion(
        self, usage: dict[str, Any], want_logprobs: bool, echo: str
    ) -> dict[str, Any]:
        choices = [
            {
                "index": i,
                "text": echo + "".join(c.text),
                "logprobs": (
                    self.legacy_logprobs(c.chat_logprobs, len(echo)) if want_logprobs else None
                ),
                "finish_reason": c.finish_reason,
            }
            for i, c in enumerate(self.choices)
        ]
        return {**self._envelope("text_completion", choices), "usage": usage}

    def text_chunk(
        self,
        index: int,
        text: str,
        logprobs: dict[str, Any] | None = None,
        finish_reason: str | None = None,
    ) -> dict[str, Any]:
        choice = {
            "index": index,
            "text": text,
            "logprobs": logprobs,
            "finish_reason": finish_reason,
        }
        return self._envelope("text_completion", [choice])

    def usage_chunk(self, usage: dict[str, Any]) -> dict[str, Any]:
        obj = "chat.completion.chunk" if self.kind == "chat" else "text_completion"
        return {**self._envelope(obj, []), "usage": usage}
