"""Type stubs for the et_llm._et_llm extension module."""

import enum
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from os import PathLike
from typing import Any, ClassVar, Protocol, overload

import numpy as np

from et_llm.results import GenerationResult

_Path = str | PathLike[str]
# processor(input_ids [1, T] int64 read-only, scores [1, V] float32 writable)
_LogitsProcessor = Callable[[np.ndarray, np.ndarray], np.ndarray | None]
_Prompt = str | Sequence[int] | "MultimodalInput" | Sequence["MultimodalInput"]

class _TokenizerLike(Protocol):
    """Any tokenizer object with encode() and decode(): tokenizers.Tokenizer, transformers."""

    @property
    def encode(self) -> Callable[..., Any]: ...
    @property
    def decode(self) -> Callable[..., Any]: ...

class GenerationConfig:
    echo: bool
    max_new_tokens: int
    warming: bool
    seq_len: int
    temperature: float
    num_bos: int
    num_eos: int
    add_special_tokens: bool
    ignore_eos: bool
    seed: int
    stop_token_ids: list[int]
    stop: list[str]
    top_k: int
    top_p: float
    min_p: float
    repetition_penalty: float
    frequency_penalty: float
    presence_penalty: float
    penalty_last_n: int
    logits_processors: list[_LogitsProcessor]
    logprobs: bool
    top_logprobs: int
    grammar: str
    grammar_type: str
    def __init__(
        self,
        *,
        echo: bool = True,
        max_new_tokens: int = -1,
        warming: bool = False,
        seq_len: int = -1,
        temperature: float = 0.8,
        num_bos: int | None = None,
        num_eos: int = 0,
        add_special_tokens: bool | None = None,
        ignore_eos: bool = False,
        seed: int = -1,
        stop_token_ids: Sequence[int] = (),
        stop: Sequence[str] = (),
        top_k: int = 0,
        top_p: float = 1.0,
        min_p: float = 0.0,
        repetition_penalty: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        penalty_last_n: int = 64,
        logits_processors: Sequence[_LogitsProcessor] | None = None,
        logprobs: bool = False,
        top_logprobs: int = 0,
        grammar: str = "",
        grammar_type: str = "",
    ) -> None: ...
    def resolve_max_new_tokens(self, max_context_len: int, num_tokens_occupied: int) -> int: ...
    def validate(self) -> None: ...

class Stats:
    SCALING_FACTOR_UNITS_PER_SECOND: ClassVar[int]
    model_load_start_ms: int
    model_load_end_ms: int
    inference_start_ms: int
    token_encode_end_ms: int
    model_execution_start_ms: int
    model_execution_end_ms: int
    prompt_eval_end_ms: int
    first_token_ms: int
    inference_end_ms: int
    aggregate_sampling_time_ms: int
    aggregate_model_execution_time_ms: int
    num_prompt_tokens: int
    num_generated_tokens: int
    prefill_time_us: int
    decode_time_us: int
    decode_forward_time_us: int
    aggregate_sampling_time_us: int
    grammar_time_us: int
    num_forced_tokens: int
    aggregate_model_execution_time_us: int
    def __init__(self) -> None: ...
    def on_sampling_begin(self) -> None: ...
    def on_sampling_end(self) -> None: ...
    def reset(self, all_stats: bool = False) -> None: ...
    @property
    def prefill_tokens_per_second(self) -> float: ...
    @property
    def decode_tokens_per_second(self) -> float: ...
    @property
    def tokens_per_second(self) -> float: ...
    @property
    def decode_overhead_fraction(self) -> float: ...
    def to_json_string(self) -> str: ...

class Tokenizer:
    def encode(self, text: str, bos: int = 0, eos: int = 0) -> list[int]: ...
    def decode(self, ids: Sequence[int], skip_special_tokens: bool = False) -> str: ...
    def decode_token(self, prev_token: int, token: int) -> bytes: ...
    def id_to_piece(self, id: int) -> str: ...
    def piece_to_id(self, piece: str) -> int | None: ...
    def is_special(self, id: int) -> bool: ...
    @property
    def bos_id(self) -> int | None: ...
    @property
    def eos_ids(self) -> list[int]: ...
    @property
    def vocab_size(self) -> int: ...

def load_tokenizer(
    path: _Path,
    special_tokens: Sequence[str] | None = None,
    pattern: str | None = None,
    bos_token_index: int = 0,
    eos_token_index: int = 1,
) -> Tokenizer: ...
def tokenizer_from_python(tokenizer: Tokenizer | _TokenizerLike) -> Tokenizer: ...

class TextLLMRunner:
    def __init__(
        self,
        model_path: _Path,
        tokenizer_path: _Path | Tokenizer | _TokenizerLike,
        data_path: _Path | None = None,
        *,
        io_manager: IIOManager | None = None,
        num_threads: int | None = None,
    ) -> None: ...
    def generate(
        self,
        prompt: str,
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
    ) -> str: ...
    def generate_tokens(
        self,
        prompt: str | Sequence[int],
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | GenerationResult: ...
    def prefill(
        self, prompt: str | Sequence[int], config: GenerationConfig | None = None
    ) -> None: ...
    @property
    def session(self) -> Session: ...
    def warmup(self, prompt: str = "Hello", max_new_tokens: int = 8) -> None: ...
    def stop(self) -> None: ...
    def reset(self) -> None: ...
    def rewind(self, position: int) -> None: ...
    def get_vocab_size(self) -> int: ...
    def is_loaded(self) -> bool: ...
    @property
    def generated_tokens(self) -> list[int]: ...
    @property
    def position(self) -> int: ...
    def stream(self, prompt: str, config: GenerationConfig | None = None) -> Iterator[str]: ...
    def astream(
        self, prompt: str, config: GenerationConfig | None = None
    ) -> AsyncIterator[str]: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def tokenizer(self) -> Tokenizer: ...

class ServingCapacity:
    max_physical_sessions_without_weight_duplication: int
    estimated_bytes_per_session: int

class Engine:
    """A loaded model shared by many Sessions; thread-safe."""
    def __init__(
        self,
        model_path: _Path,
        tokenizer_path: _Path | Tokenizer | _TokenizerLike,
        data_path: _Path | None = None,
        *,
        io_manager: IIOManager | Callable[[], IIOManager] | None = None,
        num_threads: int | None = None,
        audio_preprocessor_path: _Path | None = None,
    ) -> None: ...
    def create_session(self, io_manager: IIOManager | None = None) -> Session: ...
    def serving_capacity(self) -> ServingCapacity: ...
    def get_vocab_size(self) -> int: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def tokenizer(self) -> Tokenizer: ...
    @property
    def is_multimodal(self) -> bool: ...

class SamplingConfig:
    temperature: float
    top_p: float
    top_k: int
    seed: int
    min_p: float
    repetition_penalty: float
    frequency_penalty: float
    presence_penalty: float
    penalty_last_n: int
    logprobs: bool
    top_logprobs: int
    def __init__(
        self,
        *,
        temperature: float = -1.0,
        top_p: float = 1.0,
        top_k: int = 0,
        seed: int = 0,
        min_p: float = 0.0,
        repetition_penalty: float = 1.0,
        frequency_penalty: float = 0.0,
        presence_penalty: float = 0.0,
        penalty_last_n: int = 64,
        logprobs: bool = False,
        top_logprobs: int = 0,
    ) -> None: ...

class DecodeResult:
    @property
    def token_id(self) -> int: ...
    @property
    def text_piece(self) -> str: ...
    @property
    def is_eos(self) -> bool: ...
    @property
    def is_terminal(self) -> bool: ...
    @property
    def logprob(self) -> float: ...
    @property
    def top_logprobs(self) -> list[tuple[int, float]]: ...

class Generation:
    def __iter__(self) -> Iterator[str]: ...
    def __next__(self) -> str: ...
    def next_piece(self) -> str | None: ...
    def step(self) -> str | None: ...
    def close(self) -> None: ...
    @property
    def done(self) -> bool: ...
    @property
    def finish_reason(self) -> str: ...

class Session:
    """One conversation on an Engine."""
    def prefill_tokens(self, tokens: Sequence[int]) -> None: ...
    def prefill(self, prompt: _Prompt, config: GenerationConfig | None = None) -> None: ...
    def decode_one(self, sampling: SamplingConfig | None = None) -> DecodeResult: ...
    def generate(
        self,
        prompt: _Prompt,
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
    ) -> str: ...
    def generate_tokens(
        self,
        prompt: _Prompt,
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | GenerationResult: ...
    def start(self, prompt: _Prompt, config: GenerationConfig | None = None) -> Generation: ...
    def stream(self, prompt: _Prompt, config: GenerationConfig | None = None) -> Iterator[str]: ...
    def astream(
        self, prompt: _Prompt, config: GenerationConfig | None = None
    ) -> AsyncIterator[str]: ...
    def result(self) -> GenerationResult: ...
    def position(self) -> int: ...
    def rewind(self, position: int) -> None: ...
    def reset(self) -> None: ...
    def stop(self) -> None: ...
    @property
    def tokens(self) -> list[int]: ...
    @property
    def generated_tokens(self) -> list[int]: ...
    def generated_steps(
        self, start: int = 0
    ) -> list[tuple[int, float | None, list[tuple[int, float]]]]: ...
    @property
    def generated_text(self) -> str: ...
    @property
    def finish_reason(self) -> str: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def max_context_len(self) -> int: ...
    @property
    def is_busy(self) -> bool: ...

def get_llm_metadata(model_path: _Path) -> dict[str, int | list[int]]: ...
def inspect_program(model_path: _Path, load_methods: bool = True) -> dict[str, Any]:
    """{'path', 'file_bytes', 'methods': {name: {'inputs', 'outputs', 'backends', 'delegate_calls',
    'planned_buffer_bytes', 'num_instructions', 'in_place_cache_updates', 'elided_copies',
    'constant_values', 'load_error'}}}; each input and output is {'tag'} plus, for tensors,
    'dtype', 'shape', 'dynamism', 'nbytes', 'memory_planned'."""

def set_num_threads(num_threads: int) -> None: ...
def get_num_threads() -> int: ...
def physical_core_count() -> int: ...
def set_log_level(level: str) -> None: ...

class Sampler:
    def __init__(self, config: GenerationConfig) -> None: ...
    def sample(self, logits: np.ndarray, recent: Sequence[int] = ()) -> int: ...

class ProgramInfo:
    @property
    def prefill_method(self) -> str: ...
    @property
    def decode_method(self) -> str: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    def method_meta(self, method: str) -> dict[str, list[dict[str, Any]]]: ...

class IIOManager:
    """Subclass and implement every method; arrays are views valid during the call.

    ``prepare_*(tokens, start_pos, method)`` / ``update_*(outputs, tokens, start_pos)``
    get int64 token ids ``[T]``, or for a multimodal ``text_decoder`` the float
    embeddings ``[T, D]`` (raw bits as uint16 for bf16) in their place."""
    def __init__(self) -> None: ...

class DefaultIOManager(IIOManager): ...

class StaticKVCacheIOManager(IIOManager):
    @property
    def num_layers(self) -> int: ...

class DecoderGenerateOutput:
    @property
    def sequences(self) -> list[int]: ...
    @property
    def new_tokens(self) -> list[int]: ...
    @property
    def text(self) -> str: ...

class DecoderLLMRunner:
    @staticmethod
    def load(
        model_path: _Path,
        tokenizer: _Path | Tokenizer,
        io_manager: IIOManager | None = None,
        data_path: _Path | None = None,
    ) -> DecoderLLMRunner: ...
    def generate(
        self,
        input_ids: str | Sequence[int] | np.ndarray,
        *,
        max_new_tokens: int = 20,
        temperature: float = 1.0,
        do_sample: bool = False,
        eos_token_id: int | Sequence[int] | None = None,
        streamer: Callable[[str], object] | None = None,
        seed: int = -1,
    ) -> DecoderGenerateOutput: ...
    def stop(self) -> None: ...
    @property
    def runner(self) -> TextLLMRunner: ...

class ImageLayout(enum.Enum):
    CHW = 0
    HWC = 1

class Image:
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(
        self,
        data: np.ndarray | Sequence[int] | Sequence[float],
        width: int,
        height: int,
        channels: int,
        layout: ImageLayout = ImageLayout.CHW,
    ) -> None: ...
    def is_uint8(self) -> bool: ...
    def is_float(self) -> bool: ...
    @property
    def width(self) -> int: ...
    @property
    def height(self) -> int: ...
    @property
    def channels(self) -> int: ...
    @property
    def layout(self) -> ImageLayout: ...
    @property
    def uint8_data(self) -> list[int]: ...
    @property
    def float_data(self) -> list[float]: ...

class Audio:
    data: list[float]
    batch_size: int
    n_bins: int
    n_frames: int
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(
        self, data: np.ndarray | Sequence[float], batch_size: int, n_bins: int, n_frames: int
    ) -> None: ...

class RawAudio:
    data: list[float]
    batch_size: int
    n_channels: int
    n_samples: int
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(
        self, data: np.ndarray | Sequence[float], batch_size: int, n_channels: int, n_samples: int
    ) -> None: ...

class MultimodalInput:
    @overload
    def __init__(self, text: str) -> None: ...
    @overload
    def __init__(self, image: Image) -> None: ...
    @overload
    def __init__(self, audio: Audio) -> None: ...
    @overload
    def __init__(self, raw_audio: RawAudio) -> None: ...
    @overload
    def __init__(self, tokens: Sequence[int]) -> None: ...
    @property
    def type(self) -> str: ...
    def is_text(self) -> bool: ...
    def is_tokens(self) -> bool: ...
    def is_image(self) -> bool: ...
    def is_audio(self) -> bool: ...
    def is_raw_audio(self) -> bool: ...
    def get_text(self) -> str | None: ...
    def get_tokens(self) -> list[int] | None: ...
    def get_image(self) -> Image | None: ...
    def get_audio(self) -> Audio | None: ...
    def get_raw_audio(self) -> RawAudio | None: ...

def make_text_input(text: str) -> MultimodalInput: ...
def make_token_input(tokens: Sequence[int]) -> MultimodalInput: ...

class MultimodalRunner:
    """The C++ runner; et_llm.MultimodalRunner subclasses it to take plain lists."""
    def __init__(
        self,
        model_path: _Path,
        tokenizer_path: _Path | Tokenizer | _TokenizerLike,
        data_path: _Path | None = None,
        *,
        io_manager: IIOManager | None = None,
        audio_preprocessor_path: _Path | None = None,
        num_threads: int | None = None,
    ) -> None: ...
    def generate(
        self,
        inputs: MultimodalInput | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
    ) -> str: ...
    def generate_text(
        self,
        inputs: MultimodalInput | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> str: ...
    def generate_tokens(
        self,
        inputs: MultimodalInput | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
        token_callback: Callable[[str], object] | None = None,
        stats_callback: Callable[[Stats], object] | None = None,
        *,
        return_logprobs: bool = False,
    ) -> list[int] | GenerationResult: ...
    @property
    def session(self) -> Session: ...
    def prefill(
        self,
        inputs: MultimodalInput | Sequence[MultimodalInput],
        config: GenerationConfig | None = None,
    ) -> None: ...
    def stop(self) -> None: ...
    def reset(self) -> None: ...
    def get_vocab_size(self) -> int: ...
    def is_loaded(self) -> bool: ...
    @property
    def has_vision(self) -> bool: ...
    @property
    def has_audio(self) -> bool: ...
    @property
    def accepts_raw_audio(self) -> bool: ...
    @property
    def generated_tokens(self) -> list[int]: ...
    @property
    def position(self) -> int: ...
    @property
    def metadata(self) -> dict[str, int | list[int]]: ...
    @property
    def stats(self) -> Stats: ...
    @property
    def tokenizer(self) -> Tokenizer: ...

def set_grammar_backend(
    compile: Callable[[str, str, Tokenizer, list[int], int], Any] | None,
) -> None: ...
def has_grammar_backend() -> bool: ...
