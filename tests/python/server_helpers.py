"""An et_llm server on 127.0.0.1 (a free port) in a background thread, for the tests."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

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
