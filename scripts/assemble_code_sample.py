"""Assemble the sample's code source, `samples/data/code/<package>/`, from pinned Debian packages (run at setup).

    python scripts/assemble_code_sample.py        # also the last step of scripts/assemble_data.py

Each package is fetched with `apt-get download PKG=VERSION` into ~/.cache/curation/debs, checked by sha256,
unpacked with `dpkg-deb -x` into a temporary folder, and a sorted, bounded selection of its source files is
copied (bytes unchanged) below one folder per package. A package that ships no license file at the chosen
base gets a one-line `LICENSE` of ours naming the SPDX id of its Debian copyright file (`sources/code.py`
reads it as the repository's license). A few more real files, which the code filters' tests expect to fail
one check each, go to `tests/data/code/`. The same packages give the same bytes on every run.
`samples/data/code/README.md` (committed) lists each package, version and license.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
OUT = "samples/data/code"
MAX_FILE_BYTES = 48 * 1024  # the sample stays small: no single-header libraries


class Package(NamedTuple):  # a NamedTuple: assemble_data.py loads this file without registering it as a module
    name: str
    version: str
    sha256: str  # of the .deb
    license: str  # SPDX id of the files taken, from the package's debian/copyright
    base: str  # folder inside the package the files are taken below (or a .tar.gz inside it)
    patterns: tuple[str, ...]  # fnmatch patterns of paths below `base`
    limit: int  # files taken, in sorted order
    renames: tuple[tuple[str, str], ...] = ()  # (path below base, new path): files without an extension


ROUGE_DEMOS = (
    ("c", "c"), ("cpp", "cpp"), ("csharp", "cs"), ("go", "go"), ("java", "java"), ("javascript", "js"), ("lua", "lua"),
    ("php", "php"), ("python", "py"), ("ruby", "rb"), ("rust", "rs"), ("scala", "scala"), ("typescript", "ts"),
)  # fmt: skip

PACKAGES: tuple[Package, ...] = (
    Package("golang-github-pkg-errors-dev", "0.9.1-2", "87227544904795f81d8c660b7854045a1ef78d5c690993bb4a0c43e05104ca64",
            "BSD-2-Clause", "usr/share/gocode/src/github.com/pkg/errors", ("*.go",), 10),
    Package("librust-cfg-if-dev", "1.0.0-1", "d14d3e514f6a497ad3bda68b6e810ddf5b821da7016ee388a45e97f94e15caa9",
            "MIT OR Apache-2.0", "usr/share/cargo/registry/cfg-if-1.0.0", ("*.rs", "LICENSE-MIT"), 10),
    Package("node-semver", "7.3.5+~7.3.9-2", "1eeb2fa876308f117432ed87186f68fb5aac254c68eeec9bd9e4e942d40d1566",
            "ISC", "usr/share/nodejs", ("semver/*.js", "@types/semver/*.ts"), 60),
    Package("lua-penlight", "1.13.1-3", "69918434ee650d06aa470d49ba05a1a16ae43e66b8216e135cc5075f7d5d9ff3",
            "MIT", "usr/share/lua/5.1/pl", ("*.lua",), 12),
    Package("php-psr-log", "1.1.4-2", "737d70a65a1bfa16ea8b09892592d35824171729d3f781a7c32250e5b28416d7",
            "MIT", "usr/share/php/Psr/Log", ("*.php",), 12),
    Package("python3-six", "1.16.0-4", "fd189e9cecbcf17a1fc20aec30055c8afa9c1eec00cd6e7ab385087a2ab3b0d3",
            "MIT", "usr/lib/python3/dist-packages", ("six.py",), 1),
    Package("python3-debian", "0.1.49", "7d9c74b5c50f0d6367c5c18605161b6b235dd5ed70359ef0e53a4cea159536e0",
            "GPL-3.0-or-later", "usr/lib/python3/dist-packages/debian", ("arfile.py", "debfile.py"), 2),
    Package("nlohmann-json3-dev", "3.11.2-2", "ec57940def6b6186c30be0e0ee81d1e58f86d11a54a145b28686a1e3e4aae801",
            "MIT", "usr/include/nlohmann", ("*.hpp",), 14),
    Package("zlib1g-dev", "1:1.2.13.dfsg-1", "f9ce531f60cbd5df37996af9370e0171be96902a17ec2bdbd8d62038c354094f",
            "Zlib", "usr/share/doc/zlib1g-dev/examples", ("*.c",), 8),
    Package("ruby-rouge", "3.30.0-2", "6dc70df7d84136ad5849c94a60e5dd1f56f7435cb4c3e14e938abff6df4235fb",
            "MIT", "usr/share", ("rubygems-integration/all/gems/rouge-3.30.0/lib/rouge/*.rb",), 14,
            tuple((f"ruby-rouge/demos/{demo}", f"demos/{demo}.{ext}") for demo, ext in ROUGE_DEMOS)),
    Package("bsh-src", "2.0b4-20", "8bc67e9514560ef9e15beff101ed1ffb54a448588c2403987f407cd11547c00d",
            "LGPL-2.1-only", "usr/src/bsh-src/bsh.tar.gz", ("src/bsh/*.java",), 14),
)  # fmt: skip


# real files the code filters' tests expect to fail a check (tests/data/code/, gitignored): (package, version,
# sha256 of the .deb, path inside it, name written); the license of each is its package's
FIXTURE_DIR = "tests/data/code"
FIXTURES: tuple[tuple[str, str, str, str, str], ...] = (
    ("node-pako", "2.1.0+ds-1", "20e5a8b5bb13c6a9ae3b2a3493e74403f6fea2548773b60c061995a5a2cac85a",
     "usr/share/nodejs/pako/dist/pako_inflate.min.js", "pako_inflate.min.js"),
    ("python3-pygments", "2.14.0+dfsg-1", "405734a57b8d2722d10413c511d9b63ee78bbbdab8b2b689d7295260bc9618a2",
     "usr/lib/python3/dist-packages/pygments/lexers/_csound_builtins.py", "_csound_builtins.py"),
    ("swig4.0-examples", "4.1.0-0.2", "c32b95ae49ff887a720177e7c4b04af17073f08a46921439bac0e813c69f4bc3",
     "usr/share/doc/swig4.0-examples/Examples/test-suite/octave/octave_empty.c", "octave_empty.c"),
    ("swig4.0-examples", "4.1.0-0.2", "c32b95ae49ff887a720177e7c4b04af17073f08a46921439bac0e813c69f4bc3",
     "usr/share/doc/swig4.0-examples/Examples/test-suite/python/empty_runme.py", "empty_runme.py"),
    ("nlohmann-json3-dev", "3.11.2-2", "ec57940def6b6186c30be0e0ee81d1e58f86d11a54a145b28686a1e3e4aae801",
     "usr/share/doc/nlohmann-json3-dev/examples/diff.output", "diff.output"),
    ("php-psr-log", "1.1.4-2", "737d70a65a1bfa16ea8b09892592d35824171729d3f781a7c32250e5b28416d7",
     "usr/share/php/Psr/Log/autoload.php", "autoload.php"),
)  # fmt: skip


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "curation" / "debs"


def fetch(pkg: Package | tuple) -> Path:
    """The package's .deb from the Debian archive (apt-get download), cached, checked by sha256."""
    if not isinstance(pkg, Package):  # (name, version, sha256) of a fixture's package
        pkg = Package(pkg[0], pkg[1], pkg[2], "", "", (), 0)
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(f"{pkg.name}_*.deb"))
    deb = next((d for d in found if hashlib.sha256(d.read_bytes()).hexdigest() == pkg.sha256), None)
    if deb is None:
        with tempfile.TemporaryDirectory(dir=cache) as tmp:
            run = subprocess.run(["apt-get", "download", f"{pkg.name}={pkg.version}"], cwd=tmp, capture_output=True, text=True)
            debs = sorted(Path(tmp).glob("*.deb"))
            if run.returncode != 0 or not debs:
                raise RuntimeError(
                    f"apt-get download {pkg.name}={pkg.version} failed (run `apt-get update` first?): {run.stderr.strip()[:300]}"
                )
            deb = cache / debs[0].name
            os.replace(debs[0], deb)
    digest = hashlib.sha256(deb.read_bytes()).hexdigest()
    if digest != pkg.sha256:
        raise RuntimeError(f"{deb}: sha256 {digest}, expected {pkg.sha256} ({pkg.name} {pkg.version})")
    return deb


def package_files(pkg: Package, deb: Path, tmp: Path) -> dict[str, bytes]:
    """{path below the package's folder: bytes} of the files taken from one package."""
    subprocess.run(["dpkg-deb", "-x", str(deb), str(tmp)], check=True)
    base = tmp / pkg.base
    if base.name.endswith(".tar.gz"):
        with tarfile.open(base) as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            chosen = select(pkg, {name: m.size for name, m in members.items()})
            return {name: tar.extractfile(members[name]).read() for name in chosen}
    sizes = {p.relative_to(base).as_posix(): p.stat().st_size for p in base.rglob("*") if p.is_file()}
    files = {name: (base / name).read_bytes() for name in select(pkg, sizes)}
    for old, new in pkg.renames:
        files[new] = (base / old).read_bytes()
    return files


def select(pkg: Package, sizes: dict[str, int]) -> list[str]:
    names = sorted(n for n, size in sizes.items() if size <= MAX_FILE_BYTES and any(fnmatch.fnmatch(n, p) for p in pkg.patterns))
    return names[: pkg.limit]


def license_line(pkg: Package) -> bytes:
    return (
        f"SPDX-License-Identifier: {pkg.license}\n\n"
        f"The files of this folder come from the Debian package {pkg.name} {pkg.version}; the license terms are in\n"
        f"its /usr/share/doc/{pkg.name}/copyright (written by scripts/assemble_code_sample.py).\n"
    ).encode()


def assemble(write) -> list[str]:
    """Write every package's files through `write(rel, bytes)`; returns the paths written."""
    written = []
    for pkg in PACKAGES:
        with tempfile.TemporaryDirectory() as tmp:
            files = package_files(pkg, fetch(pkg), Path(tmp))
        if not any(name.startswith(("LICENSE", "COPYING")) for name in files):
            files["LICENSE"] = license_line(pkg)
        for name, data in sorted(files.items()):
            rel = f"{OUT}/{pkg.name}/{name}"
            write(rel, data)
            written.append(rel)
    for name, version, sha256, inside, target in FIXTURES:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run(["dpkg-deb", "-x", str(fetch((name, version, sha256))), tmp], check=True)
            write(f"{FIXTURE_DIR}/{target}", (Path(tmp) / inside).read_bytes())
        written.append(f"{FIXTURE_DIR}/{target}")
    return written


def main() -> int:
    target = ROOT / OUT
    if target.exists():
        for child in target.iterdir():
            if child.is_dir():
                shutil.rmtree(child)  # files a changed selection no longer takes

    def write(rel: str, data: bytes) -> None:
        p = ROOT / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)

    try:
        written = assemble(write)
    except (RuntimeError, FileNotFoundError, subprocess.CalledProcessError) as exc:
        print(f"assemble_code_sample: {exc}", file=sys.stderr)
        return 2
    print(f"assembled {len(written)} code files into {OUT}/ from {len(PACKAGES)} Debian packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
