"""`et-llm serve --ray`: two replicas on a local Ray instance behind Ray Serve's proxy answer
the `openai` client."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

pytest.importorskip("ray.serve")
openai = pytest.importorskip("openai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_ray_replicas_answer_the_openai_client(fixture_dir: Path):
    import et_llm

    # Ray's sockets live under its temp dir, and AF_UNIX paths are short: not pytest's tmp_path.
    ray_tmp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(Path(et_llm.__file__).resolve().parents[1]),
        "RAY_TMPDIR": ray_tmp,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "et_llm",
            "--threads",
            "1",
            "serve",
            "--ray",
            "--replicas",
            "2",
            "--model",
            f"tiny={fixture_dir / 'export_llm_dynamic.pte'}",
            "--tokenizer",
            str(fixture_dir / "tokenizer.json"),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stderr:
            lines.append(line)
            if "ready on" in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        deadline = time.monotonic() + 240
        while not ready.wait(0.5):
            failed = process.poll() is not None or time.monotonic() > deadline
            assert not failed, "".join(lines[-40:])
        url = re.search(r"ready on (\S+)", "".join(lines)).group(1)
        client = openai.OpenAI(base_url=url, api_key="unused", max_retries=2, timeout=60)
        texts = {
            client.completions.create(model="tiny", prompt="Hello", max_tokens=8, temperature=0)
            .choices[0]
            .text
            for _ in range(6)
        }
        assert len(texts) == 1  # every replica gives the same greedy answer
        chat = client.chat.completions.create(
            model="tiny", messages=[{"role": "user", "content": "Hi"}], max_tokens=4, stream=True
        )
        assert any(c.choices and c.choices[0].delta.content for c in chat)
        with pytest.raises(openai.NotFoundError):
            client.completions.create(model="nope", prompt="Hi")
        # Both replicas serve: the proxy spreads requests over their processes.
        pids = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            pids.add(httpx.get(f"http://127.0.0.1:{port}/health", timeout=30).json()["pid"])
        assert len(pids) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
        shutil.rmtree(ray_tmp, ignore_errors=True)
    assert out == ""
