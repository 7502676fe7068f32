"""The installed CMake package is relocatable: copied into another site-packages (next to an
executorch wheel there), ``find_package(et_llm)`` finds that executorch, and a program built
against it runs from the copy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import et_llm

CONSUMER = """
cmake_minimum_required(VERSION 3.28)
project(consumer LANGUAGES C CXX)
find_package(et_llm CONFIG REQUIRED)
add_executable(version version.c)
target_link_libraries(version PRIVATE et_llm::c)
file(WRITE ${CMAKE_BINARY_DIR}/executorch_dir.txt "${executorch_DIR}")
"""

PROGRAM = """
#include <et_llm/c_api.h>
#include <stdio.h>
int main(void) {
  printf("%s\\n", et_llm_version());
  return 0;
}
"""


def test_moved_package_finds_its_neighbours(tmp_path: Path) -> None:
    installed = Path(et_llm.cmake_prefix_path)
    executorch = installed.parent / "executorch"
    site = tmp_path / "elsewhere" / "site-packages"
    site.mkdir(parents=True)
    shutil.copytree(installed / "lib", site / "et_llm" / "lib", symlinks=True)
    shutil.copytree(installed / "include", site / "et_llm" / "include", symlinks=True)
    (site / "executorch").symlink_to(executorch, target_is_directory=True)
    source = tmp_path / "consumer"
    source.mkdir()
    (source / "CMakeLists.txt").write_text(CONSUMER)
    (source / "version.c").write_text(PROGRAM)
    build = tmp_path / "build"
    # pip's cmake (>= 3.28) sits next to the interpreter; scripts/test.sh also puts it on PATH.
    cmake = shutil.which("cmake", path=str(Path(sys.executable).parent)) or shutil.which("cmake")
    assert cmake, "cmake is needed (pip install cmake)"
    configure = subprocess.run(
        [cmake, "-S", source, "-B", build, f"-DCMAKE_PREFIX_PATH={site / 'et_llm'}"],
        capture_output=True,
        text=True,
    )
    assert configure.returncode == 0, configure.stdout + configure.stderr
    found = Path((build / "executorch_dir.txt").read_text())
    assert found == site / "executorch" / "share" / "cmake"
    compiled = subprocess.run([cmake, "--build", build], capture_output=True, text=True)
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    ran = subprocess.run([build / "version"], capture_output=True, text=True)
    assert ran.returncode == 0 and ran.stdout.strip() == et_llm.__version__, ran.stderr
    libraries = subprocess.run(["ldd", build / "version"], capture_output=True, text=True).stdout
    assert str(site / "et_llm" / "lib" / "libet_llm_c.so") in libraries, libraries
