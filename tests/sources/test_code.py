"""code adapter: language detection (names, extensions, shebangs), skip reasons, licenses, The Stack-shaped tables,
and the assembled sample of 13 languages from Debian packages."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from adapter_helpers import ROOT, make_entry, sample

import sources.code as code
from sources.base import BadRecord
from sources.code_languages import LANGUAGES, by_shebang, detect
from sources.code_license import license_of_text

THIRTEEN = {"c", "cpp", "csharp", "go", "java", "js", "lua", "php", "python", "ruby", "rust", "scala", "ts"}

BY_EXTENSION = [
    ("src/main.c", "c"),
    ("include/zlib.h", "c"),
    ("json/json.hpp", "cpp"),
    ("lib/a.cc", "cpp"),
    ("App/Program.cs", "csharp"),
    ("errors/errors.go", "go"),
    ("bsh/Interpreter.java", "java"),
    ("semver/index.js", "js"),
    ("web/app.mjs", "js"),
    ("pl/List.lua", "lua"),
    ("Psr/Log/LoggerTrait.php", "php"),
    ("six.py", "python"),
    ("rouge/lexer.rb", "ruby"),
    ("cfg-if/src/lib.rs", "rust"),
    ("demo/Greeter.scala", "scala"),
    ("build.sbt", "scala"),
    ("@types/semver/index.d.ts", "ts"),
    ("Rakefile", "ruby"),
    ("SConstruct", "python"),
    ("Jakefile", "js"),
]

SHEBANGS = [
    ("#!/usr/bin/env python3", "python"),
    ("#!/usr/bin/python3.11 -u", "python"),
    ("#!/usr/bin/ruby -w", "ruby"),
    ("#!/usr/bin/env node", "js"),
    ("#!/usr/bin/env -S deno run", "ts"),
    ("#!/usr/bin/env ts-node", "ts"),
    ("#!/usr/bin/php", "php"),
    ("#!/usr/bin/env lua5.4", "lua"),
    ("#!/usr/bin/env scala", "scala"),
    ("#!/usr/bin/env rust-script", "rust"),
]


def test_table_has_the_13_languages_with_valid_private_use_subtags():
    assert {lang.subtag for lang in LANGUAGES} == THIRTEEN
    assert all(1 <= len(lang.subtag) <= 8 and lang.subtag.isalnum() for lang in LANGUAGES)  # BCP-47 private use: 1-8 alphanumerics
    import langcodes

    assert all(langcodes.tag_is_valid(lang.tag) for lang in LANGUAGES)


@pytest.mark.parametrize(("path", "subtag"), BY_EXTENSION)
def test_language_from_file_name(path, subtag):
    assert detect(path, "").tag == f"zxx-x-{subtag}"


@pytest.mark.parametrize(("line", "subtag"), SHEBANGS)
def test_language_from_shebang_of_a_file_without_extension(line, subtag):
    assert by_shebang(line).subtag == subtag
    assert detect("bin/tool", f"{line}\nprint('x')\n").subtag == subtag


def test_unknown_names_and_shebangs_are_no_language():
    assert detect("README.md", "# title") is None
    assert detect("bin/run", "#!/bin/sh\necho hi") is None
    assert detect("Makefile", "all:\n\tcc x.c") is None  # not one of the 13


def _tree(root: Path, files: dict[str, bytes | str]) -> Path:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def _read(entry, root: Path) -> tuple[list, list, Counter]:
    skipped: Counter = Counter()
    docs, bad = [], []
    for path in code.list_files(entry, root):
        for rec in code.read(path, entry, None, skipped):
            (bad if isinstance(rec, BadRecord) else docs).append(rec)
    return docs, bad, skipped


MIT_TEXT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software...\n"


def test_skip_reasons_are_counted_and_documents_carry_repo_path_license(tmp_path):
    _tree(
        tmp_path / "repos",
        {
            "alpha/LICENSE": MIT_TEXT,
            "alpha/src/app.py": "def main():\n    return 1\n",
            "alpha/bin/tool": "#!/usr/bin/env ruby\nputs 'hi'\n",
            "alpha/node_modules/left-pad/index.js": "module.exports = 1;\n",
            "alpha/vendor/lib.go": "package lib\n",
            "alpha/package-lock.json": "{}\n",
            "alpha/Cargo.lock": "[[package]]\n",
            "alpha/dist/app.min.js": "var a=1;\n",
            "alpha/proto/msg_pb2.py": "# generated\n",
            "alpha/logo.png.py": b"\x89PNG\r\n\x1a\n\x00\x00\x00",
            "alpha/latin1.c": b"/* caf\xe9 */\nint x;\n",
            "alpha/README.md": "# alpha\n",
            "beta/COPYING": "SPDX-License-Identifier: GPL-3.0-or-later\n",
            "beta/main.go": "package main\n\nfunc main() {}\n",
            "gamma/lib.rs": "pub fn f() {}\n",
        },
    )
    entry = make_entry("code", "repos", languages=["zxx"])
    docs, bad, skipped = _read(entry, tmp_path)
    assert bad == []
    # not_code: the README and the two license files
    assert skipped == Counter({"vendored": 2, "lock_file": 2, "generated": 2, "binary": 2, "not_code": 3})
    by_path = {d.native_id: d for d in docs}
    assert sorted(by_path) == ["alpha/bin/tool", "alpha/src/app.py", "beta/main.go", "gamma/lib.rs"]
    app = by_path["alpha/src/app.py"]
    assert app.lang == "zxx-x-python"
    assert {k: app.meta[k] for k in ("repo", "path", "license", "prog_lang")} == {
        "repo": "alpha",
        "path": "src/app.py",
        "license": "MIT",
        "prog_lang": "Python",
    }
    assert by_path["alpha/bin/tool"].lang == "zxx-x-ruby"
    assert by_path["beta/main.go"].meta["license"] == "GPL-3.0-or-later"
    # no license file: the first folder below location is the repository, with the entry's license
    assert (by_path["gamma/lib.rs"].meta["repo"], by_path["gamma/lib.rs"].meta["license"]) == ("gamma", "CC-BY-SA-4.0")


def test_oversized_files_are_skipped(tmp_path):
    _tree(tmp_path / "r", {"big.py": "x = 1\n" * 100, "small.py": "x = 1\n"})
    entry = make_entry("code", "r", languages=["zxx"], max_file_bytes=100)
    docs, _, skipped = _read(entry, tmp_path)
    assert [d.native_id for d in docs] == ["small.py"] and skipped == Counter({"oversized": 1})


@pytest.mark.parametrize(
    ("text", "spdx"),
    [
        ("                 Apache License\n           Version 2.0, January 2004\n", "Apache-2.0"),
        ("GNU GENERAL PUBLIC LICENSE\n Version 3, 29 June 2007\n", "GPL-3.0-only"),
        ("GNU LESSER GENERAL PUBLIC LICENSE\nVersion 2.1, February 1999\n", "LGPL-2.1-only"),
        ("Redistribution and use in source and binary forms, with or without\nmodification, are permitted...\n", "BSD-2-Clause"),
        ("Redistribution and use in source and binary forms ...\n3. Neither the name of the copyright holder", "BSD-3-Clause"),
        ("Permission to use, copy, modify, and/or distribute this software for any\npurpose with or without fee", "ISC"),
        (MIT_TEXT, "MIT"),
        ("Some custom terms.", "unknown"),
    ],
)
def test_license_of_a_license_file(text, spdx):
    assert license_of_text(text) == spdx


def _stack_rows() -> list[dict]:
    return [
        {"content": "import os\nprint(os.sep)\n", "path": "tools/sep.py", "repo": "acme/tools", "license": "MIT", "lang": "Python"},
        {"content": "fn main() {}\n", "path": "src/main.rs", "repo": "acme/rs", "license": ["Apache-2.0", "MIT"], "lang": "Rust"},
        {"content": "{}", "path": "package-lock.json", "repo": "acme/web", "license": "MIT", "lang": "JSON"},
        {"content": "int main(){}\n", "path": "x.c", "repo": "acme/c", "license": "GPL-2.0-only", "lang": None},
        {"content": 42, "path": "bad.py", "repo": "acme/bad", "license": "MIT", "lang": "Python"},
    ]


@pytest.mark.parametrize("fmt", ["parquet", "jsonl"])
def test_stack_shaped_tables(tmp_path, fmt):
    rows = _stack_rows()
    if fmt == "parquet":
        good = [r for r in rows if isinstance(r["content"], str)]
        table = pa.table({k: [r[k] for r in good] for k in ("content", "path", "repo", "lang")})
        table = table.append_column("license", pa.array([r["license"] if isinstance(r["license"], list) else [r["license"]] for r in good]))
        pq.write_table(table, tmp_path / "stack.parquet")
    else:
        (tmp_path / "stack.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows) + "not json\n", encoding="utf-8")
    entry = make_entry("code", f"stack.{fmt}", languages=["zxx"], layout="table", lang_field="lang")
    docs, bad, skipped = _read(entry, tmp_path)
    assert [(d.native_id, d.lang, d.meta["license"]) for d in docs] == [
        ("acme/tools/tools/sep.py", "zxx-x-python", "MIT"),
        ("acme/rs/src/main.rs", "zxx-x-rust", "Apache-2.0 OR MIT"),
        ("acme/c/x.c", "zxx-x-c", "GPL-2.0-only"),
    ]
    assert skipped == Counter({"lock_file": 1})
    if fmt == "jsonl":
        assert [(b.offset, b.problem) for b in bad] == [(5, "missing_field"), (6, "invalid_json")]


def test_unknown_layout_is_refused():
    entry = make_entry("code", "x", languages=["zxx"], layout="tree")
    with pytest.raises(ValueError, match="option 'layout' must be one of files, table"):
        code.list_files(entry, ROOT)


def test_the_assembled_sample_covers_the_13_languages_with_mixed_licenses():
    entry = sample().get("debian_code")
    docs, bad, skipped = _read(entry, sample().root)
    assert bad == []
    langs = Counter(d.lang.removeprefix("zxx-x-") for d in docs)
    assert set(langs) == THIRTEEN
    licenses = Counter(d.meta["license"] for d in docs)
    assert {"MIT", "ISC", "BSD-2-Clause", "Zlib", "LGPL-2.1-only", "GPL-3.0-or-later"} <= set(licenses)
    assert skipped["not_code"] >= 10  # the LICENSE files and the README
