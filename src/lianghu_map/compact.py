"""Big layers on the map: a compact geometry payload, fetched once, drawn on a canvas.

A layer with more than :data:`BIG_LAYER` features is not sent as GeoJSON with a tooltip string
and a style per feature inside the map's script (what ``gdf.explore()`` does, and what the app
does for small layers).  Instead:

* **geometry** — every part's rings as one flat array of integers: coordinates quantised to
  :data:`QUANTUM` degrees (about 1 m; the stored data keep full precision), each coordinate the
  difference from the previous one, closing vertices left out; simplified first to that same
  tolerance, so vertices nobody can see are not sent;
* **names** — one escaped tooltip line per feature; kind and status are the layer's, sent once;
* **ids** — feature ids without the layer prefix they all share;

prepared once per layer version (:func:`layer_payload`, cached) and written under
``static/cache/`` with a content-addressed name (Streamlit gzips it on the wire), so the browser
fetches it once and keeps it (HTTP cache, plus decoded layers kept in the frame). What changes
between reruns — each feature's drawing state, the styles — is a few bytes per feature in the
map's script (:class:`BigLayer`). The browser decodes the payload once into typed arrays and
draws every part on a canvas of its own, from the arrays (no Leaflet layer per feature: creating
and projecting 100,000 Leaflet polygons was most of a big layer's time to drawn), each part on
its own path; hover and click are hit-tested through a grid of what was drawn, one tooltip
follows the mouse, and a click reaches streamlit-folium through the group (``e.layer.feature``
carries the feature id), so tooltips and click → clauses work as for small layers
(:mod:`bigcanvas`).

Only the app's own escaped strings reach HTML: names go through :func:`escape.map_text`.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from branca.element import MacroElement
from jinja2 import Template

from .bigcanvas import BIG_CANVAS_JS
from .escape import map_text
from .i18n import DEFAULT_LANG, kind_label, status_label, t, zh
from .tilewatch import BUTTON_CSS, NOTICE_CSS

__all__ = [
    "BIG_LAYER",
    "QUANTUM",
    "BigLayer",
    "LayerPayload",
    "build_payload",
    "decode_payload",
    "encode_geometry",
    "layer_payload",
    "payload_key",
]

BIG_LAYER = 2_000  # features in one layer above which it is drawn from a compact payload
QUANTUM = 1e-5  # degrees (~1.1 m east-west, 0.95 m north-south at 31.7° N)
CACHE_URL = "/app/static/cache"


def encode_geometry(geoms: np.ndarray, quantum: float = QUANTUM) -> dict:
    """Parts, rings and delta-encoded integer coordinates of ``geoms`` (shapely array).

    Returns ``k`` (per part: 0 point, 1 line, 2 polygon, as a string of digits), ``f`` (per part:
    index of its geometry, only when some geometry has several parts), ``r`` (per polygon part:
    its ring count, only when some polygon has holes), ``n`` (per ring or line: vertex count) and
    ``c`` (x, y pairs as differences from the previous pair, in units of ``quantum``)."""
    geoms = shapely.simplify(np.asarray(geoms, dtype=object), quantum, preserve_topology=True)
    parts, part_of = shapely.get_parts(geoms, return_index=True)
    keep = ~shapely.is_empty(parts)
    parts, part_of = parts[keep], part_of[keep]
    kinds = _kinds(parts)
    polys = np.flatnonzero(kinds == 2)
    rings, ring_part = shapely.get_rings(parts[polys], return_index=True)
    ring_part = polys[ring_part]
    ring_counts = np.bincount(ring_part, minlength=len(parts))[polys]
    others = np.flatnonzero(kinds != 2)
    paths = np.concatenate([rings, parts[others]])
    path_part = np.concatenate([ring_part, others])
    order = np.argsort(path_part, kind="stable")  # rings stay in order within their polygon
    paths, path_part = paths[order], path_part[order]
    coords, path_of = shapely.get_coordinates(paths, return_index=True)
    counts = np.bincount(path_of, minlength=len(paths))
    is_ring = kinds[path_part] == 2
    if is_ring.any():  # drop each ring's closing vertex (Leaflet closes polygons itself)
        last = np.cumsum(counts) - 1
        drop = np.zeros(len(coords), dtype=bool)
        drop[last[is_ring]] = True
        coords = coords[~drop]
        counts = counts - is_ring
    q = np.rint(coords / quantum).astype(np.int64)
    deltas = np.diff(q, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).ravel()
    out = {"k": "".join(map(str, kinds.tolist())), "n": counts.tolist(), "c": deltas.tolist()}
    if not np.array_equal(part_of, np.arange(len(geoms))):  # multi-part or empty geometries
        out["f"] = part_of.tolist()
    if (ring_counts != 1).any():
        out["r"] = ring_counts.tolist()
    return out


def _kinds(parts: np.ndarray) -> np.ndarray:
    type_id = shapely.get_type_id(parts)
    kinds = np.full(len(parts), 1, dtype=np.int8)
    kinds[type_id == 0] = 0
    kinds[type_id == 3] = 2
    return kinds


def decode_payload(payload: dict, quantum: float = QUANTUM) -> list[tuple[int, int, list]]:
    """Python mirror of the browser's decoder (used by the tests): (geometry index, kind, rings
    of (lon, lat)) per part."""
    c = np.cumsum(np.asarray(payload["c"], dtype=np.int64).reshape(-1, 2), axis=0) * quantum
    kinds = [int(k) for k in payload["k"]]
    part_of = payload.get("f") or list(range(len(kinds)))
    ring_counts = iter(payload.get("r") or [1] * kinds.count(2))
    counts = iter(payload["n"])
    out, pos = [], 0
    for part, kind in enumerate(kinds):
        rings = []
        for _ in range(next(ring_counts) if kind == 2 else 1):
            n = next(counts)
            rings.append([tuple(xy) for xy in c[pos:pos + n].tolist()])
            pos += n
        out.append((part_of[part], kind, rings))
    return out


@dataclass(frozen=True)
class LayerPayload:
    """A big layer's prepared payload: its JSON text and where the browser fetches it."""

    key: str  # content hash: the file name and the browser's cache key
    text: str  # JSON: geometry (see encode_geometry), ids, tooltip lines
    ids: tuple[str, ...]  # feature ids in payload order

    @property
    def url(self) -> str:
        return f"{CACHE_URL}/{self.key}.json"

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


_CACHE_SIZE = 12
_payloads: OrderedDict[tuple, LayerPayload] = OrderedDict()
_geometry: OrderedDict[tuple, dict] = OrderedDict()
_lock = threading.Lock()


def _cached(cache: OrderedDict, key: tuple, make):
    with _lock:
        hit = cache.get(key)
        if hit is not None:
            cache.move_to_end(key)
            return hit
    value = make()
    with _lock:
        cache[key] = value
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return value


def _tip_lines(layer: gpd.GeoDataFrame, lang: str
               ) -> tuple[list[str], list[str], list[int], list[str]]:
    """Per feature: the escaped name line(s); the distinct kind · status lines and each
    feature's index into them; its label (the main name as plain text, :func:`style.label_text`:
    the map sets it as ``textContent``)."""
    from .layers import is_indicative
    from .style import label_text

    name_zh = layer["name_zh"].fillna("").astype(str)
    if lang != "en":
        distinct = name_zh.unique()
        name_zh = name_zh.map(dict(zip(distinct, (zh(n, lang) for n in distinct), strict=True)))
    name_en = layer["name_en"].fillna("").astype(str)
    main, other = (name_en, name_zh) if lang == "en" else (name_zh, name_en)
    first = main.where(main != "", other)
    second = other.where((main != "") & (other != main), "")
    tips = [f"<b>{map_text(a)}</b>" + (f"<br><small>{map_text(b)}</small>" if b else "")
            for a, b in zip(first, second, strict=True)]
    badge = map_text(t("badge.indicative", lang))
    meta_of = [(k, s, is_indicative({"basis": b, "status": s}))
               for k, s, b in zip(layer["kind"], layer["status"], layer["basis"], strict=True)]
    metas = list(dict.fromkeys(meta_of))
    lines = [f"<br><small>{map_text(f'{kind_label(k, lang)} · {status_label(s, lang)}')}"
             "</small>" + (f' <small class="lh-badge">[{badge}]</small>' if ind else "")
             for k, s, ind in metas]
    index = {m: i for i, m in enumerate(metas)}
    distinct = first.unique()
    names = first.map(dict(zip(distinct, (label_text(n) for n in distinct), strict=True)))
    return tips, lines, [index[m] for m in meta_of], names.tolist()


_JSON_ESCAPES = str.maketrans({c: f"\\u{ord(c):04x}" for c in "<>&{}"})


def plain_json(texts: list) -> str:
    """A JSON list of plain texts with no markup or template characters in its source
    (``\\u003c`` for ``<`` …): the same strings once parsed."""
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def build_payload(layer: gpd.GeoDataFrame, layer_id: str, lang: str,
                  geometry: dict | None = None) -> LayerPayload:
    """The payload of ``layer`` in ``lang``, made now (``geometry``: its
    :func:`encode_geometry`, when made already — it is the same in every language)."""
    if geometry is None:
        geometry = encode_geometry(layer.geometry.values)
    prefix = f"{layer_id}/"
    tips, metas, meta_index, names = payload_texts(layer, lang)
    doc = {"prefix": prefix, "ids": short_ids(layer.index, prefix), "tips": tips,
           "metas": metas, **geometry}
    if len(metas) > 1:
        doc["m"] = meta_index
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    text = text[:-1] + ',"names":' + plain_json(names) + "}"
    return LayerPayload(payload_key(text), text, tuple(layer.index))


def short_ids(ids, prefix: str) -> list[str]:
    """Feature ids without the layer prefix they share."""
    return [fid[len(prefix):] if fid.startswith(prefix) else fid for fid in ids]


def payload_texts(layer: gpd.GeoDataFrame, lang: str
                  ) -> tuple[list[str], list[str], list[int], list[str | None]]:
    """Per feature its escaped tooltip lines; the distinct kind · status lines and each
    feature's index into them; its label name, None when it is the tooltip's first line with
    nothing escaped in it (the browser takes it from between the tooltip's <b> and </b>)."""
    tips, metas, meta_index, names = _tip_lines(layer, lang)
    same = [None if tip.startswith(f"<b>{name}</b>") and map_text(name) == name else name
            for name, tip in zip(names, tips, strict=True)]
    return tips, metas, meta_index, same


def payload_key(text: str) -> str:
    """A payload's content hash: its file name and the browser's cache key."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def layer_payload(layer: gpd.GeoDataFrame, layer_id: str, version: int | str, lang: str,
                  *, publish: bool = True, stored=None, keep=None) -> LayerPayload:
    """The payload of one big layer (canonical features, index = feature id), cached per layer
    version and language, and written to ``static/cache`` for the browser to fetch.  With
    ``publish=False`` (an unsaved upload's preview, a file that carries its data inline) it is
    never written there: ``static/`` is public, and a draft is nobody's to fetch.

    ``stored()``: the payload prepared when the version was saved (:mod:`lianghu_map.prepared`),
    or None — then it is made here, and handed to ``keep(payload)`` if given."""

    def make() -> LayerPayload:
        found = stored() if stored is not None else None
        if found is not None:
            return found
        geometry = _cached(_geometry, (layer_id, version, len(layer)),
                           lambda: encode_geometry(layer.geometry.values))
        made = build_payload(layer, layer_id, lang, geometry)
        if keep is not None:
            keep(made)
        return made

    payload = _cached(_payloads, (layer_id, version, lang, len(layer)), make)
    if publish:
        _write_static(payload)  # a stat when the file is there (pruning may have removed it)
    return payload


_KEEP_FILES = 48


def _write_static(payload: LayerPayload) -> None:
    """Write the payload under static/cache unless it is there (atomically; content-addressed,
    so an existing file is already right) and keep only the newest files."""
    from .assets import STATIC_DIR

    folder = STATIC_DIR / "cache"
    target = folder / f"{payload.key}.json"
    if target.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{payload.key}.{os.getpid()}.{threading.get_ident()}.tmp"
    tmp.write_text(payload.text, encoding="utf-8")
    tmp.replace(target)
    files = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[_KEEP_FILES:]:
        old.unlink(missing_ok=True)


def _rle(values: np.ndarray) -> list[int]:
    """Run-length encoding as [value, count, value, count, …]."""
    if not len(values):
        return []
    starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
    counts = np.diff(np.r_[starts, len(values)])
    return np.column_stack([values[starts], counts]).ravel().tolist()


def failed_notice(title: str, lang: str) -> dict:
    """The texts and look of the notice a big layer shows on the map when its data (a tile, or
    its payload) does not load: the browser puts them in as text, never as markup."""
    return {"failed": t("big.failed", lang, name=title, failed="{failed}", total="{total}"),
            "failed_all": t("big.failed_all", lang, name=title), "retry": t("big.retry", lang),
            "css": NOTICE_CSS.format(edge="bottom:30px"), "button_css": BUTTON_CSS}


class BigLayer(MacroElement):
    """A big layer inside its FeatureGroup: fetch (or take inline) the payload, decode it once
    per frame into typed arrays, and draw it on a canvas of its own (``__lhBigCanvas``: no
    Leaflet layer per feature, one path per style, parts under a pixel drawn as a dot).
    Hidden features (style -1) are not drawn.  Hover and click are hit-tested through a grid
    of what was drawn: one tooltip, the part under the mouse outlined, and a click reaches
    streamlit-folium through the group (``e.layer.feature`` carries the feature id)."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        (function () {
          const group = {{ this._parent.get_name() }};
          const spec = {{ this.spec|tojson }};
{{ this.shared }}
          if (spec.tiles) {  // a tiled layer (lianghu_map.tiles): tiles fetched per view
            const canvas = new window.__lhBigCanvas(spec, group);
            group.addLayer(canvas);
            canvas.setTiles(spec.tiles);
            return;
          }
          const cache = window.__lhBig = window.__lhBig || {};
          // on the map now (streamlit-folium hooks clicks to the map's layers after this
          // script), drawn when the payload is decoded; a payload that does not come is said
          // on the map, with a retry (canvas._failed)
          const canvas = new window.__lhBigCanvas(spec, group);
          group.addLayer(canvas);
          canvas._retry = () => {
            let ready = cache[spec.key];
            if (!ready) {
              const data = spec.data ? Promise.resolve(spec.data)
                : fetch(spec.url).then((res) => {
                  if (!res.ok) throw new Error(`${spec.url}: HTTP ${res.status}`);
                  return res.json();
                });
              ready = cache[spec.key] = data.then(
                (d) => window.__lhBigDecode(d, {{ this.quantum }}));
              ready.catch(() => { delete cache[spec.key]; });  // asked again on a retry
            }
            ready.then((d) => { canvas._failed(0, 0); canvas.setData(d); },
                       () => canvas._failed(1, 0));
          };
          canvas._retry();
        })();
        {% endmacro %}
    """)

    def __init__(self, payload: LayerPayload | None, layer_id: str, style_index: np.ndarray,
                 styles: list[dict], states: list[str], *, inline: bool = False,
                 tiles: tuple[str, dict] | None = None, title: str = "",
                 lang: str = DEFAULT_LANG):
        """``tiles``: a tiled layer's key and tile spec (:meth:`tiles.TileSet.spec`), instead
        of a payload.  ``title``: the layer's name in ``lang``, for the notice shown when its
        data does not load."""
        super().__init__()
        self._name = "BigLayer"
        self.quantum = QUANTUM
        self.shared = BIG_CANVAS_JS
        if tiles is not None:
            where = {"key": tiles[0], "tiles": tiles[1]}
        elif inline:
            where = {"key": payload.key, "data": json.loads(payload.text)}
        else:
            where = {"key": payload.key, "url": payload.url}
        self.spec = {"layer": layer_id, "count": len(style_index), "styles": styles,
                     "states": states, "style_runs": _rle(style_index), **where,
                     "notice": failed_notice(title or layer_id, lang)}

