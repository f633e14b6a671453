"""Record → document mapping shared by the tabular adapters (jsonl, parquet, csv, hf).

Entry options (all optional):
  text_field   column/key holding the text (default "text")
  id_field     the record's own id (default "id"; when that default is absent the
               record's position is the id; when named explicitly it must be present)
  url_field    default "url"
  lang_field   the language the source states per record (none by default)
  meta_fields  fields copied to meta (default: every other field)

A dotted name (`metadata.language`) reaches into nested objects, unless a field
with that literal name exists. Unknown option names are configuration errors,
raised before any data is read, so a misspelt field never falls back silently.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sources.base import BadRecord, RawDocument
from sources.position import origin, with_origin

# option name -> the type its value must have (`list`: a YAML list, never a string); the catalog validator reads these tables
FIELD_OPTIONS: dict[str, type] = {"text_field": str, "id_field": str, "url_field": str, "lang_field": str, "meta_fields": list}


class OptionsError(ValueError):
    """A catalog entry's `options` that the adapter cannot use."""


def check_options(entry: Any, allowed: Iterable[str]) -> dict[str, Any]:
    """The entry's options, after refusing names the adapter does not know."""
    opts = dict(entry.options or {})
    unknown = sorted(set(opts) - set(allowed))
    if unknown:
        raise OptionsError(
            f"source {entry.id!r} (kind {entry.kind}): unknown option(s) {', '.join(unknown)}; known options: {', '.join(sorted(allowed))}"
        )
    return opts


@dataclass(frozen=True)
class FieldMap:
    text: str = "text"
    id: str = "id"
    id_required: bool = False
    url: str = "url"
    lang: str | None = None
    meta: tuple[str, ...] | None = None

    @classmethod
    def from_options(cls, entry: Any, opts: Mapping[str, Any]) -> FieldMap:
        def name(key: str, default: str | None) -> str | None:
            value = opts.get(key, default)
            if value is not None and (not isinstance(value, str) or not value):
                raise OptionsError(f"source {entry.id!r}: option {key!r} must be a field name, got {value!r}")
            return value

        meta = opts.get("meta_fields")
        if meta is not None and (not isinstance(meta, list) or not all(isinstance(m, str) for m in meta)):
            raise OptionsError(f"source {entry.id!r}: option 'meta_fields' must be a list of field names, got {meta!r}")
        return cls(
            text=name("text_field", "text"),
            id=name("id_field", "id"),
            id_required="id_field" in opts,
            url=name("url_field", "url"),
            lang=name("lang_field", None),
            meta=tuple(meta) if meta is not None else None,
        )

    def __post_init__(self) -> None:
        names = [f for f in (self.text, self.id, self.url, self.lang) if f]
        object.__setattr__(self, "reserved", frozenset(names))
        # no dotted names: a plain dict lookup per field (the hot path)
        object.__setattr__(self, "flat", not any("." in n for n in names))


_MISSING = object()


def get_field(obj: Mapping[str, Any], name: str) -> Any:
    """`obj[name]`, or a dotted path into nested mappings; `_MISSING` when absent."""
    if name in obj:
        return obj[name]
    if "." not in name:
        return _MISSING
    node: Any = obj
    for part in name.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return _MISSING
        node = node[part]
    return node


def to_document(obj: Mapping[str, Any], fields: FieldMap, where: str, offset: int, label: str, unit: str) -> RawDocument | BadRecord:
    """One record as a document, or the reason it is not one.

    `label:offset` (the file below the location, the 1-based line or row `unit`) is the
    record's stable position, used as the native id when the source has no id field
    of its own. `meta["origin"]` keeps the file, the position and the record's own id.
    Strings must already be valid Unicode (the jsonl and csv readers check the cases that can break it).
    """
    get = obj.get if fields.flat else (lambda name, default: get_field(obj, name))
    text = get(fields.text, None)
    if text is None or text is _MISSING:
        return BadRecord(where, offset, "missing_text", f"field {fields.text!r} is absent or null")
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError as exc:
            return BadRecord(where, offset, "undecodable_bytes", f"field {fields.text!r}: {exc}")
    if not isinstance(text, str):
        return BadRecord(where, offset, "missing_text", f"field {fields.text!r} is a {type(text).__name__}, not a string")
    if not text or text.isspace():
        return BadRecord(where, offset, "empty_payload", f"field {fields.text!r} is empty")

    native = get(fields.id, None)
    if native is None or native is _MISSING or native == "":
        if fields.id_required:
            return BadRecord(where, offset, "missing_id", f"field {fields.id!r} is absent or empty")
        native, native_id = None, f"{label}:{offset}"
    else:
        native_id = native if isinstance(native, str) else _scalar_str(native)

    url = get(fields.url, None)
    lang = get(fields.lang, None) if fields.lang else None
    if fields.meta is not None:
        meta = {k: v for k in fields.meta if (v := get_field(obj, k)) is not _MISSING and v is not None}
    else:
        reserved = fields.reserved
        meta = {k: v for k, v in obj.items() if k not in reserved and v is not None}
    for k, v in meta.items():
        if not isinstance(v, (str, int, bool)):
            meta[k] = _jsonable(v)
    return RawDocument(
        text=text,
        native_id=native_id,
        url=url if isinstance(url, str) and url else None,
        meta=with_origin(meta, origin(label, unit, offset, _jsonable(native))),
        lang=lang if isinstance(lang, str) and lang else None,
    )


def _scalar_str(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # csv/pandas float ids: 7.0 and 7 are the same record
    return str(value)


def _jsonable(value: Any) -> Any:
    """Values as JSON can hold them; dates and decimals as strings, NaN as null."""
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)
