import json

import pytest

from curation.atomic import atomic_path, remove_stale_temps, temp_path, write_json_atomic, write_text_atomic
from curation.shards import list_shards


def test_the_file_appears_only_when_the_block_succeeds(tmp_path):
    target = tmp_path / "sub" / "part-00000.parquet"
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"data")
        assert tmp.parent == target.parent and not target.exists()
        assert list_shards(tmp_path) == []  # a temporary file never looks like a finished shard
    assert target.read_bytes() == b"data" and list(target.parent.iterdir()) == [target]


def test_a_failed_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old" and list(tmp_path.iterdir()) == [target]


def test_a_folder_is_renamed_or_removed_as_a_whole(tmp_path):
    with atomic_path(tmp_path / "gen-00000") as tmp:
        (tmp / "docs").mkdir(parents=True)
        (tmp / "docs" / "part-00000.parquet").write_bytes(b"x")
    assert (tmp_path / "gen-00000" / "docs" / "part-00000.parquet").exists()
    with pytest.raises(ValueError):
        with atomic_path(tmp_path / "gen-00001") as tmp:
            (tmp / "docs").mkdir(parents=True)
            raise ValueError
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gen-00000"]


def test_text_and_json_are_utf8_and_json_is_deterministic(tmp_path):
    write_text_atomic(tmp_path / "a.txt", "é中")
    write_json_atomic(tmp_path / "a.json", {"b": 1, "a": "é"})
    assert (tmp_path / "a.txt").read_bytes() == "é中".encode()
    assert (tmp_path / "a.json").read_text(encoding="utf-8") == '{\n "a": "é",\n "b": 1\n}\n'
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8")) == {"a": "é", "b": 1}


def test_stale_temporaries_of_killed_writers_are_removed(tmp_path):
    target = tmp_path / "gen-00003"
    (tmp_path / ".gen-00003.tmp-12345" / "docs").mkdir(parents=True)
    (tmp_path / ".gen-00003.tmp-999").write_text("x")
    (tmp_path / ".gen-00004.tmp-12345").write_text("another target's")
    remove_stale_temps(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".gen-00004.tmp-12345"]
    assert temp_path(target).name.startswith(".gen-00003.tmp-")
