"""A Hugging Face processor's output (``input_ids`` with placeholder runs, ``pixel_values``,
``input_features``) as a list of prompt pieces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from et_llm._et_llm import MultimodalInput
from et_llm.errors import InvalidArgumentError
from et_llm.multimodal.inputs import make_audio_input, make_image_input, make_token_input


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
