"""Places named in a report's text, with their evidence: :class:`PlaceFinder`.

Built on :class:`.gazetteer.Gazetteer` (繁/简-insensitive, longest name wins, ``nonplace`` names
and organisations yield nothing) and adds what new reports need:

* reading aids ("常(cháng)州(zhōu)南站") are removed before matching; evidence spans point into
  the text as given;
* short forms that stand for a place only in context (``[[short_form]]`` in gazetteer.toml:
  西太湖 is the park among 園區/產業/企業 words, else the lake; 常泰 is the railway near 鐵路 …);
* a name inside a longer name of something else is not the place (武進南站, 西太湖站, 滆湖路,
  武進日報): a name followed by a station, road, school or media suffix is skipped and its longer
  name listed as a candidate;
* official titles (武進區區長, 武進區長) and bylines (来源：…, 记者 …) are not mentions;
* generic mentions (交通基礎設施: a kind, not a place) are marked ``generic``, apart from
  named ones;
* unmatched candidate place names (…大道, …路, …站, …湖, …園, …區) are listed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from .. import paths
from ..errors import GazetteerConflict
from .cleaning import strip_reading_aids
from .gazetteer import Gazetteer, Place, load_gazetteer, normalise
from .text import to_traditional

__all__ = ["Candidate", "PlaceFinder", "PlaceMention", "ShortForm", "analyst_place",
           "load_place_finder"]


@dataclass(frozen=True)
class PlaceMention:
    place_id: str
    start: int  # offsets in the text as given
    end: int
    text: str  # the evidence as it stands (reading aids included, if any)
    mention: str = "named"  # "named" | "generic" (the text speaks of the kind in general)
    form: str = "name"  # "name" | "short" (a short form read from its context)


@dataclass(frozen=True)
class Candidate:
    """A name that looks like a place (…路, …站 …) and is not in the gazetteer."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ShortForm:
    alias: str  # 繁體, as in gazetteer.toml
    place: str
    context: tuple[str, ...]
    window: int = 12
    against: tuple[str, ...] = ()  # words that keep the alias what it is alone


# Suffixes that make a name before them part of a longer name of something else.
_LONGER = re.compile(r"[东南西北中]?(站|路|大道|大街|街|桥|大桥|高速|铁路|公路|隧道|花园|小区|"
                     r"码头|港|机场)")
# … and institutions named after a place (also after a station's name: 常州南站派出所)
_INSTITUTION = re.compile(r"中学|小学|学校|中专|职校|大学|学院|幼儿园|医院|卫生院|日报|晚报|报社|"
                          r"融媒|新闻|电视台|广播|发布|网讯|新闻网|宾馆|酒店|派出所|支行|分行|银行|"
                          r"供电")
_TITLE = re.compile(r"(区|市|县|镇)?(委|人大|政协|纪委|党工委)?(常务)?(副)?(书记|区长|市长|县长|"
                    r"镇长|主任|局长|主席|部长|秘书长|院长|常委)")
_BYLINE = re.compile(r"(来源|稿源|作者|记者|通讯员|编辑|责编|摄影|摄像|供稿)\s*[:：/\s]")
_CLAUSE_END = re.compile(r"[。！？!\n]")
# Candidate names: a place suffix (not the start of a longer word: 区域, 路线, 站点, 区长 …) and
# up to six characters before it, cut after the last stop character or verb.
_SUFFIX = re.compile(r"(大道|大街|南站|北站|东站|西站|路|站|湖|园|区)"
                     r"(?!域|位|间|别|径|线|网|段|点|台|泊|面|林|长|[\u4e00-\u9fff]?(局|委|办|政府))")
_STEM = re.compile(r"[\u4e00-\u9fff]{1,6}$")
_STOP = set("的在和与及至到从向沿经把将对要是为于以并等这那其各个条座处了着过或有成"
            "、，,：:；;“”‘’「」")
_VERB = re.compile(r"^.*(建设|推进|加快|打造|完善|优化|实施|提升|建成|开通|启动|规划|改造|新建|"
                   r"连接|串联|依托|围绕|聚焦|位于|毗邻|紧邻|经过|途经|包括|打通|延伸)")
_GENERIC = frozenset((
    "道路", "思路", "线路", "出路", "网路", "铁路", "公路", "马路", "新路", "老路", "园区",
    "城区", "地区", "社区", "景区", "片区", "街区", "湖区", "小区", "新区", "全区", "我区",
    "辖区", "市区", "郊区", "厂区", "校区", "车站", "公园", "花园", "校园", "家园", "乐园",
    "区域", "区内", "示范区", "开发区", "功能区", "核心区", "先导区", "引领区", "创新区",
    "试验区", "保护区", "产业园", "科技园", "工业园", "创业园", "高新区", "集聚区", "承载区",
    "服务区", "风景区", "度假区", "生活区", "商务区", "起步区", "启动区", "中心区", "建成区",
    "城市", "轨道站", "高铁站", "地铁站", "换乘站", "枢纽站", "加油站", "充电站", "服务站",
    "工作站", "站", "湖", "园", "区", "路", "两湖", "太湖", "湖泊", "创新园", "产教园",
))

_GENERIC_AREAS = tuple(g for g in _GENERIC if len(g) > 1 and g.endswith("区"))


def _title_after(norm: str, end: int, mention: str) -> bool:
    if _TITLE.match(norm, end):
        return True
    return mention[-1:] in "区市县镇" and norm[end:end + 1] == "长"


class PlaceFinder:
    def __init__(self, gazetteer: Gazetteer, short_forms: tuple[ShortForm, ...] = ()):
        self.gazetteer = gazetteer
        for s in short_forms:
            if s.place not in gazetteer.places:
                raise ValueError(f"short form {s.alias!r} names unknown place {s.place!r}")
        self.short_forms = {normalise(s.alias): s for s in short_forms}
        self._aliases = frozenset(normalise(a) for p in gazetteer.places.values()
                                  for a in p.names)
        self._short_context = {normalise(s.alias): (tuple(normalise(w) for w in s.context),
                                                    tuple(normalise(w) for w in s.against))
                               for s in short_forms}
        self._short_re = (re.compile("|".join(re.escape(a) for a in
                                              sorted(self.short_forms, key=len, reverse=True)))
                          if short_forms else None)

    # -- the gazetteer grows
    def with_places(self, places: Iterable[Place]) -> PlaceFinder:
        """A finder whose gazetteer also holds ``places`` (added by analysts: see
        :func:`analyst_place`).  An alias that already names another place raises
        :class:`..errors.GazetteerConflict`, unless that place is a ``nonplace`` (西太湖站 once a
        station is uploaded): the alias then leaves the nonplace entry."""
        existing = dict(self.gazetteer.places)
        owner = {normalise(a): p.id for p in existing.values() if p.match
                 for a in (*p.names, *p.en)}
        for new in places:
            if new.id in existing:
                raise GazetteerConflict(new.id, other=existing[new.id].name("zh-Hans"))
            for alias in (*new.names, *new.en):
                key = normalise(alias)
                other = existing.get(owner.get(key, ""))
                if other is None or other.id == new.id:
                    continue
                if not other.nonplace:
                    raise GazetteerConflict(alias, other=other.name("zh-Hans"))
                existing[other.id] = replace(other, names=tuple(
                    n for n in other.names if normalise(n) != key))
            existing[new.id] = new
            owner.update({normalise(a): new.id for a in (*new.names, *new.en)})
        return PlaceFinder(Gazetteer(list(existing.values())), tuple(self.short_forms.values()))

    # -- mentions
    def find(self, text: str) -> list[PlaceMention]:
        """Named and generic place mentions in ``text`` (a report's text), in text order."""
        plain, _, omap = strip_reading_aids(text) if ("(" in text or "（" in text) else (
            text, 0, None)
        norm = normalise(plain)
        found = []
        taken: list[tuple[int, int]] = []
        for m in self.gazetteer.find(plain):
            taken.append((m.start, m.end))
            short = self._short(norm, m.start, m.end)
            if short is None and not self._keep(norm, m.start, m.end):
                continue
            place_id = short or m.place_id
            found.append((place_id, m.start, m.end, "short" if short else "name"))
        if self._short_re is not None:
            for m in self._short_re.finditer(norm):
                longer = self.gazetteer._regex.match(norm, m.start())
                if any(a < m.end() and m.start() < b for a, b in taken) or (
                        longer and longer.end() > m.end()):
                    continue  # inside a name found (or skipped) by the gazetteer
                short = self._short(norm, m.start(), m.end())
                if short:
                    found.append((short, m.start(), m.end(), "short"))
        found.sort(key=lambda f: f[1])
        out = []
        for place_id, a, b, form in found:
            place = self.gazetteer.places[place_id]
            s, e = (omap.to_source(a), omap.to_source(b - 1) + 1) if omap else (a, b)
            generic = bool(place.kinds) and not place.features
            out.append(PlaceMention(place_id, s, e, text[s:e],
                                    "generic" if generic else "named", form))
        return out

    def _short(self, norm: str, start: int, end: int) -> str | None:
        alias = norm[start:end]
        form = self.short_forms.get(alias)
        if form is None or _LONGER.match(norm, end) or _INSTITUTION.match(norm, end) or (
                _TITLE.match(norm, end)):
            return None
        lo = max(0, start - form.window)
        stop_before = max((m.end() for m in _CLAUSE_END.finditer(norm, lo, start)), default=lo)
        stop_after = _CLAUSE_END.search(norm, end, end + form.window)
        window = norm[stop_before:start] + " " + norm[end:stop_after.start() if stop_after
                                                       else end + form.window]
        context, against = self._short_context[alias]
        score = sum(w in window for w in context) - sum(w in window for w in against)
        return form.place if score > 0 else None

    def _keep(self, norm: str, start: int, end: int) -> bool:
        """False for a name inside a longer name, before an official title, or in a byline."""
        name = norm[start:end]
        longer = _LONGER.match(norm, end) and not _LONGER.search(name[-2:])  # not 南站站房
        if longer or _INSTITUTION.match(norm, end) or _title_after(norm, end, name):
            return False
        line_start = max((m.end() for m in _CLAUSE_END.finditer(norm, 0, start)), default=0)
        byline = [m.end() for m in _BYLINE.finditer(norm, line_start, start)]
        # a byline runs to the end of its sentence, or of its parentheses (本报讯（记者 …）)
        return not byline or bool(re.search(r"[)）]", norm[byline[-1]:start]))

    # -- gaps
    def candidates(self, text: str, mentions: list[PlaceMention] | None = None) -> list[Candidate]:
        """Names that look like places and are not linked (gaps in the gazetteer)."""
        mentions = self.find(text) if mentions is None else mentions
        norm = normalise(text)
        taken = [(m.start, m.end) for m in mentions]
        out: dict[tuple[int, int], Candidate] = {}
        suffixes = list(_SUFFIX.finditer(norm))
        for i, m in enumerate(suffixes):
            if i + 1 < len(suffixes) and suffixes[i + 1].start() == m.end():
                continue  # 西太湖站: the 湖 is inside a longer name
            stem_m = _STEM.search(norm, max(0, m.start() - 6), m.start())
            if stem_m is None:
                continue
            stem = stem_m.group()
            cut = max((j + 1 for j, c in enumerate(stem) if c in _STOP), default=0)
            v = _VERB.match(stem[cut:])
            cut += v.end() if v else 0
            start, end = stem_m.start() + cut, m.end()
            name = norm[start:end]
            if m.start() - start < 2 or name in _GENERIC or norm[start:m.start()] in _GENERIC:
                continue
            if name in self._aliases or any(a <= start and end <= b for a, b in taken):
                continue
            if any(a < end and start < b and not (start <= a and b < end) for a, b in taken):
                continue  # overlaps a mention, or ends with one (守护好滆湖)
            if any(name.endswith(g) for g in _GENERIC_AREAS):
                continue  # 西太湖园区: a place and a generic area word
            out[(start, end)] = Candidate(text[start:end], start, end)
        return list(out.values())


def analyst_place(place_id: str, names: Iterable[str], en: Iterable[str] = (),
                  features: Iterable[str] = ()) -> Place:
    """A place an analyst adds: names in 繁 or 简 (the 繁體 form first, as the gazetteer keeps
    names), English aliases, the features (built-in or uploaded) it maps to."""
    given = [n.strip() for n in names if n.strip()]
    if not given:
        raise GazetteerConflict(place_id, other="")
    hant = [to_traditional(n) for n in given]
    return Place(place_id, tuple(dict.fromkeys([*hant, *given])),
                 tuple(e.strip() for e in en if e.strip()), tuple(features))


def _short_form(entry: dict) -> ShortForm:
    return ShortForm(entry["alias"], entry["place"], tuple(entry.get("context", ())),
                     int(entry.get("window", 12)), tuple(entry.get("against", ())))


@cache
def load_place_finder(path: Path | None = None) -> PlaceFinder:
    """The finder for the gazetteer at ``path`` (default data/directives/gazetteer.toml)."""
    p = path or paths.DIRECTIVES_DIR / "gazetteer.toml"
    with p.open("rb") as fh:
        data = tomllib.load(fh)
    gaz = load_gazetteer(path)
    return PlaceFinder(gaz, tuple(_short_form(e) for e in data.get("short_form", ())))
