"""Pixels from numpy arrays, PIL images and other array-likes as an :class:`et_llm.Image`.

The layout (HWC or CHW) is read from the shape unless the caller names it; torch is never
imported (a CPU tensor works through ``numpy.asarray``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from et_llm._et_llm import Image, ImageLayout
from et_llm.errors import InvalidArgumentError

_CHANNEL_COUNTS = (1, 3, 4)


def is_pil_image(obj: object) -> bool:
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
    array = _pil_to_array(image) if is_pil_image(image) else np.asarray(image)
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
