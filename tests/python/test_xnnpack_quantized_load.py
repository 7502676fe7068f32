"""Quantized XNNPACK programs pass the load-time payload check.

The check (cpp/src/program_rewrite/xnnpack_payload_check.h) refuses a payload whose constant
shapes outgrow their bytes or whose scales are fewer than its channels or groups; its unit
tests corrupt payloads. This exports the two quantized layouts a real model uses (4-bit weights
with group scales, 8-bit weights with per-channel scales, both with dynamically quantized
activations) through upstream's lowering and asserts that et_llm still loads them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import et_llm

torch = pytest.importorskip("torch")
pytest.importorskip("torchao")


def export_quantized(path: Path) -> None:
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower
    from torchao.quantization.granularity import PerAxis, PerGroup
    from torchao.quantization.quant_api import Int8DynamicActivationIntxWeightConfig, quantize_

    class TwoLinears(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.grouped = torch.nn.Linear(64, 32)
            self.per_channel = torch.nn.Linear(32, 16)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.per_channel(torch.relu(self.grouped(x)))

    model = TwoLinears().eval()
    quantize_(
        model.grouped,
        Int8DynamicActivationIntxWeightConfig(
            weight_dtype=torch.int4, weight_granularity=PerGroup(32)
        ),
    )
    quantize_(
        model.per_channel,
        Int8DynamicActivationIntxWeightConfig(
            weight_dtype=torch.int8, weight_granularity=PerAxis(0)
        ),
    )
    exported = torch.export.export(model, (torch.randn(2, 64),))
    program = to_edge_transform_and_lower(exported, partitioner=[XnnpackPartitioner()])
    path.write_bytes(program.to_executorch().buffer)


def test_group_and_per_channel_quantized_payloads_load(tmp_path: Path) -> None:
    path = tmp_path / "quantized.pte"
    export_quantized(path)
    forward = et_llm.inspect_program(str(path))["methods"]["forward"]
    assert forward["backends"] == ["XnnpackBackend"]
    assert forward.get("load_error") in (None, ""), forward.get("load_error")
