"""UI strings in 简体中文 (default), 繁體中文 and English.

Strings are written in 简体 and English; 繁體 comes from OpenCC (s2t) unless a key gives its own.
Content (the report, place names) is stored in 繁體 and shown with :func:`zh`.
"""

from __future__ import annotations

import string
from functools import cache

from .meeting.text import to_simplified, to_traditional

__all__ = [
    "DEFAULT_LANG",
    "LANGS",
    "STATUS_KEYS",
    "fill",
    "kind_label",
    "localise",
    "status_label",
    "t",
    "zh",
]

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
    "basemap.tianditu": ("天地图（需联网与密钥）", "Tianditu 天地图 (online, key)"),
    "basemap.gaode": ("高德（需联网，GCJ-02）", "Gaode 高德 (online, GCJ-02)"),
    "basemap.none": ("无底图（离线）", "None (offline)"),
    "datum.badge.wgs84": ("叠加层坐标：WGS84 / CGCS2000", "Overlays in WGS84 / CGCS2000"),
    "datum.badge.gcj02": ("叠加层已偏移至 GCJ-02 以对齐高德底图（仅显示；数据仍为 WGS84）",
                          "Overlays shifted to GCJ-02 to match the Gaode tiles (display only; "
                          "data stay WGS84)"),
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
    "legend.schematic.line": ("（示意走向）", " (schematic route)"),
    "legend.schematic.area": ("（示意范围）", " (schematic extent)"),
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
    "panel.attributes": ("原始属性", "Attributes as uploaded"),
    "upload.preview.capped": ("预览仅显示前 {n} 个要素（共 {total} 个）；保存时全部保存。",
                              "The preview shows the first {n} of {total} features; all are "
                              "saved."),
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
    "basis.uploaded": ("分析人员上传（来源见“来源”）", "uploaded by an analyst (see source)"),
    "prop.accuracy.unknown": ("未说明（见来源）", "not stated (see the source)"),
    "basis.estimate": ("示意（按文字描述估计）", "indicative (estimated from a description)"),
    "badge.indicative": ("示意", "indicative"),
    "basis.official": ("官方数据（分析人员上传，取代示意形状）",
                       "official data (uploaded by an analyst in place of the indicative shape)"),
    "badge.official": ("官方", "official"),
    "official.note": ("官方几何：{by} 于 {date} 上传（文件 {file}，图层 {layer} 第 {version} 版），"
                      "取代示意形状；撤回或删除该图层即恢复示意形状。",
                      "Official geometry uploaded by {by} on {date} (file {file}, layer {layer} "
                      "v{version}) in place of the indicative shape, which comes back if the "
                      "upload is reverted or deleted."),
    "link.open_directive": ("在会议部署中查看", "Open in Directives"),
    "link.show_on_map": ("在地图上查看", "Show on map"),
    "link.origin.gazetteer": ("地名匹配", "name match"),
    "link.origin.curated": ("人工关联", "curated link"),
    "link.generic": ("泛指", "general mention"),
    "link.generic.help": ("原文泛指这一类（如“交通基础设施”），并未点名此处",
                          "The text speaks of this kind in general (e.g. “transport "
                          "infrastructure”); it does not name this place"),
    "dir.features.generic": ("泛指涉及", "Mentioned in general"),
    "dir.header": ("会议部署", "The meeting's directives"),
    "dir.intro": (
        "每次会议的报告全文，按其主题分条；每条列出其在地图上的要素。",
        "Each meeting's whole report, clause by clause under its themes, each with its features "
        "on the map.",
    ),
    "dir.intro.2023": (
        "本报告原文中的注音已去除，两处乱码已修复并标出。",
        "Pinyin reading aids were removed from this report's published text and two garbled "
        "spans repaired (marked).",
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
    "dir.translation_note.analyst": ("英文由添加本报告的分析人员提供。",
                                     "English text: supplied by the analyst who added the "
                                     "report."),
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
    "nav.upload": ("上传图层", "Upload layers"),
    "kind.other": ("其他", "other"),
    "upload.header": ("上传图层", "Upload layers"),
    "upload.intro": (
        "上传 GeoJSON、压缩的 Shapefile、GeoPackage、KML/KMZ、带坐标的 CSV 或 Excel 表格、GeoJSON "
        "序列或 FlatGeobuf。保存前逐项检查，"
        "转换为 WGS84，并与会议部署条目关联；保存后所有用户都能在地图上看到。",
        "Upload GeoJSON, zipped Shapefile, GeoPackage, KML/KMZ, CSV or Excel with coordinates, "
        "GeoJSON sequences or FlatGeobuf. Each "
        "file is checked before anything is saved, converted to WGS84 and linked to the "
        "directives; once saved, every user sees it on the map.",
    ),
    "upload.closed": (
        "上传未开放：管理员需设置上传口令（环境变量 LIANGHU_UPLOAD_PASSWORD），或在单机上以本地"
        "模式运行（LIANGHU_LOCAL_MODE=1）。下方仍可查看和下载已保存的图层。",
        "Uploads are closed: an administrator must set an upload password "
        "(LIANGHU_UPLOAD_PASSWORD) or run in local mode on a single machine "
        "(LIANGHU_LOCAL_MODE=1). Saved layers below can still be viewed and downloaded.",
    ),
    "upload.local_mode": ("本地模式：无需口令即可保存（仅适用于单人使用的电脑）。",
                          "Local mode: saving needs no password (for a single-user machine)."),
    "upload.password": ("上传口令", "Upload password"),
    "upload.password_wrong": ("口令不正确。", "Wrong password."),
    "auth.wait": ("近来口令错误较多，本次验证需等待 {seconds} 秒……",
                  "Many wrong passwords lately: this try is checked in {seconds} s…"),
    "auth.login": ("统一身份登录", "Sign in (single sign-on)"),
    "auth.signed_in": ("已登录：{email}", "Signed in: {email}"),
    "upload.user": ("您的姓名（记录在图层历史中）", "Your name (recorded in the layer history)"),
    "upload.user.help": ("每次保存、替换、删除都会记录操作人和时间。",
                         "Every save, replace and delete records who and when."),
    "upload.datum": ("坐标来源", "Source datum"),
    "upload.datum.help": (
        "坐标来自哪里？GPS、天地图、OSM 为 WGS84/CGCS2000；高德、腾讯为 GCJ-02；百度为 BD-09。"
        "系统只能依据字段名和区界吻合程度提示，选错会偏移约 500 米至 1 公里。",
        "Where do the coordinates come from? GPS, Tianditu and OSM are WGS84/CGCS2000; "
        "Amap/Gaode and Tencent are GCJ-02; Baidu is BD-09. Attribute names and the fit to the "
        "district boundaries give only a hint; a wrong choice shifts features by about 500 m "
        "to 1 km.",
    ),
    "upload.files": ("选择文件（可多选）", "Choose files (several at once)"),
    "upload.files.help": ("每个文件不超过 {mb} MB。Shapefile 请将 .shp、.shx、.dbf（及 .prj、"
                          ".cpg）一起压缩为 .zip。Excel（.xlsx、.xls）与 CSV 需有经度/纬度列"
                          "（小数度或度分秒）或 WKT 列；GeoJSON 序列为 .geojsonl、.geojsons、"
                          ".ndjson；FlatGeobuf 为 .fgb。",
                          "Up to {mb} MB per file. Zip a Shapefile's .shp, .shx, .dbf (and "
                          ".prj, .cpg) together. Excel (.xlsx, .xls) and CSV need longitude/"
                          "latitude columns (decimal degrees or degrees-minutes-seconds) or a "
                          "WKT column; GeoJSON sequences are .geojsonl, .geojsons, .ndjson; "
                          "FlatGeobuf is .fgb."),
    "upload.reading": ("正在读取 {name} …", "Reading {name} …"),
    "upload.stage.read": ("正在读取…", "Reading…"),
    "upload.stage.validate": ("正在检查…", "Checking…"),
    "upload.stage.convert": ("正在转换坐标…", "Converting coordinates…"),
    "upload.stage.repair": ("正在修复几何…", "Repairing geometry…"),
    "upload.stage.done": ("完成", "Done"),
    "upload.ok": ("可以保存：{n} 个要素（错误 {error}，警告 {warning}，提示 {info}）。",
                  "Ready to save: {n} {n:feature|features} (errors: {error}, warnings: {warning}, "
                  "notes: {info})."),
    "upload.refused": ("无法保存：请先处理下列错误（错误 {error}，警告 {warning}，提示 {info}）。",
                       "Cannot be saved: fix the errors below first (errors: {error}, "
                       "warnings: {warning}, notes: {info})."),
    "upload.col.severity": ("级别", "Severity"),
    "upload.col.where": ("位置", "Where"),
    "upload.col.message": ("说明与处理办法", "What and what to do"),
    "severity.error": ("错误", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("提示", "note"),
    "upload.layer": ("选择图层", "Choose the layer"),
    "upload.choose": ("（请选择）", "(choose)"),
    "upload.crs": ("文件的坐标系", "The file's CRS"),
    "upload.swap": ("交换经纬度（数据中纬度写在前）", "Swap longitude/latitude (the data has "
                    "latitude first)"),
    "upload.title_zh": ("图层名称（中文）", "Layer title (Chinese)"),
    "upload.title_en": ("图层名称（英文）", "Layer title (English)"),
    "upload.kind": ("要素类型（决定样式）", "Feature kind (sets the style)"),
    "upload.status": ("状态", "Status"),
    "upload.source": ("数据来源", "Data source"),
    "upload.source.help": ("例如“武进区自然资源局 2024 年规划图，CAD 转绘”。地图上会显示。",
                           "E.g. \"Wujin natural resources bureau 2024 plan, traced from CAD\". "
                           "Shown on the map."),
    "upload.color": ("图层颜色", "Layer colour"),
    "upload.target": ("保存为", "Save as"),
    "upload.target.new": ("新图层", "a new layer"),
    "upload.target.replace": ("替换“{title}”（保留旧版本）", "replace \"{title}\" (old versions "
                              "kept)"),
    "upload.preview": ("预览（尚未保存）", "Preview (not saved yet)"),
    "upload.supersede": ("取代内置要素（以官方数据替代示意形状）",
                         "Supersedes a built-in feature (official data in place of the "
                         "indicative shape)"),
    "upload.supersede.help": ("所选内置要素保留编号、名称和部署关联，几何、来源、精度改用本文件；"
                              "建议按名称相似度与几何重叠度排序。撤回或删除本图层即恢复示意形状。",
                              "The chosen built-in feature keeps its id, names and directive "
                              "links; its geometry, source and accuracy come from this file. "
                              "Suggestions are ranked by name similarity and overlap. Reverting "
                              "or deleting this layer brings the indicative shape back."),
    "upload.supersede.none": ("不取代（作为独立图层）", "none (a layer of its own)"),
    "upload.supersede.option": ("{name}（{id}）· 匹配度 {score}", "{name} ({id}) · match {score}"),
    "upload.supersede.other": ("{name}（{id}）", "{name} ({id})"),
    "upload.supersede.col": ("取代内置要素", "Supersedes"),
    "upload.supersede.table": ("每个要素可取代一个同类几何的内置要素；已按名称预填最匹配的要素，"
                               "请逐行核对。",
                               "Each feature may supersede one built-in feature of its geometry "
                               "type; the best name matches are filled in, check each row."),
    "upload.supersede.capped": ("只为前 {n} 个要素提供取代选择。", "Only the first {n} features "
                                "are offered for superseding."),
    "stored.supersedes": ("取代的内置要素：{names}", "Supersedes built-in features: {names}"),
    "stored.release": ("恢复示意形状（另存一版不取代的数据）",
                       "Bring back the indicative shapes (a new version that supersedes nothing)"),
    "upload.links": ("与会议部署条目的关联", "Links to the directives"),
    "upload.links.none": ("没有找到可关联的部署条目；可在属性中加入 directive_ids 列后重新上传。",
                          "No directive link found; add a directive_ids property to link "
                          "features yourself."),
    "upload.links.help": (
        "文件自带的关联（directive_ids）已勾选；系统建议需您确认。可修改条目编号或取消勾选。",
        "Links given by the file (directive_ids) are ticked; the app's suggestions wait for "
        "you. Change a directive id or untick to reject.",
    ),
    "upload.links.capped": ("建议只针对前 {n} 个要素；其余要素可在文件中用 directive_ids "
                            "属性关联。",
                            "Suggestions cover the first {n} features; link the others with a "
                            "directive_ids property in the file."),
    "upload.col.accept": ("采纳", "Accept"),
    "upload.col.directive": ("部署条目", "Directive"),
    "upload.need.user": ("请填写您的姓名。", "Enter your name."),
    "upload.need.title": ("请填写图层名称。", "Enter a layer title."),
    "upload.need.source": ("请填写数据来源。", "Enter the data source."),
    "upload.save": ("保存图层", "Save layer"),
    "upload.saving": ("正在保存…", "Saving…"),
    "upload.saved": ("已保存：图层 {layer}，第 {version} 版。所有用户刷新后即可在地图上看到。",
                     "Saved: layer {layer}, version {version}. Every user sees it on the map at "
                     "their next refresh."),
    "audit.header": ("审计日志（上传、替换、删除、恢复、关联修改）",
                     "Audit log (uploads, replacements, deletions, restores, link edits)"),
    "stored.header": ("已保存的图层", "Saved layers"),
    "stored.none": ("还没有上传的图层。", "No uploaded layer yet."),
    "stored.deleted": ("已删除（可恢复）", "deleted (can be restored)"),
    "stored.meta": ("编号 {id} · 文件 {file} · {who} 于 {when} · {n} 个要素",
                    "id {id} · file {file} · {who} at {when} · {n} {n:feature|features}"),
    "stored.conversions": ("已做的转换：", "Conversions: "),
    "stored.history": ("版本历史", "Version history"),
    "stored.col.version": ("版本", "Version"),
    "stored.col.file": ("文件", "File"),
    "stored.col.features": ("要素数", "Features"),
    "stored.col.who": ("操作人", "By"),
    "stored.col.when": ("时间", "When"),
    "stored.col.note": ("备注", "Note"),
    "stored.delete": ("删除（可恢复）", "Delete (can be restored)"),
    "stored.restore": ("恢复", "Restore"),
    "stored.revert": ("恢复到旧版本", "Go back to version"),
    "stored.revert.go": ("以第 {v} 版内容生成新版本", "Make version {v} current again"),
    "download.label": ("下载", "Download"),
    "download.layer": ("下载图层", "Download a layer"),
    "map.layer_broken": ("图层“{title}”无法读取，已跳过（其他图层正常）：{why}",
                         "Layer \"{title}\" cannot be read and is left out (the others are "
                         "fine): {why}"),
    "map.store_error": ("已上传的图层暂时无法读取，地图仅显示内置图层。",
                        "Uploaded layers cannot be read right now; the map shows the built-in "
                        "layers only."),
    "layer.water": ("水域", "Water"),
    "layer.green": ("生态绿地", "Green & ecological"),
    "layer.parks": ("创新园区", "Innovation parks"),
    "layer.places": ("文旅与城区", "Tourism & towns"),
    "layer.transit": ("交通走廊", "Transit corridors"),
    "layer.stations": ("枢纽与车站", "Hub & stations"),
    # -- Present page (pages/present.py, agenda) --
    "nav.present": ("演示", "Present"),
    "present.prev": ("上一步", "Previous"),
    "present.next": ("下一步", "Next"),
    "present.step": ("第 {i} / {n} 步", "Step {i} of {n}"),
    "present.keys": ("翻页：← → 或 PgUp / PgDn（翻页笔）；Home / End 到首尾",
                     "Keys: ← → or PgUp / PgDn (clicker); Home / End"),
    "present.theme": ("本主题 {n} 条部署：", "{n} directives under this theme:"),
    "present.overview": ("总览：{n} 个地图要素，{d} 条部署",
                         "Overview: {n} features, {d} directives"),
    "present.no_feature": ("此条目无对应地图要素，地图显示整个创新区范围。",
                           "No mapped feature for this clause: the map shows the whole zone."),
    "present.exit": ("退出演示", "Leave presentation"),
    "present.fullscreen": ("全屏", "Full screen"),
    "present.export": ("导出", "Export"),
    "export.header": ("导出当前视图", "Export this view"),
    "export.too_many": ("地图上画出 {count} 个要素，超过导出上限 {limit} 个：离线网页、图片、"
                        "PDF 和数据文件都要在服务器上整份生成。请先缩小筛选再导出；"
                        "整个图层的数据可在“下载图层”中下载。",
                        "The map draws {count} features, more than an export takes ({limit}): the "
                        "offline page, image, PDF and data files are each made whole on the "
                        "server. Narrow the filter first; a whole layer's data is under "
                        "“Download a layer”."),
    "export.html": ("离线网页（HTML）", "Offline web page (HTML)"),
    "export.png": ("图片（PNG）", "Image (PNG)"),
    "export.pdf": ("会议材料 PDF（{paper} 横向）", "Meeting pack PDF ({paper} landscape)"),
    "export.data": ("当前数据（{fmt}）", "Data shown ({fmt})"),
    "export.help": ("按当前筛选或演示步骤导出；文件在点击时生成。",
                    "Exports follow the current filter or presentation step; each file is made "
                    "when its button is clicked."),
    # -- end Present page --
    # -- layouts (issue 14): Present menu and clause numbers, Map caption counts and search --
    "present.menu": ("菜单", "Menu"),
    "present.clause_no": ("第{n}条", "clause {n}"),
    "map.count.focus": ("其中 {n} 个为所选条目的要素（高亮）", "{n} highlighted by the directive"),
    "map.count.match": ("其中 {n} 个符合筛选条件，另有 {c} 个淡化显示作参照",
                        "{n} match the filters, {c} dimmed for context"),
    "map.name_none": ("没有名称含“{name}”的要素，地图保持原视图。",
                      "No feature is named like “{name}”; the map keeps its view."),
    # -- end layouts --
    # -- printed exports (figure, meeting_pack, fonts) --
    "export.sources": ("来源：{sources}", "Sources: {sources}"),
    "export.sources.builtin": ("内置图层见 data/geo/SOURCES.md；几何为示意",
                               "built-in layers: data/geo/SOURCES.md; geometry indicative"),
    "export.sources.layer": ("{layer}：{source}", "{layer}: {source}"),
    "export.sources.official": ("{name}（官方数据）：{source}",
                                "{name} (official data): {source}"),
    "export.sources.sep": ("；", "; "),
    "export.date": ("制图日期：{date}", "Map date: {date}"),
    "export.scale": ("{km} 公里", "{km} km"),
    "export.north": ("北", "N"),
    "export.legend.more": ("另有 {n} 项未列出", "{n} more not listed"),
    "pack.meeting": ("会议", "The meeting"),
    "pack.meeting.summary": ("会议报道共 {n} 条，其中 {themed} 条分属六大主题；"
                             "{m} 个地图要素与之关联。",
                             "The report has {n} clauses, {themed} of them under the six themes; "
                             "{m} map features are linked to them."),
    "pack.contents": ("目录", "Contents"),
    "pack.overview": ("总览图", "Overview map"),
    "pack.overview.caption": ("全部 {n} 个要素，{layers} 个图层",
                              "All {n} features, {layers} layers"),
    "pack.theme": ("主题：{theme}", "Theme: {theme}"),
    "pack.theme.summary": ("{clauses} 条部署 · {features} 个地图要素",
                           "{clauses} clauses · {features} map features"),
    "pack.clauses": ("部署条目（原文）", "Clauses (English translation)"),
    "pack.features.more": ("……另有 {n} 个要素（见应用的“会议部署”页）",
                           "… and {n} more (see the Directives page of the app)"),
    "pack.sources": ("数据来源与精度", "Sources and accuracy"),
    "pack.sources.intro": ("内置几何均为示意性的近似位置，不可用于量测；逐个要素的来源、推导与精度"
                           "见 data/geo/SOURCES.md。",
                           "Built-in geometry is indicative and approximate, not for measurement; "
                           "data/geo/SOURCES.md documents every feature's source, derivation and "
                           "accuracy."),
    "pack.sources.count": ("{n} 个要素", "{n} features"),
    "pack.sources.uploaded": ("上传图层，第 {version} 版", "uploaded layer, version {version}"),
    "pack.accuracy.range": ("约 ±{lo}–{hi} 米", "about ±{lo}–{hi} m"),
    "pack.font": ("字体：Noto Sans CJK SC（思源黑体），SIL 开放字体许可协议 1.1，"
                  "由 mplfonts 软件包提供。",
                  "Fonts: DejaVu Sans (Bitstream Vera licence, shipped with matplotlib); Chinese "
                  "in Noto Sans CJK SC (SIL Open Font License 1.1, from the mplfonts package)."),
    "pack.footer.page": ("第 {page} 页，共 {pages} 页", "Page {page} of {pages}"),
    "pack.footer.note": ("几何为示意，仅供参考", "Geometry indicative, for reference only"),
    # -- end printed exports --
    # -- standalone HTML export (standalone) --
    "standalone.exported": ("导出日期：{date}", "Exported {date}"),
    "standalone.sources": ("来源：{sources}", "Sources: {sources}"),
    "standalone.sources.builtin": ("内置图层见 {file}", "built-in layers: {file}"),
    "standalone.sources.layer": ("“{layer}”：{source}", "\"{layer}\": {source}"),
    "standalone.hint": (
        "将鼠标移到要素上可查看名称；用右上角的图层开关显示或隐藏图层。本文件离线可用。",
        "Hover over a feature to see its name; switch layers on and off at the top right. "
        "This file works offline.",
    ),
    "standalone.basemap_online": ("底图需联网，离线时只显示要素。",
                                  "The basemap needs the internet; offline, only the features "
                                  "are shown."),
    # -- end standalone HTML export --
    # -- Compare page (pages/compare.py, compare) --
    "nav.compare": ("对比", "Compare"),
    "compare.title": ("两图对比", "Compare two maps"),
    "compare.synced": ("左右两幅地图联动：拖动或缩放其中一幅，另一幅随之移动。",
                       "The two maps move together: pan or zoom one and the other follows."),
    "compare.left": ("左图显示", "Left map shows"),
    "compare.right": ("右图显示", "Right map shows"),
    "compare.all": ("全部图层", "All layers"),
    "compare.builtin": ("全部内置图层", "All built-in layers"),
    "compare.theme": ("主题：{theme}", "Theme: {theme}"),
    "compare.layer": ("图层：{layer}", "Layer: {layer}"),
    "compare.count": ("显示 {n} 个要素", "{n} features shown"),
    "compare.count_context": ("显示 {n} 个要素，另有 {context} 个底层要素淡显作参照",
                              "{n} features shown; {context} base features dimmed for "
                              "reference"),
    "compare.none": ("这一项在地图上没有可显示的要素。", "Nothing of this is on the map."),
    "compare.swap": ("左右互换", "Swap sides"),
    # -- end Compare page --
    # -- analysis on the Map page (analysis, attribute table, drawing, view) --
    "url.dropped": ("链接中的参数 {keys} 过长或含控制字符，已忽略。",
                    "The link's parameters {keys} were too long or held control characters: "
                    "ignored."),
    "view.ignored": ("链接中的以下参数无法识别，已忽略：{items}",
                     "These link parameters were not recognised and were ignored: {items}"),
    "pane.label": ("分析", "Analysis"),
    "share.header": ("分享此视图", "Share this view"),
    "share.copy": ("复制链接", "Copy link"),
    "share.copied": ("已复制", "Copied"),
    "share.help": ("打开此链接即得到同样的地图：底图、图层、筛选、选中的要素、半径圈与视野。",
                   "Opening this link gives the same map: basemap, layers, filters, the selected "
                   "feature, rings and the view."),
    "rings.use_selected": ("以此为中心画服务半径圈", "Draw catchment rings around it"),
    "pane.table": ("属性表", "Attribute table"),
    "pane.rings": ("服务半径圈", "Catchment rings"),
    "pane.stats": ("统计", "Statistics"),
    "table.filter": ("筛选表格", "Filter the table"),
    "table.filter.placeholder": ("任意列中的文字，简繁均可", "Text in any column"),
    "table.count": ("表中 {rows} 行（地图上可见 {visible} 个要素）"
        "；点击表头排序，选中一行即在地图上高亮。",
                    "{rows} rows ({visible} features visible on the map); click a header to "
                    "sort, select a row to highlight it on the map."),
    "table.truncated": ("表格只列出前 {shown} 行（共 {rows} 行），排序也只在这些行内；"
                        "用筛选缩小范围。下载包含全部 {rows} 行。",
                        "The grid lists the first {shown} of {rows} rows, and sorts only those; "
                        "filter to narrow it down. The downloads hold all {rows} rows."),
    "table.download": ("下载表中 {rows} 个要素（{fmt}）", "Download the {rows} rows ({fmt})"),
    "table.col.name": ("名称", "Name"),
    "table.col.name_other": ("其他名称", "Other name"),
    "table.col.layer": ("图层", "Layer"),
    "table.col.kind": ("类型", "Kind"),
    "table.col.status": ("状态", "Status"),
    "table.col.drawn": ("地图显示", "On the map"),
    "table.col.clauses": ("相关条目数", "Clauses"),
    "table.col.area_km2": ("面积（km²）", "Area (km²)"),
    "table.col.length_km": ("长度（km）", "Length (km)"),
    "table.col.accuracy_m": ("精度（m）", "Accuracy (m)"),
    "table.col.source": ("来源", "Source"),
    "table.drawn.normal": ("显示", "shown"),
    "table.drawn.context": ("淡显（背景）", "dimmed (context)"),
    "table.drawn.focus": ("突出", "highlighted"),
    "rings.centre": ("服务半径圈中心", "Catchment ring centre"),
    "rings.off": ("（不显示）", "(none)"),
    "rings.help": ("1、3、5、10 公里直线距离圈（CGCS2000 "
        "高斯-克吕格 120°E 投影中计算），不是出行时间。",
                   "1, 3, 5 and 10 km straight-line rings (computed in CGCS2000 Gauss-Krüger "
                   "CM 120°E), not travel time."),
    "rings.label": ("{km} km 直线距离", "{km} km straight line"),
    "rings.honest": ("距离为直线距离（CGCS2000 / 3° 高斯-克吕格 120°E，"
        "EPSG:4549），不是出行时间或路网距离。",
                     "Distances are straight-line (CGCS2000 / 3° Gauss-Krüger CM 120°E, "
                     "EPSG:4549), not travel time or network distance."),
    "rings.none": ("请在侧栏选择一个点要素作为中心。"
        "",
        "Pick a point feature as the centre in the sidebar."),
    "rings.use_hub": ("以常州南站为中心", "Centre on 常州南站 (Changzhou South)"),
    "rings.header": ("以“{centre}”为中心的各圈要素", "Features per ring around \"{centre}\""),
    "rings.band": ("{inner}–{outer} km", "{inner}–{outer} km"),
    "rings.col.ring": ("圈", "Ring"),
    "rings.col.distance": ("直线距离（km）", "Straight-line distance (km)"),
    "stats.caption": ("按可见图层统计；面积与长度在 EPSG:4549 投影中计算；"
        "行政区与创新区边界计入个数但不计入面积。",
                      "Of the visible layers; areas and lengths computed in EPSG:4549; district "
                      "and zone boundaries are counted but left out of the area."),
    "stats.metric": ("图表指标", "Chart"),
    "stats.by_theme": ("按主题", "By theme"),
    "stats.by_directive": ("按部署条目", "By directive"),
    "stats.col.label": ("主题", "Theme"),
    "stats.col.directive": ("部署条目", "Directive"),
    "stats.col.theme": ("主题", "Theme"),
    "stats.col.directives": ("条目数", "Clauses"),
    "stats.col.features": ("要素数", "Features"),
    "stats.col.points": ("点要素", "Points"),
    "stats.col.boundaries": ("边界要素", "Boundaries"),
    "stats.col.area_km2": ("面积（km²）", "Area (km²)"),
    "stats.col.length_km": ("长度（km）", "Length (km)"),
    "draw.hint": ("用地图左侧的绘制工具画多边形或矩形可查询其中的要素与条目；画折线可量距离。",
                  "Draw a polygon or rectangle with the tools on the map's left to list the "
                  "features and clauses inside; draw a line to measure a distance."),
    "draw.header": ("绘制查询与量测", "Drawing: query and measure"),
    "draw.area": ("图形 {n}：面积 {km2} km²，"
        "周长 {km} km",
        "Shape {n}: area {km2} km², perimeter {km} km"),
    "draw.line": ("折线 {n}：长度 {km} km", "Line {n}: length {km} km"),
    "draw.features": ("范围内的可见要素（{n}，点击名称高亮）",
                      "Visible features inside ({n}; click a name to highlight it)"),
    "draw.partly": ("部分在内", "partly inside"),
    "draw.pick": ("点击名称在地图上高亮", "Click a name to highlight it on the map"),
    "draw.none": ("范围内没有可见要素。", "No visible feature inside."),
    "draw.clauses": ("提及这些要素的条目（{n}）", "Clauses mentioning them ({n})"),
    "draw.save": ("将绘制保存为图层（分析人员）", "Save the drawing as a layer (analysts)"),
    "draw.save.title": ("图层名称", "Layer title"),
    "draw.save.source": ("来源说明", "Source"),
    "draw.save.source_default": ("在地图上手绘（示意）", "Drawn on the map (indicative)"),
    "draw.save.button": ("保存为图层", "Save as a layer"),
    # -- end analysis --
    # -- basemap honesty and Streamlit's own texts (issue 14, items 6 and 7) --
    "tiles.failed": ("底图瓦片无法加载（无网络、地址被拦截或缺少密钥），图上只显示要素。",
                     "The basemap tiles do not load (no internet, a blocked host or a missing "
                     "key): only the features are shown."),
    "tiles.none": ("改用无底图", "Use no basemap"),
    "big.failed": ("图层“{name}”有 {failed}/{total} 个分块未能从服务器载入，这些地方在图上是空的。",
                   "{failed} of {total} tiles of the layer “{name}” did not load from the "
                   "server: those places are blank on the map."),
    "big.failed_all": ("图层“{name}”未能从服务器载入，图上没有画出它。",
                       "The layer “{name}” did not load from the server: it is not drawn."),
    "big.retry": ("重试", "Retry"),
    "tiles.fallback": ("底图瓦片无法加载，本次会话已改用无底图；可在“底图”中重新选择。",
                       "The basemap tiles did not load: this session now uses no basemap "
                       "(choose another under Basemap to try again)."),
    "conv.geojson_gb18030": ("GeoJSON 文本由 GB18030 转为 UTF-8（按内容判断）",
                             "GeoJSON text GB18030 → UTF-8 (judged from content)"),
    "conv.dbf_encoding": ("DBF 编码按 {encoding} 读取（无 .cpg 文件，按内容判断）",
                          "DBF encoding {encoding} (no .cpg; judged from content)"),
    "conv.csv_encoding": ("CSV 编码按 {encoding} 读取（按内容判断）",
                          "CSV encoding {encoding} (judged from content)"),
    "conv.z_dropped": ("已去掉高程（Z）坐标（二维地图）", "Z coordinates dropped (2-D map)"),
    "conv.datum": ("{datum} → WGS84（逐点换算）", "{datum} → WGS84 (converted point by point)"),
    "conv.crs": ("{crs} → EPSG:4326（经纬度）", "{crs} → EPSG:4326 (longitude/latitude)"),
    "conv.swapped": ("{n} 个要素的经纬度已互换",
                     "longitude/latitude swapped on {n} {n:feature|features}"),
    "conv.make_valid": ("{n} 个要素的几何已修复（make_valid）",
                        "geometry repaired on {n} {n:feature|features} (make_valid)"),
    "upload.col.geometry": ("几何类型", "Geometry"),
    "upload.col.row": ("行号", "Row"),
    "punct.colon": ("：", ": "),  # after a heading in running text
    "stored.note.reverted": ("由第 {v} 版恢复", "reverted to version {v}"),
    "audit.col.at": ("时间", "When"),
    "audit.col.user": ("操作人", "By"),
    "audit.col.action": ("操作", "Action"),
    "audit.col.layer_id": ("图层编号", "Layer id"),
    "audit.col.title": ("图层名称", "Layer title"),
    "audit.col.version": ("版本", "Version"),
    "audit.col.sha256": ("SHA-256 校验值", "SHA-256"),
    "audit.col.original_name": ("文件", "File"),
    "audit.col.feature_count": ("要素数", "Features"),
    "audit.col.links": ("关联数", "Links"),
    "audit.action.create": ("上传", "upload"),
    "audit.action.replace": ("替换", "replace"),
    "audit.action.delete": ("删除", "delete"),
    "audit.action.restore": ("恢复", "restore"),
    "audit.action.revert": ("回退到旧版本", "revert"),
    "audit.action.update": ("修改关联", "link edit"),
    "upload.col.feature": ("要素编号", "Feature id"),
    "upload.col.name": ("要素名称", "Feature name"),
    "upload.col.origin": ("建议来源", "Suggested by"),
    "upload.col.evidence": ("依据", "Evidence"),
    "upload.origin.file": ("文件自带", "the file"),
    "upload.origin.gazetteer": ("地名匹配", "place name match"),
    "upload.origin.keyword": ("关键词匹配", "keyword match"),
    "upload.origin.analyst": ("分析人员", "the analyst"),
    # -- end basemap honesty and Streamlit's own texts --
    # -- up-geojson (issue 16): per-file datum, datum hint, declared-CRS override
    "upload.datum.hint": ("此文件很可能是 {datum} 坐标（依据：{reason}），已为其预选 {datum}。"
                          "如数据实为 WGS84，请在下方改选。",
                          "This file is likely in {datum} coordinates ({reason}); {datum} is "
                          "pre-selected for it. If the data is WGS84, choose that below."),
    "upload.ignore_crs": ("忽略文件声明的坐标系", "Ignore the file's declared CRS"),
    "upload.ignore_crs.help": ("文件声明的坐标系与坐标数值矛盾时勾选：坐标将按经纬度或您在"
                               "下方选择的坐标系读取。",
                               "Tick when the CRS the file declares contradicts its numbers: the "
                               "coordinates are then read as longitude/latitude, or in the CRS "
                               "you choose below."),
    # meeting-add (issue 17): the Reports page — add, review, save meeting reports; the gazetteer
    "nav.reports": ("会议报告", "Meeting reports"),
    "reports.header": ("会议报告", "Meeting reports"),
    "reports.intro": ("每份会议报告的条款都与地图要素关联。分析人员可粘贴或上传新报告，审核后保存；"
                      "每次保存都是新版本，删除可恢复。",
                      "Every meeting report's clauses are linked to the map's features. Analysts "
                      "paste or upload a new report, review it and save it; every save is a new "
                      "version, and a delete can be undone."),
    "reports.script_note": ("繁体与简体由 OpenCC 自动转换；英文只显示分析人员提供的译文，"
                            "不做机器翻译。",
                            "Traditional and simplified Chinese are converted by OpenCC; English "
                            "is shown only where an analyst supplied it (no machine "
                            "translation): report texts appear in Chinese."),
    "reports.list": ("已保存的报告", "Stored reports"),
    "reports.none": ("尚无已保存的报告。", "No reports are stored yet."),
    "reports.analysts_only": ("只有分析人员可以添加、编辑或删除报告。",
                              "Only analysts can add, edit or delete reports."),
    "reports.user": ("您的姓名（记录在报告历史中）", "Your name (recorded in the report history)"),
    "reports.user_missing": ("请先填写您的姓名。", "Enter your name first."),
    "reports.edit": ("编辑", "Edit"),
    "reports.delete": ("删除", "Delete"),
    "reports.restore": ("恢复", "Restore"),
    "reports.deleted": ("（已删除）", " (deleted)"),
    "reports.builtin_readonly": ("内置的 2023 年报告由项目维护，不能在此编辑。",
                                 "The built-in 2023 report is curated in the project and cannot "
                                 "be edited here."),
    "reports.add": ("添加报告", "Add a report"),
    "reports.title": ("标题", "Title"),
    "reports.date": ("会议日期（YYYY-MM-DD）", "Meeting date (YYYY-MM-DD)"),
    "reports.body": ("会议机构／类型", "Meeting body or kind"),
    "reports.body.help": ("如指挥部会议、推进大会、现场推进会、年度工作报告。",
                          "For example a headquarters meeting, a promotion conference, an on-site "
                          "meeting, an annual work report."),
    "reports.source_url": ("来源链接（可不填）", "Source link (optional)"),
    "reports.mode": ("报告文本", "Report text"),
    "reports.mode.paste": ("粘贴文本", "Paste the text"),
    "reports.mode.file": ("上传文件", "Upload a file"),
    "reports.text": ("报告全文", "The report's full text"),
    "reports.file": ("报告文件（.txt、.md、.docx、带文字层的 .pdf）",
                     "Report file (.txt, .md, .docx, .pdf with a text layer)"),
    "reports.file.help": ("扫描的 PDF 没有文字层，请改为粘贴文本。",
                          "A scanned PDF has no text layer: paste the text instead."),
    "reports.prepare": ("整理并审核", "Prepare for review"),
    "reports.text_missing": ("请粘贴报告文本。", "Paste the report's text."),
    "reports.file_missing": ("请选择报告文件。", "Choose the report file."),
    "reports.review": ("审核：{title}", "Review: {title}"),
    "reports.cleaned": ("已去除 {aids} 处注音、统一 {widths} 个全角字符；{clauses} 条条款，"
                        "{links} 处地点关联。",
                        "{aids} reading aids removed, {widths} full-width characters normalised; "
                        "{clauses} clauses, {links} place links."),
    "reports.flags": ("待确认的片段", "Spans to decide on"),
    "reports.flag.navigation": ("导航或网页工具", "Navigation or page tools"),
    "reports.flag.byline": ("署名或来源行", "Byline or source line"),
    "reports.flag.garbled": ("疑似乱码", "Suspected garbled text"),
    "reports.flag.shown": ("{kind}：“{text}”", "{kind}: “{text}”"),
    "reports.decided.junk.pending": ("未决定（保留在文本中）",
                                     "Not decided (kept in the text)"),
    "reports.decided.junk.accept": ("已删除", "Removed"),
    "reports.decided.junk.reject": ("已保留", "Kept"),
    "reports.decided.garbled.pending": ("未决定：原样保留，未作修复",
                                        "Not decided: kept as it is, not repaired"),
    "reports.decided.garbled.accept": ("已按您的修复替换", "Replaced by your repair"),
    "reports.decided.garbled.reject": ("已确认原样保留", "Kept as it is"),
    "reports.junk.remove": ("删除", "Remove"),
    "reports.junk.keep": ("保留", "Keep"),
    "reports.repair": ("修复为", "Repair to"),
    "reports.repair.apply": ("应用修复", "Apply the repair"),
    "reports.repair.keep": ("原样保留", "Keep as it is"),
    "reports.clauses": ("条款、主题与关联", "Clauses, themes and links"),
    "reports.themes.headings": ("以文中标题作为主题", "Use the document's headings as themes"),
    "reports.themes.default": ("改用六大主题", "Use the six themes"),
    "reports.edit_clause": ("修改一条条款", "Edit a clause"),
    "reports.clause": ("条款", "Clause"),
    "reports.theme": ("主题", "Theme"),
    "reports.theme.context": ("背景", "Context"),
    "reports.link.remove": ("移除关联", "Remove link"),
    "reports.link.evidence": ("关联的文字（条款中的原文）",
                              "Text to link (as it stands in the clause)"),
    "reports.link.evidence.help": ("须在该条款中恰好出现一次。",
                                   "It must appear exactly once in the clause."),
    "reports.link.features": ("关联到的要素", "Features to link it to"),
    "reports.link.add": ("添加关联", "Add the link"),
    "reports.link.incomplete": ("请填写关联的文字并选择要素。",
                                "Enter the text to link and choose the features."),
    "reports.link.not_found": ("“{evidence}”不在该条款中。",
                               "“{evidence}” is not in this clause."),
    "reports.link.ambiguous": ("“{evidence}”在该条款中出现 {n} 次，请填写更长的一段文字。",
                               "“{evidence}” appears {n} times in this clause: enter a longer "
                               "piece of the text."),
    "reports.link.generic": ("（泛指）", " (generic)"),
    "reports.pick": ("选择要素", "Choose features"),
    "reports.candidates": ("未匹配的疑似地名", "Unmatched names that look like places"),
    "reports.candidates.none": ("没有未匹配的疑似地名。", "No unmatched place-like names."),
    "reports.place.add": ("向地名库添加地点", "Add a place to the gazetteer"),
    "reports.place.help": ("地图上没有的地名，可关联到内置要素或上传图层的要素；添加后所有已保存的"
                           "报告都会重新关联。",
                           "A name the map does not know can be linked to a built-in feature or "
                           "one of an uploaded layer; every stored report is then linked again."),
    "reports.place.name": ("地名", "Place name"),
    "reports.place.aliases": ("别名（繁体或简体，用顿号分隔）",
                              "Aliases in traditional or simplified Chinese (separated by 、)"),
    "reports.place.en": ("英文名（可不填，用逗号分隔）",
                         "English names (optional, comma-separated)"),
    "reports.place.features": ("对应的要素", "The features it maps to"),
    "reports.place.save": ("添加地点", "Add the place"),
    "reports.place.incomplete": ("请填写地名并选择至少一个要素。",
                                 "Enter the place name and choose at least one feature."),
    "reports.place.added": ("已添加地点“{name}”；{n} 份已保存的报告已重新关联并保存为新版本。",
                            "The place “{name}” was added; {n} stored reports were linked again "
                            "and saved as a new version."),
    "reports.place.conflict": ("报告“{report}”在此期间被他人修改，未重新关联。请打开并保存该报告。",
                               "The report “{report}” was changed by someone else meanwhile and "
                               "was not linked again: open it and save it."),
    "reports.save": ("保存报告", "Save the report"),
    "reports.saved": ("已保存（第 {revision} 版）。再次修改后可保存为新版本。",
                      "Saved (revision {revision}). Change it again to save a new version."),
    "reports.discard": ("关闭审核", "Close the review"),
    "reports.col.n": ("序号", "No."),
    "reports.col.clause": ("条款", "Clause"),
    "reports.col.theme": ("主题", "Theme"),
    "reports.col.links": ("关联地点", "Linked places"),
    "reports.col.date": ("日期", "Date"),
    "reports.col.title": ("标题", "Title"),
    "reports.col.body": ("会议机构／类型", "Meeting body or kind"),
    "reports.col.revision": ("版本", "Revision"),
    "reports.col.updated": ("最后修改", "Last changed"),
    "reports.en": ("英文译文（可不填）", "English translation (optional)"),
    "reports.en.help": ("英文页面只显示此处提供的译文，不做机器翻译。",
                        "English pages show only the translation given here; nothing is machine "
                        "translated."),
    # -- end meeting-add --
    # -- up-page: the Upload page (issue 16 item 9, issue 14 labels) --
    "upload.label": ("标注列（要素名称）", "Label column (feature names)"),
    "upload.label.help": (
        "地图上的要素标注与名称取自这一列；默认为自动识别的名称列。",
        "The map labels and names the features with this column; by default the name column "
        "found in the file."),
    "upload.label.ids": ("（无名称列，按编号标注）", "(no name column: label by id)"),
    "upload.label.own": ("文件自带标注列“{column}”，按该列标注。",
                         "The file has its own label column \"{column}\"; it labels the map."),
    "upload.duplicate": ("该文件已按相同方式保存为图层“{title}”（{id}，第 {v} 版）。"
                         "再次保存会产生一个完全相同的副本。",
                         "This file was already saved, read the same way, as layer \"{title}\" "
                         "({id}, v{v}). Saving again makes an identical copy."),
    "upload.duplicate.again": ("仍要再保存一份", "Save another copy anyway"),
    "upload.need.confirm": ("如确需再保存一份相同的图层，请先勾选确认。",
                            "Tick the box to save another identical copy."),
    # meeting-ui: every stored meeting report on the map, the Directives page and Present
    "filter.report": ("会议", "Meeting"),
    "filter.report.all": ("（全部会议）", "(all meetings)"),
    "filter.since": ("会议日期自", "Meetings from"),
    "filter.until": ("会议日期至", "Meetings until"),
    "filter.dates.help": ("只看这段时间内召开的会议的条目",
                          "Only clauses of meetings held in this period"),
    "report.label": ("{date} · {title}", "{date} · {title}"),
    "report.broken": ("会议报告“{title}”无法读取，已略过：{why}",
                      "The meeting report “{title}” could not be read and is left out: {why}"),
    "panel.history": ("历次会议中提及它的条目，新的在前。",
                      "What each meeting said about it, newest first."),
    "clause.no_english": ("未提供英文译文，显示中文原文。",
                          "No English translation was supplied: the Chinese text is shown."),
    "dir.reports": ("会议时间线", "Meetings on a timeline"),
    "dir.reports.col.date": ("日期", "Date"),
    "dir.reports.col.title": ("会议", "Meeting"),
    "dir.reports.col.body": ("会议机构", "Body"),
    "dir.reports.col.clauses": ("条目数", "Clauses"),
    "dir.report.open": ("打开会议", "Open a meeting"),
    "dir.report.source": ("原文链接：{url}", "Published at {url}"),
    "dir.no_reports": ("尚无会议报告。", "No meeting report is stored."),
    "dir.timeline": ("各地点历次被提及", "Mentions per place over time"),
    "dir.timeline.help": ("每格为该次会议中点名提及此地点的条目数。",
                          "Each cell: how many clauses of that meeting name the place."),
    "dir.timeline.place": ("地点", "Place"),
    "present.report": ("会议", "Meeting"),
    # -- end meeting-ui --
    # -- prepare-save: big layers prepared when saved (issue 18 Build 2) --
    "upload.preparing": ("正在为地图准备该图层（{pct}%）。图层已保存，现在即可查看；"
                         "准备完成后首次打开更快。",
                         "Preparing the layer for the map ({pct}%). It is saved and can be "
                         "viewed now; once prepared it opens faster."),
    "upload.prepared": ("该图层已为地图准备就绪。", "The layer is prepared for the map."),
    # -- m-meta: a saved report's details edited (issue 17) --
    "reports.details": ("信息", "Details"),
    "reports.details.header": ("修改报告信息：{title}", "Edit the report's details: {title}"),
    "reports.date.help": ("可只填年份（2024）或年月（2024-05）。",
                          "A year (2024) or a month (2024-05) alone is accepted."),
    "reports.details.save": ("保存信息", "Save the details"),
    "reports.details.saved": ("报告信息已保存为第 {revision} 版。",
                              "The details were saved as revision {revision}."),
    "reports.details.current": ("当前为第 {revision} 版：{date} · {title}",
                                "Now at revision {revision}: {date} · {title}"),
    "reports.details.rebase": ("以当前版本为准，保留我填写的内容",
                               "Edit the current version with what I typed"),
    "reports.details.cancel": ("取消", "Cancel"),
    "reports.history": ("历史", "History"),
    "reports.history.header": ("版本历史：{title}", "Version history: {title}"),
    "reports.history.revert": ("恢复为第 {revision} 版", "Make revision {revision} current"),
    "reports.history.reverted": ("已将第 {revision} 版恢复为当前版本（第 {new} 版）。",
                                 "Revision {revision} is current again (saved as revision "
                                 "{new})."),
    "reports.history.close": ("关闭历史", "Close the history"),
    "reports.col.source": ("来源链接", "Source link"),
    "reports.col.changes": ("改动", "Changes"),
    "reports.field.title": ("标题", "title"),
    "reports.field.date": ("日期", "date"),
    "reports.field.body": ("会议机构／类型", "meeting body or kind"),
    "reports.field.source_url": ("来源链接", "source link"),
    "reports.action.create": ("创建", "created"),
    "reports.action.update": ("新版本", "new version"),
    "reports.action.delete": ("删除", "deleted"),
    "reports.action.restore": ("恢复", "restored"),
    # -- end m-meta --
    # -- review-speed --
    "reports.clauses.page": ("表中显示的条款", "Clauses shown in the table"),
    "reports.clauses.range": ("第 {a}–{b} 条（共 {n} 条）", "{a}–{b} of {n}"),
    # -- end review-speed --
    # -- m-display: a report's own themes, the per-place timeline chart --
    "dir.timeline.chart_help": ("每行一个地点；圆点为一次会议点名提及该地点的条目数。"
                                "只注明年份（或月份）的会议，以横条标出整年（或整月），"
                                "圆点居中，并非具体日期。",
                                "One row per place; a dot is the number of a meeting's clauses "
                                "that name it. A meeting dated by year (or month) only is "
                                "drawn as a bar over that year (or month), its dot in the "
                                "middle: not a day."),
    "dir.timeline.report": ("会议", "Meeting"),
    "dir.timeline.date": ("会议日期", "Meeting date"),
    "dir.timeline.count": ("提及条目数", "Clauses naming it"),
    "dir.timeline.precision": ("日期精度", "Date given to"),
    "dir.timeline.precision.year": ("仅年份", "the year only"),
    "dir.timeline.precision.month": ("仅年月", "the month only"),
    "dir.timeline.precision.day": ("具体日期", "the day"),
    "dir.timeline.table": ("表格", "Table"),
    "standalone.clauses": ("会议条目", "Meeting clauses"),
    "standalone.clauses.of": ("本文件所含会议：{reports}", "Meetings in this file: {reports}"),
    "standalone.clauses.hint": ("点击地图上的要素，即列出提及它的会议条目。",
                                "Click a feature on the map to list the clauses that name it."),
    "standalone.clauses.none": ("本文件所含会议中没有条目提及此要素。",
                                "No clause of the meetings in this file names this feature."),
    # -- end m-display --
}


@cache
def _hant(key: str) -> str:
    entry = _STRINGS[key]
    return entry[2] if len(entry) > 2 else to_traditional(entry[0])


def localise(zh_hans: str, en: str, lang: str) -> str:
    """Pick the text for ``lang`` from a 简体 / English pair (繁體 by OpenCC, cached)."""
    if lang == "en":
        return en
    return to_traditional(zh_hans) if lang == "zh-Hant" else zh_hans


def t(key: str, lang: str, /, **values: object) -> str:
    """The UI string ``key`` in ``lang``, formatted with ``values`` (never HTML)."""
    if key not in _STRINGS:
        raise KeyError(f"no UI string {key!r}")
    if lang == "en":
        text = _STRINGS[key][1]
    else:
        text = _hant(key) if lang == "zh-Hant" else _STRINGS[key][0]
    return fill(text, **values) if values else text


class _Filler(string.Formatter):
    """``str.format`` plus plurals: ``{n:feature|features}`` is the word for the number ``n``
    (the first form for exactly 1, the second otherwise); the number itself is written as
    ``{n}``.  Chinese strings need no plural."""

    def format_field(self, value: object, format_spec: str) -> str:
        if "|" in format_spec:
            one, many = format_spec.split("|", 1)
            return one if value == 1 else many
        return super().format_field(value, format_spec)


_FILLER = _Filler()


def fill(text: str, /, **values: object) -> str:
    """``text.format(**values)`` with the plural fields of :class:`_Filler`."""
    return _FILLER.format(text, **values)


def zh(text_hant: str, lang: str) -> str:
    """Chinese content stored in 繁體, for display in ``lang`` (English falls back to 繁→简)."""
    return text_hant if lang == "zh-Hant" else to_simplified(text_hant)


def status_label(status: str, lang: str) -> str:
    return t(f"status.{status}", lang) if f"status.{status}" in _STRINGS else status


def kind_label(kind: str, lang: str) -> str:
    return t(f"kind.{kind}", lang) if f"kind.{kind}" in _STRINGS else kind
