"""Streamlit's own texts in the UI language.

Streamlit's frontend writes some texts of its own that no parameter sets: the multiselect's
"Select all" and "No results", the file uploader's "Upload" button, "Drag and drop files here"
and "200MB per file • …", a text input's "Press Enter to apply" (hidden by CSS, ours drawn in
its place), the data grid's toolbar and column menu, the "Running…/Stop" status.  Where a
parameter exists the pages use it (``placeholder=``, labels, ``column_config``); the rest is
translated in the browser by
:func:`chrome_html`: a small script, put on every page by :func:`ui.streamlit_texts`, rewrites
exactly these texts (text nodes and the ``placeholder``/``title``/``aria-label`` attributes)
whenever Streamlit draws them, outside the app's own content (markdown, captions, HTML blocks
and the map frames are never touched).  It goes both ways: after a language switch a text still
in the previous language is rewritten too.

The English keys are the Streamlit 1.67 frontend's strings (a test checks each is still in the
installed frontend bundle, so an upgrade that changes one is noticed).
"""

from __future__ import annotations

import json
import re

from .i18n import LANGS, localise
from .meeting.text import to_traditional

__all__ = ["ENTER_HINT", "PATTERNS", "STREAMLIT_TEXTS", "chrome_html", "texts_for"]

# Streamlit's English → 简体 (繁體 by OpenCC)
STREAMLIT_TEXTS: dict[str, str] = {
    # multiselect / selectbox
    "Select all": "全选",
    "No results": "无匹配项",
    "Choose an option": "请选择",
    "Choose options": "请选择",
    "No options to select": "没有可选项",
    "Select...": "请选择…",
    "Clear all": "全部清除",
    "Clear value": "清除",
    # file uploader
    "Upload": "选择文件",
    "Drag and drop files here": "将文件拖放到此处",
    "Drag and drop a file here": "将文件拖放到此处",
    "Add files": "添加文件",
    # data grid toolbar and column menu
    "Search": "搜索",
    "Type to search": "输入文字搜索",
    "Fullscreen": "全屏",
    "Close fullscreen": "退出全屏",
    "Download as CSV": "下载 CSV",
    "Show/hide columns": "显示或隐藏列",
    "Add row": "添加行",
    "Delete row(s)": "删除所选行",
    "Clear selection": "清除选择",
    "Sort ascending": "升序排列",
    "Sort descending": "降序排列",
    "Format": "格式",
    "Autosize": "自动列宽",
    "Pin column": "固定列",
    "Unpin column": "取消固定列",
    "Hide column": "隐藏列",
    "Copy column name": "复制列名",
    "Automatic": "自动",
    "Plain": "普通",
    "Localized": "本地格式",
    "Percent": "百分比",
    "Scientific": "科学计数法",
    "Accounting": "会计格式",
    "Compact": "紧凑",
    "No data": "无数据",
    # the app's status and menu
    "Running...": "运行中…",
    "Stop": "停止",
    "Rerun": "重新运行",
    "Settings": "设置",
    "Print": "打印",
    "Record a screencast": "录制屏幕",
    "About": "关于",
    "Clear cache": "清除缓存",
    "Close": "关闭",
    "Connecting": "正在连接",
    "Please wait...": "请稍候…",
}

# Streamlit's texts with a value in them: English template → 简体 template; a slot named
# ``list`` is a list ("A, B") written as the language lists ("A、B").
PATTERNS: tuple[tuple[str, str], ...] = (
    ("{size} per file • {list}", "单个文件不超过 {size} · 格式 {list}"),
    ("{size} per file", "单个文件不超过 {size}"),
    ("• {list}", "· 格式 {list}"),  # (the size and the types are two text nodes)
    ("Select {n} matches", "选择 {n} 个匹配项"),
    ("Help for {label}", "{label} 的说明"),
)


def _regex(template: str) -> tuple[str, list[str]]:
    """A JS-compatible regex (whole text) matching ``template``, and its slots' names in the
    order of its groups (no named groups: DOMPurify drops a script holding "<" + a letter)."""
    parts = re.split(r"\{(\w+)\}", template)
    out = [("(.+?)" if i % 2 else re.escape(part).replace("\\ ", " "))
           for i, part in enumerate(parts)]
    return "^" + "".join(out) + "$", parts[1::2]


def texts_for(lang: str) -> dict:
    """What the browser script needs for ``lang``: ``exact`` (any language's text → ``lang``'s)
    and ``patterns`` ([regex, slot names, template]), ``sep`` the list separator."""
    exact: dict[str, str] = {}
    for en, zh_hans in STREAMLIT_TEXTS.items():
        target = localise(zh_hans, en, lang)
        for variant in (en, zh_hans, to_traditional(zh_hans)):
            if variant != target:
                exact.setdefault(variant, target)
    patterns = []
    for en, zh_hans in PATTERNS:
        target = localise(zh_hans, en, lang)
        for variant in dict.fromkeys((en, zh_hans, to_traditional(zh_hans))):
            if variant != target:
                patterns.append([*_regex(variant), target])
    return {"exact": exact, "patterns": patterns, "sep": ", " if lang == "en" else "、"}


_SCRIPT = """<script>
(() => {
  window.__lhStTexts = %s;
  const skip = '[data-testid="stMarkdown"], [data-testid="stCaptionContainer"], ' +
    '[data-testid="stHtml"], [data-testid="stCode"], iframe, script, style';
  const ATTRS = ["placeholder", "title", "aria-label"];
  const tr = (value) => {
    const d = window.__lhStTexts, text = (value || "").trim();
    if (!text) return null;
    if (Object.prototype.hasOwnProperty.call(d.exact, text)) {
      return value.replace(text, d.exact[text]);
    }
    for (const [source, slots, template] of d.patterns) {
      const m = new RegExp(source).exec(text);
      if (!m) continue;
      const out = template.replace(/\\{(\\w+)\\}/g, (_, k) => {
        const v = m[slots.indexOf(k) + 1];
        return k === "list" ? v.split(/, |、/).join(d.sep) : v;
      });
      return value.replace(text, out);
    }
    return null;
  };
  const mine = (el) => !el || !el.closest || !el.closest(skip);
  const fixText = (node) => {
    if (!mine(node.parentElement)) return;
    const out = tr(node.nodeValue);
    if (out !== null && out !== node.nodeValue) node.nodeValue = out;
  };
  const fixAttrs = (el) => {
    if (!mine(el)) return;
    for (const a of ATTRS) {
      if (!el.hasAttribute(a)) continue;
      const out = tr(el.getAttribute(a));
      if (out !== null && out !== el.getAttribute(a)) el.setAttribute(a, out);
    }
  };
  const walk = (root) => {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1 || !mine(root)) return;
    fixAttrs(root);
    const texts = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = texts.nextNode(); n; n = texts.nextNode()) fixText(n);
    for (const el of root.querySelectorAll("[placeholder], [title], [aria-label]")) fixAttrs(el);
  };
  if (!window.__lhStObserver) {
    window.__lhStObserver = new MutationObserver((changes) => {
      for (const c of changes) {
        if (c.type === "characterData") fixText(c.target);
        else if (c.type === "attributes") fixAttrs(c.target);
        else c.addedNodes.forEach(walk);
      }
    });
    window.__lhStObserver.observe(document.body, {subtree: true, childList: true,
      characterData: true, attributes: true, attributeFilter: ATTRS});
  }
  walk(document.body);
})();
</script>"""

# A text input's "Press Enter to apply" is re-drawn by React on every key: rewriting that text
# node breaks the input (the value typed is lost), so it is hidden and our text drawn instead.
ENTER_HINT = ("按回车键确认", "Press Enter to apply")
_CSS = """<style>.st-key-lh_st_texts { display: none !important; }
[data-testid="InputInstructions"] { visibility: hidden; position: relative; }
[data-testid="InputInstructions"]::after { content: %s; visibility: visible; position: absolute;
  right: 0; bottom: 0; white-space: nowrap; }
</style>"""


def chrome_html(lang: str) -> str:
    """The browser script (and the CSS that hides its block) for ``lang``."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    data = json.dumps(texts_for(lang), ensure_ascii=False).replace("</", "<\\/")
    hint = json.dumps(localise(*ENTER_HINT, lang), ensure_ascii=False)  # a CSS string
    return _CSS % hint + _SCRIPT % data
