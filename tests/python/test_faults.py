"""Faults from outside: a full or read-only disk under `et-llm pull`, SIGINT during
`et-llm generate`, a model file replaced under a running runner, a callback that raises on one
of several threads. Each ends in one clear line or a typed error; nothing else is disturbed.

Model files are replaced, never rewritten in place: `et-llm pull` and `export` write a new file
and rename it over the old one, which a runner that has the old one mapped survives (it keeps
reading the file it opened). Truncating a mapped file in place is beyond what a memory mapping
survives — the kernel sends SIGBUS when a page past the new end is touched (see README)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import et_llm
from et_llm.models.cache import tools_venv_dir

from .cli_helpers import run_cli
from .conftest import greedy_config


@pytest.fixture()
def small_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A 64 KiB tmpfs (read-only with the param "ro"); skipped where mounting is not allowed."""
    options = "size=64k" + (",ro" if getattr(request, "param", "") == "ro" else "")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)],
        capture_output=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _assert_one_error_line(result: subprocess.CompletedProcess[str], command: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"et-llm {command}: error:"), result.stderr
    return last


@pytest.mark.parametrize("tools", ["tools venv on the full disk", "model files on the full disk"])
def test_pull_on_a_full_disk_says_so_in_one_line(small_disk: Path, tools: str) -> None:
    env = {"ET_LLM_CACHE": str(small_disk)}
    if tools.startswith("model"):
        if not (tools_venv_dir() / "bin" / "python").exists():
            pytest.skip("no model tools venv yet (scripts/test.sh's pull makes it)")
        env["ET_LLM_MODEL_TOOLS_VENV"] = str(tools_venv_dir())
    result = run_cli("pull", "smollm2-135m-instruct", env=env, timeout=600)
    line = _assert_one_error_line(result, "pull")
    assert "MB are free" in line or "No space left" in line, line


@pytest.mark.parametrize("small_disk", ["ro"], indirect=True)
def test_pull_into_a_read_only_cache_says_so_in_one_line(small_disk: Path) -> None:
    result = run_cli("pull", "smollm2-135m-instruct", env={"ET_LLM_CACHE": str(small_disk)})
    assert "Read-only file system" in _assert_one_error_line(result, "pull")


def test_sigint_during_generate_exits_130_without_a_traceback() -> None:
    gemma = os.environ.get("ET_LLM_GEMMA_DIR")
    if not gemma:
        pytest.skip("ET_LLM_GEMMA_DIR not set (scripts/test.sh pulls gemma3-270m): a long run")
    model = Path(gemma) / "fp32" / "model.pte"
    command = [sys.executable, "-m", "et_llm", "generate", "-m", str(model), "--greedy"]
    command += ["--ignore-eos", "--max-new-tokens", "400", "Once upon a time"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ}
    )
    assert process.stdout is not None
    process.stdout.read(8)  # generation is under way
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=60)
    assert process.returncode == 130, errors
    assert time.monotonic() - started < 5
    assert b"Traceback" not in errors, errors.decode()


def test_a_program_replaced_by_rename_leaves_a_running_runner_correct(
    fixture_dir: Path, tokenizer_path: str, tmp_path: Path
) -> None:
    live = tmp_path / "model.pte"
    shutil.copy(fixture_dir / "export_llm_dynamic.pte", live)
    runner = et_llm.TextLLMRunner(str(live), tokenizer_path)
    before = runner.generate_tokens([1, 5, 6], greedy_config(16))
    # Another program (a different file) takes its name, as `et-llm pull --force` does it.
    replacement = tmp_path / "model.pte.partial"
    shutil.copy(fixture_dir / "export_llm_static.pte", replacement)
    os.replace(replacement, live)
    runner.reset()
    assert runner.generate_tokens([1, 5, 6], greedy_config(16)) == before


def test_a_callback_raising_on_one_thread_leaves_the_others(
    fixture_dir: Path, tokenizer_path: str
) -> None:
    engine = et_llm.Engine(str(fixture_dir / "export_llm_dynamic.pte"), tokenizer_path)
    expected = engine.create_session().generate_tokens([1, 5, 6], greedy_config(24))
    sessions = [engine.create_session() for _ in range(4)]
    results: dict[int, object] = {}

    def work(index: int) -> None:
        def callback(piece: str) -> None:
            if index == 0:
                raise LookupError("a failing consumer")

        try:
            results[index] = sessions[index].generate_tokens([1, 5, 6], greedy_config(24), callback)
        except LookupError as error:  # a callback's exception reaches generate()'s caller
            results[index] = error

    threads = [threading.Thread(target=work, args=(index,)) for index in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert isinstance(results[0], LookupError)
    assert all(results[index] == expected for index in (1, 2, 3)), results
    # The failed conversation is as before its turn and goes on normally.
    assert sessions[0].position() == 0
    assert sessions[0].generate_tokens([1, 5, 6], greedy_config(24)) == expected
