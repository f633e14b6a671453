"""Real text in several languages from Debian's manual-page packages (pinned, sha256-checked).

Each package is fetched with `apt-get download <name>=<version>` (the ordinary Debian client),
cached in `~/.cache/curation/debs`, checked against the sha256 below, and unpacked with
`dpkg-deb -x` into a temporary folder. Every manual page (`usr/share/man/**/*.gz`, links and
`.so` redirections left out) becomes one document: its roff source reduced to text by `roff_text`
(requests dropped, font and character escapes resolved, paragraphs kept). Pages are read in
sorted path order: same packages, same documents.

The manual pages are the Linux man-pages project (English) and their translations by the
manpages-l10n project (GPL-3.0-or-later translations of pages under their own free licenses);
the text is read where it is unpacked and never committed.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Package:
    name: str
    version: str
    sha256: str
    lang: str  # BCP-47 tag of its pages


# Debian 12 (bookworm) main; one table: name, pinned version, sha256 of the .deb, language of its pages
PACKAGES = (
    Package("manpages", "6.03-2", "efa1ba4cd19ad7baeae959c9209a7eb74be2ebb858bcabb412597bfc9f588c91", "en"),
    Package("manpages-dev", "6.03-2", "96f55cb5e26231d5567c89b692bced63825a14a2d5bd18fdf16ea2ed44eb9838", "en"),
    Package("manpages-de", "4.18.1-1", "37d2e7ee51f22952aecec3af93647ff59194a3c74bb7a694560f49c7f7ab3978", "de"),
    Package("manpages-fr", "4.18.1-1", "ec29759cc0e4a44dc7719c1e32869d0060667049e584f09556f0d982b969ea33", "fr"),
    Package("manpages-es", "4.18.1-1", "d21e9f85e487f149ae45b5c525b2b1a70ae7fd38d4b05b47c8753042c66f4c2b", "es"),
    Package("manpages-pl", "1:4.18.1-1", "31e518ea8331b5204d4fd0032037f96af1ba94a5afa4f0585dca1996b270cdf9", "pl"),
    Package("manpages-ru", "4.18.1-1", "5d5821dad5840652ba9c1c6b85bdc785c1fc52148a71c18fab6658c9659244c0", "ru"),
    Package("manpages-ja", "0.5.0.0.20221215+dfsg-1", "4d270e9a1e83be4de0c072a110892a17dc9caa4b501257324006ac28d82c5743", "ja"),
)

TEXT_MACROS = re.compile(r"^\.(?:SH|SS|B|I|BR|IR|BI|IB|RB|RI|SM|SB|IP|TP|UR|MT|OP)\b\s*")
BREAK_MACROS = re.compile(r"^\.(?:PP|LP|P|SH|SS|TP|IP|HP|sp|RS|RE|EX|EE|nf|fi|TS|TE)\b")
FONT = re.compile(r"\\f(?:\[[^\]]*\]|\(..|.)")
SIZE = re.compile(r"\\s[+-]?\d")
STRING = re.compile(r"\\\*(?:\[[^\]]*\]|\(..|.)")
CHARS = {"em": "—", "en": "–", "aq": "'", "dq": '"', "lq": "“", "rq": "”", "bu": "•", "co": "©", "oq": "‘", "cq": "’", "hy": "-"}
NAMED = re.compile(r"\\(?:\((..)|\[([^\]]*)\])")
SIMPLE = {
    "\\-": "-",
    "\\e": "\\",
    "\\ ": " ",
    "\\~": " ",
    "\\0": " ",
    "\\,": "",
    "\\/": "",
    "\\&": "",
    "\\:": "",
    "\\%": "",
    "\\|": "",
    "\\^": "",
}


class PackageChanged(RuntimeError):
    """A downloaded package's bytes differ from the pinned sha256."""


def cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "curation" / "debs"


def fetch(package: Package) -> Path:
    """The package's .deb from the cache, else from apt (`apt-get download`), checked by sha256."""
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    existing = sorted(cache.glob(f"{package.name}_*_all.deb"))
    deb = next((p for p in existing if sha256(p) == package.sha256), None)
    if deb is None:
        proc = subprocess.run(["apt-get", "download", f"{package.name}={package.version}"], cwd=cache, capture_output=True, text=True)
        if proc.returncode != 0:
            raise PackageChanged(f"apt-get download {package.name}={package.version} failed: {proc.stderr.strip()[-500:]}")
        deb = next((p for p in sorted(cache.glob(f"{package.name}_*_all.deb")) if sha256(p) == package.sha256), None)
        if deb is None:
            raise PackageChanged(f"{package.name}={package.version}: no downloaded .deb in {cache} has the pinned sha256 {package.sha256}")
    return deb


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def roff_text(source: str) -> str:
    """A manual page's roff source as plain text: paragraphs separated by blank lines."""
    paragraphs: list[list[str]] = [[]]
    for line in source.split("\n"):
        if line.startswith(('.\\"', "'\\\"", '.\\\\"')) or line.strip() in (".", "'"):
            continue
        if BREAK_MACROS.match(line) and paragraphs[-1]:
            paragraphs.append([])
        if line.startswith((".", "'")):
            match = TEXT_MACROS.match(line)
            if match is None:
                continue
            line = line[match.end() :].replace('"', "")
        text = unescape(line).strip()
        if text:
            paragraphs[-1].append(text)
    return "\n\n".join("\n".join(p) for p in paragraphs if p)


def unescape(line: str) -> str:
    line = STRING.sub("", SIZE.sub("", FONT.sub("", line)))
    line = NAMED.sub(lambda m: CHARS.get(m[1] or m[2], ""), line)
    for escape, plain in SIMPLE.items():
        line = line.replace(escape, plain)
    return line.replace("\\", "")


def pages(package: Package) -> Iterator[tuple[str, str]]:
    """(path inside the package, text) of each of its manual pages, in sorted path order."""
    with tempfile.TemporaryDirectory(prefix="curation-deb-") as tmp:
        subprocess.run(["dpkg-deb", "-x", str(fetch(package)), tmp], check=True)
        root = Path(tmp)
        for path in sorted(root.glob("usr/share/man/**/*.gz")):
            if path.is_symlink():
                continue
            try:
                source = gzip.decompress(path.read_bytes()).decode("utf-8")
            except (UnicodeDecodeError, OSError):
                continue  # a page in a legacy encoding or a damaged file: not text we can vouch for
            if source.lstrip().startswith(".so "):
                continue
            text = roff_text(source)
            if text:
                yield str(path.relative_to(root)), text
