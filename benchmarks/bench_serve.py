"""`et-llm serve` next to llama-cpp-python's OpenAI server on the same model, in one run.

For 1, 4 and 8 concurrent streaming clients (each sending --requests text completions of
distinct prompts): requests/s, p50/p95 time to first token and per-request decode tok/s,
and the ratios et_llm/llama.cpp. Then a 10-turn chat that re-sends its history every turn,
the TTFT of each turn with et_llm's prompt cache on and off (and llama.cpp's, which keeps the
previous request's prefix in its one context).

    python benchmarks/bench_serve.py                     # Gemma 3 270M 8da4w vs its GGUF
    python benchmarks/bench_serve.py --json serve.json --concurrency 1 4 8 --requests 4

llama.cpp comes from benchmarks/setup_llama_cpp.sh (its venv's python, or --llama-cpp-python).
Both servers get the same thread count; et_llm gets a session per concurrent client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import openai

PROMPTS = [
    "The history of the city begins",
    "Once upon a time, in a small village by the sea,",
    "The three most important inventions of the last century are",
    "Here is a recipe for a simple tomato soup:",
    "The train left the station at dawn, and",
    "In mathematics, a prime number is",
    "My favourite place to spend a summer afternoon is",
    "The report concluded that the main cause of the outage was",
]
CHAT_TURNS = [
    "Hi! Can you help me plan a trip?",
    "I want to visit a city with museums.",
    "What about food there?",
    "And the weather in spring?",
    "How many days should I stay?",
    "What should I pack?",
    "Is public transport good?",
    "Any day trips nearby?",
    "What is a good souvenir?",
    "Thanks! Summarize the plan in one line.",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(command: list[str], port: int, name: str) -> Iterator[str]:
    # A file, not a pipe: llama.cpp logs a lot while loading and would block on a full pipe.
    log = tempfile.TemporaryFile(mode="w+")
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log, text=True)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 600
        while True:
            if process.poll() is not None:
                log.seek(0)
                raise RuntimeError(f"{name} exited: {log.read()[-2000:]}")
            try:
                if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not start")
            time.sleep(0.25)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


async def one_request(client: openai.AsyncOpenAI, model: str, prompt: str, n: int) -> dict:
    begin = time.perf_counter()
    first = None
    chunks = 0
    usage = None
    stream = await client.completions.create(
        model=model,
        prompt=prompt,
        max_tokens=n,
        temperature=0,
        stream=True,
        stream_options={"include_usage": True},
    )
    async for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage.completion_tokens
        if chunk.choices and chunk.choices[0].text:
            chunks += 1
            if first is None:
                first = time.perf_counter()
    end = time.perf_counter()
    tokens = usage if usage is not None else chunks
    decode = (tokens - 1) / (end - first) if first and tokens > 1 and end > first else None
    return {"ttft": (first or end) - begin, "decode": decode, "tokens": tokens}


async def load(url: str, model: str, clients: int, requests: int, n: int) -> dict:
    async with openai.AsyncOpenAI(
        base_url=url, api_key="unused", max_retries=0, timeout=600
    ) as client:
        await one_request(client, model, PROMPTS[0], 4)  # warm-up

        async def run_client(index: int) -> list[dict]:
            return [
                await one_request(client, model, PROMPTS[(index + r) % len(PROMPTS)], n)
                for r in range(requests)
            ]

        begin = time.perf_counter()
        results = await asyncio.gather(*(run_client(i) for i in range(clients)))
        wall = time.perf_counter() - begin
    flat = [r for per_client in results for r in per_client]
    ttfts = sorted(r["ttft"] for r in flat)
    decodes = [r["decode"] for r in flat if r["decode"]]
    return {
        "clients": clients,
        "requests": len(flat),
        "requests_per_s": len(flat) / wall,
        "ttft_p50_s": statistics.median(ttfts),
        "ttft_p95_s": ttfts[min(len(ttfts) - 1, round(0.95 * (len(ttfts) - 1)))],
        "decode_tok_s": statistics.median(decodes) if decodes else None,
        "tokens": sum(r["tokens"] for r in flat),
    }


async def chat_turns(url: str, model: str, n: int) -> list[float]:
    """TTFT of each turn of a conversation that re-sends its whole history."""
    async with openai.AsyncOpenAI(
        base_url=url, api_key="unused", max_retries=0, timeout=600
    ) as client:
        messages: list[dict] = []
        ttfts = []
        for turn in CHAT_TURNS:
            messages.append({"role": "user", "content": turn})
            begin = time.perf_counter()
            first = None
            reply = []
            stream = await client.chat.completions.create(
                model=model, messages=messages, max_tokens=n, temperature=0, stream=True
            )
            async for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    first = first or time.perf_counter()
                    reply.append(chunk.choices[0].delta.content)
            ttfts.append((first or time.perf_counter()) - begin)
            messages.append({"role": "assistant", "content": "".join(reply)})
        return ttfts


def et_llm_command(
    model: str, variant: str | None, port: int, threads: int, sessions: int, cache: bool
) -> list[str]:
    command = [sys.executable, "-m", "et_llm", "--threads", str(threads), "serve"]
    command += ["--model", f"bench={model}", "--port", str(port), "--sessions", str(sessions)]
    command += ["--queue", "64"]
    if variant:
        command += ["--variant", variant]
    if not cache:
        command.append("--no-prompt-cache")
    return command


def llama_command(python: str, gguf: str, port: int, threads: int, context: int) -> list[str]:
    return [
        python,
        "-m",
        "llama_cpp.server",
        "--model",
        gguf,
        "--model_alias",
        "bench",
        "--port",
        str(port),
        "--n_threads",
        str(threads),
        "--n_threads_batch",
        str(threads),
        "--n_ctx",
        str(context),
        "--n_batch",
        "512",
        # Its default lets a new request cut the running one short; ours run to the end.
        "--interrupt_requests",
        "False",
    ]


def default_llama_python() -> str:
    cache = Path(os.environ.get("ET_LLM_CACHE", Path.home() / ".cache" / "et_llm"))
    return str(cache / "llama-cpp-venv" / "bin" / "python")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="gemma3-270m", help="known model name or .pte")
    parser.add_argument("--variant", default="8da4w")
    parser.add_argument("--gguf", help="GGUF for llama.cpp (default: the known model's)")
    parser.add_argument("--chat-model", default="smollm2-135m-instruct")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--requests", type=int, default=3, help="requests per client")
    parser.add_argument("--max-tokens", type=int, default=64)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--llama-cpp-python", default=default_llama_python())
    parser.add_argument("--json", help="write every figure here")
    args = parser.parse_args()

    from et_llm.models import ensure_model

    files = ensure_model(args.model, args.variant)
    chat_files = ensure_model(args.chat_model)
    gguf = args.gguf or str(files.gguf)
    has_llama = Path(args.llama_cpp_python).is_file()
    sessions = max(args.concurrency)
    report: dict = {"threads": args.threads, "max_tokens": args.max_tokens, "load": {}}

    def measure(name: str, command: list[str], port: int) -> None:
        with server(command, port, name) as url:
            report["load"][name] = [
                asyncio.run(load(url, "bench", c, args.requests, args.max_tokens))
                for c in args.concurrency
            ]

    port = free_port()
    measure(
        "et_llm", et_llm_command(args.model, args.variant, port, args.threads, sessions, True), port
    )
    if has_llama:
        port = free_port()
        measure(
            "llama.cpp", llama_command(args.llama_cpp_python, gguf, port, args.threads, 1024), port
        )

    report["chat_ttft_s"] = {}
    for name, cache in (("et_llm", True), ("et_llm, no prompt cache", False)):
        port = free_port()
        command = et_llm_command(args.chat_model, None, port, args.threads, 1, cache)
        with server(command, port, name) as url:
            report["chat_ttft_s"][name] = asyncio.run(chat_turns(url, "bench", 32))
    if has_llama:
        port = free_port()
        command = llama_command(
            args.llama_cpp_python, str(chat_files.gguf), port, args.threads, 2048
        )
        with server(command, port, "llama.cpp") as url:
            report["chat_ttft_s"]["llama.cpp"] = asyncio.run(chat_turns(url, "bench", 32))

    print(
        f"{'server':<10} {'clients':>7} {'req/s':>7} {'TTFT p50':>9} {'TTFT p95':>9} "
        f"{'decode tok/s':>13}"
    )
    for name, rows in report["load"].items():
        for row in rows:
            decode = f"{row['decode_tok_s']:.1f}" if row["decode_tok_s"] else "-"
            print(
                f"{name:<10} {row['clients']:>7} {row['requests_per_s']:>7.2f} "
                f"{row['ttft_p50_s'] * 1000:>7.0f}ms {row['ttft_p95_s'] * 1000:>7.0f}ms "
                f"{decode:>13}"
            )
    if has_llama:
        report["ratios"] = []
        for ours, theirs in zip(report["load"]["et_llm"], report["load"]["llama.cpp"], strict=True):
            ratio = {
                "clients": ours["clients"],
                "requests_per_s": ours["requests_per_s"] / theirs["requests_per_s"],
                "ttft_p50_speedup": theirs["ttft_p50_s"] / ours["ttft_p50_s"],
                "ttft_p95_speedup": theirs["ttft_p95_s"] / ours["ttft_p95_s"],
            }
            if ours["decode_tok_s"] and theirs["decode_tok_s"]:
                ratio["decode_tok_s"] = ours["decode_tok_s"] / theirs["decode_tok_s"]
            report["ratios"].append(ratio)
            parts = ", ".join(f"{k} {v:.2f}x" for k, v in ratio.items() if k != "clients")
            print(f"ratio et_llm/llama.cpp, {ours['clients']} clients: {parts}")
    else:
        print(f"skipped llama.cpp: no {args.llama_cpp_python} (bash benchmarks/setup_llama_cpp.sh)")
    print("10-turn chat, TTFT per turn (ms):")
    for name, ttfts in report["chat_ttft_s"].items():
        print(
            f"  {name:<24} "
            + " ".join(f"{t * 1000:.0f}" for t in ttfts)
            + f"  sum {sum(ttfts):.2f}s"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
