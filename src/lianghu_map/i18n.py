"""UI strings in 简体中文 (default), 繁體中文 and English.

Strings are written in 简体 and English; 繁體 comes from OpenCC (s2t) unless a key gives its own.
Content (the report, place names) is stored in 繁體 and shown with :func:`zh`.
"""

from __future__ import annotations

from functools import cache

from .text import to_simplified, to_traditional

__all__ = ["DEFAULT_LANG", "LANGS", "STATUS_KEYS", "kind_label", "status_label", "t", "zh"]

LANGS: dict[str, str] = {"zh-Hans": "简体中文", "zh-Hant": "繁體中文", "en": "English"}
DEFAULT_LANG = "zh-Hans"
STATUS_KEYS = ("existing", "under_construction", "planned", "indicative")

# key: (简体, English) or (简体, English, 繁體 override)
_STRINGS: dict[str, tuple[str, ...]] = {
    "app.title": ("两湖创新区规划图", "Lianghu Innovation Zone planning map"),
    "app.subtitle": (
        "2023 年武进区“两湖”创新区思路研讨会部署，与地图要素双向关联",
        "Directives of the 2023 Wujin meeting on the Lianghu Innovation Zone, linked to the map",
    ),
    "nav.map": ("地图", "Map"),
    "nav.directives": ("会议部署", "Directives"),
    "lang.label": ("语言 / Language", "Language / 语言", "語言 / Language"),
    "basemap.label": ("底图", "Basemap"),
    "basemap.osm": ("OpenStreetMap（需联网）", "OpenStreetMap (online)"),
    "basemap.none": ("无底图（离线）", "None (offline)"),
    "layers.label": ("图层", "Layers"),
    "filters.header": ("筛选", "Filters"),
    "filter.theme": ("主题", "Theme"),
    "filter.directive": ("部署条目", "Directive"),
    "filter.directive.none": ("（全部）", "(all)"),
    "filter.status": ("状态", "Status"),
    "filter.any": ("不限", "Any"),
    "filter.name": ("按名称查找", "Find by name"),
    "filter.name.help": ("简体、繁体或英文名称均可", "Chinese (either script) or English names"),
    "filter.clear": ("清除筛选", "Clear filters"),
    "legend.header": ("图例", "Legend"),
    "map.count": ("地图上 {shown} 个要素（共 {total} 个）",
                  "{shown} of {total} features on the map"),
    "map.none": ("当前筛选没有匹配的要素。", "No feature matches the current filters."),
    "map.indicative_note": (
        "内置几何均为示意性的近似位置，来源与精度见各要素说明及 data/geo/SOURCES.md。",
        "Built-in geometry is indicative and approximate; each feature states its source and "
        "accuracy (see data/geo/SOURCES.md).",
    ),
    "panel.header": ("要素详情", "Feature details"),
    "panel.hint": (
        "点击地图上的要素，查看其属性及提及它的部署条目。",
        "Click a feature on the map to read its properties and the clauses that mention it.",
    ),
    "panel.close": ("关闭", "Close"),
    "panel.clauses": ("提及它的部署条目", "Clauses that mention it"),
    "panel.no_clause": ("会议部署中没有条目提及此要素。",
                        "No clause of the meeting mentions this feature."),
    "panel.unknown": ("所选要素已不在地图上。", "The selected feature is no longer on the map."),
    "prop.kind": ("类型", "Kind"),
    "prop.status": ("状态", "Status"),
    "prop.layer": ("图层", "Layer"),
    "prop.source": ("来源", "Source"),
    "prop.accuracy": ("位置精度", "Positional accuracy"),
    "prop.accuracy.value": ("约 ±{m} 米", "about ±{m} m"),
    "prop.basis": ("依据", "Basis"),
    "prop.note": ("说明", "Note"),
    "basis.sourced": ("有坐标来源", "sourced coordinates"),
    "basis.derived": ("由来源数据推导", "derived from a sourced dataset"),
    "basis.estimate": ("示意（按文字描述估计）", "indicative (estimated from a description)"),
    "badge.indicative": ("示意", "indicative"),
    "link.open_directive": ("在会议部署中查看", "Open in Directives"),
    "link.show_on_map": ("在地图上查看", "Show on map"),
    "link.origin.gazetteer": ("地名匹配", "name match"),
    "link.origin.curated": ("人工关联", "curated link"),
    "dir.header": ("会议部署", "The meeting's directives"),
    "dir.intro": (
        "会议报道全文，按六大主题分条；每条列出其在地图上的要素。原文中的注音已去除，两处乱码已修复并标出。",
        "The whole report, clause by clause under the six themes, each with its features on the "
        "map. Pinyin reading aids were removed from the published text and two garbled spans "
        "repaired (marked).",
    ),
    "dir.features": ("地图要素", "On the map"),
    "dir.no_feature": ("无对应地图要素", "No mapped feature"),
    "dir.unlocated": ("未上图：{name}", "Not mapped: {name}"),
    "dir.repaired": ("已修复", "repaired"),
    "dir.repaired.help": ("原文此处为乱码“{garbled}”，已修复为“{repaired}”：{why}",
                          "The published text is garbled here (“{garbled}”), repaired as "
                          "“{repaired}”: {why}"),
    "dir.source": ("来源：{attribution}。原文按发布原样保存于 data/directives/。",
                   "Source: the report as published ({attribution}), kept unchanged in "
                   "data/directives/."),
    "dir.translation_note": ("英文为人工翻译。", "English text: a careful human translation."),
    "dir.selected": ("已选条目", "Selected clause"),
    "theme.context": ("背景", "Context"),
    "status.existing": ("已建成", "existing"),
    "status.under_construction": ("在建", "under construction"),
    "status.planned": ("规划", "planned"),
    "status.indicative": ("示意", "indicative"),
    "kind.water": ("水域", "water"),
    "kind.district": ("行政区", "district"),
    "kind.zone": ("规划范围", "planning zone"),
    "kind.park": ("园区", "park"),
    "kind.hub": ("交通枢纽", "transport hub"),
    "kind.station": ("车站", "station"),
    "kind.metro": ("地铁线", "metro line"),
    "kind.rail": ("铁路", "railway"),
    "kind.road": ("道路", "road"),
    "kind.axis": ("轴线", "axis"),
    "kind.ecological_corridor": ("生态廊道", "ecological corridor"),
    "kind.wetland": ("湿地", "wetland"),
    "kind.greenway": ("绿道", "greenway"),
    "kind.pocket_park": ("口袋公园", "pocket park"),
    "kind.heritage": ("文化遗产", "heritage site"),
    "kind.resort": ("旅游度假区", "resort"),
    "kind.town_centre": ("城区中心", "town centre"),
    "kind.village": ("乡村", "village"),
    "layer.boundaries": ("行政区与规划范围", "Districts & zone"),
    "layer.water": ("水域", "Water"),
    "layer.green": ("生态绿地", "Green & ecological"),
    "layer.parks": ("创新园区", "Innovation parks"),
    "layer.places": ("文旅与城区", "Tourism & towns"),
    "layer.transit": ("交通走廊", "Transit corridors"),
    "layer.stations": ("枢纽与车站", "Hub & stations"),
}


@cache
def _hant(key: str) -> str:
    entry = _STRINGS[key]
    return entry[2] if len(entry) > 2 else to_traditional(entry[0])


def t(key: str, lang: str, **values: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``values`` (never HTML)."""
    if key not in _STRINGS:
        raise KeyError(f"no UI string {key!r}")
    if lang == "en":
        text = _STRINGS[key][1]
    else:
        text = _hant(key) if lang == "zh-Hant" else _STRINGS[key][0]
    return text.format(**values) if values else text


def zh(text_hant: str, lang: str) -> str:
    """Chinese content stored in 繁體, for display in ``lang`` (English falls back to 繁→简)."""
    return text_hant if lang == "zh-Hant" else to_simplified(text_hant)


def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang) if f"status.{status}" in _STRINGS else status


def kind_label(kind: str, lang: str) -> str:
    return t(f"kind.{kind}", lang) if f"kind.{kind}" in _STRINGS else kind
