"""The KenLM trainer tools: found or built from the PyPI sdist, with clear errors."""

from __future__ import annotations

import subprocess
import tarfile

import pytest

from curation.lm.tools import SYSTEM_PACKAGES, KenlmBuildError, build_tools, ensure_tools, find_tools

pytestmark = pytest.mark.kenlm


def test_ensure_tools_gives_working_lmplz_and_build_binary():
    # first run on a fresh machine: downloads the sdist and compiles (about a minute),
    # then the project-local cache (.tools/kenlm) makes every later run instant
    tools = ensure_tools()
    assert tools.lmplz.name == "lmplz" and tools.build_binary.name == "build_binary"
    proc = subprocess.run([str(tools.lmplz), "--help"], capture_output=True, text=True)
    assert "order" in proc.stdout + proc.stderr
    assert find_tools() == tools


def test_find_tools_in_empty_folder_without_path(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "nothing"))
    assert find_tools(tmp_path) is None


def _sdist(tmp_path, cmake_body: str):
    src = tmp_path / "kenlm-0.0.0"
    src.mkdir()
    (src / "CMakeLists.txt").write_text(cmake_body)
    sdist = tmp_path / "kenlm-0.0.0.tar.gz"
    with tarfile.open(sdist, "w:gz") as tar:
        tar.add(src, arcname="kenlm-0.0.0")
    return sdist


def test_failed_configure_names_the_system_packages(tmp_path):
    # what cmake prints on a machine without Boost
    sdist = _sdist(
        tmp_path,
        'cmake_minimum_required(VERSION 3.10)\nproject(k)\nmessage(FATAL_ERROR "Could NOT find Boost (missing: program_options system thread)")\n',
    )
    with pytest.raises(KenlmBuildError) as err:
        build_tools(tmp_path / "tools", sdist=sdist, log=lambda m: None)
    message = str(err.value)
    assert "cmake configure" in message and "Could NOT find Boost" in message
    assert f"apt-get install -y {' '.join(SYSTEM_PACKAGES)}" in message
    assert "libboost-program-options-dev" in message and "libeigen3-dev" in message
    assert not (tmp_path / "tools" / "bin" / "lmplz").exists()


def test_not_an_sdist_is_a_clear_error(tmp_path):
    bogus = tmp_path / "kenlm-0.3.0.tar.gz"
    bogus.write_bytes(b"not a tarball")
    with pytest.raises(KenlmBuildError, match="not a readable kenlm sdist"):
        build_tools(tmp_path / "tools", sdist=bogus, log=lambda m: None)


def test_built_tools_are_installed_into_bin_with_no_temporary_left(tmp_path):
    # a stand-in sdist: configuring writes the two programs as shell scripts, `make <tool>` has nothing to do
    sdist = _sdist(
        tmp_path,
        (
            "cmake_minimum_required(VERSION 3.10)\nproject(k NONE)\n"
            "foreach(tool lmplz build_binary)\n"
            '  file(WRITE ${CMAKE_BINARY_DIR}/bin/${tool} "#!/bin/sh\\necho ${tool}\\n")\n'
            "  execute_process(COMMAND chmod +x ${CMAKE_BINARY_DIR}/bin/${tool})\n"
            "  add_custom_target(${tool})\n"
            "endforeach()\n"
        ),
    )
    tools = build_tools(tmp_path / "tools", sdist=sdist, log=lambda m: None)
    assert tools.lmplz == tmp_path / "tools" / "bin" / "lmplz"
    assert subprocess.run([str(tools.build_binary)], capture_output=True, text=True).stdout == "build_binary\n"
    assert sorted(p.name for p in (tmp_path / "tools").iterdir()) == ["bin"]
    assert sorted(p.name for p in (tmp_path / "tools" / "bin").iterdir()) == ["build_binary", "lmplz"]
