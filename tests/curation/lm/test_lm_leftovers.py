"""A training killed mid-way leaves `lm/lm-<lang>-XXXX/` (issue 11, item 14): the next run removes it."""

from __future__ import annotations

from curation.config import load_config
from curation.layout import Layout
from curation.lm.stage import run


def test_the_lm_stage_removes_working_folders_of_a_killed_training(tmp_path):
    models = Layout(tmp_path / "out").lm_models()
    (models / "lm-en-k1ll3d").mkdir(parents=True)
    (models / "lm-en-k1ll3d" / "pieces.txt").write_text("▁a ▁b\n")
    (models / "en.sp.model").write_bytes(b"kept")
    result = run(load_config(None, {"output_dir": str(tmp_path / "out")}), progress=False)
    assert result.tasks == 0
    assert sorted(p.name for p in models.iterdir()) == ["en.sp.model"]
