"""A KV-cache manager written in Python on numpy, for programs that take their KV cache as
inputs and return the new entries (the convention of ``et_llm.StaticKVCacheIOManager``):

    forward(tokens [1, T], positions [T], cache_mask [1, T, C], k_0..k_{L-1}, v_0..v_{L-1})
      -> (logits, k_new_0..k_new_{L-1}, v_new_0..v_new_{L-1})

with caches ``[1, H, C, D]`` float32 and new entries ``[1, H, T, D]``. ``NumpyKVCache`` puts
position ``p`` in slot ``p``; subclasses change :meth:`slot_for` (and
:meth:`max_context_len`) to keep other policies, e.g. a sliding window.
"""

from __future__ import annotations

import numpy as np

from et_llm._et_llm import IIOManager, ProgramInfo


class NumpyKVCache(IIOManager):
    """Owns the caches as numpy arrays, handed to the program without copies."""

    def __init__(self) -> None:
        super().__init__()
        self.k: np.ndarray = np.zeros(0, np.float32)
        self.v: np.ndarray = np.zeros(0, np.float32)
        self.slot_position = np.zeros(0, np.int64)

    # --- IIOManager -------------------------------------------------------------------
    def load(self, program: ProgramInfo) -> None:
        inputs = program.method_meta(program.prefill_method)["inputs"]
        self.has_mask = len(inputs[2]["shape"]) == 3
        first = 3 if self.has_mask else 2
        self.num_layers = (len(inputs) - first) // 2
        _, heads, slots, head_dim = inputs[first]["shape"]
        self.slots = int(slots)
        dynamic = bool(program.metadata.get("enable_dynamic_shape", 0))
        self.program_max_tokens = int(inputs[0]["shape"][1]) if dynamic else 1
        shape = (self.num_layers, 1, heads, slots, head_dim)
        self.k = np.zeros(shape, np.float32)
        self.v = np.zeros(shape, np.float32)
        self.slot_position = np.full(self.slots, -1, np.int64)

    def reset(self) -> None:
        self.slot_position[:] = -1
        # Masked slots still enter the attention's sums (as 0 weights): a NaN a
        # model once wrote there would poison every later turn.
        self.k.fill(0.0)
        self.v.fill(0.0)

    def rewind(self, position: int) -> None:
        self.slot_position[self.slot_position >= position] = -1

    def prepare_prefill(self, tokens: np.ndarray, start_pos: int, method: str) -> list:
        t = len(tokens)
        positions = np.arange(start_pos, start_pos + t, dtype=np.int64)
        inputs: list[np.ndarray] = [tokens.reshape(1, t), positions]
        if self.has_mask:
            visible = self.visible_slots(start_pos, t)
            row = np.where(visible, 0.0, -np.inf).astype(np.float32)
            inputs.append(np.broadcast_to(row, (1, t, self.slots)).copy())
        return [*inputs, *self.k, *self.v]

    prepare_decode = prepare_prefill

    def update_prefill(self, outputs: list, tokens: np.ndarray, start_pos: int) -> None:
        t = len(tokens)
        slots = [self.slot_for(start_pos + i) for i in range(t)]
        for layer in range(self.num_layers):
            self.k[layer][:, :, slots] = outputs[1 + layer]
            self.v[layer][:, :, slots] = outputs[1 + self.num_layers + layer]
        self.slot_position[slots] = np.arange(start_pos, start_pos + t)

    update_decode = update_prefill

    def max_tokens_per_call(self) -> int:
        return self.program_max_tokens

    def max_context_len(self) -> int:
        return self.slots

    # --- policy -----------------------------------------------------------------------
    def slot_for(self, position: int) -> int:
        """The cache slot that holds ``position``."""
        return position

    def visible_slots(self, start_pos: int, num_tokens: int) -> np.ndarray:
        """Which slots the tokens at ``start_pos..`` attend to (besides each other)."""
        return (self.slot_position >= 0) & (self.slot_position < start_pos)
