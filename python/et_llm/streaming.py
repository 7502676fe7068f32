"""Iterate over generated text as it is produced, synchronously or with asyncio."""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from et_llm._et_llm import GenerationConfig, TextLLMRunner

_DONE = object()
# How many pieces generation may run ahead of the consumer. Bounded so that a slow
# consumer pauses generation (as a generator would) and leaving the loop stops it
# within a few tokens, however loaded the machine is.
LOOKAHEAD = 4


def stream(
    runner: TextLLMRunner, prompt: str, config: GenerationConfig | None = None
) -> Iterator[str]:
    """Yields the pieces of ``runner.generate(prompt, config)`` as they come.

    Generation runs on a worker thread (the GIL is released while the model
    runs). Leaving the loop early stops generation; errors are raised here.
    Also available as ``runner.stream(prompt, config)``.
    """
    pieces: queue.Queue[object] = queue.Queue(maxsize=LOOKAHEAD)
    failure: list[BaseException] = []

    def work() -> None:
        try:
            runner.generate(prompt, config, pieces.put)
        except BaseException as error:  # noqa: BLE001 - re-raised in the consumer
            failure.append(error)
        finally:
            pieces.put(_DONE)

    worker = threading.Thread(target=work, name="et_llm-stream", daemon=True)
    worker.start()
    try:
        while (piece := pieces.get()) is not _DONE:
            yield piece  # type: ignore[misc]
    finally:
        runner.stop()
        # The worker may be waiting to put a piece (or the end marker): make room.
        while worker.is_alive():
            try:
                pieces.get(timeout=0.01)
            except queue.Empty:
                pass
        worker.join()
    if failure:
        raise failure[0]


async def astream(
    runner: TextLLMRunner, prompt: str, config: GenerationConfig | None = None
) -> AsyncIterator[str]:
    """``async for piece in runner.astream(prompt, config)``: the event loop keeps
    running while the model generates on a worker thread."""
    loop = asyncio.get_running_loop()
    pieces: asyncio.Queue[object] = asyncio.Queue()

    def put(item: object) -> None:
        loop.call_soon_threadsafe(pieces.put_nowait, item)

    def work() -> None:
        try:
            runner.generate(prompt, config, put)
        except BaseException as error:  # noqa: BLE001 - re-raised in the consumer
            put(error)
        finally:
            put(_DONE)

    worker = loop.run_in_executor(None, work)
    try:
        while (item := await pieces.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        runner.stop()
        await worker
