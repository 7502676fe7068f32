"""A short run of each Python atheris target (tests/fuzz/fuzz_<target>.py): its seeds and every
saved regression replayed, then a few hundred mutations with a fixed seed. A finding exits
non-zero and fails the test; the long runs are in tests/fuzz/README.md. (The tokenizer
harness, fuzz_tokenizers.py, has its own short runs in test_tokenizer_formats.py.)"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"

# Mutations per target after its corpus: each runs a few ms to a few tens of ms.
RUNS = {"chat_template": 2000, "serve_request": 1000, "grammar": 300}


@pytest.mark.parametrize("target", sorted(RUNS))
def test_python_fuzz_target_short_run(tmp_path: Path, fixture_dir: Path, target: str) -> None:
    pytest.importorskip("atheris")
    if target == "grammar":
        pytest.importorskip("llguidance")
    regressions = sorted((FUZZ / "regressions" / target).glob("*"))
    # libFuzzer counts the process's peak RSS, which a child inherits from this process.
    inherited_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    result = subprocess.run(
        [
            sys.executable,
            str(FUZZ / f"fuzz_{target}.py"),
            str(tmp_path / "corpus"),
            str(FUZZ / "corpus" / target),
            f"-runs={RUNS[target]}",
            "-seed=1",
            f"-artifact_prefix={tmp_path}/",
            f"-rss_limit_mb={inherited_mb + 2048}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=FUZZ,
        env={**os.environ, "ET_LLM_FIXTURES_DIR": str(fixture_dir)},
    )
    assert result.returncode == 0, result.stderr[-4000:]
    if regressions:
        # Files as arguments: libFuzzer runs each once and exits.
        replay = subprocess.run(
            [sys.executable, str(FUZZ / f"fuzz_{target}.py"), *map(str, regressions)],
            capture_output=True,
            text=True,
            timeout=600,
            cwd=FUZZ,
            env={**os.environ, "ET_LLM_FIXTURES_DIR": str(fixture_dir)},
        )
        assert replay.returncode == 0, replay.stderr[-4000:]
