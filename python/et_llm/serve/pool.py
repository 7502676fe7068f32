"""Sessions of one engine lent to requests: a bounded wait for a free one, and the prompt
cache — a request takes the free session whose conversation shares the longest prefix with
its tokens, and only the rest is prefilled.

Everything here runs on the event loop; only session calls go to the model's executor.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from et_llm.serve.errors import APIError

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from et_llm._et_llm import Engine, Session

# How long a client told "busy" should wait before retrying, in seconds.
RETRY_AFTER_S = 1


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class PooledSession:
    """A session and the token ids its KV cache holds (one per position)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.cached: list[int] = []

    def reusable(self, tokens: Sequence[int], sliding_window: int | None, enabled: bool) -> int:
        """Positions of `tokens` this session can keep. At least one prompt token is always
        fed again (its logits start the reply). A sliding-window ring cache has overwritten
        what a rewind would need once the conversation went past the window, so then a
        rewind further back than one position is not exact and the cache starts over."""
        if not enabled:
            return 0
        keep = min(common_prefix(self.cached, tokens), len(tokens) - 1)
        position = len(self.cached)
        if sliding_window is not None and position > sliding_window and position > keep + 1:
            return 0
        return keep

    def prepare(self, tokens: Sequence[int], sliding_window: int | None, enabled: bool) -> int:
        """Rewinds (or resets) for `tokens`; returns how many of them are already in the
        cache. Runs on the executor."""
        keep = self.reusable(tokens, sliding_window, enabled)
        if keep == 0:
            self.session.reset()
        else:
            self.session.rewind(keep)
        self.cached = self.cached[:keep]
        return keep

    def refresh(self) -> None:
        """Re-reads what the cache holds after a turn (a stopped or failed one included)."""
        self.cached = list(self.session.tokens)


class QueueFullError(APIError):
    def __init__(self, model: str) -> None:
        super().__init__(
            429,
            f"every session of {model!r} is busy and the queue is full; retry later",
            type="rate_limit_error",
            code="queue_full",
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )


class SessionPool:
    """Up to `size` sessions, created when first needed (each holds its own planned memory);
    up to `max_waiting` requests wait for one, FIFO."""

    def __init__(
        self,
        model: str,
        engine: Engine,
        executor: Executor,
        size: int,
        max_waiting: int,
        sliding_window: int | None,
        prompt_cache: bool = True,
    ) -> None:
        self.model = model
        self.prompt_cache = prompt_cache
        self.size = size
        self.max_waiting = max_waiting
        self.sliding_window = sliding_window
        self._engine = engine
        self._executor = executor
        self._free: list[PooledSession] = []
        self._created = 0
        self._waiters: deque[asyncio.Future[PooledSession]] = deque()

    @property
    def busy(self) -> int:
        return self._created - len(self._free)

    @property
    def waiting(self) -> int:
        return len(self._waiters)

    @property
    def created(self) -> int:
        return self._created

    def adopt(self, session: Session) -> None:
        """Adds an existing session as a free one."""
        self._created += 1
        self._free.append(PooledSession(session))

    async def acquire(self, tokens: Sequence[int]) -> PooledSession:
        if self._free:
            return self._take_best(tokens)
        if self._created < self.size:
            self._created += 1
            try:
                loop = asyncio.get_running_loop()
                session = await loop.run_in_executor(self._executor, self._engine.create_session)
            except BaseException:
                self._created -= 1
                raise
            return PooledSession(session)
        if len(self._waiters) >= self.max_waiting:
            raise QueueFullError(self.model)
        waiter: asyncio.Future[PooledSession] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release(waiter.result())  # handed over as the client left
            else:
                self._waiters.remove(waiter)
            raise

    def release(self, pooled: PooledSession) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(pooled)
                return
        self._free.append(pooled)

    def _take_best(self, tokens: Sequence[int]) -> PooledSession:
        # Longest reusable prefix; among equals the shortest cache, keeping longer ones.
        best = max(
            self._free,
            key=lambda p: (
                p.reusable(tokens, self.sliding_window, self.prompt_cache),
                -len(p.cached),
            ),
        )
        self._free.remove(best)
        return best
