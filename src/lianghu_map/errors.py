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
    "GazetteerConflict",
    "LayerNotFound",
    "LianghuError",
    "Localised",
    "ReportConflict",
    "ReportDamaged",
    "ReportDeleted",
    "ReportEmpty",
    "ReportEncoding",
    "ReportFileTooLarge",
    "ReportFormatUnsupported",
    "ReportInvalid",
    "ReportNoTextLayer",
    "ReportNotFound",
    "ReportSourceError",
    "ReportTooLarge",
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
                           "Shapefile（.zip）、GeoPackage（.gpkg）、KML/KMZ、CSV、Excel（.xlsx/"
                           ".xls）、GeoJSON 序列（.geojsonl/.geojsons/.ndjson）、"
                           "FlatGeobuf（.fgb）。",
                           "Unsupported file type \"{ext}\". Supported: GeoJSON (.geojson/.json), "
                           "zipped Shapefile (.zip), GeoPackage (.gpkg), KML/KMZ, CSV, Excel "
                           "(.xlsx/.xls), GeoJSON sequences (.geojsonl/.geojsons/.ndjson), "
                           "FlatGeobuf (.fgb)."),
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
                          "腾讯或百度，请在下方为此文件选择对应的坐标来源。",
                          "The file declares no CRS; the coordinates are plainly longitude/"
                          "latitude and are taken as WGS84. If they come from Amap, Tencent or "
                          "Baidu, choose that source datum for this file below."),
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
    "csv_bad_value": ("第 {row} 行的坐标“{value}”无法识别（应为小数度或度分秒，如 119.885 或 "
                      "119°53'06\"E），该行已删除。",
                      "Row {row}: coordinate \"{value}\" cannot be read (decimal degrees or "
                      "degrees-minutes-seconds such as 119.885 or 119°53'06\"E); the row was "
                      "dropped."),
    "csv_bad_wkt": ("第 {row} 行的 WKT 无法解析（{detail}），该行已删除。",
                    "Row {row}: the WKT cannot be parsed ({detail}); the row was dropped."),
    "more_findings": ("另有 {count} 处同类问题（{code}）未逐一列出。",
                      "{count} more {count:finding|findings} of the same kind ({code}) not "
                      "listed one by one."),
    # -- up-geojson (issue 16): GeoJSON structure, CRS plausibility, datum hints
    "feature_not_object": ("“features”中的这一项不是对象（{found}），已删除。",
                           "This entry of \"features\" is not an object ({found}); it was "
                           "left out."),
    "feature_type_unknown": ("要素的 \"type\" 是 {found}，不是 \"Feature\"（拼写或大小写有误），"
                             "该要素已删除。请改为 \"Feature\" 后重新上传。",
                             "The feature's \"type\" is {found}, not \"Feature\" (misspelt or "
                             "wrong letter case); it was left out. Write \"Feature\" and upload "
                             "again."),
    "coordinates_outside_geometry": ("要素的 \"coordinates\" 写在要素层级，而不在 \"geometry\" "
                                     "中；几何为空，该要素已删除。",
                                     "The feature has \"coordinates\" at Feature level, not "
                                     "inside \"geometry\"; its geometry is null and it was left "
                                     "out."),
    "geometry_not_object": ("要素的 \"geometry\" 不是对象（{found}），该要素已删除。",
                            "The feature's \"geometry\" is not an object ({found}); it was "
                            "left out."),
    "geometry_type_unknown": ("未知的几何类型 {found}，该要素已删除。几何类型须为 Point、"
                              "LineString、Polygon 等（区分大小写）。",
                              "Unknown geometry type {found}; the feature was left out. It must "
                              "be Point, LineString, Polygon … (letter case counts)."),
    "geometries_missing": ("GeometryCollection 缺少 \"geometries\" 数组，该要素已删除。",
                           "A GeometryCollection without a \"geometries\" array; the feature "
                           "was left out."),
    "geometry_too_deep": ("几何集合嵌套超过 {limit} 层，该要素已删除。",
                          "Geometry collections nested more than {limit} deep; the feature was "
                          "left out."),
    "coordinates_missing": ("{type} 几何缺少 \"coordinates\"，该要素已删除。",
                            "The {type} geometry has no \"coordinates\"; the feature was left "
                            "out."),
    "coordinates_too_shallow": ("{type} 的坐标嵌套层数不够（{found} 层，应为 {expected} 层），"
                                "该要素已删除。",
                                "The {type} coordinates are nested too shallowly ({found} levels "
                                "where {expected} are needed); the feature was left out."),
    "coordinates_too_deep": ("{type} 的坐标嵌套层数过多（{found} 层，应为 {expected} 层），"
                             "该要素已删除。",
                             "The {type} coordinates are nested too deeply ({found} levels where "
                             "{expected} are needed); the feature was left out."),
    "coordinate_not_number": ("坐标值 {value} 不是数字（如字符串），该要素已删除。",
                              "The coordinate {value} is not a number (a string …); the feature "
                              "was left out."),
    "position_too_short": ("坐标点 {position} 只有 {count} 个数（至少需要经度和纬度两个），"
                           "该要素已删除。",
                           "The position {position} holds {count} number(s) (longitude and "
                           "latitude are needed); the feature was left out."),
    "position_too_long": ("坐标点含 {count} 个数（最多三个：经度、纬度、高程），多出的数已忽略。",
                          "A position holds {count} numbers (at most three: longitude, latitude, "
                          "elevation); the extra numbers were ignored."),
    "line_too_short": ("线只有 {count} 个坐标点（至少需要两个），该要素已删除。",
                       "The line has {count} position(s) (at least two are needed); the feature "
                       "was left out."),
    "ring_not_closed": ("面的环没有闭合（首点 {first}，末点 {last}），该要素已删除。"
                        "请让末点与首点相同后重新上传。",
                        "A polygon ring is not closed (first position {first}, last {last}); "
                        "the feature was left out. Repeat the first position at the end."),
    "ring_too_short": ("面的环只有 {count} 个坐标点（闭合的环至少需要四个），该要素已删除。",
                       "A polygon ring has {count} positions (a closed ring needs at least "
                       "four); the feature was left out."),
    "type_case": ("\"type\" 写作 {found}，大小写不符合规范（应为 {expected}），已按 {expected} "
                  "读取。",
                  "\"type\" is written {found}, in the wrong letter case (it should be "
                  "{expected}); read as {expected}."),
    "id_not_scalar": ("要素的 \"id\" 是对象或数组（{found}），不是字符串或数字；已作为 JSON "
                      "文本保存。",
                      "The feature's \"id\" is an object or array ({found}), not a string or "
                      "number; it was kept as JSON text."),
    "foreign_member": ("{where} 中有成员 \"{member}\"，GeoJSON 不使用它（几何只取自 "
                       "\"geometry\"，坐标系只由文件顶层声明），已忽略。",
                       "A member \"{member}\" in {where} is not used by GeoJSON (geometry "
                       "comes only from \"geometry\", the CRS only from the top level); "
                       "ignored."),
    "bbox_ignored": ("\"bbox\" 无效（{found}），已忽略；范围按坐标计算。",
                     "The \"bbox\" is not valid ({found}); ignored, the extent is computed "
                     "from the coordinates."),
    "collection_nested": ("几何集合中又嵌套了几何集合（RFC 7946 不建议），已照原样读取。",
                          "A geometry collection nested in another (RFC 7946 advises against "
                          "it); read as it is."),
    "collection_single": ("几何集合只有一个成员，可直接写成该几何；已照原样读取。",
                          "A geometry collection with a single member (it could be that "
                          "geometry itself); read as it is."),
    "winding_clockwise": ("{total} 个面外环中有 {count} 个为顺时针方向（RFC 7946 要求逆时针，"
                          "2008 版 GeoJSON 不作要求），不影响读取。",
                          "{count} of {total} polygon exterior rings run clockwise (RFC 7946 "
                          "wants counter-clockwise; GeoJSON 2008 did not say); read all the "
                          "same."),
    "features_kept": ("共 {total} 个要素，保留 {kept} 个；未保留的要素已逐一列出原因。",
                      "{kept} of {total} features kept; each one left out is listed with its "
                      "reason."),
    "none_kept": ("{total} 个要素均无法读取，各要素的原因已逐一列出。",
                  "None of the {total} features can be read; each is listed with its reason."),
    "coordinate_clamped": ("{count} 个坐标超出 ±180°/±90° 不到 {epsilon} 度（浮点舍入误差），"
                           "已置于边界上。",
                           "{count} positions lay less than {epsilon}° past ±180°/±90° "
                           "(floating-point rounding); they were set on the limit."),
    "jsonfg_crs": ("文件是 JSON-FG，以 \"coordRefSys\" 声明坐标系 {crs}（读取 \"place\" "
                   "几何），已据此转换为 WGS84。",
                   "The file is JSON-FG and declares its CRS {crs} with \"coordRefSys\" (its "
                   "\"place\" geometry was read); it was converted to WGS84."),
    "crs_contradicted": ("文件声明坐标系 {crs}，但坐标看起来是{looks}（如 x={x}，y={y}），"
                         "二者矛盾，未转换。请核对数据；如声明有误，请在下方选择“忽略文件声明的"
                         "坐标系”。",
                         "The file declares the CRS {crs}, but its coordinates look like "
                         "{looks} (e.g. x={x}, y={y}): a contradiction, nothing was converted. "
                         "Check the data; if the declaration is wrong, choose \"Ignore the "
                         "file's declared CRS\" below."),
    "declared_crs_ignored": ("按您的选择，忽略文件声明的坐标系 {crs}。",
                             "The file's declared CRS {crs} was ignored, as you chose."),
    "crs_result_far": ("按坐标系 {crs} 转换后，数据中心位于 {where}，距两湖地区约 {km} 公里。"
                       "请确认坐标系是否正确。",
                       "Converted from {crs}, the data is centred at {where}, about {km} km "
                       "from Lianghu. Check that the CRS is right."),
    "crs_result_equator": ("按坐标系 {crs} 转换后，数据落在纬度约 0° 处（{where}，赤道附近，"
                           "远离任何规划区），坐标系几乎肯定有误。",
                           "Converted from {crs}, the data lands at about 0° latitude ({where}, "
                           "by the equator, far from any planning area): the CRS is almost "
                           "certainly wrong."),
    "datum_likely": ("数据很可能是 {datum} 坐标（依据：{reason}），但按 WGS84 读取，位置会偏差"
                     "数百米。请在下方为此文件选择坐标来源。",
                     "The data is likely in {datum} coordinates ({reason}) but was read as "
                     "WGS84, which puts it some hundred metres off. Choose this file's source "
                     "datum below."),
    "datum_doubtful": ("已按所选的 {datum} 转换，但几何更符合 {fits}（{reason}）。请核对此文件的"
                       "坐标来源。",
                       "Converted from {datum} as chosen, but the geometry fits {fits} better "
                       "({reason}). Check this file's source datum."),
    # up-formats: Excel, degrees-minutes-seconds, KML folders, GeoJSON sequences
    "coordinates_dms": ("{count} 个坐标写作度分秒或带东经/北纬等字样（列 {columns}），"
                        "已换算为十进制度。",
                        "{count} coordinates were written in degrees-minutes-seconds or with a "
                        "hemisphere (columns {columns}); converted to decimal degrees."),
    "excel_sheet": ("已读取工作表“{sheet}”（工作簿中有多个工作表）。",
                    "Read the sheet \"{sheet}\" (the workbook has several sheets)."),
    "excel_empty": ("工作表“{sheet}”中没有数据行。", "The sheet \"{sheet}\" holds no data rows."),
    "excel_no_coordinates": ("工作表“{sheet}”中找不到坐标列（列：{columns}）。需要经度/纬度列"
                             "（如 经度/纬度、lon/lat、x/y）或 WKT 列。",
                             "No coordinate columns in the sheet \"{sheet}\" (columns: "
                             "{columns}). It needs longitude/latitude columns (经度/纬度, "
                             "lon/lat, x/y …) or a WKT column."),
    "excel_encrypted": ("工作簿设有打开密码，无法读取。请在 Excel 或 WPS 中取消密码、"
                        "另存后重新上传。",
                        "The workbook is protected by a password and cannot be read. Remove the "
                        "password in Excel or WPS, save it and upload it again."),
    "excel_unreadable": ("无法读取该 Excel 文件（{detail}）。请在 Excel 或 WPS 中打开并另存为 "
                         ".xlsx 后重新上传。",
                         "The Excel file cannot be read ({detail}). Open it in Excel or WPS, "
                         "save it as .xlsx and upload it again."),
    "kml_bad_coordinates": ("要素“{name}”的坐标“{value}”无法读取，该要素已删除。",
                            "Feature \"{name}\": the coordinates \"{value}\" cannot be read; "
                            "the feature was dropped."),
    "table_header_row": ("表头在第 {row} 行，其上 {skipped} 行（标题、填报单位等）已跳过。",
                         "The header is on row {row}; the {skipped} rows above it (a title and "
                         "the like) were skipped."),
    "coordinates_combined": ("坐标取自列“{column}”（经度与纬度同在一格）。",
                             "Coordinates taken from the column \"{column}\" (longitude and "
                             "latitude in one cell)."),
    "coordinates_pair_swapped": ("列“{column}”中有 {count} 格先写纬度后写经度（如谷歌地图复制的"
                                 "坐标），已按数值对调。",
                                 "{count} cells of the column \"{column}\" give the latitude "
                                 "first (as Google Maps copies them); swapped by their values."),
    "kml_recoded": ("KML 声明的编码为 {encoding}，已转为 UTF-8 读取。",
                    "The KML declares the encoding {encoding}; it was read as UTF-8 after "
                    "recoding."),
    "table_no_valid_rows": ("所有 {count} 行的坐标都无法读取（见上方各行说明），没有可保存的要素。",
                            "The coordinates of all {count} rows cannot be read (see each row "
                            "above): nothing to save."),
    "seq_bad_line": ("第 {line} 行不是 GeoJSON 要素（{detail}），已跳过。",
                     "Line {line} is not a GeoJSON feature ({detail}); it was skipped."),
    "seq_no_features": ("文件中没有一行是 GeoJSON 要素（GeoJSON 序列每行应为一个要素）。",
                        "No line of the file is a GeoJSON feature (a GeoJSON sequence holds "
                        "one feature per line)."),
    # m-meta (issue 16): an .xls sheet bounded before it is loaded
    "excel_sheet_too_large": ("工作表“{sheet}”的数据至少延伸到第 {rows} 行、第 {columns} 列"
                              "（最远的单元格），超过上限（{max_rows} 行、{max_columns} 列、"
                              "共 {max_cells} 个单元格），未读取。请删去多余的行列或远处的零散"
                              "单元格后另存再上传；数据确实这么多时，请把工作表另存为 "
                              "CSV（UTF-8 或 GBK）上传，CSV 不受这个单元格上限的限制。",
                              "The sheet \"{sheet}\" reaches at least row {rows}, column "
                              "{columns} (its farthest cell), over the limit of {max_rows} rows, "
                              "{max_columns} columns and {max_cells} cells in all; it was not "
                              "read. Delete the extra rows and columns or stray far cells, save "
                              "and upload again; if the data really is that large, save the "
                              "sheet as CSV (UTF-8 or GBK) and upload that: the cell limit "
                              "does not apply to CSV."),
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
DROP_CODES = frozenset({"null_geometry", "unrepairable_geometry", "csv_bad_value", "csv_bad_wkt"}
                       # up-geojson (issue 16): GeoJSON structure
                       | {"feature_not_object", "feature_type_unknown",
                          "coordinates_outside_geometry", "geometry_not_object",
                          "geometry_type_unknown", "geometries_missing", "geometry_too_deep",
                          "coordinates_missing", "coordinates_too_shallow",
                          "coordinates_too_deep", "coordinate_not_number", "position_too_short",
                          "line_too_short", "ring_not_closed", "ring_too_short"}
                       # up-formats: KML, GeoJSON sequences
                       | {"kml_bad_coordinates", "seq_bad_line"})


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


# -- meeting-store: meeting reports kept in the layer store (lianghu_map.store.reports)


class ReportError(StoreError):
    """A report write or read refused; its parameters may be :class:`Localised` words."""

    code = "report"

    def message(self, lang: str) -> str:
        params = {k: param_text(v, lang) for k, v in self.params.items()}
        return localise(*self.texts, lang).format(detail=self.detail, **params)


class ReportNotFound(ReportError):
    code = "report_not_found"
    texts = ("找不到会议报告“{report}”。", "No meeting report \"{report}\".")
    no_revision = ("会议报告“{report}”没有第 {revision} 版。",
                   "The meeting report \"{report}\" has no revision {revision}.")

    def __init__(self, detail: str = "", *, report: str = "", revision: int | None = None):
        super().__init__(detail, report=report, revision=revision)
        if revision is not None:
            self.texts = self.no_revision


class ReportConflict(ReportError):
    """Saved from a revision that is not the current one (another analyst saved first)."""

    code = "report_conflict"
    texts = ("会议报告“{report}”在您编辑期间已有变动（现为第 {actual} 版）。您的修改未保存，"
             "他人的修改也未被覆盖。请重新打开该报告后再修改。",
             "The meeting report \"{report}\" changed while you were editing it (it is now at "
             "revision {actual}). Your changes were not saved, and nobody else's were "
             "overwritten. Open the report again and redo your changes.")


class ReportDeleted(ReportConflict):
    code = "report_deleted"
    texts = ("会议报告“{report}”已被删除，不能保存新版本。请先恢复该报告。",
             "The meeting report \"{report}\" is deleted: no new version can be saved. "
             "Restore it first.")


class ReportTooLarge(ReportError):
    code = "report_too_large"
    texts = ("会议报告的数据有 {size_mb} MB，超过上限 {limit_mb} MB，未保存。请拆分报告或删去"
             "附带的大段内容后再保存。",
             "The meeting report's data is {size_mb} MB, over the {limit_mb} MB limit; it was "
             "not saved. Split the report or leave out large parts, then save again.")


# what each field of a report's metadata is called, and what it must be
REPORT_FIELDS: dict[str, tuple[Localised, Localised]] = {
    "title": (Localised("标题", "title"), Localised("不超过 300 字的一行文字",
                                                   "one line of at most 300 characters")),
    "date": (Localised("日期", "date"), Localised("格式为 YYYY-MM-DD（或 YYYY-MM、YYYY）的"
                                                  "有效日期",
                                                  "a valid date as YYYY-MM-DD (or YYYY-MM, YYYY)")),
    "body": (Localised("会议机构／类型", "meeting body or kind"),
             Localised("不超过 200 字的一行文字", "one line of at most 200 characters")),
    "source_url": (Localised("来源链接", "source link"),
                   Localised("以 http:// 或 https:// 开头的网址", "a link starting with "
                             "http:// or https://")),
    "note": (Localised("备注", "note"), Localised("不超过 1000 字的文字",
                                                 "text of at most 1000 characters")),
    "id": (Localised("编号", "id"), Localised("3 至 64 个小写字母、数字或“-”",
                                             "3 to 64 lower-case letters, digits or '-'")),
    "document": (Localised("内容", "content"), Localised("可保存为 JSON 的对象",
                                                       "an object that can be saved as JSON")),
}


class ReportInvalid(ReportError):
    """A report's metadata or document cannot be stored: ``problem`` names the field."""

    code = "report_invalid"
    texts = ("会议报告的{field}“{value}”无效，应为{rule}。未保存。",
             "The meeting report's {field} \"{value}\" is not valid: it must be {rule}. "
             "Nothing was saved.")
    missing = ("会议报告缺少{field}（应为{rule}）。请填写后再保存。",
               "The meeting report has no {field} (it must be {rule}). Fill it in and save "
               "again.")

    not_json = ("会议报告的内容无法保存（应为{rule}）。未保存。",
                "The meeting report's content cannot be stored (it must be {rule}). Nothing was "
                "saved.")

    def __init__(self, detail: str = "", *, problem: str, value: str = ""):
        field_name, rule = REPORT_FIELDS[problem]
        super().__init__(detail, field=field_name, rule=rule, value=value)
        self.problem = problem
        if problem == "document":  # the reason is in ``detail`` (English, for the log)
            self.texts = self.not_json
        elif not value:
            self.texts = self.missing


# meeting-core (issue 17): reading a report's text from an uploaded file (meeting.sources)
class ReportSourceError(LianghuError):
    """The uploaded report file cannot be read; ``detail`` is its file name."""

    code = "report_source"
    texts = ("无法读取报告文件“{detail}”。", "The report file \"{detail}\" cannot be read.")


class ReportFormatUnsupported(ReportSourceError):
    code = "report_format"
    texts = ("“{detail}”的文件类型“{ext}”不受支持。支持：.txt、.md、.docx、带文字层的 .pdf。",
             "\"{detail}\": the file type \"{ext}\" is not supported. Supported: .txt, .md, "
             ".docx, and .pdf with a text layer.")


class ReportEncoding(ReportSourceError):
    code = "report_encoding"
    texts = ("“{detail}”既不是 UTF-8 也不是 GB18030（GBK）编码的文本。请另存为 UTF-8 后重新上传。",
             "\"{detail}\" is neither UTF-8 nor GB18030 (GBK) text. Save it as UTF-8 and upload "
             "it again.")


class ReportDamaged(ReportSourceError):
    code = "report_damaged"
    texts = ("“{detail}”已损坏或不完整，无法打开。请用原软件重新导出后上传。",
             "\"{detail}\" is damaged or incomplete and cannot be opened. Export it again from "
             "the program that made it and upload that.")


class ReportNoTextLayer(ReportSourceError):
    code = "report_no_text"
    texts = ("“{detail}”（共 {pages} 页）没有文字层，可能是扫描件。请上传带文字的 PDF、Word 文件，"
             "或直接粘贴文本。",
             "\"{detail}\" ({pages} pages) has no text layer; it is probably a scan. Upload a PDF "
             "with text, a Word file, or paste the text.")


class ReportEmpty(ReportSourceError):
    code = "report_empty"
    texts = ("“{detail}”中没有文字。", "\"{detail}\" holds no text.")


class ReportFileTooLarge(ReportSourceError):
    code = "report_file_too_large"
    texts = ("“{detail}”超过 {limit_mb} MB 的上限。",
             "\"{detail}\" is over the {limit_mb} MB limit.")


class GazetteerConflict(LianghuError):
    """An analyst's new place: its id or an alias (``detail``) already names another place."""

    code = "gazetteer_conflict"
    texts = ("地名或编号“{detail}”已用于地点“{other}”（或为空），不能再用于新地点。请换一个名称，"
             "或编辑原有地点。",
             "The name or id \"{detail}\" already belongs to the place \"{other}\" (or is "
             "empty): it cannot name a new place. Choose another name, or edit that place.")


# m-meta (issue 17): a saved report's details edited while another analyst saved a new version
class ReportDetailsConflict(ReportConflict):
    code = "report_details_conflict"
    texts = ("会议报告“{report}”在您修改其信息期间已被他人保存为第 {actual} 版。您的修改未保存，"
             "仍保留在表单中；他人的修改也未被覆盖。请查看当前版本后再保存。",
             "The meeting report \"{report}\" was saved as revision {actual} by someone else "
             "while you edited its details. Your changes were not saved and are still in the "
             "form; nobody else's were overwritten. Look at the current version, then save "
             "again.")
