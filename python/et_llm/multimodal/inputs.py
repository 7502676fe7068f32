"""One prompt piece from whatever the caller has: text, token ids, pixels, audio features or a
waveform, each as an :class:`et_llm.MultimodalInput`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from et_llm._et_llm import Audio, Image, MultimodalInput, RawAudio, make_text_input
from et_llm._et_llm import make_token_input as _make_token_input
from et_llm.errors import InvalidArgumentError
from et_llm.multimodal.pixels import is_pil_image, to_image

InputLike = Any  # str | MultimodalInput | Image | Audio | RawAudio | array-like | PIL image


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
    if is_pil_image(item) or hasattr(item, "__array__") or isinstance(item, np.ndarray):
        return make_image_input(item)
    raise InvalidArgumentError(
        f"cannot use a {type(item).__name__} as a prompt piece: pass str, token ids, "
        f"an image (numpy / PIL) or a MultimodalInput"
    )


def to_inputs(inputs: InputLike | Sequence[InputLike]) -> list[MultimodalInput]:
    if isinstance(inputs, (str, MultimodalInput, Image, Audio, RawAudio)) or is_pil_image(inputs):
        return [to_input(inputs)]
    if isinstance(inputs, np.ndarray):
        return [make_image_input(inputs)]
    return [to_input(item) for item in inputs]
