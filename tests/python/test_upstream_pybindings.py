"""Upstream ExecuTorch's own runner-binding tests (shipped in the executorch wheel), with only
their import changed to et_llm: the drop-in claim, checked against upstream's words."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

UPSTREAM_IMPORT = "from executorch.extension.llm.runner import ("


def test_upstream_runner_binding_tests_pass_on_et_llm(tmp_path: Path) -> None:
    spec = importlib.util.find_spec("executorch")
    assert spec and spec.submodule_search_locations
    root = Path(spec.submodule_search_locations[0])
    source = (root / "extension/llm/runner/test/test_runner_pybindings.py").read_text()
    assert source.count(UPSTREAM_IMPORT) == 1, "upstream's test changed its import"
    test = tmp_path / "test_upstream_runner_pybindings.py"
    test.write_text(source.replace(UPSTREAM_IMPORT, "from et_llm import ("))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "13 passed" in done.stdout, done.stdout[-2000:]


def test_the_same_behaviour_in_our_words(tmp_path: Path) -> None:
    """What upstream's suite checks, asserted here too (it runs even where the wheel ships no
    tests): list pixel data, reprs naming type and sizes, errors led by upstream's phrases."""
    import numpy as np
    import pytest

    import et_llm

    config = et_llm.GenerationConfig()
    assert (config.echo, config.max_new_tokens, config.warming, config.seq_len) == (
        True,
        -1,
        False,
        -1,
    )
    assert (config.num_bos, config.num_eos) == (0, 0)
    assert config.resolve_max_new_tokens(max_context_len=1024, num_tokens_occupied=100) == 924
    image = et_llm.Image([1, 2, 3, 4], 2, 2, 1)
    assert image.uint8_data == [1, 2, 3, 4]
    assert "height=480" in repr(et_llm.Image([0] * (480 * 640 * 3), 640, 480, 3))
    text = repr(et_llm.MultimodalInput("a" * 100))
    assert "type=text" in text and "..." in text
    assert "type=image" in repr(et_llm.MultimodalInput(et_llm.Image([0, 0, 0], 1, 1, 3)))
    with pytest.raises(RuntimeError, match="3-dimensional"):
        et_llm.make_image_input(np.ones((100,), np.uint8))
    with pytest.raises(RuntimeError, match=r"3 \(RGB\) or 4 \(RGBA\)"):
        et_llm.make_image_input(np.ones((2, 100, 100), np.uint8))
    (tmp_path / "model.pte").write_bytes(b"dummy")
    (tmp_path / "tokenizer.bin").write_bytes(b"dummy")
    with pytest.raises(RuntimeError, match="^.*Failed to"):
        et_llm.MultimodalRunner(str(tmp_path / "model.pte"), str(tmp_path / "tokenizer.bin"), None)
