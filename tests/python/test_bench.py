"""`et-llm bench` (et_llm.bench) end to end on the tiny fixture models."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import et_llm
from et_llm import bench

PROMPT = "Hello, world! How are you doing today? Fine."


def bench_args(*extra: str) -> list[str]:
    return [
        "--prompt",
        PROMPT,
        "--new-tokens",
        "6",
        "--repeats",
        "1",
        "--rounds",
        "1",
        "--llama-cpp-python",
        "/nonexistent/python",
        *extra,
    ]


def run_bench(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "et_llm.bench", *bench_args(*extra)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_et_llm_and_upstream_on_one_file(fixture_dir: Path, tmp_path: Path, hf_tokenizer):
    model = fixture_dir / "export_llm_dynamic.pte"
    report_path = tmp_path / "bench.json"
    # Decode speed is the difference of two timed runs: 40 tokens (not 6) and three repeats
    # keep that difference well above timing noise on a model this small.
    done = run_bench(
        "--model",
        str(model),
        "--json",
        str(report_path),
        "--threads",
        "1",
        "--new-tokens",
        "40",
        "--repeats",
        "3",
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(report_path.read_text())
    medians = {m["engine"]: m for m in report["medians"]}
    assert set(medians) == {"et_llm", "upstream"}
    # The prompt plus the BOS, as the tokenizer counts it.
    assert medians["et_llm"]["prompt_tokens"] == len(hf_tokenizer.encode(PROMPT).ids) + 1
    for m in medians.values():
        assert m["prefill_tok_s"] > 0 and m["decode_tok_s"] > 0
        assert 0 < m["ttft_s"] < 10 and m["peak_rss_mib"] > 10
    result = report["runs"][0]["results"][0]
    assert result["threads"] == 1 and result["generated"] == 40
    ratio = report["ratios"]["export_llm_dynamic.pte: et_llm/upstream"]
    expected = medians["et_llm"]["decode_tok_s"] / medians["upstream"]["decode_tok_s"]
    assert ratio["decode_tok_s"] == pytest.approx(expected)
    assert "llama.cpp" in report["skipped"] and report["failed"] == {}
    # The table on stdout has a row per engine and the ratio line.
    assert "export_llm_dynamic.pte: et_llm/upstream: prefill" in done.stdout
    assert "skipped llama.cpp" in done.stdout


def test_a_failing_engine_is_reported_and_fails_the_run(fixture_dir: Path):
    # The prompt alone is longer than the 128-position context.
    done = run_bench(
        "--model",
        str(fixture_dir / "export_llm_dynamic.pte"),
        "--engines",
        "et_llm",
        "--prompt",
        PROMPT * 7,
        "--new-tokens",
        "64",
    )
    assert done.returncode == 1
    assert "FAILED et_llm on export_llm_dynamic.pte" in done.stdout
    assert "CONTEXT_OVERFLOW" in done.stdout


def parsed(*extra: str):
    import argparse

    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    return parser.parse_args(bench_args(*extra))


def test_bad_arguments_are_typed_errors(fixture_dir: Path, tmp_path: Path):
    model = str(fixture_dir / "export_llm_dynamic.pte")
    with pytest.raises(et_llm.InvalidArgumentError, match="unknown engine"):
        bench.plan(parsed("--model", model, "--engines", "et_llm,vllm"))
    with pytest.raises(et_llm.InvalidArgumentError, match="new-tokens"):
        bench.plan(parsed("--model", model, "--new-tokens", "1"))
    with pytest.raises(et_llm.NotFoundError):
        bench.plan(parsed("--model", str(tmp_path / "missing.pte")))
    lonely = tmp_path / "lonely.pte"
    lonely.write_bytes(b"")
    with pytest.raises(et_llm.NotFoundError, match="tokenizer"):
        bench.plan(parsed("--model", str(lonely)))


def test_llama_cpp_target_uses_the_gguf(fixture_dir: Path, tmp_path: Path):
    gguf = tmp_path / "model.gguf"
    gguf.write_bytes(b"GGUF")
    args = parsed(
        "--model",
        str(fixture_dir / "export_llm_dynamic.pte"),
        "--gguf",
        str(gguf),
        "--engines",
        "et_llm,llama.cpp",
        "--llama-cpp-python",
        sys.executable,
    )
    has_llama = subprocess.run([sys.executable, "-c", "import llama_cpp"], check=False)
    targets, skipped = bench.plan(args)
    engines = [t.engine for t in targets]
    if has_llama.returncode == 0:
        assert engines == ["et_llm", "llama.cpp"] and targets[1].model == str(gguf)
    else:
        assert engines == ["et_llm"] and "llama_cpp" in skipped["llama.cpp"]


def test_the_default_prompt_is_cut_to_a_small_context(fixture_dir: Path):
    # No --prompt: the default one is longer than this model's 128 positions with 64 tokens.
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "et_llm.bench",
            "--model",
            str(fixture_dir / "export_llm_dynamic.pte"),
            "--engines",
            "et_llm",
            "--repeats",
            "1",
            "--rounds",
            "1",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "holds 128 positions: the default prompt cut to" in done.stderr
