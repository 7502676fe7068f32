"""Upstream's module-level forms of ``MultimodalRunner.generate_hf`` / ``generate_text_hf``
(``executorch.extension.llm.runner`` has them as functions taking the runner first)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from et_llm._et_llm import GenerationConfig, MultimodalInput
from et_llm.multimodal.runner import MultimodalRunner, StatsCallback, TokenCallback


def generate_hf(
    runner: MultimodalRunner,
    inputs: Mapping[str, Any] | Sequence[MultimodalInput],
    config: GenerationConfig | None = None,
    image_token_id: int | None = None,
    token_callback: TokenCallback | None = None,
    stats_callback: StatsCallback | None = None,
) -> str:
    """Upstream's module-level form of ``MultimodalRunner.generate_hf``."""
    return runner.generate_hf(inputs, config, token_callback, stats_callback, image_token_id)


def generate_text_hf(
    runner: MultimodalRunner,
    inputs: Mapping[str, Any] | Sequence[MultimodalInput],
    config: GenerationConfig | None = None,
    image_token_id: int | None = None,
) -> str:
    return runner.generate_hf(inputs, config, None, None, image_token_id)
