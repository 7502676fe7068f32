"""The README's Python snippets run as written, on the fixtures: the file names they use
("model.pte", "tokenizer.json", "model_dir/", "kv_io.pte") stand for the fixture's files, and
the server snippet talks to a real `et-llm serve` of the fixture model under the name it uses.
To fit the fixtures' 128-position context, the chat replies are cut to 8 tokens and each
snippet starts a new conversation. (The multimodal snippet's photo and HF processor outputs
have no fixture; the multimodal tests cover its calls.)"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from pathlib import Path

from tests.python.readme_snippets import code_blocks
from tests.python.server_helpers import cli_server


def _with_fixture_files(source: str, fixture_dir: Path) -> str:
    names = {
        "model.pte": fixture_dir / "export_llm_dynamic.pte",
        "kv_io.pte": fixture_dir / "kv_io.pte",
        "tokenizer.json": fixture_dir / "tokenizer.json",
        "model_dir/": fixture_dir,
    }
    for name, path in names.items():
        source = source.replace(f'"{name}"', repr(str(path)))
    # The fixtures' 128-position context holds the chat snippets' turns at 8 tokens each.
    return source.replace("max_new_tokens=64, temperature=0.0", "max_new_tokens=8, temperature=0.0")


def _run(source: str) -> dict:
    """Executes `source` as one module (top-level ``async for`` allowed, as in a notebook)."""
    code = compile(source, "README.md", "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    namespace: dict = {"__name__": "readme"}
    result = eval(code, namespace)  # noqa: S307 - the README's own code
    if inspect.iscoroutine(result):
        asyncio.run(result)
    return namespace


def test_python_section_runs_as_written(fixture_dir: Path, capsys) -> None:
    blocks = [b for b in code_blocks("Python", "python") if "MultimodalRunner(" not in b]
    assert len(blocks) >= 5, "the README's Python snippets moved"
    # Each snippet starts a conversation of its own (the fixtures' context is small).
    fresh = "\nif 'runner' in globals():\n    runner.reset()\n"
    namespace = _run(_with_fixture_files(fresh.join(blocks), fixture_dir))
    assert isinstance(namespace["text"], str) and namespace["text"]
    assert namespace["record"].keys() == {"city"}, namespace["record"]
    assert namespace["generation"].__class__.__name__ == "Generation"
    assert capsys.readouterr().out, "the snippets print what they generate"


def test_server_snippet_talks_to_et_llm_serve(fixture_dir: Path) -> None:
    (command,) = (b for b in code_blocks("Server", "bash") if b.startswith("et-llm serve"))
    (client,) = (b for b in code_blocks("Server", "python") if "OpenAI(" in b)
    name = re.search(r"--model (\S+)", command).group(1)
    model = f"{name}={fixture_dir / 'export_llm_dynamic.pte'}"
    args = ["serve", "--model", model, "--tokenizer", str(fixture_dir / "tokenizer.json")]
    args += ["--tokenizer-config", str(fixture_dir / "tokenizer_config.json"), "--port", "0"]
    with cli_server(args) as (_, url):
        namespace = _run(client.replace("http://127.0.0.1:8000/v1", url))
    assert namespace["reply"].choices[0].message.content is not None
