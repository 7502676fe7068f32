"""`et-llm serve --ray`: two replicas on a local Ray instance behind Ray Serve's proxy answer
the `openai` client."""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from pathlib import Path

import httpx2 as httpx
import pytest

pytest.importorskip("ray.serve")
from tests.python.server_helpers import cli_server

openai = pytest.importorskip("openai")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_two_ray_replicas_answer_the_openai_client(fixture_dir: Path):
    # Ray's sockets live under its temp dir, and AF_UNIX paths are short: not pytest's tmp_path.
    ray_tmp = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    port = free_port()
    args = ["--threads", "1", "serve", "--ray", "--replicas", "2", "--port", str(port)]
    args += ["--model", f"tiny={fixture_dir / 'export_llm_dynamic.pte'}"]
    args += ["--tokenizer", str(fixture_dir / "tokenizer.json")]
    try:
        with cli_server(args, {"RAY_TMPDIR": ray_tmp}) as (process, url):
            client = openai.OpenAI(base_url=url, api_key="unused", max_retries=2, timeout=60)
            texts = {
                client.completions.create(model="tiny", prompt="Hello", max_tokens=8, temperature=0)
                .choices[0]
                .text
                for _ in range(6)
            }
            assert len(texts) == 1  # every replica gives the same greedy answer
            chat = client.chat.completions.create(
                model="tiny",
                messages=[{"role": "user", "content": "Hi"}],
                max_tokens=4,
                stream=True,
            )
            assert any(c.choices and c.choices[0].delta.content for c in chat)
            with pytest.raises(openai.NotFoundError):
                client.completions.create(model="nope", prompt="Hi")
            # Both replicas serve: the proxy spreads requests over their processes.
            pids = set()
            deadline = time.monotonic() + 60
            while len(pids) < 2 and time.monotonic() < deadline:
                health = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
                pids.add(health.json()["pid"])
            assert len(pids) == 2
    finally:
        shutil.rmtree(ray_tmp, ignore_errors=True)
    assert process.stdout_text == ""
