"""Runs the app under uvicorn on one host and port, and says on stderr when it is ready (with
the URL: port 0 picks a free one). Logs go to stderr; stdout stays the caller's."""

from __future__ import annotations

import asyncio
import sys
from typing import Any

from et_llm.serve.app import create_app
from et_llm.serve.config import ServerConfig


def log_config(access_log: bool) -> dict[str, Any]:
    handler = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
        "handlers": {"stderr": {**handler, "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
            "uvicorn.access": {
                "handlers": ["stderr"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": False,
            },
            "et_llm.serve": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        },
    }


async def _announce(server: Any, models: list[str]) -> None:
    while not server.started:
        if server.should_exit:
            return
        await asyncio.sleep(0.05)
    host, port = server.servers[0].sockets[0].getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    print(
        f"et-llm serve: ready on http://{shown}:{port}/v1 (models: {', '.join(models)})",
        file=sys.stderr,
        flush=True,
    )


def serve(config: ServerConfig, host: str, port: int, access_log: bool = False) -> None:
    """Blocks until the server is stopped (Ctrl-C or SIGTERM)."""
    import uvicorn

    app = create_app(config)
    server = uvicorn.Server(
        uvicorn.Config(
            app, host=host, port=port, log_config=log_config(access_log), timeout_keep_alive=30
        )
    )

    async def main() -> None:
        announce = asyncio.create_task(_announce(server, [m.name for m in config.models]))
        try:
            await server.serve()
        finally:
            announce.cancel()

    asyncio.run(main())
