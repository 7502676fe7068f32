"""`et-llm serve`: an OpenAI-compatible HTTP server on Engine/Session (needs the `serve`
extra: fastapi, uvicorn, sse-starlette, prometheus-client; Ray Serve for scale-out)."""

from et_llm.serve.app import create_app
from et_llm.serve.config import ServerConfig
from et_llm.serve.model_host import ModelSpec

__all__ = ["ModelSpec", "ServerConfig", "create_app"]
