"""Iterate over generated text as it is produced, synchronously or with asyncio.

Both drive a session's :class:`et_llm.Generation` step by step: no worker thread
runs ahead, so leaving the loop ends generation at once (the text so far stays in
the conversation, as after ``stop()``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, Union

from et_llm._et_llm import Session

if TYPE_CHECKING:
    from et_llm._et_llm import GenerationConfig, MultimodalInput

# How many pieces generation runs ahead of the consumer: none, it steps when asked.
LOOKAHEAD = 0

Prompt = Union[str, Sequence[int], "MultimodalInput", Sequence["MultimodalInput"]]


class HasSession(Protocol):
    @property
    def session(self) -> Session: ...


def _session_of(source: Session | HasSession) -> Session:
    return source if isinstance(source, Session) else source.session


def stream(
    source: Session | HasSession, prompt: Prompt, config: GenerationConfig | None = None
) -> Iterator[str]:
    """Yields the pieces of ``generate(prompt, config)`` as they come (the echo first when
    ``config.echo``). Works on a Session or a runner; errors are raised here. Also
    available as ``runner.stream(prompt, config)`` and ``session.stream(...)``."""
    generation = _session_of(source).start(prompt, config)
    try:
        yield from generation
    finally:
        generation.close()


async def astream(
    source: Session | HasSession, prompt: Prompt, config: GenerationConfig | None = None
) -> AsyncIterator[str]:
    """``async for piece in runner.astream(prompt, config)``: each step runs in the event
    loop's executor, so the loop keeps serving other tasks while the model works."""
    loop = asyncio.get_running_loop()
    session = _session_of(source)
    generation = await loop.run_in_executor(None, session.start, prompt, config)
    try:
        while (piece := await loop.run_in_executor(None, generation.next_piece)) is not None:
            yield piece
    finally:
        generation.close()
