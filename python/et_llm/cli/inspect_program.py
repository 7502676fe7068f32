"""`et-llm inspect`: the methods of a .pte, their inputs/outputs, and its metadata values."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from et_llm.errors import NotFoundError

EXAMPLES = """examples:
  et-llm inspect model.pte
  et-llm inspect --json model.pte | jq '.methods.forward.inputs'
  et-llm inspect --no-load big_model.pte        # skip loading methods (dynamism unknown)
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pte", type=Path, help="the .pte file")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--no-load",
        action="store_true",
        help="do not load methods (faster; shape dynamism is then 'unknown')",
    )


def _tensor(value: dict[str, Any]) -> str:
    if value["tag"] != "tensor":
        return value["tag"]
    shape = "x".join(str(size) for size in value["shape"]) or "scalar"
    dynamic = {"static": "", "unknown": ""}.get(value["dynamism"], f" ({value['dynamism']})")
    return f"{value['dtype']}[{shape}]{dynamic}"


def _constant(values: list[float]) -> str:
    shown = [int(v) if float(v).is_integer() else v for v in values]
    return str(shown[0]) if len(shown) == 1 else str(shown)


def format_human(program: dict[str, Any]) -> str:
    methods = program["methods"]
    lines = [f"{program['path']}  ({program['file_bytes'] / 2**20:.1f} MiB)", "", "methods:"]
    for name, method in methods.items():
        if method["constant_values"] is not None:
            continue
        inputs = ", ".join(_tensor(v) for v in method["inputs"])
        outputs = ", ".join(_tensor(v) for v in method["outputs"])
        lines.append(f"  {name}({inputs}) -> {outputs}")
        details = []
        if method["backends"]:
            calls = method["delegate_calls"]
            details.append(f"backends: {', '.join(method['backends'])} ({calls} delegate calls)")
        planned = sum(b for b in method["planned_buffer_bytes"] if b > 0)
        details.append(f"planned memory: {planned / 2**20:.1f} MiB")
        details.append(f"{method['num_instructions']} instructions")
        if method["in_place_cache_updates"]:
            details.append(f"{method['in_place_cache_updates']} cache updates run in place")
        if method["elided_copies"]:
            details.append(f"{method['elided_copies']} copies elided")
        lines.append("    " + "; ".join(details))
        if method["load_error"]:
            lines.append(f"    not loadable: {method['load_error']}")
    constants = {n: m for n, m in methods.items() if m["constant_values"] is not None}
    if constants:
        lines += ["", "metadata:"]
        width = max(len(name) for name in constants)
        for name, method in constants.items():
            lines.append(f"  {name:<{width}}  {_constant(method['constant_values'])}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    import et_llm

    if not args.pte.is_file():
        raise NotFoundError(f"no such file: {args.pte}")
    program = et_llm.inspect_program(args.pte, load_methods=not args.no_load)
    print(json.dumps(program, indent=2) if args.json else format_human(program))
    return 0
