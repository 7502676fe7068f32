"""An et_llm server on 127.0.0.1 (a free port) in a background thread, for the tests."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from et_llm.serve import ServerConfig, create_app
from et_llm.serve.http_server import log_config


@contextmanager
def running_server(config: ServerConfig) -> Iterator[str]:
    """Yields the base URL (``http://127.0.0.1:PORT/v1``); stops the server afterwards."""
    import uvicorn

    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_config=log_config(False))
    )
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def metric(text: str, name: str, model: str) -> float:
    """The value of `name{model="..."}` in a Prometheus text page (0 when absent)."""
    prefix = f'{name}{{model="{model}"}} '
    for line in text.splitlines():
        if line.startswith(prefix):
            return float(line[len(prefix) :])
    return 0.0


@contextmanager
def cli_server(args: list[str], env: dict[str, str] | None = None, timeout: float = 240):
    """`python -m et_llm ARGS` (a serve command) in its own process group; yields
    ``(process, url)`` once it says it is ready, and stops it with SIGTERM afterwards. The
    process's stdout is checked by the caller through ``process.stdout_text``."""
    import et_llm

    environment = {
        **os.environ,
        "PYTHONPATH": str(Path(et_llm.__file__).resolve().parents[1]),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "et_llm", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
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
        deadline = time.monotonic() + timeout
        while not ready.wait(0.5):
            failed = process.poll() is not None or time.monotonic() > deadline
            assert not failed, "".join(lines[-40:])
        url = re.search(r"ready on (\S+)", "".join(lines)).group(1)
        yield process, url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            out, _ = process.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, _ = process.communicate()
        process.stdout_text = out
