"""Multimodal prompts from plain Python: numpy arrays, PIL images, HF processor outputs.

``MultimodalRunner`` takes lists such as ``["Describe", image, "briefly"]`` where an
image is a numpy array (HWC, CHW, HW, with or without a batch dim of 1), a
``PIL.Image.Image``, or anything ``numpy.asarray`` accepts (a CPU torch tensor works,
but torch is never imported). The runner converts pixels to what the model's
``vision_encoder`` declares (docs/multimodal_conventions.md).

One module per concern: ``pixels`` (arrays and PIL images to ``Image``), ``inputs`` (one
prompt piece from anything), ``hf_inputs`` (HF processor outputs), ``runner`` (the runner
class) and ``upstream`` (upstream's module-level functions).
"""

from __future__ import annotations

from et_llm._et_llm import Audio, Image, ImageLayout, MultimodalInput, RawAudio, make_text_input
from et_llm.multimodal.hf_inputs import hf_to_inputs
from et_llm.multimodal.inputs import (
    InputLike,
    make_audio_input,
    make_image_input,
    make_raw_audio_input,
    make_token_input,
    to_input,
    to_inputs,
)
from et_llm.multimodal.pixels import to_image
from et_llm.multimodal.runner import MultimodalRunner, StatsCallback, TokenCallback
from et_llm.multimodal.upstream import generate_hf, generate_text_hf

__all__ = [
    "Audio",
    "Image",
    "ImageLayout",
    "InputLike",
    "MultimodalInput",
    "MultimodalRunner",
    "RawAudio",
    "StatsCallback",
    "TokenCallback",
    "generate_hf",
    "generate_text_hf",
    "hf_to_inputs",
    "make_audio_input",
    "make_image_input",
    "make_raw_audio_input",
    "make_text_input",
    "make_token_input",
    "to_image",
    "to_input",
    "to_inputs",
]
