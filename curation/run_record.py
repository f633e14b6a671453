"""`out/run.json`: which config, catalog and code version produced an output folder.

`curation run` writes it when it starts, after each stage and when it ends (atomically, so a
reader never sees half a file). The report, the data cards, the notebooks, `curation stats` and
`curation inspect` read it by default: they take the run's own config and catalog from it instead
of a config file or an environment variable, and show its provenance.

Per stage it keeps the configuration hash the stage's resume markers start from
(`RunConfig.section_hash` of the section `curation.pipeline.STAGES` declares) and when the stage
last completed; a later run of some stages only (`--stages report`) keeps the other stages' entries.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curation.atomic import write_json_atomic
from curation.config import RunConfig, json_digest
from curation.layout import Layout

FORMAT = 1


class RunRecordError(ValueError):
    pass


@dataclass(frozen=True)
class CatalogRef:
    path: str
    sha256: str | None  # None: the file could not be read when the run started

    def current_sha256(self) -> str | None:
        return file_sha256(Path(self.path))

    def changed_since(self) -> bool:
        """The catalog file now differs from the one the run read (or is gone)."""
        return self.sha256 is not None and self.current_sha256() != self.sha256


@dataclass(frozen=True)
class StageEntry:
    config_hash: str | None  # None: the stage has no config section
    status: str  # running, complete, failed
    finished: str | None = None
    seconds: float | None = None


@dataclass(frozen=True)
class RunRecord:
    path: Path
    started: str
    finished: str | None
    status: str  # running, complete, failed
    version: str
    requested: list[str]
    config: dict[str, Any]
    config_hash: str
    catalog: CatalogRef
    stages: dict[str, StageEntry] = field(default_factory=dict)

    def run_config(self, output_dir: str | Path | None = None, **overrides: Any) -> RunConfig:
        """The run's resolved config, validated again; `output_dir` where the folder is now (it may have moved)."""
        data = json.loads(json.dumps(self.config))
        data["output_dir"] = str(output_dir if output_dir is not None else self.path.parent)
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return RunConfig.model_validate(data)
        except ValueError as exc:
            raise RunRecordError(f"{self.path}: field 'config' is not a config this version reads: {exc}") from None

    def summary(self) -> str:
        """One line: when, which version, config and catalog (what `curation stats` and `inspect` print first)."""
        sha = (self.catalog.sha256 or "unreadable")[:16]
        return f"run of {self.date()} ({self.status}, outputs of {self.outputs_date()}), curation {self.version}, config {self.config_hash}, catalog {self.catalog.path} (sha256 {sha})"

    def date(self) -> str:
        """The day and minute the run started, UTC."""
        return _minute(self.started)

    def outputs_date(self) -> str:
        """When the outputs were last made: the latest end of a configured stage that did work (a rerun that only
        resumed changes nothing, so neither this date), else the run's start."""
        ends = [e.finished for e in self.stages.values() if e.config_hash is not None and e.finished and e.status == "complete"]
        return _minute(max(ends)) if ends else self.date()


def _minute(stamp: str) -> str:
    return stamp.replace("T", " ").rstrip("Z")[:16] + " UTC"


def file_sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _version() -> str:
    from curation import __version__

    return __version__


def stage_hashes(config: RunConfig) -> dict[str, str | None]:
    """Each pipeline stage's configuration hash (the start of its resume markers' key), in pipeline order."""
    from curation.pipeline import STAGES

    return {s.name: config.section_hash(s.section) if s.section else None for s in STAGES}


class RunRecorder:
    """Writes `run.json` for one `curation run`: `start()`, `stage_done()` after each stage, `finish()`."""

    def __init__(self, config: RunConfig, stages: list[str]):
        self.layout = Layout(config.output_dir)
        self.hashes = stage_hashes(config)
        config_json = config.model_dump(mode="json")
        catalog = Path(config.catalog).resolve()
        previous = _previous_stages(self.layout)
        self.data: dict[str, Any] = {
            "format": FORMAT,
            "started": _now(),
            "finished": None,
            "status": "running",
            "version": _version(),
            "requested": list(stages),
            "config": config_json,
            "config_hash": json_digest(config_json),
            "catalog": {"path": str(catalog), "sha256": file_sha256(catalog)},
            "stages": {name: entry for name, entry in previous.items() if name in self.hashes},
        }

    def _write(self) -> None:
        write_json_atomic(self.layout.run_record(), self.data)

    def start(self) -> None:
        self._write()

    def stage_done(self, name: str, seconds: float | None, ok: bool = True, resumed_all: bool = False) -> None:
        """Record a stage's end. A stage that only resumed completed tasks under the same configuration changed no
        output: its entry keeps the date its outputs were made (so a rerun gives the same report bytes)."""
        before = self.data["stages"].get(name)
        unchanged = before and before.get("status") == "complete" and before.get("config_hash") == self.hashes.get(name)
        if ok and resumed_all and unchanged:
            self._write()
            return
        self.data["stages"][name] = {
            "config_hash": self.hashes.get(name),
            "status": "complete" if ok else "failed",
            "finished": _now(),
            "seconds": None if seconds is None else round(seconds, 1),
        }
        self._write()

    def finish(self, ok: bool) -> None:
        self.data["status"] = "complete" if ok else "failed"
        self.data["finished"] = _now()
        self._write()


def _previous_stages(layout: Layout) -> dict[str, dict]:
    try:
        record = read_run_record(layout.root)
    except RunRecordError:
        return {}
    if record is None:
        return {}
    return {name: vars(entry) for name, entry in record.stages.items()}


def read_run_record(output_dir: str | Path) -> RunRecord | None:
    """The record of the run that wrote `output_dir`; None when there is none (stages run one by one).

    A file that is there but unreadable is an error naming the file and the field."""
    path = Layout(output_dir).run_record()
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunRecordError(f"{path}: not readable as JSON: {exc}") from None
    if not isinstance(data, dict):
        raise RunRecordError(f"{path}: expected a JSON object")
    if data.get("format") != FORMAT:
        raise RunRecordError(f"{path}: field 'format': {data.get('format')!r}, this version reads {FORMAT}")
    try:
        return RunRecord(
            path=path,
            started=str(data["started"]),
            finished=data.get("finished"),
            status=str(data["status"]),
            version=str(data["version"]),
            requested=list(data["requested"]),
            config=dict(data["config"]),
            config_hash=str(data["config_hash"]),
            catalog=CatalogRef(str(data["catalog"]["path"]), data["catalog"].get("sha256")),
            stages={name: StageEntry(**entry) for name, entry in data.get("stages", {}).items()},
        )
    except KeyError as exc:
        raise RunRecordError(f"{path}: field {exc.args[0]!r} is missing") from None
    except (TypeError, ValueError, AttributeError) as exc:
        raise RunRecordError(f"{path}: malformed record: {exc}") from None
