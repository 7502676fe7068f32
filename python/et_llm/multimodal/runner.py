"""``MultimodalRunner``: the compiled runner taking plain lists of str / numpy / PIL pieces and
HF processor outputs, with ``stream`` / ``astream`` as methods."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any

from et_llm._et_llm import GenerationConfig, MultimodalInput, Stats
from et_llm._et_llm import MultimodalRunner as _MultimodalRunner
from et_llm.multimodal.hf_inputs import hf_to_inputs
from et_llm.multimodal.inputs import InputLike, to_inputs
from et_llm.results import GenerationResult
from et_llm.streaming import astream, stream

TokenCallback = Callable[[str], None]
StatsCallback = Callable[[Stats], None]


class MultimodalRunner(_MultimodalRunner):
    """``et_llm._et_llm.MultimodalRunner`` that also takes plain lists of str / numpy /
    PIL pieces, and HF processor outputs (``generate_hf``)."""

    def generate(  # type: ignore[override]
        self,
        inputs: InputLike | Sequence[InputLike],
        config: GenerationConfig | None = None,
        token_callback: TokenCallback | None = None,
        stats_callback: StatsCallback | None = None,
    ) -> str:
        return super().generate(to_inputs(inputs), config, token_callback, stats_callback)

    def generate_text(  # type: ignore[override]
        self, inputs: InputLike | Sequence[InputLike], config: GenerationConfig | None = None
    ) -> str:
        return super().generate_text(to_inputs(inputs), config)

    def generate_tokens(  # type: ignore[override]
        self,
        inputs: InputLike | Sequence[InputLike],
        config: GenerationConfig | None = None,
        token_callback: TokenCallback | None = None,
        stats_callback: StatsCallback | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | GenerationResult:
        return super().generate_tokens(
            to_inputs(inputs),
            config,
            token_callback,
            stats_callback,
            return_logprobs=return_logprobs,
        )

    def prefill(  # type: ignore[override]
        self, inputs: InputLike | Sequence[InputLike], config: GenerationConfig | None = None
    ) -> None:
        super().prefill(to_inputs(inputs), config)

    def stream(
        self, inputs: InputLike | Sequence[InputLike], config: GenerationConfig | None = None
    ) -> Iterator[str]:
        """Yields the generated pieces as they come (see ``et_llm.stream``)."""
        return stream(self, to_inputs(inputs), config)  # type: ignore[arg-type]

    def astream(
        self, inputs: InputLike | Sequence[InputLike], config: GenerationConfig | None = None
    ) -> AsyncIterator[str]:
        return astream(self, to_inputs(inputs), config)  # type: ignore[arg-type]

    def generate_hf(
        self,
        inputs: Mapping[str, Any] | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: TokenCallback | None = None,
        stats_callback: StatsCallback | None = None,
        image_token_id: int | None = None,
        audio_token_id: int | None = None,
    ) -> str:
        """Generates from an HF processor's output (``input_ids`` + ``pixel_values`` /
        ``input_features``) or from a list of inputs."""
        converted = (
            hf_to_inputs(inputs, image_token_id, audio_token_id)
            if isinstance(inputs, Mapping)
            else to_inputs(inputs)
        )
        return super().generate(converted, config, token_callback, stats_callback)

    def generate_text_hf(
        self,
        inputs: Mapping[str, Any] | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        image_token_id: int | None = None,
        audio_token_id: int | None = None,
    ) -> str:
        return self.generate_hf(inputs, config, None, None, image_token_id, audio_token_id)
