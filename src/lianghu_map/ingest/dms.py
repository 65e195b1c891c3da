"""Coordinates written as text: decimal degrees or degrees-minutes-seconds, as analysts type them
in CSV and Excel columns (pure).

Accepted: ``119.885``, ``119°53'06"E``, ``E119°53'06.5"``, ``31°42'43"``, ``119°53′06″``,
``119º53'06''``, ``119d53m06s``, ``东经119度53分06秒``, ``北纬31度42分``, ``119 53 06``,
``119:53:06``, ``119°53.1'`` (decimal minutes), ``119.885°E``, full-width digits; hemisphere as a
letter (N S E W, before or after) or a word (东经 西经 北纬 南纬, 東經 西經 北緯 南緯); W and S
(西经, 南纬) are negative.  Minutes and seconds must be below 60, and only the last part may
have decimals.
"""

from __future__ import annotations

import re
import unicodedata

# hemisphere word or letter → (axis, sign)
_HEMI = {"东经": ("lon", 1), "東經": ("lon", 1), "东": ("lon", 1), "東": ("lon", 1),
         "西经": ("lon", -1), "西經": ("lon", -1), "西": ("lon", -1),
         "北纬": ("lat", 1), "北緯": ("lat", 1), "北": ("lat", 1),
         "南纬": ("lat", -1), "南緯": ("lat", -1), "南": ("lat", -1),
         "E": ("lon", 1), "W": ("lon", -1), "N": ("lat", 1), "S": ("lat", -1)}
_HEMI_RE = "|".join(sorted(map(re.escape, _HEMI), key=len, reverse=True))
# (letters upper case only: a lower-case "s" or "d" marks seconds or degrees)
_LEAD = re.compile(rf"^(?:{_HEMI_RE})[\s:：.]*")
_TRAIL = re.compile(rf"\s*(?:{_HEMI_RE})$")

_NUM = r"\d+(?:\.\d+)?"
_DEG = r"[°度d]"
_MIN = r"['′’‘分m]"
_SEC = r"(?:\"|''|′′|’’|”|秒|s)"
_DMS = re.compile(
    rf"(?P<sign>[-+])?\s*(?P<d>{_NUM})\s*(?:{_DEG}\s*|:\s*|\s+(?=\d)|$)"
    rf"(?:(?P<m>{_NUM})\s*(?:{_MIN}\s*|:\s*|\s+(?=\d)|$)"
    rf"(?:(?P<s>{_NUM})\s*(?:{_SEC})?)?)?")


def parse_angle(text: str, axis: str | None = None) -> float:
    """Degrees from ``text``; ``axis`` ("lon" or "lat") is checked against a hemisphere letter or
    word.  Raises :class:`ValueError` naming what is wrong."""
    # (NFKC turns full-width digits into ASCII, but º into "o" and ˚ into a space: first those)
    t = unicodedata.normalize("NFKC", str(text).replace("º", "°").replace("˚", "°")).strip()
    hemi = None
    m = _LEAD.match(t)
    if m:
        hemi, t = _HEMI[_key(m.group(0))], t[m.end():]
    else:
        m = _TRAIL.search(t)
        if m:
            hemi, t = _HEMI[_key(m.group(0))], t[:m.start()]
    t = t.strip()
    m = _DMS.fullmatch(t)
    if not t or not m:
        raise ValueError(f"not a coordinate: {text!r}")
    d, mins, secs = m.group("d"), m.group("m"), m.group("s")
    if (mins is not None and "." in d) or (secs is not None and "." in mins):
        raise ValueError(f"decimals before the last part: {text!r}")
    mv = float(mins) if mins is not None else 0.0
    sv = float(secs) if secs is not None else 0.0
    if mv >= 60 or sv >= 60:
        raise ValueError(f"minutes or seconds of 60 or more: {text!r}")
    value = float(d) + mv / 60 + sv / 3600
    sign = -1 if m.group("sign") == "-" else 1
    if hemi is not None:
        if axis is not None and hemi[0] != axis:
            raise ValueError(f"hemisphere of the other axis: {text!r}")
        if sign < 0:
            raise ValueError(f"both a minus sign and a hemisphere: {text!r}")
        sign = hemi[1]
    return sign * value


def _key(found: str) -> str:
    return found.strip(" \t:：.")


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is a decimal number without degree signs or hemisphere."""
    return bool(re.fullmatch(r"\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?\s*", str(text)))


_PAIR_SPLIT = re.compile(r"\s*[,;/|]\s*")


def parse_pair(text: str) -> tuple[float, float, bool]:
    """(lon, lat, swapped) from one cell holding both, as map pickers copy them:
    ``119.885,31.712`` (高德, 百度), ``31.712, 119.885`` (Google Maps: latitude first),
    ``119°53'06"E 31°42'43"N``, ``北纬31度42分43秒，东经119度53分06秒``.  The order is taken from
    hemisphere marks, else from the values (a number above 90 is the longitude), else lon, lat.
    Raises :class:`ValueError`."""
    t = unicodedata.normalize("NFKC", str(text)).strip().strip("()[]")
    parts = [p for p in _PAIR_SPLIT.split(t) if p]
    if len(parts) != 2:
        parts = t.split()
    if len(parts) != 2:
        raise ValueError(f"not a coordinate pair: {text!r}")
    axes = [_axis(p) for p in parts]
    if axes[0] is not None and axes[0] == axes[1]:
        raise ValueError(f"two values of one axis: {text!r}")
    a, b = (parse_angle(p, axis) for p, axis in zip(parts, axes, strict=True))
    if axes[0] == "lat" or axes[1] == "lon" or (axes == [None, None] and abs(a) <= 90 < abs(b)):
        return b, a, True
    return a, b, False


def _axis(text: str) -> str | None:
    t = unicodedata.normalize("NFKC", text).strip()
    m = _LEAD.match(t) or _TRAIL.search(t)
    return _HEMI[_key(m.group(0))][0] if m else None
