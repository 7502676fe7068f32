"""The Swift package (swift/) against the installed C library: it builds, its tests pass on the
fixtures, and the README's Swift program builds and runs as written.

Needs a Swift toolchain (PATH, else /opt/swift/usr/bin/swift); without one these tests fail
unless ET_LLM_SKIP_SWIFT=1. SwiftPM reads et_llm_c.pc from the installed package but drops its
rpath, so the tests pass the library directory to the linker, as the README says to.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import et_llm

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "swift"
# Builds are kept between runs (a clean build of the package takes a while on two cores).
SCRATCH = ROOT / "build" / "swift"
README = ROOT / "README.md"
BUILD_TIMEOUT = 1800
RUN_TIMEOUT = 600


@pytest.fixture(scope="module")
def swift() -> str:
    if os.environ.get("ET_LLM_SKIP_SWIFT") == "1":
        pytest.skip("ET_LLM_SKIP_SWIFT=1")
    found = shutil.which("swift")
    if found is None and Path("/opt/swift/usr/bin/swift").exists():
        found = "/opt/swift/usr/bin/swift"
    if found is None:
        pytest.fail("no swift on PATH or at /opt/swift/usr/bin/swift (ET_LLM_SKIP_SWIFT=1 skips)")
    return found


@pytest.fixture(scope="module")
def library_dir() -> Path:
    lib = Path(et_llm.__file__).resolve().parent / "lib"
    assert (lib / "libet_llm_c.so").exists(), f"the installed package has no C library in {lib}"
    assert (lib / "pkgconfig" / "et_llm_c.pc").exists(), f"no et_llm_c.pc in {lib}/pkgconfig"
    return lib


def linker_flags(library_dir: Path) -> list[str]:
    return ["-Xlinker", "-rpath", "-Xlinker", str(library_dir)]


def swift_env(library_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    previous = env.get("PKG_CONFIG_PATH")
    pkgconfig = str(library_dir / "pkgconfig")
    env["PKG_CONFIG_PATH"] = f"{pkgconfig}:{previous}" if previous else pkgconfig
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str], cwd: Path, timeout: int) -> str:
    done = subprocess.run(
        args,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} exited with {done.returncode}:\n{output}"
    return output


@pytest.fixture(scope="module")
def package_build(swift: str, library_dir: Path) -> str:
    """Builds the package and its tests; returns the compiler's output."""
    # The package's own modules are compiled afresh (the rest of the cache is kept), so the
    # output has their warnings.
    for target in ("ExecuTorchLLM", "ExecuTorchLLMTests"):
        shutil.rmtree(SCRATCH / "debug" / f"{target}.build", ignore_errors=True)
    return run(
        [swift, "build", "--build-tests", "--scratch-path", str(SCRATCH)]
        + linker_flags(library_dir),
        swift_env(library_dir),
        PACKAGE,
        BUILD_TIMEOUT,
    )


def test_package_builds_without_warnings_in_its_sources(package_build: str) -> None:
    warnings = [
        line for line in package_build.splitlines() if str(PACKAGE) in line and ": warning:" in line
    ]
    assert warnings == [], "\n".join(warnings)


def test_swift_tests_pass_on_the_fixtures(
    swift: str, library_dir: Path, package_build: str, fixture_dir: Path, multimodal_dir: Path
) -> None:
    env = swift_env(
        library_dir,
        ET_LLM_FIXTURES_DIR=str(fixture_dir),
        ET_LLM_MULTIMODAL_FIXTURES_DIR=str(multimodal_dir),
    )
    output = run(
        [swift, "test", "--scratch-path", str(SCRATCH)] + linker_flags(library_dir),
        env,
        PACKAGE,
        RUN_TIMEOUT,
    )
    summary = re.search(r"Test run with (\d+) tests? in \d+ suites? passed", output)
    assert summary is not None, output
    assert int(summary.group(1)) >= 40, output
    # With the fixtures given, every test must have run.
    skipped = [line for line in output.splitlines() if " skipped" in line]
    assert skipped == [], "\n".join(skipped)


def swift_section_blocks(readme: Path) -> list[str]:
    """The ```swift blocks of the README's first section whose heading names Swift."""
    blocks: list[str] = []
    level = 0  # the Swift section's heading level once inside it
    fence: list[str] | None = None  # the lines of the open code block, if any
    fence_is_swift = False
    for line in readme.read_text().splitlines():
        if fence is not None:
            if line.startswith("```"):
                if level and fence_is_swift:
                    blocks.append("\n".join(fence) + "\n")
                fence = None
            else:
                fence.append(line)
            continue
        if line.startswith("```"):
            fence = []
            fence_is_swift = line.strip() == "```swift"
            continue
        heading = re.match(r"(#+) (.*)", line)
        if heading is None:
            continue
        depth = len(heading.group(1))
        if level and depth <= level:
            break
        if not level and re.search(r"\bSwift\b", heading.group(2)):
            level = depth
    assert level, f"{readme} has no heading naming Swift"
    return blocks


def test_readme_swift_program_builds_and_runs(
    swift: str, library_dir: Path, fixture_dir: Path, tmp_path: Path
) -> None:
    blocks = swift_section_blocks(README)
    manifests = [b for b in blocks if b.startswith("// swift-tools-version")]
    programs = [b for b in blocks if "import ExecuTorchLLM" in b]
    assert len(manifests) == 1 and len(programs) == 1, blocks
    manifest = manifests[0]
    target = re.search(r'\.executableTarget\(\s*name:\s*"([^"]+)"', manifest)
    assert target is not None, manifest
    # The README's dependency path stands for wherever the user keeps et_llm.
    manifest, count = re.subn(
        r'\.package\(path:\s*"[^"]*"\)', f".package(path: {json.dumps(str(PACKAGE))})", manifest
    )
    assert count == 1, manifest

    app = tmp_path / "app"
    sources = app / "Sources" / target.group(1)
    sources.mkdir(parents=True)
    (app / "Package.swift").write_text(manifest)
    (sources / "main.swift").write_text(programs[0])
    scratch = tmp_path / "build"
    env = swift_env(library_dir)
    run(
        [swift, "build", "--scratch-path", str(scratch), *linker_flags(library_dir)],
        env,
        app,
        BUILD_TIMEOUT,
    )
    binary = scratch / "debug" / target.group(1)
    assert binary.exists()

    model = fixture_dir / "export_llm_dynamic.pte"
    tokenizer = fixture_dir / "tokenizer.json"
    done = subprocess.run(
        [str(binary), str(model), str(tokenizer), "Hello, world! How are you doing"],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip(), f"the program printed no text:\n{done.stderr}"

    missing = subprocess.run(
        [str(binary), str(tmp_path / "missing.pte"), str(tokenizer)],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    assert missing.returncode != 0, missing.stdout + missing.stderr
    assert "NotFound" in missing.stdout + missing.stderr, missing.stdout + missing.stderr
