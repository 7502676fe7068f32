"""Prometheus metrics of one server (its own registry, so several apps in one process, as in
tests, do not collide): requests, tokens, time to first token, decode speed, and — read from
the session pools when scraped — queue depth and busy sessions."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from et_llm.serve.pool import SessionPool

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _PoolCollector(Collector):
    def __init__(self, pools: Callable[[], dict[str, SessionPool]]) -> None:
        self._pools = pools

    def collect(self) -> Iterator[GaugeMetricFamily]:
        gauges = {
            "queue_depth": ("requests waiting for a session", lambda p: p.waiting),
            "busy_sessions": ("sessions serving a request", lambda p: p.busy),
            "sessions": ("sessions created (each holds its own KV cache)", lambda p: p.created),
            "max_sessions": ("sessions the pool may create", lambda p: p.size),
        }
        for name, (doc, read) in gauges.items():
            family = GaugeMetricFamily(f"et_llm_{name}", doc, labels=["model"])
            for model, pool in self._pools().items():
                family.add_metric([model], read(pool))
            yield family


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.pools: dict[str, SessionPool] = {}
        self.registry.register(_PoolCollector(lambda: self.pools))
        self.requests = Counter(
            "et_llm_requests",
            "requests answered, by endpoint and HTTP status",
            ["model", "endpoint", "status"],
            registry=self.registry,
        )
        self.prompt_tokens = Counter(
            "et_llm_prompt_tokens", "prompt tokens of requests", ["model"], registry=self.registry
        )
        self.cached_tokens = Counter(
            "et_llm_cached_prompt_tokens",
            "prompt tokens the prompt cache did not prefill again",
            ["model"],
            registry=self.registry,
        )
        self.generation_tokens = Counter(
            "et_llm_generation_tokens", "tokens generated", ["model"], registry=self.registry
        )
        self.disconnects = Counter(
            "et_llm_client_disconnects",
            "requests whose client left before the end",
            ["model"],
            registry=self.registry,
        )
        self.ttft = Histogram(
            "et_llm_time_to_first_token_seconds",
            "from the request's arrival to its first generated text",
            ["model"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=self.registry,
        )
        self.decode_rate = Histogram(
            "et_llm_decode_tokens_per_second",
            "per request: generated tokens after the first, per second",
            ["model"],
            buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000),
            registry=self.registry,
        )

    def generated(self, model: str, tokens: int) -> None:
        self.generation_tokens.labels(model).inc(tokens)

    def render(self) -> bytes:
        return generate_latest(self.registry)
