"""``TextLLMRunner``: the compiled text runner with ``stream`` / ``astream`` as methods."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING

from et_llm._et_llm import TextLLMRunner as _TextLLMRunner
from et_llm.streaming import Prompt, astream, stream

if TYPE_CHECKING:
    from et_llm._et_llm import GenerationConfig


class TextLLMRunner(_TextLLMRunner):
    """Runner for text language models (.pte): upstream's ``TextLLMRunner`` (same constructor
    and methods), plus iterators over the generated text."""

    def stream(self, prompt: Prompt, config: GenerationConfig | None = None) -> Iterator[str]:
        """The pieces of ``generate(prompt, config)`` as they come (see ``et_llm.stream``)."""
        return stream(self, prompt, config)

    def astream(self, prompt: Prompt, config: GenerationConfig | None = None) -> AsyncIterator[str]:
        """``async for piece in runner.astream(prompt, config)`` (see ``et_llm.astream``)."""
        return astream(self, prompt, config)
