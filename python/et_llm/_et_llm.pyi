# Generated from et_llm._et_llm by scripts/generate_stubs.py: do not edit.
"""
et_llm: LLM runners for ExecuTorch .pte models
"""

from __future__ import annotations

import collections.abc
import enum
import os
import typing

import numpy
import numpy.typing

import et_llm._error_base
import et_llm.results
from et_llm._error_base import Error

__all__: list[str] = [
    "Audio",
    "CallbackFailedError",
    "ContextOverflowError",
    "DecodeResult",
    "DecoderGenerateOutput",
    "DecoderLLMRunner",
    "DefaultIOManager",
    "Engine",
    "Error",
    "ErrorCode",
    "ExecutionFailedError",
    "Generation",
    "GenerationConfig",
    "IIOManager",
    "Image",
    "ImageLayout",
    "InternalError",
    "InvalidArgumentError",
    "InvalidProgramError",
    "InvalidStateError",
    "InvalidTokenizerError",
    "MultimodalInput",
    "MultimodalRunner",
    "NotFoundError",
    "NotSupportedError",
    "ProgramInfo",
    "RawAudio",
    "Sampler",
    "SamplingConfig",
    "ServingCapacity",
    "Session",
    "StaticKVCacheIOManager",
    "Stats",
    "TextLLMRunner",
    "Tokenizer",
    "get_llm_metadata",
    "get_num_threads",
    "has_grammar_backend",
    "inspect_program",
    "load_tokenizer",
    "make_text_input",
    "make_token_input",
    "physical_core_count",
    "set_grammar_backend",
    "set_log_level",
    "set_num_threads",
    "tokenizer_from_python",
]

class ErrorCode(enum.IntEnum):
    """
    The stable numeric code of every et_llm error.
    """

    CALLBACK_FAILED = 10
    CONTEXT_OVERFLOW = 7
    EXECUTION_FAILED = 8
    INTERNAL = 9
    INVALID_ARGUMENT = 1
    INVALID_PROGRAM = 4
    INVALID_STATE = 2
    INVALID_TOKENIZER = 5
    NOT_FOUND = 3
    NOT_SUPPORTED = 6
    OK = 0

class InvalidArgumentError(et_llm._error_base.Error, ValueError):
    """
    Raised for bad config value, wrong shape, empty prompt.
    """

    code: typing.ClassVar[ErrorCode]

class InvalidStateError(et_llm._error_base.Error):
    """
    Raised for e.g. generate() before load() succeeded.
    """

    code: typing.ClassVar[ErrorCode]

class NotFoundError(et_llm._error_base.Error, FileNotFoundError):
    """
    Raised for missing file or method.
    """

    code: typing.ClassVar[ErrorCode]

class InvalidProgramError(et_llm._error_base.Error):
    """
    Raised for corrupt or unsupported .pte.
    """

    code: typing.ClassVar[ErrorCode]

class InvalidTokenizerError(et_llm._error_base.Error):
    """
    Raised for corrupt or unsupported tokenizer file.
    """

    code: typing.ClassVar[ErrorCode]

class NotSupportedError(et_llm._error_base.Error, NotImplementedError):
    """
    Raised for a feature this build or model does not have.
    """

    code: typing.ClassVar[ErrorCode]

class ContextOverflowError(et_llm._error_base.Error, ValueError):
    """
    Raised for prompt does not fit in the room left.
    """

    code: typing.ClassVar[ErrorCode]

class ExecutionFailedError(et_llm._error_base.Error):
    """
    Raised for the model's forward failed.
    """

    code: typing.ClassVar[ErrorCode]

class InternalError(et_llm._error_base.Error):
    """
    Raised for a bug in et_llm.
    """

    code: typing.ClassVar[ErrorCode]

class CallbackFailedError(et_llm._error_base.Error):
    """
    Raised for a user callback reported failure.
    """

    code: typing.ClassVar[ErrorCode]

class GenerationConfig:
    """
    Configuration for text generation.
    """

    echo: bool
    ignore_eos: bool
    logprobs: bool
    warming: bool
    def __copy__(self) -> GenerationConfig: ...
    def __deepcopy__(self, memo: dict[int, typing.Any]) -> GenerationConfig: ...
    def __init__(
        self,
        *,
        echo: bool = True,
        max_new_tokens: typing.SupportsIndex = -1,
        warming: bool = False,
        seq_len: typing.SupportsIndex = -1,
        temperature: typing.SupportsFloat | typing.SupportsIndex = 0.8,
        num_bos: typing.SupportsIndex | None = None,
        num_eos: typing.SupportsIndex = 0,
        add_special_tokens: bool | None = None,
        ignore_eos: bool = False,
        seed: typing.SupportsInt | typing.SupportsIndex = -1,
        stop_token_ids: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = [],
        stop: collections.abc.Sequence[str] = [],
        top_k: typing.SupportsIndex = 0,
        top_p: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        min_p: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        repetition_penalty: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        frequency_penalty: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        presence_penalty: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        penalty_last_n: typing.SupportsIndex = 64,
        logits_processors: collections.abc.Sequence[
            collections.abc.Callable[
                [numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float32]],
                typing.Annotated[numpy.typing.ArrayLike, numpy.float32] | None,
            ]
        ]
        | None = None,
        logprobs: bool = False,
        top_logprobs: typing.SupportsIndex = 0,
        grammar: str = "",
        grammar_type: str = "",
        speculative: str = "",
        num_draft_tokens: typing.SupportsIndex = 8,
    ) -> None: ...
    def __repr__(self) -> str: ...
    def resolve_max_new_tokens(
        self,
        max_context_len: typing.SupportsInt | typing.SupportsIndex,
        num_tokens_occupied: typing.SupportsInt | typing.SupportsIndex,
    ) -> int: ...
    def validate(self) -> None: ...
    @property
    def add_special_tokens(self) -> bool:
        """
        Without a num_bos of its own, a prompt that starts the conversation gets the BOS its
        tokenizer config adds (as Hugging Face does).
        """
    @add_special_tokens.setter
    def add_special_tokens(self, arg0: bool) -> None: ...
    @property
    def frequency_penalty(self) -> float: ...
    @frequency_penalty.setter
    def frequency_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def grammar(self) -> str:
        """
        A JSON schema, regex, Lark or GBNF grammar the output must match ('': none)
        """
    @grammar.setter
    def grammar(self, arg0: str) -> None: ...
    @property
    def grammar_type(self) -> str:
        """
        'json_schema', 'regex', 'lark' or 'gbnf'
        """
    @grammar_type.setter
    def grammar_type(self, arg0: str) -> None: ...
    @property
    def logits_processors(
        self,
    ) -> list[
        collections.abc.Callable[
            [
                typing.Annotated[numpy.typing.ArrayLike, numpy.int64],
                typing.Annotated[numpy.typing.ArrayLike, numpy.float32],
            ],
            numpy.typing.NDArray[numpy.float32] | None,
        ]
    ]:
        """
        Callables processor(input_ids [1, T], scores [1, V]) run before sampling.
        """
    @logits_processors.setter
    def logits_processors(
        self,
        arg1: collections.abc.Sequence[
            collections.abc.Callable[
                [numpy.typing.NDArray[numpy.int64], numpy.typing.NDArray[numpy.float32]],
                typing.Annotated[numpy.typing.ArrayLike, numpy.float32] | None,
            ]
        ]
        | None,
    ) -> None: ...
    @property
    def max_new_tokens(self) -> int: ...
    @max_new_tokens.setter
    def max_new_tokens(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def min_p(self) -> float: ...
    @min_p.setter
    def min_p(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def num_bos(self) -> int:
        """
        BOS ids prepended to the prompt. Setting it turns add_special_tokens off.
        """
    @num_bos.setter
    def num_bos(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def num_draft_tokens(self) -> int: ...
    @num_draft_tokens.setter
    def num_draft_tokens(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def num_eos(self) -> int: ...
    @num_eos.setter
    def num_eos(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def penalty_last_n(self) -> int: ...
    @penalty_last_n.setter
    def penalty_last_n(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def presence_penalty(self) -> float: ...
    @presence_penalty.setter
    def presence_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def repetition_penalty(self) -> float: ...
    @repetition_penalty.setter
    def repetition_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def seed(self) -> int: ...
    @seed.setter
    def seed(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def seq_len(self) -> int: ...
    @seq_len.setter
    def seq_len(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def speculative(self) -> str:
        """
        'prompt_lookup': verifies drafts from the conversation in one forward: greedy gives the same
        tokens, sampling the same distribution ('': off)
        """
    @speculative.setter
    def speculative(self, arg0: str) -> None: ...
    @property
    def stop(self) -> list[str]: ...
    @stop.setter
    def stop(self, arg0: collections.abc.Sequence[str]) -> None: ...
    @property
    def stop_token_ids(self) -> list[int]: ...
    @stop_token_ids.setter
    def stop_token_ids(
        self, arg0: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]
    ) -> None: ...
    @property
    def temperature(self) -> float: ...
    @temperature.setter
    def temperature(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def top_k(self) -> int: ...
    @top_k.setter
    def top_k(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def top_logprobs(self) -> int: ...
    @top_logprobs.setter
    def top_logprobs(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def top_p(self) -> float: ...
    @top_p.setter
    def top_p(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class Stats:
    """
    Timings (ms, monotonic clock) and counts of one generation.
    """

    SCALING_FACTOR_UNITS_PER_SECOND: typing.ClassVar[int] = 1000
    def __init__(self) -> None: ...
    def __repr__(self) -> str: ...
    def on_sampling_begin(self) -> None: ...
    def on_sampling_end(self) -> None: ...
    def reset(self, all_stats: bool = False) -> None: ...
    def to_json_string(self) -> str: ...
    @property
    def aggregate_model_execution_time_ms(self) -> int: ...
    @aggregate_model_execution_time_ms.setter
    def aggregate_model_execution_time_ms(
        self, arg0: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    @property
    def aggregate_model_execution_time_us(self) -> int: ...
    @aggregate_model_execution_time_us.setter
    def aggregate_model_execution_time_us(
        self, arg0: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    @property
    def aggregate_sampling_time_ms(self) -> int: ...
    @aggregate_sampling_time_ms.setter
    def aggregate_sampling_time_ms(
        self, arg0: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    @property
    def aggregate_sampling_time_us(self) -> int: ...
    @aggregate_sampling_time_us.setter
    def aggregate_sampling_time_us(
        self, arg0: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    @property
    def decode_forward_time_us(self) -> int: ...
    @decode_forward_time_us.setter
    def decode_forward_time_us(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def decode_overhead_fraction(self) -> float: ...
    @property
    def decode_time_us(self) -> int: ...
    @decode_time_us.setter
    def decode_time_us(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def decode_tokens_per_second(self) -> float: ...
    @property
    def first_token_ms(self) -> int: ...
    @first_token_ms.setter
    def first_token_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def grammar_time_us(self) -> int: ...
    @grammar_time_us.setter
    def grammar_time_us(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def inference_end_ms(self) -> int: ...
    @inference_end_ms.setter
    def inference_end_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def inference_start_ms(self) -> int: ...
    @inference_start_ms.setter
    def inference_start_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def model_execution_end_ms(self) -> int: ...
    @model_execution_end_ms.setter
    def model_execution_end_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def model_execution_start_ms(self) -> int: ...
    @model_execution_start_ms.setter
    def model_execution_start_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def model_load_end_ms(self) -> int: ...
    @model_load_end_ms.setter
    def model_load_end_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def model_load_start_ms(self) -> int: ...
    @model_load_start_ms.setter
    def model_load_start_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def num_accepted_draft_tokens(self) -> int: ...
    @num_accepted_draft_tokens.setter
    def num_accepted_draft_tokens(
        self, arg0: typing.SupportsInt | typing.SupportsIndex
    ) -> None: ...
    @property
    def num_draft_tokens(self) -> int: ...
    @num_draft_tokens.setter
    def num_draft_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def num_forced_tokens(self) -> int: ...
    @num_forced_tokens.setter
    def num_forced_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def num_generated_tokens(self) -> int: ...
    @num_generated_tokens.setter
    def num_generated_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def num_prompt_tokens(self) -> int: ...
    @num_prompt_tokens.setter
    def num_prompt_tokens(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def prefill_time_us(self) -> int: ...
    @prefill_time_us.setter
    def prefill_time_us(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def prefill_tokens_per_second(self) -> float: ...
    @property
    def prompt_eval_end_ms(self) -> int: ...
    @prompt_eval_end_ms.setter
    def prompt_eval_end_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def token_encode_end_ms(self) -> int: ...
    @token_encode_end_ms.setter
    def token_encode_end_ms(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def tokens_per_second(self) -> float: ...

class Tokenizer:
    """
    A tokenizer loaded by load_tokenizer().
    """
    def __repr__(self) -> str: ...
    def decode(
        self,
        ids: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex],
        skip_special_tokens: bool = False,
    ) -> str:
        """
        Text of `ids`; invalid UTF-8 becomes U+FFFD.
        """
    def decode_token(
        self,
        prev_token: typing.SupportsInt | typing.SupportsIndex,
        token: typing.SupportsInt | typing.SupportsIndex,
    ) -> bytes:
        """
        Raw bytes `token` adds after `prev_token` (may be partial UTF-8).
        """
    def encode(
        self,
        text: str,
        bos: typing.SupportsInt | typing.SupportsIndex = 0,
        eos: typing.SupportsInt | typing.SupportsIndex = 0,
    ) -> list[int]:
        """
        Token ids of `text` with `bos` BOS ids before it and `eos` EOS ids after it.
        """
    def id_to_piece(self, id: typing.SupportsInt | typing.SupportsIndex) -> str: ...
    def is_special(self, id: typing.SupportsInt | typing.SupportsIndex) -> bool: ...
    def piece_to_id(self, piece: str) -> int | None: ...
    @property
    def bos_id(self) -> int | None: ...
    @property
    def eos_ids(self) -> list[int]: ...
    @property
    def vocab_size(self) -> int: ...

class Sampler:
    """
    penalties -> top_k -> top_p -> min_p -> temperature -> draw
    """
    def __init__(self, config: GenerationConfig) -> None: ...
    def sample(
        self,
        logits: typing.Annotated[numpy.typing.ArrayLike, numpy.float32],
        recent: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex] = [],
    ) -> int:
        """
        Draws one token id; `recent` is the history the penalties look at.
        """

class ProgramInfo:
    """
    What an IIOManager sees of the program at load().
    """
    def method_meta(self, method: str) -> dict[str, list[dict[str, typing.Any] | None]]:
        """
        {'inputs': [{'shape', 'dtype'}...], 'outputs': [...]}
        """
    @property
    def decode_method(self) -> str: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def prefill_method(self) -> str: ...

class IIOManager:
    """
    Base class of KV-cache / input managers. Subclass it in Python and pass an instance as
    TextLLMRunner(..., io_manager=...).
    """
    def __init__(self) -> None: ...

class DefaultIOManager(IIOManager):
    """
    Programs with the KV cache inside (the default).
    """
    def __init__(self) -> None: ...

class StaticKVCacheIOManager(IIOManager):
    """
    Programs that take per-layer K/V caches (and a mask) as inputs and return new entries.
    """
    def __init__(self) -> None: ...
    @property
    def num_layers(self) -> int: ...

class ImageLayout:
    """
    How an Image's values are ordered.

    Members:

      CHW

      HWC
    """

    CHW: typing.ClassVar[ImageLayout]
    HWC: typing.ClassVar[ImageLayout]
    __members__: typing.ClassVar[dict[str, ImageLayout]]
    @typing.overload
    def __eq__(self, other: ImageLayout) -> bool: ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool: ...
    def __getstate__(self) -> int: ...
    def __hash__(self) -> int: ...
    def __index__(self) -> int: ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __int__(self) -> int: ...
    @typing.overload
    def __ne__(self, other: ImageLayout) -> bool: ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool: ...
    def __repr__(self) -> str: ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    def __str__(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> int: ...

class Image:
    """
    Pixels (uint8 or float32) with their size and layout.
    """
    @typing.overload
    def __init__(self) -> None: ...
    @typing.overload
    def __init__(
        self,
        data: numpy.typing.ArrayLike,
        width: typing.SupportsIndex,
        height: typing.SupportsIndex,
        channels: typing.SupportsIndex,
        layout: ImageLayout = ImageLayout.CHW,
    ) -> None:
        """
        data: uint8 or float numpy array, or a list (ints become uint8), in `layout` order.
        """
    def __repr__(self) -> str: ...
    def is_float(self) -> bool: ...
    def is_uint8(self) -> bool: ...
    @property
    def channels(self) -> int: ...
    @property
    def float_data(self) -> list[float]: ...
    @property
    def height(self) -> int: ...
    @property
    def layout(self) -> ImageLayout: ...
    @property
    def uint8_data(self) -> list[int]: ...
    @property
    def width(self) -> int: ...

class Audio:
    """
    Audio features [batch_size, n_bins, n_frames], float32.
    """
    @typing.overload
    def __init__(self) -> None: ...
    @typing.overload
    def __init__(
        self,
        data: numpy.typing.ArrayLike,
        batch_size: typing.SupportsIndex,
        n_bins: typing.SupportsIndex,
        n_frames: typing.SupportsIndex,
    ) -> None: ...
    def __repr__(self) -> str: ...
    @property
    def batch_size(self) -> int: ...
    @batch_size.setter
    def batch_size(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def data(self) -> list[float]: ...
    @data.setter
    def data(
        self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]
    ) -> None: ...
    @property
    def n_bins(self) -> int: ...
    @n_bins.setter
    def n_bins(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def n_frames(self) -> int: ...
    @n_frames.setter
    def n_frames(self, arg1: typing.SupportsIndex) -> None: ...

class RawAudio:
    """
    A waveform [batch_size, n_channels, n_samples], float32.
    """
    @typing.overload
    def __init__(self) -> None: ...
    @typing.overload
    def __init__(
        self,
        data: numpy.typing.ArrayLike,
        batch_size: typing.SupportsIndex,
        n_channels: typing.SupportsIndex,
        n_samples: typing.SupportsIndex,
    ) -> None: ...
    def __repr__(self) -> str: ...
    @property
    def batch_size(self) -> int: ...
    @batch_size.setter
    def batch_size(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def data(self) -> list[float]: ...
    @data.setter
    def data(
        self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]
    ) -> None: ...
    @property
    def n_channels(self) -> int: ...
    @n_channels.setter
    def n_channels(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def n_samples(self) -> int: ...
    @n_samples.setter
    def n_samples(self, arg1: typing.SupportsIndex) -> None: ...

class MultimodalInput:
    """
    One piece of a multimodal prompt: text, token ids, image, audio features or raw audio.
    """
    @typing.overload
    def __init__(self, text: str) -> None: ...
    @typing.overload
    def __init__(self, image: Image) -> None: ...
    @typing.overload
    def __init__(self, audio: Audio) -> None: ...
    @typing.overload
    def __init__(self, raw_audio: RawAudio) -> None: ...
    @typing.overload
    def __init__(
        self, tokens: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]
    ) -> None: ...
    def __repr__(self) -> str: ...
    def get_audio(self) -> Audio | None: ...
    def get_image(self) -> Image | None: ...
    def get_raw_audio(self) -> RawAudio | None: ...
    def get_text(self) -> str | None: ...
    def get_tokens(self) -> list[int] | None: ...
    def is_audio(self) -> bool: ...
    def is_image(self) -> bool: ...
    def is_raw_audio(self) -> bool: ...
    def is_text(self) -> bool: ...
    def is_tokens(self) -> bool: ...
    @property
    def type(self) -> str: ...

class SamplingConfig:
    """
    Per-step sampling for Session.decode_one (upstream's fields first).
    """

    logprobs: bool
    def __init__(
        self,
        *,
        temperature: typing.SupportsFloat | typing.SupportsIndex = -1.0,
        top_p: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        top_k: typing.SupportsIndex = 0,
        seed: typing.SupportsInt | typing.SupportsIndex = 0,
        min_p: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        repetition_penalty: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        frequency_penalty: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        presence_penalty: typing.SupportsFloat | typing.SupportsIndex = 0.0,
        penalty_last_n: typing.SupportsIndex = 64,
        logprobs: bool = False,
        top_logprobs: typing.SupportsIndex = 0,
    ) -> None: ...
    @property
    def frequency_penalty(self) -> float: ...
    @frequency_penalty.setter
    def frequency_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def min_p(self) -> float: ...
    @min_p.setter
    def min_p(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def penalty_last_n(self) -> int: ...
    @penalty_last_n.setter
    def penalty_last_n(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def presence_penalty(self) -> float: ...
    @presence_penalty.setter
    def presence_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def repetition_penalty(self) -> float: ...
    @repetition_penalty.setter
    def repetition_penalty(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def seed(self) -> int: ...
    @seed.setter
    def seed(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None: ...
    @property
    def temperature(self) -> float: ...
    @temperature.setter
    def temperature(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...
    @property
    def top_k(self) -> int: ...
    @top_k.setter
    def top_k(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def top_logprobs(self) -> int: ...
    @top_logprobs.setter
    def top_logprobs(self, arg1: typing.SupportsIndex) -> None: ...
    @property
    def top_p(self) -> float: ...
    @top_p.setter
    def top_p(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None: ...

class DecodeResult:
    """
    One step of Session.decode_one.
    """
    def __repr__(self) -> str: ...
    @property
    def is_eos(self) -> bool: ...
    @property
    def is_terminal(self) -> bool: ...
    @property
    def logprob(self) -> float: ...
    @property
    def text_piece(self) -> str: ...
    @property
    def token_id(self) -> int: ...
    @property
    def top_logprobs(self) -> list[tuple[int, float]]: ...

class Generation:
    """
    A turn in progress: iterate for its text pieces; close() ends it.
    """
    def __iter__(self) -> Generation: ...
    def __next__(self) -> str: ...
    def close(self) -> None:
        """
        Ends the turn now, keeping what was generated.
        """
    def next_piece(self) -> str | None:
        """
        The next non-empty piece, or None at the end (for executors).
        """
    def step(self) -> str | None:
        """
        One decode step: its text (may be empty), or None once the turn is done.
        """
    @property
    def done(self) -> bool: ...
    @property
    def finish_reason(self) -> str: ...

class Session:
    """
    One conversation on an Engine (Engine.create_session()).
    """
    def __repr__(self) -> str: ...
    def decode_one(self, sampling: SamplingConfig | None = None) -> DecodeResult:
        """
        Samples the next token (feeding the previous one: one forward).
        """
    def generate(
        self,
        prompt: str
        | collections.abc.Sequence[int]
        | MultimodalInput
        | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
    ) -> str:
        """
        Continues the conversation with `prompt`; returns the generated text.
        """
    def generate_tokens(
        self,
        prompt: str
        | collections.abc.Sequence[int]
        | MultimodalInput
        | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | et_llm.results.GenerationResult:
        """
        Like generate(); returns the token ids, or a GenerationResult with return_logprobs=True.
        """
    def generated_steps(
        self, start: typing.SupportsInt | typing.SupportsIndex = 0
    ) -> list[tuple[int, float | None, list[tuple[int, float]]]]:
        """
        (token, logprob or None, top_logprobs) per token of the turn from `start` on.
        """
    def position(self) -> int:
        """
        Context positions the conversation takes.
        """
    def prefill(
        self,
        prompt: str
        | collections.abc.Sequence[int]
        | MultimodalInput
        | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> None:
        """
        Feeds text, token ids or MultimodalInputs without generating.
        """
    def prefill_tokens(self, tokens: collections.abc.Sequence[int]) -> None:
        """
        Feeds token ids at the current position.
        """
    def reset(self) -> None:
        """
        Forgets the conversation.
        """
    def result(self) -> et_llm.results.GenerationResult:
        """
        The last turn as a GenerationResult (tokens, text, logprobs, finish_reason).
        """
    def rewind(self, position: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Drops the conversation from `position` on.
        """
    def start(
        self,
        prompt: str
        | collections.abc.Sequence[int]
        | MultimodalInput
        | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> Generation:
        """
        Feeds the prompt and returns the Generation to iterate.
        """
    def stop(self) -> None:
        """
        Ends a running turn before its next token (any thread).
        """
    @property
    def finish_reason(self) -> str: ...
    @property
    def generated_text(self) -> str: ...
    @property
    def generated_tokens(self) -> list[int]: ...
    @property
    def is_busy(self) -> bool: ...
    @property
    def max_context_len(self) -> int: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def tokens(self) -> list[int]:
        """
        Every token id of the conversation, one per position.
        """

class ServingCapacity:
    def __repr__(self) -> str: ...
    @property
    def estimated_bytes_per_session(self) -> int: ...
    @property
    def max_physical_sessions_without_weight_duplication(self) -> int: ...

class Engine:
    """
    A loaded model (program, tokenizer, metadata) shared by many Sessions; thread-safe.
    """
    def __init__(
        self,
        model_path: str | os.PathLike[str] | bytes,
        tokenizer_path: str | os.PathLike[str] | bytes | Tokenizer | _TokenizerLike,
        data_path: str | os.PathLike[str] | bytes | None = None,
        *,
        io_manager: IIOManager | collections.abc.Callable[[], IIOManager] | None = None,
        num_threads: typing.SupportsInt | typing.SupportsIndex | None = None,
        audio_preprocessor_path: str | os.PathLike[str] | bytes | None = None,
    ) -> None: ...
    def __repr__(self) -> str: ...
    def create_session(self, io_manager: IIOManager | None = None) -> Session:
        """
        A new, empty conversation on this engine's weights.
        """
    def get_vocab_size(self) -> int: ...
    def serving_capacity(self) -> ServingCapacity: ...
    @property
    def is_multimodal(self) -> bool: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def tokenizer(self) -> Tokenizer: ...

class TextLLMRunner:
    """
    Runner for text language models (.pte).
    """
    def __init__(
        self,
        model_path: str | os.PathLike[str] | bytes,
        tokenizer_path: str | os.PathLike[str] | bytes | Tokenizer | _TokenizerLike,
        data_path: str | os.PathLike[str] | bytes | None = None,
        *,
        io_manager: IIOManager | None = None,
        num_threads: typing.SupportsInt | typing.SupportsIndex | None = None,
    ) -> None: ...
    def __repr__(self) -> str: ...
    def generate(
        self,
        prompt: str,
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
    ) -> str:
        """
        Continues the conversation with `prompt`; returns the generated text.
        """
    def generate_tokens(
        self,
        prompt: str | collections.abc.Sequence[int],
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | et_llm.results.GenerationResult:
        """
        Like generate(), from text or token ids; returns the generated token ids (the EOS that ended
        generation included), or a GenerationResult with return_logprobs=True.
        """
    def get_vocab_size(self) -> int: ...
    def is_loaded(self) -> bool: ...
    def prefill(
        self, prompt: str | collections.abc.Sequence[int], config: GenerationConfig | None = None
    ) -> None:
        """
        Puts text or token ids into the KV cache without generating.
        """
    def reset(self) -> None:
        """
        Forgets the conversation (KV cache position 0).
        """
    def rewind(self, position: typing.SupportsInt | typing.SupportsIndex) -> None:
        """
        Drops the conversation from `position` on.
        """
    def stop(self) -> None:
        """
        Ends a running generate() before its next token.
        """
    def warmup(self, prompt: str = "Hello", max_new_tokens: typing.SupportsIndex = 8) -> None: ...
    @property
    def generated_tokens(self) -> list[int]:
        """
        Token ids of the last generate() (the ending EOS included).
        """
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def position(self) -> int:
        """
        Context positions taken by the conversation so far.
        """
    @property
    def session(self) -> Session:
        """
        The runner's one Session.
        """
    @property
    def stats(self) -> Stats: ...
    @property
    def tokenizer(self) -> Tokenizer: ...

class DecoderGenerateOutput:
    def __repr__(self) -> str: ...
    @property
    def new_tokens(self) -> list[int]: ...
    @property
    def sequences(self) -> list[int]: ...
    @property
    def text(self) -> str: ...

class DecoderLLMRunner:
    """
    HF-like runner: generate(input_ids or prompt, ...).
    """
    @staticmethod
    def load(
        model_path: str | os.PathLike[str] | bytes,
        tokenizer: str | os.PathLike[str] | bytes | Tokenizer | _TokenizerLike,
        io_manager: IIOManager | None = None,
        data_path: str | os.PathLike[str] | bytes | None = None,
    ) -> DecoderLLMRunner: ...
    def generate(
        self,
        input_ids: str | numpy.typing.ArrayLike,
        *,
        max_new_tokens: typing.SupportsIndex = 20,
        temperature: typing.SupportsFloat | typing.SupportsIndex = 1.0,
        do_sample: bool = False,
        eos_token_id: int | collections.abc.Sequence[int] | None = None,
        streamer: collections.abc.Callable[[str], typing.Any] | None = None,
        seed: typing.SupportsInt | typing.SupportsIndex = -1,
    ) -> DecoderGenerateOutput:
        """
        Generates from ids ([T], [1, T], list or numpy) or a prompt; returns
        DecoderGenerateOutput(sequences, new_tokens, text).
        """
    def stop(self) -> None: ...
    @property
    def runner(self) -> TextLLMRunner: ...

class MultimodalRunner:
    """
    Runner for vision/audio-language models (.pte with token_embedding, text_decoder and encoder
    methods).
    """
    def __init__(
        self,
        model_path: str | os.PathLike[str] | bytes,
        tokenizer_path: str | os.PathLike[str] | bytes | Tokenizer | _TokenizerLike,
        data_path: str | os.PathLike[str] | bytes | None = None,
        *,
        io_manager: IIOManager | None = None,
        audio_preprocessor_path: str | os.PathLike[str] | bytes | None = None,
        num_threads: typing.SupportsInt | typing.SupportsIndex | None = None,
    ) -> None: ...
    def __repr__(self) -> str: ...
    def generate(
        self,
        inputs: MultimodalInput | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
    ) -> str:
        """
        Feeds the inputs in order and generates; returns the generated text.
        """
    def generate_text(
        self,
        inputs: MultimodalInput | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> str:
        """
        generate() without callbacks.
        """
    def generate_tokens(
        self,
        inputs: MultimodalInput | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: collections.abc.Callable[[str], typing.Any] | None = None,
        stats_callback: collections.abc.Callable[[Stats], typing.Any] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | et_llm.results.GenerationResult:
        """
        Like generate(); returns the generated token ids (the ending EOS included), or a
        GenerationResult with return_logprobs=True.
        """
    def get_vocab_size(self) -> int: ...
    def is_loaded(self) -> bool: ...
    def prefill(
        self,
        inputs: MultimodalInput | collections.abc.Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> None:
        """
        Puts the inputs into the KV cache without generating.
        """
    def reset(self) -> None:
        """
        Forgets the conversation (KV cache position 0).
        """
    def stop(self) -> None:
        """
        Ends a running generate() before its next token.
        """
    @property
    def accepts_raw_audio(self) -> bool: ...
    @property
    def generated_tokens(self) -> list[int]:
        """
        Token ids of the last generate() (the ending EOS included).
        """
    @property
    def has_audio(self) -> bool: ...
    @property
    def has_vision(self) -> bool: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def position(self) -> int:
        """
        Context positions taken by the conversation so far.
        """
    @property
    def session(self) -> Session:
        """
        The runner's one Session.
        """
    @property
    def stats(self) -> Stats: ...
    @property
    def tokenizer(self) -> Tokenizer: ...

def get_llm_metadata(model_path: str | os.PathLike[str] | bytes) -> dict[str, int | list[int]]:
    """
    The constant (metadata) methods of a .pte, by name.
    """

def get_num_threads() -> int: ...
def has_grammar_backend() -> bool: ...
def inspect_program(
    model_path: str | os.PathLike[str] | bytes, load_methods: bool = True
) -> dict[str, typing.Any]:
    """
    Methods of a .pte with their inputs/outputs (tag, dtype, shape, dynamism), backends, planned
    memory and, for constant methods, their values.
    """

def load_tokenizer(
    path: str | os.PathLike[str] | bytes,
    special_tokens: collections.abc.Sequence[str] | None = None,
    pattern: str | None = None,
    bos_token_index: typing.SupportsInt | typing.SupportsIndex = 0,
    eos_token_index: typing.SupportsInt | typing.SupportsIndex = 1,
) -> Tokenizer:
    """
    Loads a tokenizer file (HF tokenizer.json, SentencePiece .model, tiktoken, llama2.c .bin;
    detected from the content), or the tokenizer in a model directory. `special_tokens`,
    `pattern` and the BOS/EOS indices into `special_tokens` apply to tiktoken files, which lack
    them (Llama 3's are the default).
    """

def make_text_input(text: str) -> MultimodalInput: ...
def make_token_input(
    tokens: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex],
) -> MultimodalInput: ...
def physical_core_count() -> int:
    """
    Physical cores this process may use: the default thread count of a runner.
    """

def set_grammar_backend(
    compile: collections.abc.Callable[[str, str, Tokenizer, list[int], int], typing.Any] | None,
) -> None:
    """
    Installs the process-wide grammar backend (None removes it). et_llm.grammar installs
    llguidance's on import when it is available.
    """

def set_log_level(level: str) -> None:
    """
    How much of the ExecuTorch runtime's log reaches stderr.
    """

def set_num_threads(num_threads: typing.SupportsInt | typing.SupportsIndex) -> None: ...
def tokenizer_from_python(tokenizer: Tokenizer | _TokenizerLike) -> Tokenizer:
    """
    Wraps an object with encode() and decode() (a tokenizers.Tokenizer, a transformers
    tokenizer) as a Tokenizer; an et_llm.Tokenizer is returned as is.
    """

# Hand-written in scripts/generate_stubs.py (HAND_WRITTEN): what the signatures name
# but no runtime class is.
class _TokenizerLike(typing.Protocol):
    """Any tokenizer object with encode() and decode(): tokenizers.Tokenizer, transformers."""

    @property
    def encode(self) -> collections.abc.Callable[..., typing.Any]: ...
    @property
    def decode(self) -> collections.abc.Callable[..., typing.Any]: ...
