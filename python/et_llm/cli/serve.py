"""`et-llm serve`: an OpenAI-compatible HTTP server (chat and text completions, streaming,
logprobs, /v1/models, /health, /metrics) with a pool of sessions per model.

Point any OpenAI client at it: `OpenAI(base_url="http://127.0.0.1:8000/v1", api_key="none")`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from et_llm.cli.chat import DEFAULT_CHAT_MODEL
from et_llm.cli.model_selection import select_model
from et_llm.errors import InvalidArgumentError

EXAMPLES = """examples:
  et-llm serve                                   # SmolLM2-135M-Instruct on 127.0.0.1:8000
  et-llm serve --model gemma3-270m --variant 8da4w --sessions 4 --port 8080
  et-llm serve --model chat=smollm2-135m-instruct --model base=./model.pte
  et-llm serve --ray --replicas 2                # behind Ray Serve's proxy
  curl http://127.0.0.1:8000/v1/chat/completions -H 'Content-Type: application/json' \\
    -d '{"model": "smollm2-135m-instruct", "messages": [{"role": "user", "content": "Hi"}]}'
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("models")
    group.add_argument(
        "-m",
        "--model",
        action="append",
        help="[NAME=]known model or .pte file; repeat for several (a request's `model` picks "
        f"one by NAME: the known name, or the file's folder). Default: {DEFAULT_CHAT_MODEL}",
    )
    group.add_argument("--variant", help="variant of the known models (e.g. 8da4w)")
    group.add_argument("--tokenizer", type=Path, help="tokenizer file (one --model only)")
    group.add_argument(
        "--tokenizer-config", type=Path, help="tokenizer_config.json (one --model only)"
    )
    http = parser.add_argument_group("server")
    http.add_argument("--host", default="127.0.0.1", help="address to listen on")
    http.add_argument("--port", type=int, default=8000, help="port (0: a free one)")
    http.add_argument(
        "--sessions",
        type=int,
        default=2,
        help="concurrent requests per model (each session holds its own KV cache)",
    )
    http.add_argument(
        "--queue",
        type=int,
        default=16,
        help="requests that may wait for a session per model before 429",
    )
    http.add_argument(
        "--no-prompt-cache",
        action="store_true",
        help="prefill every prompt whole instead of reusing a session's matching prefix",
    )
    http.add_argument(
        "--lazy-sessions",
        action="store_true",
        help="create sessions when first needed (default: all at start, so none delays a request)",
    )
    http.add_argument("--access-log", action="store_true", help="log each request on stderr")
    ray = parser.add_argument_group("Ray Serve")
    ray.add_argument("--ray", action="store_true", help="run as a Ray Serve application")
    ray.add_argument("--replicas", type=int, default=1, help="replicas (processes) with --ray")
    ray.add_argument(
        "--ray-address", help="an existing Ray cluster (`auto`); default: start one locally"
    )
    ray.add_argument("--cpus-per-replica", type=float, default=1.0, help="Ray CPUs per replica")


def _model_specs(args: argparse.Namespace) -> list:
    from et_llm.serve import ModelSpec

    entries = args.model or [DEFAULT_CHAT_MODEL]
    if len(entries) > 1 and (args.tokenizer or args.tokenizer_config):
        raise InvalidArgumentError("--tokenizer and --tokenizer-config need a single --model")
    specs = []
    for entry in entries:
        name, _, target = entry.rpartition("=") if "=" in entry else ("", "", entry)
        selected = select_model(
            argparse.Namespace(
                model=target,
                variant=args.variant,
                tokenizer=args.tokenizer,
                tokenizer_config=args.tokenizer_config,
            )
        )
        if not name:
            path = Path(target)
            is_file = path.suffix == ".pte" or path.is_file()
            name = selected.pte.parent.name if is_file else target
        specs.append(ModelSpec(name, selected.pte, selected.tokenizer, selected.tokenizer_config))
    return specs


def run(args: argparse.Namespace) -> int:
    try:
        from et_llm.serve import ServerConfig
        from et_llm.serve.http_server import serve
    except ModuleNotFoundError as error:
        raise InvalidArgumentError(
            f"`et-llm serve` needs the serve extra (pip install 'et_llm[serve]'): {error}"
        ) from error
    if args.sessions < 1 or args.queue < 0 or args.replicas < 1:
        raise InvalidArgumentError("--sessions and --replicas must be >= 1, --queue >= 0")
    if not 0 <= args.port <= 65535:
        raise InvalidArgumentError(f"--port {args.port} is not a port number")
    config = ServerConfig(
        _model_specs(args),
        args.sessions,
        args.queue,
        args.global_threads,
        prompt_cache=not args.no_prompt_cache,
        preload_sessions=not args.lazy_sessions,
    )
    if args.ray:
        from et_llm.serve.ray_deployment import serve_with_ray

        serve_with_ray(
            config, args.host, args.port, args.replicas, args.ray_address, args.cpus_per_replica
        )
    else:
        serve(config, args.host, args.port, args.access_log)
    return 0
