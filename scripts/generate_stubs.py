"""Generates python/et_llm/_et_llm.pyi from the compiled module with pybind11-stubgen.

    python scripts/generate_stubs.py          # writes the stub
    python scripts/generate_stubs.py --check  # exits 1, with a diff, when it differs

The types come from the bindings' signatures (bindings/python_types.h names the
py::object parameters), formatted by ruff with the repository's settings. Generation
reads the installed et_llm._et_llm, so install the package first. What generation
cannot express is the hand-written layer at the end of this file (HAND_WRITTEN).
"""

from __future__ import annotations

import argparse
import difflib
import enum
import importlib.util
import inspect
import subprocess
import sys
import tempfile
import textwrap
import types
from pathlib import Path
from typing import Any

from pybind11_stubgen import CLIArgs, arg_parser, run, stub_parser_from_args
from pybind11_stubgen.parser.interface import IParser
from pybind11_stubgen.printer import Printer
from pybind11_stubgen.structs import (
    Alias,
    Attribute,
    Class,
    Docstring,
    Field,
    Identifier,
    Method,
    Property,
    QualifiedName,
    Value,
)
from pybind11_stubgen.writer import Writer

ROOT = Path(__file__).resolve().parent.parent
STUB = ROOT / "python" / "et_llm" / "_et_llm.pyi"
MODULE = "et_llm._et_llm"
HEADER = "# Generated from et_llm._et_llm by scripts/generate_stubs.py: do not edit.\n"
# Docstring lines fit the 100 columns at the deepest indent a stub has (8, methods).
DOC_WIDTH = 100 - 8

# Where generation cannot express it: a Protocol, which has no runtime class for a
# signature to name (bindings/python_types.h's TokenizerLikeHint names it).
HAND_WRITTEN = '''

# Hand-written in scripts/generate_stubs.py (HAND_WRITTEN): what the signatures name
# but no runtime class is.
class _TokenizerLike(typing.Protocol):
    """Any tokenizer object with encode() and decode(): tokenizers.Tokenizer, transformers."""

    @property
    def encode(self) -> collections.abc.Callable[..., typing.Any]: ...
    @property
    def decode(self) -> collections.abc.Callable[..., typing.Any]: ...
'''
UNRESOLVED = r"^_TokenizerLike$"  # declared by HAND_WRITTEN
# Defaults stubgen cannot tell are Python (py::arg_v gives their text): printed as they are.
PRINT_SAFE_DEFAULTS = r"^ImageLayout\.[A-Z]+$"


class EnumMembersAsValues(IParser):
    """An enum.Enum class (py::native_enum's ErrorCode) as members ``NAME = value``, the
    typing spec's form for enum members in stubs, without the methods enum itself gives
    the class (stubgen writes ``NAME: ClassVar[Cls]`` and copies ``__new__``)."""

    def handle_class_member(
        self, path: QualifiedName, class_: type, obj: Any
    ) -> Docstring | Alias | Class | list[Method] | Field | Property | None:
        if not issubclass(class_, enum.Enum) or path[-1] == "__doc__":
            return super().handle_class_member(path, class_, obj)
        if isinstance(obj, class_):
            value = Value(repr=repr(obj.value), is_print_safe=True)
            return Field(attribute=Attribute(name=Identifier(path[-1]), value=value), modifier=None)
        return None


class WrappedDocstringPrinter(Printer):
    """Docstrings wrapped to the line length (the C++ strings are long single lines)."""

    def print_docstring(self, doc: Docstring) -> list[str]:
        lines: list[str] = []
        for line in doc.lstrip("\n").splitlines():
            indent = line[: len(line) - len(line.lstrip())]
            wrapped = textwrap.wrap(
                line.strip(),
                DOC_WIDTH,
                initial_indent=indent,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            lines.extend(wrapped or [""])
        return super().print_docstring(Docstring("\n".join(lines)))


def import_compiled_module() -> None:
    """Imports et_llm._et_llm without running et_llm/__init__.py, so that the stubs
    describe the compiled module alone: the package's Python layer (e.g. streaming
    helpers set on its classes at import) has its own annotations in its own files."""
    spec = importlib.util.find_spec("et_llm")
    if spec is None or spec.submodule_search_locations is None:
        sys.exit("et_llm is not installed: pip install . first")
    package = types.ModuleType("et_llm")
    package.__path__ = list(spec.submodule_search_locations)
    sys.modules["et_llm"] = package
    importlib.import_module(MODULE)


def stubgen_output() -> str:
    """The stub pybind11-stubgen writes for the module (an error in it fails)."""
    args = arg_parser().parse_args(
        [
            "--exit-code",
            "--ignore-unresolved-names",
            UNRESOLVED,
            "--print-safe-value-reprs",
            PRINT_SAFE_DEFAULTS,
            MODULE,
        ],
        namespace=CLIArgs(),
    )
    parser = stub_parser_from_args(args)
    # This file's fix first in the method order, on the parser the arguments configured.
    parser.__class__ = type("Parser", (EnumMembersAsValues, type(parser)), {})
    printer = WrappedDocstringPrinter(invalid_expr_as_ellipses=True)
    with tempfile.TemporaryDirectory() as out:
        run(parser, printer, [MODULE], out, root_suffix=None, dry_run=False, writer=Writer())
        return (Path(out) / "et_llm" / "_et_llm.pyi").read_text()


def ruff(command: list[str], source: str) -> str:
    """`source` through ruff with the repository's settings (it reads them for the stub's path)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--stdin-filename", str(STUB), "-"],
        input=source,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"ruff {' '.join(command)} failed on the generated stub:\n{result.stderr}")
    return result.stdout


def generate() -> str:
    import_compiled_module()
    source = HEADER + stubgen_output() + HAND_WRITTEN
    # Formatted first: the check's line length is judged on formatted code.
    source = ruff(["format", "--quiet"], source)
    return ruff(["format", "--quiet"], ruff(["check", "--fix", "--quiet"], source))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=inspect.cleandoc(__doc__ or ""))
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--stub", type=Path, default=STUB, help="the stub file (%(default)s)")
    options = parser.parse_args(argv)
    fresh = generate()
    if not options.check:
        options.stub.write_text(fresh)
        return 0
    current = options.stub.read_text() if options.stub.exists() else ""
    if current == fresh:
        return 0
    diff = difflib.unified_diff(
        current.splitlines(keepends=True),
        fresh.splitlines(keepends=True),
        fromfile=f"{options.stub} (checked in)",
        tofile=f"{options.stub} (generated)",
    )
    sys.stdout.writelines(diff)
    print(
        f"{options.stub} differs from the stubs the compiled module gives: "
        "run python scripts/generate_stubs.py",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
