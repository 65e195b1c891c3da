"""Typed findings and errors, with messages in 简体中文, 繁體中文 and English.

Ingest never raises for bad input: it returns :class:`Finding` objects (what is wrong, where, and
what to do).  Code that cannot go on raises a :class:`LianghuError` subclass; the UI shows
``err.message(lang)``.  Messages are plain text (never HTML): the UI escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

from .i18n import fill, localise

__all__ = [
    "GEOMETRY_NAMES",
    "MESSAGES",
    "Finding",
    "LayerNotFound",
    "LianghuError",
    "Localised",
    "Severity",
    "StoreError",
    "StoreFull",
    "SupersedeMismatch",
    "SupersedeUnknown",
    "WriteDenied",
    "message",
    "param_text",
]


class Severity(StrEnum):
    ERROR = "error"  # the file cannot be saved as it is
    WARNING = "warning"  # saved after a repair or a drop the analyst should know about
    INFO = "info"  # what was done (encoding, datum, CRS)


# code: (简体, English). Placeholders are filled from Finding.params.
MESSAGES: dict[str, tuple[str, str]] = {
    # -- the file as a whole
    "empty_file": ("文件为空（0 字节）。请检查导出是否完成后重新上传。",
                   "The file is empty (0 bytes). Check that the export finished and upload again."),
    "file_too_large": ("文件 {size_mb} MB，超过上限 {limit_mb} MB。请拆分图层或简化几何后再上传。",
                       "The file is {size_mb} MB, over the {limit_mb} MB limit. Split the layer "
                       "or simplify its geometry, then upload again."),
    "too_many_features": ("共 {count} 个要素，超过上限 {limit} 个。请拆分图层后再上传。",
                          "{count} features, over the limit of {limit}. Split the layer and "
                          "upload the parts."),
    "unsupported_format": ("不支持的文件类型“{ext}”。支持：GeoJSON（.geojson/.json）、压缩的 "
                           "Shapefile（.zip）、GeoPackage（.gpkg）、KML/KMZ、CSV。",
                           "Unsupported file type \"{ext}\". Supported: GeoJSON (.geojson/.json), "
                           "zipped Shapefile (.zip), GeoPackage (.gpkg), KML/KMZ, CSV."),
    "not_json": ("不是有效的 JSON：第 {line} 行第 {column} 列，{detail}。请用文本编辑器或 JSON "
                 "校验工具修正该处。",
                 "Not valid JSON: line {line}, column {column}: {detail}. Fix the file at that "
                 "place (a text editor or JSON validator shows it)."),
    "not_geojson": ("这是 JSON，但不是 GeoJSON：{what}。GeoJSON 需要 \"type\" 为 "
                    "FeatureCollection、Feature 或几何类型。",
                    "This is JSON but not GeoJSON: {what}. GeoJSON needs a \"type\" of "
                    "FeatureCollection, Feature or a geometry type."),
    "topojson": ("这是 TopoJSON（拓扑编码），不是 GeoJSON。请先转换为 GeoJSON（如 mapshaper 或 "
                 "QGIS“另存为”）再上传。",
                 "This is TopoJSON, not GeoJSON. Convert it to GeoJSON first (mapshaper, or QGIS "
                 "\"Save as\") and upload that."),
    # (the reader's own English detail stays out of the Chinese message: issue 19)
    "unreadable": ("无法读取文件（文件可能已损坏或不完整）。请确认文件完整、格式与扩展名一致。",
                   "The file cannot be read: {detail}. Check that it is complete and that its "
                   "extension matches its format."),
    "no_features": ("文件中没有任何要素。", "The file holds no features."),
    "no_geometry": ("文件中没有几何（全部为空）。请检查导出设置。",
                    "No feature has a geometry. Check the export settings."),
    "choose_layer": ("文件包含多个图层：{layers}。请选择要上传的图层。",
                     "The file holds several layers: {layers}. Choose the layer to upload."),
    "unknown_layer": ("文件中没有名为“{layer}”的图层（现有：{layers}）。",
                      "The file has no layer \"{layer}\" (it has: {layers})."),
    "shapefile_incomplete": ("压缩包中的 Shapefile“{name}”缺少 {missing}。.shp、.shx、.dbf "
                             "三个文件缺一不可，请一并打包。",
                             "The Shapefile \"{name}\" in the zip lacks {missing}. .shp, .shx and "
                             ".dbf must all be in the zip."),
    "zip_no_shapefile": ("压缩包中没有 .shp 文件（内容：{members}）。",
                         "The zip holds no .shp file (it holds: {members})."),
    "zip_damaged": ("压缩包已损坏（无法解开）。请重新打包后上传。",
                    "The archive is damaged and cannot be unpacked. Zip the files again."),
    "prj_unusable": ("“{name}”中的坐标系无法识别，已忽略；坐标将按没有坐标系的文件处理。",
                     "The CRS in \"{name}\" cannot be understood and was set aside; the "
                     "coordinates are judged as for a file without CRS."),
    "not_utf8": ("文件不是 UTF-8 编码（第 {offset} 字节起无法解码）。请另存为 UTF-8 后重新上传。",
                 "The file is not UTF-8 (undecodable from byte {offset}). Save it as UTF-8 and "
                 "upload again."),
    "csv_malformed": ("CSV 格式有误：{detail}。请检查分隔符和每行的列数。",
                      "The CSV is malformed: {detail}. Check the delimiter and the number of "
                      "fields in each row."),
    "zip_too_many": ("压缩包内有 {count} 个文件，超过上限 {limit} 个。请只打包需要的文件。",
                     "The archive holds {count} files, over the limit of {limit}. Zip only the "
                     "files needed."),
    "zip_unsafe_path": ("压缩包内的文件名“{name}”不安全（绝对路径或含 ..）。请重新打包。",
                        "The archive entry \"{name}\" has an unsafe name (absolute or with ..). "
                        "Zip the files again."),
    "zip_nested": ("压缩包内又有压缩文件“{name}”。请解开后只打包图层文件。",
                   "The archive contains another archive, \"{name}\". Unpack it and zip only "
                   "the layer's files."),
    "zip_bomb": ("压缩包“{name}”解压后过大（压缩比约 {ratio}:1），已拒绝。",
                 "The archive entry \"{name}\" expands too much (about {ratio}:1); refused."),
    "too_many_vertices": ("共 {count} 个顶点，超过每个图层 {limit} 个的上限（顶点过多会使每位"
                          "用户的地图加载变慢），已拒绝，不会自动简化。请简化几何后再上传。",
                          "{count} vertices, over the limit of {limit} per layer (more would "
                          "slow every viewer's map); refused, not simplified automatically. "
                          "Simplify the geometry and upload again."),
    "property_too_long": ("属性“{name}”的值长 {length} 个字符，超过上限 {limit}。"
                          "请缩短或移除该属性。",
                          "Attribute \"{name}\" holds a value of {length} characters, over the "
                          "limit of {limit}. Shorten or remove it."),
    "property_name_too_long": ("属性名“{name}”长 {length} 个字符，超过上限 {limit}。",
                               "An attribute name is {length} characters long (\"{name}\"), "
                               "over the limit of {limit}."),
    "kmz_no_kml": ("KMZ 中没有 .kml 文件。", "The KMZ holds no .kml file."),
    # -- resource bombs and remote references (checked before or while reading; issue 19)
    "ingest_timeout": ("读取文件用时超过 {seconds} 秒，已停止读取（文件未保存，其他用户不受影响）。"
                       "请拆分或简化图层后再上传。",
                       "Reading the file took longer than {seconds} s and was stopped (nothing "
                       "was saved; no one else was affected). Split or simplify the layer and "
                       "upload again."),
    "ingest_memory": ("读取文件所需内存超过 {limit_mb} MB，已停止读取（文件未保存，其他用户不受"
                      "影响）。请拆分或简化图层后再上传。",
                      "Reading the file needed more than {limit_mb} MB of memory and was stopped "
                      "(nothing was saved; no one else was affected). Split or simplify the "
                      "layer and upload again."),
    "gpkg_view": ("GeoPackage 图层“{layer}”是视图（存储的查询），不是数据表。为防止查询无休止地"
                  "运行，视图不予读取。请在 QGIS 中将该图层另存为普通图层后再上传。",
                  "The GeoPackage layer \"{layer}\" is a view (a stored query), not a table. "
                  "Views are not read, as a query can run without end. Save the layer as a "
                  "plain table (QGIS: Export → Save Features As) and upload that."),
    "gpkg_virtual": ("GeoPackage 图层“{layer}”是虚拟表，数据不在文件中，不予读取。请将该图层"
                     "另存为普通图层后再上传。",
                     "The GeoPackage layer \"{layer}\" is a virtual table: its data is not in "
                     "the file, so it is not read. Save the layer as a plain table and upload "
                     "that."),
    "csv_too_many_columns": ("CSV 表头有 {count} 列，超过上限 {limit} 列，未读取。请只保留需要的"
                             "列后再上传。",
                             "The CSV header has {count} columns, over the limit of {limit}; "
                             "it was not read. Keep only the columns needed and upload again."),
    "csv_line_too_long": ("CSV 第 {row} 行超过 {limit_kb} KB，未读取。请检查文件是否为 CSV、"
                          "换行是否正确。",
                          "Row {row} of the CSV is longer than {limit_kb} KB; the file was not "
                          "read. Check that it is a CSV with proper line breaks."),
    "json_too_deep": ("JSON 嵌套层数过深（超过 {limit} 层），不是可用的 GeoJSON，未读取。",
                      "The JSON is nested too deeply (more than {limit} levels) to be usable "
                      "GeoJSON; it was not read."),
    "too_complex": ("文件中的单个对象过大或过于复杂，无法读取。请拆分图层或简化几何后再上传。",
                    "An object in the file is too large or too complex to read. Split the "
                    "layer or simplify its geometry, then upload again."),
    "format_not_recognised": ("无法识别文件内容的格式（扩展名为 {ext}）。请确认文件完整，且格式"
                              "与扩展名一致。",
                              "The file's content is not a format that can be read (its "
                              "extension is {ext}). Check that it is complete and that its "
                              "format matches its extension."),
    "format_mismatch": ("文件内容不是 {format} 格式（与扩展名不符），未读取。",
                        "The file's content is not {format}, as its extension says; it was not "
                        "read."),
    "remote_reference": ("文件引用了远程内容（{ref}），已拒绝：系统从不从服务器发起网络请求。"
                         "请将所引用的数据直接放入文件后再上传。",
                         "The file refers to remote content ({ref}); refused: the server never "
                         "fetches anything a file points to. Put the referenced data in the "
                         "file itself and upload again."),
    "remote_reference_ignored": ("文件引用了远程资源（{ref} 等 {count} 处，如图标或样式），"
                                 "已忽略，不会被访问。",
                                 "The file refers to {count} remote {count:resource|resources} "
                                 "(such as icons or styles: {ref}); ignored, never fetched."),
    "xml_doctype": ("XML 文件含有文档类型声明或实体（<!DOCTYPE>/<!ENTITY>），可能引用外部内容，"
                    "已拒绝。请删除该声明后再上传。",
                    "The XML holds a document type declaration or entities (<!DOCTYPE>/"
                    "<!ENTITY>), which can pull in outside content; refused. Remove the "
                    "declaration and upload again."),
    # -- coordinates and reference systems
    "projected_no_crs": ("坐标看起来是投影坐标（如 x={x}，y={y}），但文件没有声明坐标系。系统"
                         "不会默认为 WGS84。请在导出时附带坐标系（.prj），或在下方选择坐标系。"
                         "可能是：{suggestions}。",
                         "The coordinates look projected (e.g. x={x}, y={y}) but the file declares "
                         "no CRS. They will not be taken as WGS84. Export with the CRS (.prj), or "
                         "choose the CRS below. Likely: {suggestions}."),
    "out_of_range": ("坐标超出经纬度范围（x={x}，y={y}）。经度应在 −180…180，纬度在 −90…90。"
                     "请检查坐标系与数据。",
                     "Coordinates out of range (x={x}, y={y}). Longitude must be within "
                     "-180…180 and latitude within -90…90. Check the CRS and the data."),
    "swapped_axes": ("坐标似乎写反了（经纬度互换：x={x}，y={y} 落在中国以外，互换后落在中国境内）。"
                     "请在下方勾选“交换经纬度”，或修正数据后重新上传。",
                     "The coordinates look swapped (x={x}, y={y} lies outside China; swapped, it "
                     "lies inside). Tick \"Swap longitude/latitude\" below, or fix the data."),
    "axes_swapped": ("已按要求交换经纬度。", "Longitude and latitude swapped as requested."),
    "outside_china": ("数据范围（{bounds}）不在中国境内，与两湖地区相距甚远。请确认坐标系。",
                      "The data extent ({bounds}) lies outside China, far from Lianghu. Check "
                      "the CRS."),
    "legacy_crs": ("文件用旧式 \"crs\" 成员声明了坐标系 {crs}，已据此转换为 WGS84。",
                   "The file declares its CRS {crs} with a legacy \"crs\" member; it was "
                   "honoured and the layer converted to WGS84."),
    "crs_assumed_wgs84": ("文件未声明坐标系；坐标明显是经纬度，按 WGS84 处理。若数据来自高德、"
                          "腾讯或百度，请在上方选择对应的坐标来源。",
                          "The file declares no CRS; the coordinates are plainly longitude/"
                          "latitude and are taken as WGS84. If they come from Amap, Tencent or "
                          "Baidu, choose that source datum above."),
    "crs_converted": ("坐标系 {crs} 已转换为 WGS84（EPSG:4326）。",
                      "CRS {crs} converted to WGS84 (EPSG:4326)."),
    "crs_assumed": ("按您的选择，将坐标视为 {crs}。", "Coordinates taken as {crs}, as you chose."),
    "datum_converted": ("已将 {datum} 坐标转换为 WGS84（{count} 个要素）。",
                        "{datum} coordinates converted to WGS84 ({count} "
                        "{count:feature|features})."),
    # -- encodings
    "utf16": ("文件是 UTF-16 编码。请用文本编辑器另存为 UTF-8 后重新上传。",
              "The file is encoded in UTF-16. Save it as UTF-8 (any text editor can) and upload "
              "again."),
    "bom_removed": ("文件以 UTF-8 BOM 开头，已忽略 BOM。", "The file starts with a UTF-8 BOM; "
                    "it was ignored."),
    "encoding_guessed": ("“{name}”未附 .cpg 编码文件，按内容判断为 {encoding} 读取属性。若中文"
                         "显示为乱码，请附上 .cpg 文件后重新上传。",
                         "\"{name}\" has no .cpg file; its attributes were read as {encoding}, "
                         "judged from the content. If Chinese text looks garbled, add a .cpg "
                         "file and upload again."),
    "encoding_fallback": ("“{name}”的属性无法按 {encoding} 解码，已按 ISO-8859-1 读取，"
                          "中文可能显示为乱码。请附上正确的 .cpg 文件后重新上传。",
                          "The attributes of \"{name}\" cannot be decoded as {encoding}; they "
                          "were read as ISO-8859-1 and Chinese text may look garbled. Add the "
                          "right .cpg file and upload again."),
    "encoding_declared": ("属性编码按 .cpg 声明读取：{encoding}。",
                          "Attributes read in the encoding the .cpg declares: {encoding}."),
    # -- features
    "null_geometry": ("要素没有几何（空或缺失），已删除。", "The feature has no geometry (null or "
                      "empty); it was dropped."),
    "invalid_geometry": ("几何无效（{reason}），已用 make_valid 修复。请核对修复结果。",
                         "Invalid geometry ({reason}); repaired with make_valid. Check the "
                         "result."),
    "unrepairable_geometry": ("几何无效（{reason}）且无法修复，已删除。",
                              "Invalid geometry ({reason}) that cannot be repaired; dropped."),
    "mixed_geometry": ("图层混合了不同几何类型：{types}。将按类型分别绘制；如非有意，请拆分为多个"
                       "图层。",
                       "The layer mixes geometry types: {types}. Each is drawn in its own way; "
                       "if this is not intended, split it into several layers."),
    "duplicate_id": ("要素编号“{id}”重复（另见第 {first} 个要素），已改为“{new_id}”。",
                     "Feature id \"{id}\" is duplicated (see also feature {first}); renamed "
                     "\"{new_id}\"."),
    "duplicate_column": ("属性名“{name}”出现多次，重复的已改名为“{name}~2”等。",
                         "The attribute name \"{name}\" appears more than once; the repeats "
                         "were renamed \"{name}~2\" and so on."),
    "style_stripped": ("\"style\" 属性中不允许的部分已移除（{dropped}）。只保留：{allowed}。",
                       "Disallowed parts of \"style\" properties were removed ({dropped}). "
                       "Only these are kept: {allowed}."),
    "unknown_directive": ("属性 directive_ids 中的“{directive}”不是会议部署条目的编号，已忽略。",
                          "\"{directive}\" in directive_ids is not a directive id; ignored."),
    "csv_no_coordinates": ("CSV 中找不到坐标列（列：{columns}）。需要经度/纬度列（如 经度/纬度、"
                           "lon/lat、x/y）或 WKT 列。",
                           "No coordinate columns in the CSV (columns: {columns}). It needs "
                           "longitude/latitude columns (经度/纬度, lon/lat, x/y …) or a WKT "
                           "column."),
    "csv_columns": ("坐标取自列“{x}”与“{y}”。", "Coordinates taken from columns \"{x}\" and "
                    "\"{y}\"."),
    "csv_wkt_column": ("几何取自 WKT 列“{column}”。", "Geometry taken from the WKT column "
                       "\"{column}\"."),
    "csv_extra_cells": ("第 {row} 行比表头多 {count} 个单元格，多出的内容已忽略。",
                        "Row {row} has {count} more {count:cell|cells} than the header; the extra "
                        "{count:cell was|cells were} ignored."),
    "csv_bad_value": ("第 {row} 行的坐标“{value}”不是数字，该行已删除。",
                      "Row {row}: coordinate \"{value}\" is not a number; the row was dropped."),
    "csv_bad_wkt": ("第 {row} 行的 WKT 无法解析（{detail}），该行已删除。",
                    "Row {row}: the WKT cannot be parsed ({detail}); the row was dropped."),
    "more_findings": ("另有 {count} 处同类问题（{code}）未逐一列出。",
                      "{count} more {count:finding|findings} of the same kind ({code}) not "
                      "listed one by one."),
}


class Localised(NamedTuple):
    """A parameter value that has its own words in each language (a geometry type …)."""

    zh_hans: str
    en: str


GEOMETRY_NAMES: dict[str, Localised] = {  # a geometry family (ingest.FAMILY) in words
    "Point": Localised("点", "point"),
    "LineString": Localised("线", "line"),
    "Polygon": Localised("面", "polygon"),
    "GeometryCollection": Localised("几何集合", "geometry collection"),
}


def param_text(value: Any, lang: str) -> Any:
    """A message parameter in ``lang``: a :class:`Localised` value in its words, a list or
    tuple joined as a list is written in ``lang`` (“、” in Chinese, “, ” in English)."""
    if isinstance(value, Localised):
        return localise(value.zh_hans, value.en, lang)
    if isinstance(value, list | tuple):
        return ("、" if lang != "en" else ", ").join(str(param_text(v, lang)) for v in value)
    return value


def message(code: str, lang: str, params: Mapping[str, Any] | None = None) -> str:
    """The message for ``code`` in ``lang`` (``zh-Hans`` | ``zh-Hant`` | ``en``); parameters
    through :func:`param_text`."""
    text = localise(*MESSAGES[code], lang)
    return fill(text, **{k: param_text(v, lang) for k, v in params.items()}) if params else text


# finding codes that mean "this feature (or data row) was left out" (ingest's Report.drop): every
# left-out feature has one, naming it and the reason
DROP_CODES = frozenset({"null_geometry", "unrepairable_geometry", "csv_bad_value", "csv_bad_wkt"})


@dataclass(frozen=True)
class Finding:
    """One thing the validation found: what, where (file, feature index and id), what to do."""

    code: str
    severity: Severity
    file: str
    index: int | None = None  # 0-based position of the feature (or data row) in the file
    feature_id: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None  # the feature's name (its name column), when it has one

    def __post_init__(self) -> None:
        if self.code not in MESSAGES:
            raise KeyError(f"no message for finding code {self.code!r}")

    def message(self, lang: str) -> str:
        return message(self.code, lang, self.params)

    def where(self, lang: str) -> str:
        """"file.geojson · feature #3 “name” · id x" in ``lang`` (#: 0-based, as in the table;
        the name when the feature has one).  Plain text: the UI escapes it."""
        parts = [self.file]
        if self.index is not None:
            parts.append(localise(f"要素 #{self.index}", f"feature #{self.index}", lang)
                         + (f" “{self.name}”" if self.name else ""))
        if self.feature_id not in (None, ""):
            parts.append(localise("编号 ", "id ", lang) + self.feature_id)
        return " · ".join(parts)


class LianghuError(Exception):
    """Base of the errors the UI turns into messages."""

    code = "error"

    def __init__(self, detail: str = "", **params: Any):
        super().__init__(detail or self.code)
        self.detail = detail
        self.params = params

    def message(self, lang: str) -> str:
        return fill(localise(*self.texts, lang), detail=self.detail, **self.params)

    texts: tuple[str, str] = ("出错了：{detail}", "Something went wrong: {detail}")


class StoreError(LianghuError):
    code = "store"
    texts = ("图层库出错：{detail}。数据未被修改。",
             "The layer store failed: {detail}. No data was changed.")


class StoreFull(StoreError):
    """The disk (or quota) is full: the write was refused whole, nothing stored changed."""

    code = "store_full"
    texts = ("磁盘空间已满，图层未保存；已有数据均未改变。请联系管理员清理空间后重试。"
             "（{detail}）",
             "The disk is full: the layer was not saved and nothing stored changed. Ask the "
             "administrator to free space, then try again. ({detail})")


class LayerNotFound(StoreError):
    code = "layer_not_found"
    texts = ("找不到图层“{detail}”。", "No layer \"{detail}\".")


class SupersedeUnknown(LianghuError):
    code = "supersede_unknown"
    texts = ("没有内置要素“{detail}”，无法取代。请从建议列表中选择。",
             "There is no built-in feature \"{detail}\" to supersede: choose one from the list.")


class SupersedeMismatch(LianghuError):
    code = "supersede_mismatch"
    texts = ("要素 {feature} 与内置要素“{detail}”几何类型不同（面、线、点须一致），不能取代。",
             "Feature {feature} and the built-in feature \"{detail}\" differ in geometry type "
             "(area, line and point must match): it cannot supersede it.")


class WriteDenied(LianghuError):
    code = "write_denied"
    texts = ("没有写入权限：请输入上传口令，或以本地模式运行。",
             "No write access: enter the upload password, or run in local mode.")
