"""Model-preparation workers: et_llm's step lines reach the user, third-party noise goes to
the step's log file, a long step says it still works, a failed one shows its log's end."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from et_llm.models import worker_output

NOISY = """
import sys, time, warnings
print("W1202 torch/utils/_pytree.py:630] register_constant() is deprecated", file=sys.stderr)
warnings.warn("torchao: an old API", FutureWarning)
print("[et_llm.models    1.0s] torch.export done; lowering to XNNPACK", file=sys.stderr)
print("Converting tensors: 100%", flush=True)
time.sleep(float(sys.argv[1]))
sys.exit(int(sys.argv[2]))
"""


def run(tmp_path: Path, seconds: float, code: int) -> tuple[int, Path]:
    log_path = tmp_path / "logs" / "export.log"
    command = [sys.executable, "-c", NOISY, str(seconds), str(code)]
    return worker_output.run_logged(command, {}, "export", log_path), log_path


def test_only_step_lines_reach_stderr(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, log_path = run(tmp_path, 0, 0)
    err = capsys.readouterr().err
    assert code == 0
    assert "lowering to XNNPACK" in err
    assert "deprecated" not in err and "FutureWarning" not in err and "Converting" not in err
    text = log_path.read_text()
    assert "register_constant" in text and "FutureWarning" in text and "Converting" in text


def test_a_long_step_says_it_still_works(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_output, "HEARTBEAT_SECONDS", 0.2)
    run(tmp_path, 0.7, 0)
    err = capsys.readouterr().err
    assert err.count("export: still working") >= 2
    assert str(tmp_path / "logs" / "export.log") in err


def test_a_failed_step_shows_the_end_of_its_log(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    code, log_path = run(tmp_path, 0, 3)
    err = capsys.readouterr().err
    assert code == 3
    assert "FutureWarning" in err, "the log's last lines explain the failure"
    assert f"export failed; its whole log: {log_path}" in err


def test_a_failed_step_shows_its_exception_without_the_frames(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    log_path = tmp_path / "logs" / "export.log"
    failing = "def write():\n    raise OSError(28, 'No space left on device')\nwrite()\n"
    code = worker_output.run_logged([sys.executable, "-c", failing], {}, "export", log_path)
    err = capsys.readouterr().err
    assert code == 1
    assert "OSError: [Errno 28] No space left on device" in err
    assert "Traceback" not in err and "in write" not in err
    assert "Traceback" in log_path.read_text(), "the log keeps the frames"
