"""The KenLM trainer tools (`lmplz`, `build_binary`), built from the PyPI sdist when missing.

The `kenlm` wheel only ships the query module; the trainer is C++ that must be
compiled. The sdist on PyPI carries the full source, so the project builds the two
tools itself into a cache folder once, instead of asking operators to find them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from curation.atomic import atomic_path

KENLM_VERSION = "0.3.0"
# Debian/Ubuntu packages the build needs (cmake, a C++ compiler and the compression
# libraries are often present already; Boost and Eigen usually are not)
SYSTEM_PACKAGES = (
    "cmake",
    "g++",
    "make",
    "libboost-program-options-dev",
    "libboost-system-dev",
    "libboost-thread-dev",
    "libboost-test-dev",
    "libeigen3-dev",
    "zlib1g-dev",
    "libbz2-dev",
    "liblzma-dev",
)
TOOL_NAMES = ("lmplz", "build_binary")


class KenlmBuildError(RuntimeError):
    pass


@dataclass(frozen=True)
class KenlmTools:
    lmplz: Path
    build_binary: Path


def default_tools_dir() -> Path:
    """`$CURATION_KENLM_DIR`, else `.tools/kenlm` in a source checkout, else the user cache."""
    env = os.environ.get("CURATION_KENLM_DIR")
    if env:
        return Path(env)
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").exists():
        return checkout / ".tools" / "kenlm"
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "curation" / "kenlm"


def find_tools(tools_dir: Path | None = None) -> KenlmTools | None:
    """Tools already built into `tools_dir/bin`, or on PATH; None when absent."""
    bin_dir = (tools_dir or default_tools_dir()) / "bin"
    found = {}
    for name in TOOL_NAMES:
        candidate = bin_dir / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            found[name] = candidate
        elif shutil.which(name):
            found[name] = Path(shutil.which(name))
    if len(found) == len(TOOL_NAMES):
        return KenlmTools(**found)
    return None


def ensure_tools(tools_dir: Path | None = None, log=print) -> KenlmTools:
    """The tools, building them first if this machine lacks them."""
    tools_dir = tools_dir or default_tools_dir()
    tools = find_tools(tools_dir)
    if tools is not None:
        return tools
    log(f"KenLM trainer tools not found; building kenlm=={KENLM_VERSION} from its sdist into {tools_dir} (about a minute)")
    return build_tools(tools_dir, log=log)


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if proc.returncode != 0:
        tail = "\n".join(proc.stdout.splitlines()[-25:])
        raise KenlmBuildError(
            f"building the KenLM tools failed at {what} ({' '.join(cmd[:3])} ...):\n{tail}\n"
            f"The build needs these system packages: {' '.join(SYSTEM_PACKAGES)}\n"
            f"Install them (Debian/Ubuntu): apt-get install -y {' '.join(SYSTEM_PACKAGES)}"
        )


def download_sdist(dest: Path) -> Path:
    """The kenlm sdist from PyPI, through pip (the ordinary registry client)."""
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-binary",
            "kenlm",
            f"kenlm=={KENLM_VERSION}",
            "-d",
            str(dest),
        ],
        dest,
        "downloading the kenlm sdist",
    )
    found = sorted(dest.glob("kenlm-*.tar.gz"))
    if not found:
        raise KenlmBuildError(f"pip download left no kenlm-*.tar.gz in {dest}")
    return found[0]


def build_tools(tools_dir: Path, sdist: Path | None = None, jobs: int = 2, log=print) -> KenlmTools:
    """Compile `lmplz` and `build_binary` from the sdist and install them atomically."""
    missing = [tool for tool in ("cmake", "make") if shutil.which(tool) is None]
    if missing:
        raise KenlmBuildError(
            f"cannot build the KenLM tools: {', '.join(missing)} not found. "
            f"Install the system packages: apt-get install -y {' '.join(SYSTEM_PACKAGES)}"
        )
    tools_dir = Path(tools_dir)
    tools_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kenlm-build-", dir=tools_dir) as tmp:
        work = Path(tmp)
        if sdist is None:
            sdist = download_sdist(work)
        try:
            with tarfile.open(sdist) as tar:
                tar.extractall(work / "src", filter="data")
        except (OSError, tarfile.TarError) as exc:
            raise KenlmBuildError(f"{sdist}: not a readable kenlm sdist: {exc}") from None
        roots = [p.parent for p in (work / "src").glob("*/CMakeLists.txt")]
        if not roots:
            raise KenlmBuildError(f"{sdist}: no CMakeLists.txt inside; is it the kenlm sdist?")
        build = roots[0] / "build"
        build.mkdir()
        _run(["cmake", "..", "-DCMAKE_BUILD_TYPE=Release"], build, "cmake configure")
        _run(["make", f"-j{jobs}", *TOOL_NAMES], build, "make")
        for name in TOOL_NAMES:
            with atomic_path(tools_dir / "bin" / name) as staged:
                shutil.copy2(build / "bin" / name, staged)
    log(f"KenLM tools ready in {tools_dir / 'bin'}")
    tools = find_tools(tools_dir)
    assert tools is not None
    return tools
