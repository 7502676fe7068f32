"""The tiny test fixture models, built (cached) by tests/fixtures/build.py."""

from __future__ import annotations

import sys
from pathlib import Path

# The fixture model's context is 128 positions: a prompt that leaves room for 64 new tokens.
FIXTURE_PROMPT = "Hello, world! How are you doing today? " * 2


def fixture_dir() -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.fixtures.build import fixture_dir as build

    return build()
