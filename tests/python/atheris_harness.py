"""Runs an atheris harness of tests/fuzz in a subprocess, as the suite's short runs do."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"


def run_harness(
    script: str, args: list[str], tmp_path: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`tests/fuzz/<script> ARGS` with a fixed seed, artifacts in `tmp_path`, and libFuzzer's
    2 GiB RSS budget on top of this process's peak: Linux carries a parent's peak RSS into a
    child across fork and exec, so models other tests loaded would count as the harness's."""
    inherited_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    return subprocess.run(
        [
            sys.executable,
            str(FUZZ / script),
            *args,
            "-seed=1",
            f"-artifact_prefix={tmp_path}/",
            f"-rss_limit_mb={inherited_mb + 2048}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=FUZZ,
        env={**os.environ, **(env or {})},
    )
