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
