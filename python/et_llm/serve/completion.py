"""One request on a lent session: rewind to the cached prefix, feed the rest, step the
generation token by token (the event loop free between steps), and hand back what each step
made visible with its tokens and log-probabilities.

A client that goes away stops the session at its next token: the step in flight finishes
on the executor, then the session returns to the pool.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from et_llm.errors import Error
from et_llm.serve.errors import from_et_llm

if TYPE_CHECKING:
    from et_llm._et_llm import Generation, GenerationConfig
    from et_llm.serve.model_host import ServedModel
    from et_llm.serve.pool import PooledSession

T = TypeVar("T")
TokenStep = tuple[int, float | None, list[tuple[int, float]]]

# OpenAI's finish reasons for et_llm's.
FINISH_REASONS = {
    "eos": "stop",
    "stop_string": "stop",
    "grammar": "stop",
    "length": "length",
    "stopped": "stop",
}


@dataclass
class Plan:
    """What to generate: the prompt's ids, one config per choice (seeds differ)."""

    prompt: list[int]
    configs: list[GenerationConfig]


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": self.cached_tokens},
        }


@dataclass
class Piece:
    """Text a step made visible, and the tokens generated since the previous piece."""

    index: int
    text: str
    tokens: list[TokenStep] = field(default_factory=list)


@dataclass
class ChoiceEnd:
    index: int
    finish_reason: str


Event = Piece | ChoiceEnd


class _Stepper:
    """Runs session calls on the model's executor. A cancelled await (the client left)
    waits for the call in flight: a session is only ever touched by one thread."""

    def __init__(self, model: ServedModel, pooled: PooledSession) -> None:
        self._loop = asyncio.get_running_loop()
        self._model = model
        self._pooled = pooled

    async def run(self, call: Callable[..., T], *args: Any) -> T:
        future = self._loop.run_in_executor(self._model.executor, call, *args)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            self._pooled.session.stop()
            await asyncio.wait([future])
            raise


async def generate(
    model: ServedModel,
    plan: Plan,
    usage: Usage,
    disconnected: Callable[[], Awaitable[bool]] | None = None,
) -> AsyncIterator[Event]:
    """Yields the pieces of each choice in turn, then its end. et_llm errors become
    APIErrors; whatever happens, the session goes back to the pool."""
    usage.prompt_tokens = len(plan.prompt)
    pooled = await model.pool.acquire(plan.prompt)
    stepper = _Stepper(model, pooled)
    generation: Generation | None = None
    try:
        for index, config in enumerate(plan.configs):
            pool = model.pool
            cached = await stepper.run(
                pooled.prepare, plan.prompt, pool.sliding_window, pool.prompt_cache
            )
            if index == 0:
                usage.cached_tokens = cached
            generation = await stepper.run(pooled.session.start, plan.prompt[cached:], config)
            seen = 0
            while (text := await stepper.run(generation.step)) is not None:
                tokens = pooled.session.generated_steps(seen)
                seen += len(tokens)
                if text or tokens:
                    yield Piece(index, text, tokens)
                if disconnected is not None and await disconnected():
                    pooled.session.stop()
            finish_reason = FINISH_REASONS.get(generation.finish_reason, "stop")
            usage.completion_tokens += _count(model, pooled)
            generation = None
            yield ChoiceEnd(index, finish_reason)
    except Error as error:
        raise from_et_llm(error) from error
    finally:
        if generation is not None:
            if not generation.done:
                generation.close()
            usage.completion_tokens += _count(model, pooled)  # of a turn cut short
        pooled.refresh()
        model.pool.release(pooled)


def _count(model: ServedModel, pooled: PooledSession) -> int:
    generated = len(pooled.session.generated_tokens)
    model.metrics.generated(model.name, generated)
    return generated
