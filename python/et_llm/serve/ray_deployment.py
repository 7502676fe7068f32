"""The same app as a Ray Serve deployment: each replica is a process with its own engines and
session pools, behind Ray's HTTP proxy, which spreads requests over replicas (and scales
them, with an autoscaling config) — nothing home-made.

On one machine ``et-llm serve --ray --replicas R`` starts a local Ray instance. On a cluster,
``ray start --head`` on one node and ``ray start --address HEAD:6379`` on the others, then
``et-llm serve --ray --ray-address auto`` from any node: replicas land where Ray has CPUs
(each needs the model files at the same path, or a shared cache).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

from et_llm.errors import InvalidArgumentError
from et_llm.serve.config import ServerConfig

if TYPE_CHECKING:
    from fastapi import FastAPI
    from ray.serve import Application

APP_NAME = "et_llm"


class EtLlmReplica:
    """One replica: the app is built in the replica's process (engines are not shipped)."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config

    def __serve_build_asgi_app__(self) -> FastAPI:
        from et_llm.serve.app import create_app

        return create_app(self.config)


def application(
    config: ServerConfig,
    replicas: int = 1,
    cpus_per_replica: float = 1.0,
    autoscaling: dict[str, Any] | None = None,
) -> Application:
    """A Ray Serve application of `replicas` copies (or Ray's autoscaling between
    ``autoscaling["min_replicas"]`` and ``["max_replicas"]``)."""
    from ray import serve

    if replicas < 1:
        raise InvalidArgumentError("replicas must be >= 1")
    options: dict[str, Any] = {
        "name": "EtLlmReplica",
        # Requests beyond these wait in Ray's proxy rather than in a replica's 429 path.
        "max_ongoing_requests": config.sessions + config.max_waiting,
        "ray_actor_options": {"num_cpus": cpus_per_replica},
    }
    if autoscaling is not None:
        options["autoscaling_config"] = autoscaling
    else:
        options["num_replicas"] = replicas
    deployment = serve.deployment(**options)(serve.ingress()(EtLlmReplica))
    return deployment.bind(config)


def serve_with_ray(
    config: ServerConfig,
    host: str,
    port: int,
    replicas: int,
    address: str | None = None,
    cpus_per_replica: float = 1.0,
) -> None:
    """Starts (or joins, with `address`) Ray, runs the application and blocks until Ctrl-C or
    SIGTERM; then shuts the application down."""
    import ray
    from ray import serve

    # Ray's daemons write status lines to the driver's stdout; a server has no output, so
    # everything goes to stderr.
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    ray.init(address=address, include_dashboard=False, log_to_driver=False)
    try:
        serve.start(http_options={"host": host, "port": port})
        serve.run(
            application(config, replicas, cpus_per_replica),
            name=APP_NAME,
            route_prefix="/",
            blocking=False,
        )
        print(
            f"et-llm serve: ready on http://{host}:{port}/v1 with Ray Serve, "
            f"{replicas} replica(s) (models: {', '.join(m.name for m in config.models)})",
            file=sys.stderr,
            flush=True,
        )
        finished = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: finished.set())
        try:
            finished.wait()
        except KeyboardInterrupt:
            pass
    finally:
        serve.shutdown()
        ray.shutdown()
