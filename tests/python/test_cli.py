"""The `et-llm` command line end to end on the tiny fixture models (a subprocess per call)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import et_llm
from tests.python.cli_helpers import run_cli
from tests.python.conftest import greedy_config


@pytest.fixture(scope="module")
def model(fixture_dir: Path) -> Path:
    return fixture_dir / "export_llm_dynamic.pte"


def test_help_lists_every_command_with_examples():
    result = run_cli("--help")
    assert result.returncode == 0, result.stderr
    for command in ("generate", "chat", "bench", "inspect", "pull", "export"):
        assert command in result.stdout
    assert "examples:" in result.stdout
    for command in ("generate", "chat", "inspect", "pull", "export"):
        sub = run_cli(command, "--help")
        assert sub.returncode == 0, sub.stderr
        assert "examples:" in sub.stdout


def test_bench_is_wired_to_et_llm_bench():
    result = run_cli("bench", "--help")
    assert result.returncode == 0, result.stderr
    for option in ("--engines", "--rounds", "--llama-cpp-python", "examples:"):
        assert option in result.stdout


def test_generate_streams_the_greedy_text(model, tokenizer_path):
    prompt = "Once upon a time"
    # The fixture tokenizer's config says add_bos_token: the CLI adds BOS like HF.
    expected = et_llm.TextLLMRunner(model, tokenizer_path).generate(
        prompt, greedy_config(20, num_bos=1)
    )
    result = run_cli("generate", "--model", model, "--greedy", "--max-new-tokens", 20, prompt)
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"
    # The tokenizer is found next to the .pte; the prompt may come from stdin.
    piped = run_cli(
        "generate", "-m", model, "--temperature", "0", "--max_new_tokens", 20, stdin=prompt + "\n"
    )
    assert piped.stdout == result.stdout
    without_bos = et_llm.TextLLMRunner(model, tokenizer_path).generate(prompt, greedy_config(20))
    no_bos = run_cli(
        "generate", "-m", model, "--greedy", "--max-new-tokens", 20, "--num-bos", 0, prompt
    )
    assert no_bos.stdout == without_bos + "\n"
    one_thread = run_cli(
        "--threads", 1, "generate", "-m", model, "--greedy", "--max-new-tokens", 20, prompt
    )
    assert one_thread.stdout == result.stdout


def test_generate_sampling_flags_reach_the_sampler(model, tokenizer_path):
    flags = [
        "--temperature",
        "0.9",
        "--top_k",
        "20",
        "--top-p",
        "0.9",
        "--min-p",
        "0.01",
        "--repetition_penalty",
        "1.1",
        "--seed",
        "7",
        "--max-new-tokens",
        "24",
    ]
    first = run_cli("generate", "-m", model, *flags, "The")
    second = run_cli("generate", "-m", model, *flags, "The")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout  # same seed, same text
    config = et_llm.GenerationConfig(
        echo=False,
        max_new_tokens=24,
        temperature=0.9,
        top_k=20,
        top_p=0.9,
        min_p=0.01,
        repetition_penalty=1.1,
        seed=7,
        num_bos=1,
    )
    expected = et_llm.TextLLMRunner(model, tokenizer_path).generate("The", config)
    assert first.stdout == expected + "\n"


def test_generate_chat_uses_the_template(model, tokenizer_path, fixture_dir):
    runner = et_llm.TextLLMRunner(model, tokenizer_path)
    chat = et_llm.ChatSession(runner, tokenizer_config=fixture_dir)
    expected = chat.send("hello there", greedy_config(16))
    result = run_cli(
        "generate", "-m", model, "--chat", "--greedy", "--max-new-tokens", 16, "hello there"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == expected + "\n"


def test_chat_over_stdin_with_reset(model, tokenizer_path, fixture_dir):
    runner = et_llm.TextLLMRunner(model, tokenizer_path)
    session = et_llm.ChatSession(runner, tokenizer_config=fixture_dir)
    first = session.send("hello", greedy_config(12))
    second = session.send("and again", greedy_config(12))
    script = "hello\nand again\n/reset\nhello\n/exit\nnever read\n"
    result = run_cli("chat", "-m", model, "--greedy", "--max-new-tokens", 12, stdin=script)
    assert result.returncode == 0, result.stderr
    # Turn two continues the conversation (KV cache reused); after /reset it starts over.
    assert result.stdout == f"{first}\n{second}\n{first}\n"
    assert "[conversation reset]" in result.stderr


def test_chat_ends_at_end_of_input(model, tokenizer_path, fixture_dir):
    runner = et_llm.TextLLMRunner(model, tokenizer_path)
    reply = et_llm.ChatSession(runner, tokenizer_config=fixture_dir).send("hi", greedy_config(4))
    result = run_cli("chat", "-m", model, "--greedy", "--max-new-tokens", 4, stdin="hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == reply + "\n"


def _runtime_program(path: Path):
    from executorch.runtime import Runtime

    return Runtime.get().load_program(path)


DTYPES = {4: "int64", 6: "float32", 5: "float16", 3: "int32"}


@pytest.mark.parametrize(
    "name",
    [
        "export_llm_dynamic",
        "export_llm_static",
        "cache_position",
        "prefill_decode",
        "export_llm_custom_sdpa",
    ],
)
def test_inspect_json_matches_the_program(fixture_dir, name):
    path = fixture_dir / f"{name}.pte"
    result = run_cli("inspect", "--json", path)
    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    program = _runtime_program(path)
    assert set(described["methods"]) == set(program.method_names)
    assert described["file_bytes"] == path.stat().st_size
    for method_name, method in described["methods"].items():
        meta = program.metadata(method_name)
        assert len(method["inputs"]) == meta.num_inputs()
        assert len(method["outputs"]) == meta.num_outputs()
        for index, value in enumerate(method["inputs"]):
            info = meta.input_tensor_meta(index)
            assert value["shape"] == list(info.sizes())
            assert value["dtype"] == DTYPES[int(info.dtype())]
        for index, value in enumerate(method["outputs"]):
            if value["tag"] == "tensor":
                info = meta.output_tensor_meta(index)
                assert value["shape"] == list(info.sizes())
    metadata = et_llm.get_llm_metadata(path)
    for key, value in metadata.items():
        if key in described["methods"]:
            values = described["methods"][key]["constant_values"]
            assert (values if isinstance(value, list) else values[0]) == value
    forward = described["methods"].get("forward") or described["methods"]["prefill"]
    assert forward["load_error"] is None
    dynamic = bool(metadata["enable_dynamic_shape"])
    assert (forward["inputs"][0]["dynamism"] != "static") == dynamic


def test_inspect_eos_ids_and_human_output(fixture_dir, manifest):
    path = fixture_dir / "export_llm_dynamic.pte"
    described = json.loads(run_cli("inspect", "--json", path).stdout)
    eos = described["methods"]["get_eos_ids"]["constant_values"]
    assert sorted(int(v) for v in eos) == sorted(manifest["tokenizer"]["eos_ids"])
    human = run_cli("inspect", path)
    assert human.returncode == 0, human.stderr
    assert "forward(int64[1x" in human.stdout and "(dynamic_bound)" in human.stdout
    assert "get_max_seq_len" in human.stdout
    no_load = json.loads(run_cli("inspect", "--json", "--no-load", path).stdout)
    assert no_load["methods"]["forward"]["inputs"][0]["dynamism"] == "unknown"


def test_pull_list_needs_no_preparation(tmp_path):
    result = run_cli("pull", "--list", env={"ET_LLM_CACHE": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "gemma3-270m" in result.stdout and "smollm2-135m-instruct" in result.stdout
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["generate", "-m", "missing.pte", "hi"], "not found"),
        (["generate", "-m", "no-such-model", "hi"], "known model"),
        (["inspect", "missing.pte"], "no such file"),
        (["generate", "--greedy", "--temperature", "0.5", "hi"], "--greedy"),
        (["generate", "--top-p", "1.5", "-m", "MODEL", "hi"], "top_p"),
        (["pull", "no-such-model"], "unknown model"),
        (["pull", "gemma3-270m", "--variant", "int2"], "no variant"),
        (["export", "missing_dir"], "no such model"),
        (["chat", "-m", "MODEL", "--tokenizer-config", "/nope.json"], "no such file"),
        (["generate", "-m", "MODEL", "--tokenizer", "/nope.json", "hi"], "no such file"),
        (["generate", "-m", "MODEL", "--variant", "8da4w", "hi"], "--variant"),
    ],
)
def test_bad_input_gives_one_clear_line(args, message, model, tmp_path):
    args = [str(model) if a == "MODEL" else a for a in args]
    result = run_cli(*args, env={"ET_LLM_CACHE": str(tmp_path)})
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr


def test_inspect_rejects_a_file_that_is_not_a_program(tokenizer_path):
    result = run_cli("inspect", tokenizer_path)
    assert result.returncode == 1
    assert "INVALID_PROGRAM" in result.stderr


def test_usage_errors_exit_2():
    assert run_cli("frobnicate").returncode == 2
    assert run_cli("generate", "--max-new-tokens", "many", "hi").returncode == 2


def test_an_empty_prompt_on_stdin_is_refused(model, tokenizer_path):
    result = run_cli("generate", "-m", model, "--tokenizer", tokenizer_path, stdin="")
    assert result.returncode == 1 and "empty" in result.stderr


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0 and result.stdout.startswith("et-llm ")


def test_chat_session_leaves_the_callers_config_alone(model, tokenizer_path, fixture_dir):
    runner = et_llm.TextLLMRunner(str(model), tokenizer_path)
    config = et_llm.GenerationConfig(echo=True, max_new_tokens=3, temperature=0.0)
    et_llm.ChatSession(runner, tokenizer_config=fixture_dir).send("hi", config)
    assert config.echo is True


def test_chat_drops_the_oldest_turns_when_the_context_fills(model, tokenizer_path, fixture_dir):
    # Six turns of 24 new tokens each overflow the fixture's 128 positions.
    turns = [f"turn {i} says hello there" for i in range(6)]
    result = run_cli(
        "chat", "-m", model, "--greedy", "--max-new-tokens", 24, stdin="\n".join(turns) + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) >= 6
    assert "[context full: dropped the" in result.stderr
    runner = et_llm.TextLLMRunner(model, tokenizer_path)
    session = et_llm.ChatSession(runner, tokenizer_config=fixture_dir)
    for turn in turns:
        session.send(turn, greedy_config(24))
    assert session.dropped_turns > 0
    assert session.messages[-2]["content"] == turns[-1]
    with pytest.raises(et_llm.ContextLengthExceededError):
        session.send("word " * 200, greedy_config(24))


def test_ctrl_c_ends_the_reply_and_the_chat_goes_on(model, tokenizer_path, fixture_dir):
    runner = et_llm.TextLLMRunner(model, tokenizer_path)
    session = et_llm.ChatSession(runner, tokenizer_config=fixture_dir)
    calls = []

    def interrupt(piece: str) -> None:
        calls.append(piece)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        session.send("hello", greedy_config(12), interrupt)
    # The interrupted turn is taken back: the conversation is as before it.
    assert session.messages == [] and runner.session.position() == 0
    fresh = et_llm.ChatSession(
        et_llm.TextLLMRunner(model, tokenizer_path), tokenizer_config=fixture_dir
    )
    assert session.send("hello", greedy_config(12)) == fresh.send("hello", greedy_config(12))


def test_a_prefill_decode_program_loads_without_an_error_line(fixture_dir, tokenizer_path):
    pte = fixture_dir / "prefill_decode.pte"
    result = run_cli(
        "generate", "-m", pte, "--tokenizer", tokenizer_path, "--max-new-tokens", 2, "Hi"
    )
    assert result.returncode == 0, result.stderr
    assert "No method named" not in result.stderr and " E " not in result.stderr, result.stderr


def test_generate_json_is_one_object_with_the_ids(model, tokenizer_path):
    common = ["generate", "-m", model, "--tokenizer", tokenizer_path, "--greedy"]
    streamed = run_cli(*common, "--max-new-tokens", 6, "Hello")
    result = run_cli(*common, "--max-new-tokens", 6, "--json", "Hello")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["text"] + "\n" == streamed.stdout
    assert len(answer["tokens"]) == answer["stats"]["generated_tokens"] <= 6
    assert answer["finish_reason"] in ("eos", "length")


def _fake_prepared(cache: Path, name: str, variant: str) -> Path:
    """A model directory whose step records say `variant` is prepared (tiny stand-in files)."""
    from et_llm.models import recipe_of
    from et_llm.models.cache import write_manifest

    recipe = recipe_of(name)
    directory = cache / "models" / name
    for step in (*recipe.base_steps, recipe.variants[variant]):
        output = (
            recipe.pte_path(variant) if step is recipe.variants[variant] else f"{step.name}.out"
        )
        (directory / output).parent.mkdir(parents=True, exist_ok=True)
        (directory / output).write_bytes(b"x" * 1000)
        write_manifest(directory, step.name, step.params, [output], {})
    return directory


def test_list_and_rm_the_prepared_models(tmp_path):
    env = {"ET_LLM_CACHE": str(tmp_path)}
    empty = run_cli("list", env=env)
    assert empty.returncode == 0 and "no model is prepared" in empty.stdout
    directory = _fake_prepared(tmp_path, "gemma3-270m", "8da4w")
    listed = run_cli("list", env=env)
    assert listed.returncode == 0, listed.stderr
    assert "gemma3-270m" in listed.stdout and "8da4w" in listed.stdout
    assert "fp32 " not in listed.stdout  # not prepared
    removed = run_cli("rm", "gemma3-270m", "--variant", "8da4w", env=env)
    assert removed.returncode == 0 and "removed gemma3-270m 8da4w" in removed.stderr
    assert not (directory / "8da4w").exists() and directory.exists()
    assert "no variant prepared" in run_cli("list", env=env).stdout
    assert run_cli("rm", "gemma3-270m", env=env).returncode == 0 and not directory.exists()
    missing = run_cli("rm", "gemma3-270m", env=env)
    assert missing.returncode == 1 and "not prepared" in missing.stderr


def test_threads_and_log_level_work_after_the_command_too() -> None:
    from et_llm.cli import build_parser

    parser = build_parser()
    after = parser.parse_args(["generate", "--threads", "3", "--log-level", "info", "hi"])
    assert (after.global_threads, after.log_level) == (3, "info")
    before = parser.parse_args(["--threads", "2", "chat"])
    assert before.global_threads == 2 and before.log_level is None
    assert (
        parser.parse_args(["--threads", "2", "generate", "--threads", "1", "x"]).global_threads == 1
    )
    bench = parser.parse_args(["bench", "--threads", "2"])
    assert bench.threads == 2 and bench.global_threads is None  # bench's own option


def test_generate_speculative_greedy_and_sampled(fixture_dir, tokenizer_path):
    # The program that returns every position's logits, so drafts are verified.
    model = fixture_dir / "cache_position.pte"
    prompt = "one two three four one two three four one two"
    common = ["generate", "-m", model, "--tokenizer", tokenizer_path, "--max-new-tokens", 24]
    plain = run_cli(*common, "--greedy", "--json", prompt)
    fast = run_cli(*common, "--greedy", "--speculative", "prompt_lookup", "--json", prompt)
    assert plain.returncode == 0 and fast.returncode == 0, plain.stderr + fast.stderr
    assert json.loads(fast.stdout)["tokens"] == json.loads(plain.stdout)["tokens"]
    assert json.loads(fast.stdout)["stats"]["num_draft_tokens"] > 0
    # Sampling speculates too (the same distribution), and a seed replays it.
    sampled = [*common, "--temperature", "0.9", "--seed", "3", "--speculative", "prompt_lookup"]
    first, second = run_cli(*sampled, prompt), run_cli(*sampled, prompt)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    config = et_llm.GenerationConfig(
        echo=False, max_new_tokens=24, temperature=0.9, seed=3, num_bos=1
    )
    config.speculative = "prompt_lookup"
    expected = et_llm.TextLLMRunner(model, tokenizer_path).generate(prompt, config)
    assert first.stdout == expected + "\n"
