"""Multimodal prompts from plain Python: numpy arrays, PIL images, HF processor outputs.

``MultimodalRunner`` takes lists such as ``["Describe", image, "briefly"]`` where an
image is a numpy array (HWC, CHW, HW, with or without a batch dim of 1), a
``PIL.Image.Image``, or anything ``numpy.asarray`` accepts (a CPU torch tensor works,
but torch is never imported). The runner converts pixels to what the model's
``vision_encoder`` declares.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from et_llm._et_llm import (
    Audio,
    GenerationConfig,
    Image,
    ImageLayout,
    MultimodalInput,
    RawAudio,
    Stats,
    make_text_input,
)
from et_llm._et_llm import MultimodalRunner as _MultimodalRunner
from et_llm._et_llm import make_token_input as _make_token_input
from et_llm.errors import InvalidArgumentError
from et_llm.results import GenerationResult
from et_llm.streaming import astream, stream

_CHANNEL_COUNTS = (1, 3, 4)

InputLike = Any  # str | MultimodalInput | Image | Audio | RawAudio | array-like | PIL image
TokenCallback = Callable[[str], None]
StatsCallback = Callable[[Stats], None]


def _is_pil_image(obj: object) -> bool:
    # PIL stays optional: only an object whose class comes from PIL is treated as one.
    return type(obj).__module__.startswith("PIL.") and hasattr(obj, "mode")


def _pil_to_array(image: Any) -> np.ndarray:
    if image.mode not in ("L", "RGB", "RGBA"):
        image = image.convert("RGB")
    array = np.asarray(image)
    return array[:, :, None] if array.ndim == 2 else array


def _pixels(array: np.ndarray) -> np.ndarray:
    """uint8 stays uint8, floats become float32, other integers must fit uint8."""
    if array.dtype == np.uint8:
        return array
    if np.issubdtype(array.dtype, np.floating):
        return array.astype(np.float32, copy=False)
    if np.issubdtype(array.dtype, np.integer) or array.dtype == np.bool_:
        if array.size and (array.min() < 0 or array.max() > 255):
            raise InvalidArgumentError("integer pixel values must be in 0..255")
        return array.astype(np.uint8)
    raise InvalidArgumentError(f"unsupported pixel dtype {array.dtype}")


def _image_layout(shape: tuple[int, ...], layout: str | None) -> str:
    if layout is not None:
        if layout.upper() not in ("CHW", "HWC"):
            raise InvalidArgumentError(f"layout must be 'CHW' or 'HWC', got {layout!r}")
        return layout.upper()
    first, last = shape[0] in _CHANNEL_COUNTS, shape[2] in _CHANNEL_COUNTS
    if last and not first:
        return "HWC"
    if first and not last:
        return "CHW"
    if first and last:
        # e.g. 3x4x3: the channel axis cannot be told apart; images from PIL/OpenCV are HWC.
        return "HWC"
    raise InvalidArgumentError(
        f"cannot find the channel axis of an image of shape {shape}: it needs 1 (grey), "
        f"3 (RGB) or 4 (RGBA) channels, first (CHW) or last (HWC)"
    )


def to_image(image: Any, layout: str | None = None) -> Image:
    """An :class:`Image` from numpy / PIL / array-like pixels (``layout`` forces CHW/HWC)."""
    if isinstance(image, Image):
        return image
    array = _pil_to_array(image) if _is_pil_image(image) else np.asarray(image)
    if array.ndim == 4:
        if array.shape[0] != 1:
            raise InvalidArgumentError(
                f"a batch of {array.shape[0]} images: pass them as separate inputs"
            )
        array = array[0]
    if array.ndim == 2:
        array = array[:, :, None]
        layout = "HWC"
    if array.ndim != 3:
        raise InvalidArgumentError(
            "an image must be a 3-dimensional (CHW or HWC) or 4-dimensional (1xCHW or 1xHWC) "
            f"array, or 2-dimensional (HW); got shape {array.shape}"
        )
    which = _image_layout(tuple(array.shape), layout)
    pixels = np.ascontiguousarray(_pixels(array))
    if which == "HWC":
        height, width, channels = pixels.shape
        order = ImageLayout.HWC
    else:
        channels, height, width = pixels.shape
        order = ImageLayout.CHW
    return Image(pixels.reshape(-1), width, height, channels, order)


def make_image_input(image: Any, layout: str | None = None) -> MultimodalInput:
    """An image input from numpy (HWC, CHW, HW, batch of 1), ``PIL.Image`` or ``Image``."""
    return MultimodalInput(to_image(image, layout))


def make_audio_input(features: Any) -> MultimodalInput:
    """Audio features ``[bins, frames]`` or ``[batch, bins, frames]`` (e.g. a mel spectrogram)."""
    if isinstance(features, Audio):
        return MultimodalInput(features)
    array = np.asarray(features, dtype=np.float32)
    if array.ndim == 2:
        array = array[None]
    if array.ndim != 3:
        raise InvalidArgumentError(
            f"audio features must be [bins, frames] or [batch, bins, frames]; got {array.shape}"
        )
    batch, bins, frames = array.shape
    return MultimodalInput(Audio(np.ascontiguousarray(array).reshape(-1), batch, bins, frames))


def make_raw_audio_input(samples: Any) -> MultimodalInput:
    """A waveform ``[samples]``, ``[channels, samples]`` or ``[batch, channels, samples]``."""
    if isinstance(samples, RawAudio):
        return MultimodalInput(samples)
    array = np.asarray(samples, dtype=np.float32)
    while array.ndim < 3:
        array = array[None]
    if array.ndim != 3:
        raise InvalidArgumentError(
            f"raw audio must be [samples], [channels, samples] or [batch, channels, samples]; "
            f"got {array.shape}"
        )
    batch, channels, n = array.shape
    return MultimodalInput(RawAudio(np.ascontiguousarray(array).reshape(-1), batch, channels, n))


def make_token_input(tokens: Iterable[int]) -> MultimodalInput:
    """Pre-tokenized ids: a list, tuple or integer numpy array ``[T]`` / ``[1, T]``."""
    array = np.asarray(list(tokens) if not hasattr(tokens, "__array__") else tokens)
    if array.ndim == 2 and array.shape[0] == 1:
        array = array[0]
    if array.ndim != 1 or (array.size and not np.issubdtype(array.dtype, np.integer)):
        raise InvalidArgumentError(f"token ids must be integers [T] or [1, T]; got {array.shape}")
    if array.size and array.min() < 0:
        raise InvalidArgumentError("token ids must be >= 0")
    return _make_token_input([int(i) for i in array])


def to_input(item: InputLike) -> MultimodalInput:
    """One prompt piece: str -> text; Image/Audio/RawAudio -> wrapped; a list of ints ->
    tokens; numpy arrays, PIL images and other array-likes -> an image."""
    if isinstance(item, MultimodalInput):
        return item
    if isinstance(item, str):
        return make_text_input(item)
    if isinstance(item, (Image, Audio, RawAudio)):
        return MultimodalInput(item)
    if isinstance(item, (list, tuple)) and all(isinstance(i, int) for i in item):
        return make_token_input(item)
    if _is_pil_image(item) or hasattr(item, "__array__") or isinstance(item, np.ndarray):
        return make_image_input(item)
    raise InvalidArgumentError(
        f"cannot use a {type(item).__name__} as a prompt piece: pass str, token ids, "
        f"an image (numpy / PIL) or a MultimodalInput"
    )


def to_inputs(inputs: InputLike | Sequence[InputLike]) -> list[MultimodalInput]:
    if isinstance(inputs, (str, MultimodalInput, Image, Audio, RawAudio)) or _is_pil_image(inputs):
        return [to_input(inputs)]
    if isinstance(inputs, np.ndarray):
        return [make_image_input(inputs)]
    return [to_input(item) for item in inputs]


def _runs(ids: np.ndarray, token_id: int) -> list[tuple[int, int]]:
    """[start, end) of each run of ``token_id`` in ``ids``."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(ids):
        if ids[i] == token_id:
            j = i
            while j < len(ids) and ids[j] == token_id:
                j += 1
            runs.append((i, j))
            i = j
        else:
            i += 1
    return runs


def hf_to_inputs(
    inputs: Mapping[str, Any],
    image_token_id: int | None = None,
    audio_token_id: int | None = None,
) -> list[MultimodalInput]:
    """HF processor outputs -> inputs: ``input_ids`` split at each run of the image (or
    audio) placeholder token, with ``pixel_values`` (or ``input_features``) in its place,
    one image / feature set per run. Values may be numpy arrays, lists or CPU tensors."""
    if "input_ids" not in inputs:
        raise InvalidArgumentError("HF inputs must contain 'input_ids'")
    ids = np.asarray(inputs["input_ids"])
    if ids.ndim == 2 and ids.shape[0] == 1:
        ids = ids[0]
    if ids.ndim != 1:
        raise InvalidArgumentError(f"'input_ids' must be [L] or [1, L]; got {ids.shape}")
    if image_token_id is None:
        image_token_id = inputs.get("image_token_id", inputs.get("image_token_index"))
    if audio_token_id is None:
        audio_token_id = inputs.get("audio_token_id")

    media: list[tuple[int, int, MultimodalInput]] = []
    for key, token_id, kind in (
        ("pixel_values", image_token_id, "image"),
        ("input_features", audio_token_id, "audio"),
    ):
        if key not in inputs:
            continue
        if token_id is None:
            raise InvalidArgumentError(f"'{key}' given without the {kind} placeholder token id")
        values = np.asarray(inputs[key])
        items = (
            list(values) if values.ndim == 4 or (kind == "audio" and values.ndim == 3) else [values]
        )
        runs = _runs(ids, int(token_id))
        if len(runs) != len(items):
            raise InvalidArgumentError(
                f"{len(items)} {kind}(s) but {len(runs)} run(s) of token {token_id} in input_ids"
            )
        for (start, end), value in zip(runs, items, strict=True):
            piece = make_image_input(value) if kind == "image" else make_audio_input(value)
            media.append((start, end, piece))
    media.sort(key=lambda m: m[0])
    out: list[MultimodalInput] = []
    pos = 0
    for start, end, piece in media:
        if start > pos:
            out.append(make_token_input(ids[pos:start]))
        out.append(piece)
        pos = end
    if pos < len(ids):
        out.append(make_token_input(ids[pos:]))
    return out


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
