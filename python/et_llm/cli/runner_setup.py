"""What `generate` and `chat` share: the chat session of a selected model and the stats line."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from et_llm.cli.model_selection import SelectedModel

if TYPE_CHECKING:
    from et_llm import ChatSession, Stats, TextLLMRunner


def open_runner(model: SelectedModel, threads: int | None) -> TextLLMRunner:
    import et_llm

    return et_llm.TextLLMRunner(model.pte, model.tokenizer, num_threads=threads)


def open_chat(runner: TextLLMRunner, model: SelectedModel, system: str | None) -> ChatSession:
    """A ChatSession with the model's template; says so on stderr when it falls back to ChatML."""
    import et_llm
    from et_llm.chat import load_chat_template

    config = model.tokenizer_config
    if config is None or load_chat_template(config) is None:
        print("et-llm: the model has no chat template; using ChatML", file=sys.stderr)
    return et_llm.ChatSession(runner, tokenizer_config=config, system=system)


def tokenizer_adds_bos(model: SelectedModel) -> bool:
    from et_llm.tokenizer_config import adds_bos

    return adds_bos(model.tokenizer, model.tokenizer_config)


def print_stats(stats: Stats) -> None:
    drafts = ""
    if stats.num_draft_tokens:
        drafts = (
            f" ({stats.num_accepted_draft_tokens} of {stats.num_draft_tokens} drafted tokens"
            " accepted)"
        )
    print(
        f"{stats.num_prompt_tokens} prompt tokens at {stats.prefill_tokens_per_second:.1f} tok/s, "
        f"{stats.num_generated_tokens} generated at {stats.decode_tokens_per_second:.1f} tok/s"
        + drafts,
        file=sys.stderr,
    )
