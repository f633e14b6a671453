"""The programming languages a code source yields: one table, read by the `code` adapter (detection), the code
filters (per-language parameters), the report and data cards (names).

A code document's `lang` is `zxx-x-<subtag>`: BCP-47 `zxx` ("no linguistic content") with a private-use
subtag naming the programming language (at most 8 letters, so `js` and `ts`, not `javascript`). The tag
stays valid BCP-47 (langcodes reads it as `zxx`), and since every stage already groups by `lang`, stats,
the report, data cards, tokenizer sampling groups, dedup folders and the token manifest are per
programming language without a column of their own.

Detection, in order: a special file name (`Rakefile`, `SConstruct`), the extension, then the
interpreter of a `#!` line (`#!/usr/bin/env python3`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

CODE_PREFIX = "zxx-x-"


@dataclass(frozen=True)
class ProgLang:
    name: str  # as people write it: "C++"
    subtag: str  # the private-use subtag of the document's tag: "cpp" -> zxx-x-cpp
    extensions: tuple[str, ...]
    filenames: tuple[str, ...] = ()
    interpreters: tuple[str, ...] = ()  # `#!` interpreters, without version digits

    @property
    def tag(self) -> str:
        return CODE_PREFIX + self.subtag


# BLOOM's 13 programming languages (ROOTS' GitHub code)
LANGUAGES: tuple[ProgLang, ...] = (
    ProgLang("C", "c", (".c", ".h")),
    ProgLang("C++", "cpp", (".cpp", ".cc", ".cxx", ".c++", ".hpp", ".hh", ".hxx", ".h++", ".ipp", ".tpp")),
    ProgLang("C#", "csharp", (".cs", ".csx")),
    ProgLang("Go", "go", (".go",)),
    ProgLang("Java", "java", (".java",)),
    ProgLang("JavaScript", "js", (".js", ".mjs", ".cjs", ".jsx"), ("Jakefile",), ("node", "nodejs")),
    ProgLang("Lua", "lua", (".lua",), (), ("lua", "luajit")),
    ProgLang("PHP", "php", (".php", ".phtml", ".php3", ".php4", ".php5", ".phps"), (), ("php",)),
    ProgLang(
        "Python",
        "python",
        (".py", ".pyi", ".pyw"),
        ("SConstruct", "SConscript", "wscript"),
        ("python", "pypy"),
    ),
    ProgLang(
        "Ruby",
        "ruby",
        (".rb", ".rake", ".gemspec", ".ru"),
        ("Rakefile", "Gemfile", "Guardfile", "Vagrantfile", "Capfile", "Podfile", "Brewfile"),
        ("ruby", "jruby"),
    ),
    ProgLang("Rust", "rust", (".rs",), (), ("rust-script",)),
    ProgLang("Scala", "scala", (".scala", ".sc", ".sbt"), (), ("scala",)),
    ProgLang("TypeScript", "ts", (".ts", ".tsx", ".mts", ".cts"), (), ("ts-node", "deno", "tsx")),
)
BY_TAG = {lang.tag: lang for lang in LANGUAGES}
BY_EXTENSION = {ext: lang for lang in LANGUAGES for ext in lang.extensions}
BY_FILENAME = {name: lang for lang in LANGUAGES for name in lang.filenames}
BY_INTERPRETER = {name: lang for lang in LANGUAGES for name in lang.interpreters}

_SHEBANG = re.compile(r"#!\s*(\S+)(?:\s+(?:-\S+\s+)*(\S+))?")


def is_code_tag(lang: str | None) -> bool:
    return bool(lang) and (lang == "zxx" or lang.startswith(CODE_PREFIX))


def display_name(tag: str) -> str | None:
    """`Python code` for `zxx-x-python`; None for a tag that names no programming language."""
    lang = BY_TAG.get(tag)
    return f"{lang.name} code" if lang else None


def by_name(path: str) -> ProgLang | None:
    """The language a file name says: special names first, then the extension (`.d.ts` is TypeScript)."""
    name = path.rsplit("/", 1)[-1]
    if name in BY_FILENAME:
        return BY_FILENAME[name]
    dot = name.rfind(".")
    return BY_EXTENSION.get(name[dot:].lower()) if dot > 0 else None


def by_shebang(first_line: str) -> ProgLang | None:
    """The language of a `#!` line's interpreter (`/usr/bin/env python3`, `/usr/bin/ruby -w`)."""
    match = _SHEBANG.match(first_line)
    if not match:
        return None
    program = match.group(1).rsplit("/", 1)[-1]
    if program == "env" and match.group(2):
        program = match.group(2).rsplit("/", 1)[-1]
    return _interpreter(program)


@lru_cache(maxsize=256)
def _interpreter(program: str) -> ProgLang | None:
    return BY_INTERPRETER.get(program) or BY_INTERPRETER.get(re.sub(r"[\d.]+$", "", program))


def detect(path: str, text_head: str) -> ProgLang | None:
    """The programming language of a file: by name, then by its first line's `#!`."""
    return by_name(path) or (by_shebang(text_head.split("\n", 1)[0]) if text_head.startswith("#!") else None)
