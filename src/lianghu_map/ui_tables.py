"""The Upload page's tables in the UI language: headers, values and times (Asia/Shanghai with
the zone shown).  The stored data and the exports keep their codes and UTC ISO times; only what
is shown is translated here."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from .crs import DATUM_LABELS
from .errors import GEOMETRY_NAMES, param_text
from .i18n import localise, t
from .ingest import FAMILY

__all__ = ["MISSING", "SHOWN_ZONE", "attribute_view", "audit_view", "conversions_text",
           "local_time", "suggestion_columns", "version_view"]

SHOWN_ZONE = ZoneInfo("Asia/Shanghai")  # the zone of the people who use the map
MISSING = "—"  # a missing value in a data grid (Streamlit would draw the English "None")
_REVERTED = re.compile(r"reverted to v(\d+)")


def local_time(iso: str) -> str:
    """An ISO 8601 time (UTC as stored) in Asia/Shanghai, with the zone shown:
    ``2026-12-01 23:05 (UTC+08:00)``.  A time without a zone is taken as UTC; text that is not
    a time comes back as it is."""
    try:
        when = datetime.fromisoformat(str(iso).replace("Z", "+00:00"))
    except ValueError:
        return str(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo("UTC"))
    local = when.astimezone(SHOWN_ZONE)
    offset = local.strftime("%z")  # "+0800"
    return f"{local:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


# what ingest records as done (stored in English with the version) → a UI string with its values
_CONVERSIONS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), k) for p, k in (
    (r"GeoJSON text GB18030 → UTF-8 \(judged from content\)", "conv.geojson_gb18030"),
    (r"DBF encoding (?P<encoding>\S+) \(no \.cpg; judged from content\)", "conv.dbf_encoding"),
    (r"CSV encoding (?P<encoding>\S+) \(judged from content\)", "conv.csv_encoding"),
    (r"Z coordinates dropped \(2-D map\)", "conv.z_dropped"),
    (r"(?P<datum>.+) → WGS84 \(vectorised; iterative inverse\)", "conv.datum"),
    (r"(?P<crs>.+) → EPSG:4326", "conv.crs"),
    (r"longitude/latitude swapped on (?P<n>\d+) features", "conv.swapped"),
    (r"make_valid on (?P<n>\d+) features", "conv.make_valid"),
))


def conversions_text(conversions: Iterable[str], lang: str) -> str:
    """What was done to a stored version's data, in ``lang`` (a text ingest did not know is
    shown as it is), listed as the language lists."""
    out = []
    for text in conversions:
        for pattern, key in _CONVERSIONS:
            m = pattern.fullmatch(text)
            if m:
                values = m.groupdict()
                if "datum" in values:  # stored as its English label: the label in ``lang``
                    values["datum"] = next((localise(*pair, lang) for pair in DATUM_LABELS.values()
                                            if pair[1] == values["datum"]), values["datum"])
                text = t(key, lang, **values)
                break
        out.append(text)
    return ("；" if lang != "en" else "; ").join(out)


def attribute_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`publish.attribute_table` as shown: the geometry type in words of ``lang``
    (点/线/面) under a header in ``lang``, the row number likewise (the file's own attribute
    names and values are data, shown as they are)."""
    out = table.copy()
    if "geometry_type" in out:
        out["geometry_type"] = [param_text(GEOMETRY_NAMES.get(FAMILY.get(g, g), g), lang)
                                if isinstance(g, str) else g for g in out["geometry_type"]]
        out = out.rename(columns={"geometry_type": t("upload.col.geometry", lang)})
    out.index.name = t("upload.col.row", lang)
    return out


def _note(note: str, lang: str) -> str:
    """A version's note (stored in English by the store) in ``lang``."""
    m = _REVERTED.fullmatch(note or "")
    return t("stored.note.reverted", lang, v=m.group(1)) if m else (note or "")


def version_view(versions: Iterable, lang: str) -> pd.DataFrame:
    """A layer's versions (``store.VersionInfo``), newest first, with headers in ``lang``."""
    rows = [{t("stored.col.version", lang): v.version,
             t("stored.col.file", lang): v.original_name,
             t("stored.col.features", lang): v.feature_count,
             t("stored.col.who", lang): v.created_by,
             t("stored.col.when", lang): local_time(v.created_at),
             t("stored.col.note", lang): _note(v.note, lang)} for v in versions]
    return pd.DataFrame(rows)


_AUDIT_COLUMNS = ("at", "user", "action", "layer_id", "title", "version", "sha256",
                  "original_name", "feature_count", "links")


def audit_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """:func:`export.audit_table` as shown: local times, actions and headers in ``lang``."""
    out = table.copy()
    if "at" in out:
        out["at"] = [local_time(v) for v in out["at"]]
    if "action" in out:
        out["action"] = [t(f"audit.action.{a}", lang) if a in _ACTIONS else a
                         for a in out["action"]]
    return out.rename(columns={c: t(f"audit.col.{c}", lang) for c in _AUDIT_COLUMNS
                               if c in out.columns})


_ACTIONS = ("create", "replace", "delete", "restore", "revert", "update")
ORIGINS = ("file", "gazetteer", "keyword", "analyst")


def suggestion_columns(directives: dict[str, str], lang: str) -> dict:
    """``column_config`` of the link-suggestion table (:func:`publish.suggestion_table`):
    every header in ``lang``, the origin and the directive shown by name (the values stay the
    codes the table is read back with; no internal id is shown).  ``directives``: id → label
    in ``lang``."""
    cc = st.column_config
    return {
        "accept": cc.CheckboxColumn(t("upload.col.accept", lang)),
        "feature": cc.TextColumn(t("upload.col.feature", lang)),
        "name": cc.TextColumn(t("upload.col.name", lang)),
        "directive": cc.SelectboxColumn(t("upload.col.directive", lang),
                                        options=list(directives),
                                        format_func=lambda d: directives.get(d, d)),
        "label": None,  # the directive column shows it (and follows the analyst's change)
        "origin": cc.SelectboxColumn(t("upload.col.origin", lang), options=list(ORIGINS),
                                     format_func=lambda o: t(f"upload.origin.{o}", lang)),
        "evidence": cc.TextColumn(t("upload.col.evidence", lang)),
        "mention": None,
    }
