"""Streamlit helpers shared by the pages (the only core module that imports streamlit)."""

from __future__ import annotations

import hashlib
import html
import math
import re
import time
from collections.abc import Callable
from contextlib import suppress

import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from .auth import VIEWER, Access, PasswordGuard, client_key, resolve_access
from .config import Settings
from .errors import LianghuError
from .export import EXPORT_FORMATS, export_layer, export_name, mime_type
from .i18n import DEFAULT_LANG, LANGS, t
from .mapview import BASEMAPS
from .panels import facts_html
from .selection import MapSelection
from .store import open_store
from .tiles import TILED_LAYER
from .tilewatch import TILE_REPORT
from .viewstate import safe_query

__all__ = [
    "FILL_MAP",
    "PAGES",
    "analyst_access",
    "current_basemap",
    "current_lang",
    "download_buttons",
    "enter_app_shell",
    "export_buttons",
    "facts_table",
    "language_selector",
    "map_chrome",
    "md",
    "page_path",
    "present_chrome",
    "report_table",
    "require_app_shell",
    "secrets",
    "show_html",
    "streamlit_texts",
    "tile_watch",
]

# page key → script path (relative to app.py) and url path
PAGES = {
    "map": ("pages/map.py", "map"),
    "directives": ("pages/directives.py", "directives"),
    "upload": ("pages/upload.py", "upload"),
    "present": ("pages/present.py", "present"),
    "compare": ("pages/compare.py", "compare"),
    "reports": ("pages/reports.py", "reports"),
}


# an export of the map's view (offline page, PNG, PDF, GeoJSON / CSV) is made whole on the
# server and in the file: above this many drawn features (the size from which a layer is sent
# in tiles) it is not offered, and the page says why
EXPORT_LIMIT = TILED_LAYER
_SHELL_KEY = "_lh_shell"
_DROPPED_KEY = "_lh_dropped_query"  # query keys enter_app_shell took out of the URL


def enter_app_shell() -> None:
    """Called by app.py on every run: this session has the app's shell.  The first run in the
    process also closes Streamlit's upload endpoint to all but analysts (:mod:`.upload_gate`).
    Query parameters no page may read (see :func:`viewstate.safe_query`) are taken out of the
    URL before any page runs; :func:`show_dropped_query` names them."""
    from .config import load_settings
    from .upload_gate import install

    st.session_state[_SHELL_KEY] = True
    try:
        limit = load_settings().max_upload_mb
    except ValueError:  # a bad setting (the Upload page names it): no uploads at all
        limit = 0
    install(limit)
    _, dropped = safe_query(st.query_params.to_dict())
    if dropped:
        for key in dropped:
            del st.query_params[key]
        st.session_state[_DROPPED_KEY] = (tuple(dropped), None)


def show_dropped_query(lang: str, page: str) -> None:
    """Name the query parameters that were dropped (too long, control characters …), on every
    run of the page the link opened (the map's own reruns would wipe a one-off message), until
    another page is opened."""
    dropped, shown_on = st.session_state.get(_DROPPED_KEY, ((), None))
    if not dropped:
        return
    if shown_on not in (None, page):
        del st.session_state[_DROPPED_KEY]
        return
    st.session_state[_DROPPED_KEY] = (dropped, page)
    names = ("、" if lang != "en" else ", ").join(md(k[:32]) for k in dropped[:8])
    names += "…" if len(dropped) > 8 else ""
    st.warning(t("url.dropped", lang, keys=names), icon=":material/link_off:")


def require_app_shell() -> None:
    """Make sure a page runs inside app.py's navigation (language switch, page config).

    Streamlit treats an app with a ``pages/`` folder as a v1 multipage app until the first
    ``st.navigation`` call in the process: the first request of a fresh server, if it is a deep
    link (/upload), runs the page script on its own.  On a session's first run (nothing to lose:
    no widget has been used yet), turn the v1 mode off and rerun, which goes through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and not st.session_state.get(_SHELL_KEY):
        PagesManager.uses_pages_directory = False
        st.rerun()


def page_path(key: str) -> str:
    return PAGES[key][0]


_LANG_DRAWN = "_lh_lang_drawn"  # the language the last run drew its widgets in


def language_selector() -> str:
    """The language switch (sidebar); remembered in the session and the URL (?lang=).  Runs
    before any page widget: after a switch, the choices made so far are kept
    (:func:`_keep_choices`)."""
    if "lang" not in st.session_state:
        qp = st.query_params.get("lang")
        st.session_state["lang"] = qp if qp in LANGS else DEFAULT_LANG
    if st.session_state.get(_LANG_DRAWN, st.session_state["lang"]) != st.session_state["lang"]:
        _keep_choices()
    st.session_state[_LANG_DRAWN] = st.session_state["lang"]
    # Pinned through the session state: the switch is drawn before st.navigation, so its widget
    # id holds the script hash of the request (the app's on a session's first run, the page's
    # after), and the id drifts between runs.  A page whose later runs are all fragment runs
    # (the Map) kept the first run's id in the browser: a switch came back under the old id,
    # the new one had no value, and the language stayed 简体 (issue 18's fragments; CI).
    st.session_state["lang"] = st.session_state["lang"]
    lang = st.sidebar.selectbox(
        t("lang.label", st.session_state["lang"]), list(LANGS), key="lang",
        format_func=LANGS.__getitem__,
    )
    if lang != DEFAULT_LANG:
        st.query_params["lang"] = lang
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return lang


def _keep_choices() -> None:
    """Give every keyed widget its value again, before it is drawn in a new language.

    Streamlit keeps a radio's, selectbox's, multiselect's or segmented control's value as the
    *label* of the chosen option (what ``format_func`` made of it).  The labels are in the UI
    language, so after a switch the stored label matches no option and the widget falls back
    to its default (the basemap to OpenStreetMap: the map is made anew; "（不显示）" stays
    简体).  Read now, the value still comes through the last run's labels; written back through
    the session state, the widget draws it with the new ones."""
    for key in list(st.session_state.keys()):
        if key == "lang" or key.startswith("_"):
            continue
        value = st.session_state[key]
        # a choice is a text or a list of texts; None and [] (no choice, an empty uploader:
        # a widget whose value must not be set) have no label to lose
        if isinstance(value, str) or (
                isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            with suppress(StreamlitAPIException):
                st.session_state[key] = value


def streamlit_texts(lang: str) -> None:
    """Streamlit's own texts (multiselect, uploader, data grid, status …) in ``lang`` on every
    page: the translating script of :mod:`st_texts`, in a hidden block of the sidebar (the
    sidebar is drawn on every page, hidden or not)."""
    from .st_texts import chrome_html

    with st.sidebar.container(key="lh_st_texts"):
        st.html(chrome_html(lang), unsafe_allow_javascript=True)


def script_session_id() -> str:
    """This browser session's id ("" outside a Streamlit run)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else ""


def settle_upload_reads() -> None:
    """Before a run draws anything: when a file this session just uploaded is still being read
    (it is read as it arrives, :mod:`lianghu_map.prefetch`), wait for that read, at most
    :data:`~lianghu_map.prefetch.SETTLE` s, so the browser is not rendering the run meanwhile.
    Other runs do not wait (a session with no read in flight returns at once)."""
    from .prefetch import settle

    session_id = script_session_id()
    if session_id:
        settle(session_id)


class LazyProgress:
    """A progress bar made at the first progress reported, not before: work that reports none
    (a read that was done before the page asked for it) leaves no bar flashing on the page.
    ``text``: the bar's text for a stage."""

    def __init__(self, text: Callable[[str], str]):
        self._text, self._bar = text, None

    def __call__(self, frac: float, stage: str) -> None:
        if self._bar is None:
            self._bar = st.progress(frac, text=self._text(stage))
        else:
            self._bar.progress(frac, text=self._text(stage))

    def empty(self) -> None:
        if self._bar is not None:
            self._bar.empty()


def deliver(timeout: float = 0.1) -> None:
    """Let the server send what this run has drawn so far before the script goes on.

    Streamlit queues each element the script makes and its event loop sends the queue every few
    milliseconds — but that loop needs the GIL, and while the script thread computes (building
    a map's features, linking a file's names) each hand-over waits for Python's switch interval
    (5 ms), once per message: a report or a panel drawn before heavy work reached the browser
    40–85 ms after it was made (bench upload, traced).  This sleeps in short steps, the GIL
    free, until this session's queue is empty (at most ``timeout`` s).  Outside a Streamlit
    server (AppTest, bare mode) it does nothing."""
    try:
        from streamlit.runtime import Runtime

        info = Runtime.instance()._session_mgr.get_active_session_info(script_session_id())
        queue = info.session._browser_queue
    except Exception:  # no runtime, no such session, or Streamlit's internals moved
        return
    end = time.monotonic() + timeout
    while not queue.is_empty() and time.monotonic() < end:
        time.sleep(0.002)
    time.sleep(0.004)  # the loop sends the messages it took one by one, yielding between them


def current_lang() -> str:
    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: str) -> str:
    """Text from data or a user, safe in a Streamlit label, caption or markdown: every markdown
    character is escaped, so ``![x](http://…)`` stays text and fetches nothing."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


def show_html(fragment: str) -> None:
    """Render HTML that was built from escaped pieces only (see lianghu_map.panels)."""
    st.html(fragment)


def facts_table(facts: list[tuple[str, str]]) -> None:
    show_html(facts_html(facts))


def download_buttons(layer: Callable[[], gpd.GeoDataFrame], layer_id: str, key: str, lang: str,
                     version: int | None = None) -> None:
    """GeoJSON / GeoPackage / CSV buttons; the file is made only when a button is clicked."""
    cols = st.columns(len(EXPORT_FORMATS))
    for col, fmt in zip(cols, EXPORT_FORMATS, strict=True):
        col.download_button(
            f"{t('download.label', lang)} {fmt.upper()}",
            data=lambda f=fmt: export_layer(layer(), f, layer_id),
            file_name=export_name(layer_id, fmt, version), mime=mime_type(fmt),
            key=f"{key}_{fmt}", on_click="ignore", icon=":material/download:",
        )


_SEVERITY_ICON = {"error": "⛔", "warning": "⚠️", "info": "ℹ️"}
_SEVERITY_COLOR = {"error": "#c92a2a", "warning": "#e67700", "info": "#1971c2"}


def report_table(report: pd.DataFrame, lang: str) -> None:
    """The validation report (severity, where, message) as an HTML table (text a screen reader
    and a browser test can read; every cell escaped)."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{html.escape(t(k, lang))}</th>"
                   for k in ("upload.col.severity", "upload.col.where", "upload.col.message"))
    rows = []
    for sev, where, msg in report[["severity", "where", "message"]].itertuples(index=False):
        label = f"{_SEVERITY_ICON[sev]} {t(f'severity.{sev}', lang)}"
        rows.append(f"<tr class='lh-finding lh-{sev}'>"
                    f"<td style='color:{_SEVERITY_COLOR[sev]};white-space:nowrap;padding:2px 8px'>"
                    f"{html.escape(label)}</td>"
                    f"<td style='padding:2px 8px'>{html.escape(where)}</td>"
                    f"<td style='padding:2px 8px'>{html.escape(msg)}</td></tr>")
    show_html("<div style='max-height:360px;overflow:auto'><table class='lh-report' "
              "style='font-size:.85rem;border-collapse:collapse'>"
              f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def current_basemap() -> str:
    """The basemap chosen on the Map page, else ?basemap=, else the default."""
    for value in (st.session_state.get("basemap"), st.query_params.get("basemap")):
        if value in BASEMAPS:
            return value
    return BASEMAPS[0]


_FELL_BACK = "_lh_tiles_fell_back"  # the session's basemap fell back to none once
_FALLBACK_TOAST = "_lh_tiles_toast"  # that toast, left for the page's next run


def tile_watch(key: str, *, page_rerun: bool = False) -> Callable[[], None]:
    """The ``on_change`` of the st_folium map ``key``: applies what its tile watch reported
    (:mod:`tilewatch`).  "none" (the notice's button): the basemap becomes none.  "failed" is
    the default for a machine without internet: when the *default* basemap (OpenStreetMap)
    does not load, the first time in a session, the session falls back to no basemap by itself
    — remembered for the session (every page reads it through :func:`current_basemap`) and said
    in a toast.  A basemap the user chose (Tianditu, Gaode, or OpenStreetMap again after the
    fall-back) is never taken away: its map keeps the notice and the button.  ``page_rerun``:
    the map is in a fragment but its basemap is read outside it (the Map page), so the change
    reruns the page, and the toast is shown by that run (:func:`fallback_toast`)."""

    def changed() -> None:
        value = st.session_state.get(key)
        what = value.get(TILE_REPORT) if isinstance(value, dict) else None
        if what not in ("failed", "none"):
            return
        if what == "failed" and (st.session_state.get(_FELL_BACK)
                                 or current_basemap() != BASEMAPS[0]):
            return
        st.session_state["basemap"] = "none"
        if "basemap" in st.query_params:
            st.query_params["basemap"] = "none"
        if what == "failed":
            st.session_state[_FELL_BACK] = True
            if page_rerun:
                st.session_state[_FALLBACK_TOAST] = True
            else:
                fallback_toast(True)
        if page_rerun:
            st.rerun()

    return changed


def fallback_toast(now: bool = False) -> None:
    """The toast that says the session fell back to no basemap: ``now``, or when a tile watch
    with ``page_rerun`` left it for the page's run."""
    if now or st.session_state.pop(_FALLBACK_TOAST, False):
        st.toast(t("tiles.fallback", current_lang()), icon=":material/cloud_off:")


def secrets() -> dict:
    """Streamlit secrets as a plain dict ({} when there is no secrets.toml)."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no file (StreamlitSecretNotFoundError), or one that does not parse
        return {}


def _client_key(settings: Settings) -> str:
    """This connection's key for counting wrong passwords (see :func:`auth.client_key`)."""
    headers = st.context.headers
    return client_key(st.context.ip_address, headers.get_all("x-forwarded-for"),
                      headers.get("x-real-ip"), settings.trusted_proxies)


def analyst_access(settings: Settings, lang: str) -> Access:
    """The access panel of the Upload page: says how writes open, asks for what is needed, and
    returns this run's :class:`Access` (worked out from the inputs only, never from state)."""
    if not settings.writes_configured:
        st.warning(t("upload.closed", lang))
        return VIEWER
    if settings.local_mode:
        st.info(t("upload.local_mode", lang))
        return resolve_access(settings).access
    email = None
    if settings.sso and settings.analysts:
        if getattr(st.user, "is_logged_in", False):
            email = str(st.user.get("email") or "")
            st.caption(md(t("auth.signed_in", lang, email=email)))
        elif st.button(t("auth.login", lang), key="sso_login"):
            st.login()
    verdict = resolve_access(settings, sso_email=email)
    if verdict.access.can_write or not settings.upload_password:
        return verdict.access
    if st.session_state.pop("_pw_clear", False):  # a wrong password never stays in the input
        st.session_state["upload_password"] = ""
    pw = st.text_input(t("upload.password", lang), type="password", key="upload_password")
    if st.session_state.pop("_pw_wrong", False):
        st.error(t("upload.password_wrong", lang))
    if not pw:
        return verdict.access
    digest = hashlib.sha256(pw.encode()).hexdigest()
    note = st.empty()
    try:
        verdict = resolve_access(
            settings, password=pw, client=_client_key(settings),
            guard=PasswordGuard(open_store()),
            waited=st.session_state.get("_pw_passed") == digest,  # rerun: compared, no wait
            on_wait=lambda s: note.info(t("auth.wait", lang, seconds=math.ceil(s))))
    except LianghuError as err:  # the failure count cannot be read: no try without it
        note.error(md(err.message(lang)))
        return VIEWER
    note.empty()
    if verdict.access.can_write:
        st.session_state["_pw_passed"] = digest
    else:
        st.session_state.pop("_pw_passed", None)
        st.session_state["_pw_clear"] = st.session_state["_pw_wrong"] = True
        st.rerun()
    return verdict.access


def export_buttons(cat, selection: MapSelection, lang: str, *, title: str, name: str, key: str,
                   subtitle: str = "", basemap: str = "none", meeting=None) -> None:
    """Exports of what the map shows: offline HTML, PNG, the PDF meeting pack (A4, A3) and the
    data of the filter or step as GeoJSON / CSV.  ``meeting``: the report the pack is made for
    (default: every report's clauses, ``cat.meeting``).  Each file is made when its button is
    clicked (the renderers are imported then too: matplotlib costs nothing until someone
    exports)."""
    feats, layers = cat.features, cat.layers
    stamp = f"lianghu-{name}"
    if len(selection.drawn) > EXPORT_LIMIT:  # a million parcels' page or PDF: said, not tried
        st.info(t("export.too_many", lang, count=f"{len(selection.drawn):,}",
                  limit=f"{EXPORT_LIMIT:,}"), icon=":material/filter_alt:")
        return

    def html_file() -> bytes:
        from .report_history import offline_reports
        from .standalone import standalone_html

        # the chosen report's clauses (the one ``meeting`` is); none chosen: every report's
        chosen = next((r.id for r in cat.reports if r.meeting is meeting), None)
        reports = offline_reports(cat, chosen, selection.drawn, lang)
        return standalone_html(feats, selection, lang, layers, title=title, subtitle=subtitle,
                               basemap="none" if basemap == "none" else "osm",
                               reports=reports).encode("utf-8")

    def png_file() -> bytes:
        from .figure import render_map_png

        return render_map_png(feats, selection, lang, layers, title=title, subtitle=subtitle)

    def pdf_file(paper: str) -> bytes:
        from .meeting_pack import meeting_pack_pdf

        return meeting_pack_pdf(feats, cat.links, meeting or cat.meeting, lang, layers,
                                paper=paper)

    files = [
        (t("export.html", lang), html_file, f"{stamp}.html", "text/html", "html"),
        (t("export.png", lang), png_file, f"{stamp}.png", "image/png", "png"),
        *((t("export.pdf", lang, paper=paper), lambda p=paper: pdf_file(p),
           f"lianghu-meeting-pack-{paper}.pdf", "application/pdf", f"pdf_{paper}")
          for paper in ("A4", "A3")),
        *((t("export.data", lang, fmt={"geojson": "GeoJSON", "csv": "CSV"}[fmt]),
           lambda f=fmt: export_layer(feats.loc[list(selection.matches)], f, "features"),
           export_name(name, fmt), mime_type(fmt), fmt)
          for fmt in ("geojson", "csv")),
    ]
    st.caption(t("export.help", lang))
    for label, data, file_name, mime, suffix in files:
        st.download_button(label, data=data, file_name=file_name, mime=mime,
                           key=f"{key}_{suffix}", on_click="ignore",
                           icon=":material/download:", width="stretch")


# Present page: no Streamlit chrome, large type, and the keys a presentation clicker sends.
_PRESENT_CSS = """<style>
section[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"], header[data-testid="stHeader"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding: .6rem 1.2rem 0 !important;
  max-width: 100% !important; }
.lh-present-caption { font-size: 1.45rem; line-height: 1.55; max-height: 9.5em; overflow: auto; }
.lh-present-caption p, .lh-present-caption li, .lh-present-caption div { font-size: inherit; }
.lh-fs { font: inherit; font-size: .9rem; padding: .35rem .8rem; border-radius: .5rem;
  border: 1px solid rgba(49, 51, 63, .2); background: #fff; cursor: pointer; white-space: nowrap; }
.lh-present-caption .lh-heading { font-size: 1.6rem; margin-bottom: .2em; }
.lh-present-caption mark { background: #ffe066; padding: 0 .1em; }
.lh-present-caption small { font-size: 1rem; }
.lh-present-caption .lh-clause-no { font-size: .8em; color: #555; font-weight: 600; }
/* the toolbar wraps onto a second row rather than clip; the step's legend sits over the map's
   lower right corner */
.st-key-present_bar p, .lh-present-count { white-space: nowrap; }
.st-key-present_menu { display: none; }
.st-key-present_goto { display: none !important; }
.lh-present-legend { position: fixed; right: 1.8rem; bottom: 2.2rem; z-index: 5;
  max-width: min(42vw, 34rem); max-height: 30vh; overflow: auto; padding: .3rem .6rem;
  background: rgba(255, 255, 255, .92); border-radius: .4rem;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }
.lh-present-legend .lh-legend { display: flex; flex-wrap: wrap; column-gap: .9rem;
  font-size: .8rem !important; }
.lh-present-legend .lh-legend-layer { display: none; }
.lh-present-legend .lh-legend-row { white-space: nowrap; }
@media (min-width: 900px) {
  .lh-present-caption ol { columns: 2; column-gap: 3rem; max-width: 56rem; } }
@media (max-height: 760px) {
  .lh-present-caption { font-size: 1.2rem; max-height: 7.4em; }
  .lh-present-caption .lh-heading { font-size: 1.3rem; }
}
/* a phone: one row (step buttons and a menu holding the rest), a short caption, the map */
@media (max-width: 640px) {
  .block-container, [data-testid="stMainBlockContainer"] { padding: .4rem .5rem 0 !important; }
  .st-key-present_tools, .st-key-present_first, .st-key-present_last,
  .lh-present-legend { display: none !important; }
  .st-key-present_menu { display: block; }
  .st-key-present_bar { flex-wrap: nowrap !important; }
  .st-key-present_nav, .st-key-present_nav > .stElementContainer:not([class*="st-key-"]) {
    flex: 1 1 auto !important; min-width: 0; }
  .st-key-present_nav p, .lh-present-count { white-space: normal; font-size: .85rem;
    line-height: 1.25; }
  .st-key-present_prev [data-testid="stMarkdownContainer"],
  .st-key-present_next [data-testid="stMarkdownContainer"],
  .st-key-present_menu button [data-testid="stMarkdownContainer"] { display: none; }
  .lh-present-caption { font-size: 1rem; line-height: 1.45; max-height: 4.4em; }
  .lh-present-caption .lh-heading { font-size: 1.05rem; }
  .lh-present-caption small { font-size: .85rem; }
}
</style>"""

# Keys go to the page or, once the map was clicked, to the map's frame (same origin): both are
# listened to.  Arrow keys are taken from Leaflet, which would otherwise pan the map.
_PRESENT_KEYS_JS = """<script>
(() => {
  if (window.__lhPresentKeys) return;
  window.__lhPresentKeys = true;
  const MOVES = {PageDown: "next", PageUp: "prev", ArrowRight: "next", ArrowLeft: "prev",
                 ArrowDown: "next", ArrowUp: "prev", Home: "first", End: "last"};
  const onKey = (ev) => {
    const move = MOVES[ev.key];
    const tag = ((ev.target && ev.target.tagName) || "").toUpperCase();
    if (!move || ev.altKey || ev.ctrlKey || ev.metaKey || /INPUT|TEXTAREA|SELECT/.test(tag)) return;
    const button = document.querySelector(".st-key-present_" + move + " button");
    if (!button) return;  // not on the Present page
    ev.preventDefault();
    ev.stopPropagation();
    if (!button.disabled) button.click();
  };
  window.addEventListener("keydown", onKey, true);
  // a step button (clicked, or by a key above): the map's frame shows the step at once
  // (lianghu_map.stepswitch); the click is kept from Streamlit, and the page is told the step
  // itself in its hidden step box, so quick presses are never merged into one "next"
  const steps = () => window.__lhSwitch && window.__lhSwitch();
  document.addEventListener("click", (ev) => {
    const box = ev.target.closest && ev.target.closest('[class*="st-key-present_"]');
    const move = box && /st-key-present_(first|prev|next|last)(_m)?(\\s|$)/.exec(box.className);
    const button = move && ev.target.closest("button");
    const s = button && steps();
    if (!s) return;  // no switch in the map: Streamlit moves the step
    ev.preventDefault();
    ev.stopPropagation();
    if (button.disabled || !s.go(move[1])) return;
    const box2 = document.querySelector(".st-key-present_goto input");
    if (!box2) return;
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value").set
      .call(box2, String(s.current + 1));  // as typed (React's own value setter), then Enter
    box2.dispatchEvent(new Event("input", {bubbles: true}));
    box2.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter", bubbles: true}));
  }, true);
  document.addEventListener("click", (ev) => {
    if (!ev.target.closest || !ev.target.closest(".lh-fs")) return;
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  setInterval(() => {
    for (const frame of document.querySelectorAll("iframe")) {
      try {
        const w = frame.contentWindow;
        if (w && !w.__lhPresentKeys) { w.__lhPresentKeys = true;
          w.addEventListener("keydown", onKey, true); }
      } catch (e) { /* a cross-origin frame: not ours */ }
    }
  }, 500);
})();
</script>"""


def present_chrome() -> None:
    """Hide the sidebar and header, enlarge the type, relay clicker keys (static code only)."""
    st.html(_PRESENT_CSS.replace("</style>", _map_fill_css(8, refit=True) + "</style>"))
    st.html(_PRESENT_KEYS_JS + _MAP_FILL_JS, unsafe_allow_javascript=True)  # one element


# The map in the container keyed FILL_MAP (no other map: Compare's, Upload's) fills the window
# below its top, less what the page keeps under it.  The page says so in CSS variables (a <style>
# takes no room in the layout and goes away with the page): --lh-map-fill is the room kept below
# the map (px); --lh-map-refit: 1 fits the view to the step again after a resize (Present), else
# the centre is kept (Map).  The height given to st_folium stays a constant, so its arguments
# (and the map) never change for a resize.
FILL_MAP = "lh_fill_map"
_MAP_FILL_JS = """<script>
(() => {
  if (window.__lhMapFill) return;
  window.__lhMapFill = true;
  // the page's map's own switch (lianghu_map.stepswitch): Present's steps, a filter's choices
  window.__lhSwitch = () => {
    const f = document.querySelector(
      '.st-key-lh_fill_map iframe[title="streamlit_folium.st_folium"]');
    try { return (f && f.contentWindow && f.contentWindow.__lhSteps) || null; }
    catch (e) { return null; }
  };
  // what the server draws (a step it caught up with, another report, a reload): see sync()
  // and a theme added or taken away in the theme box (its tags changed): shown now
  new MutationObserver(() => {
    const s = window.__lhSwitch();
    if (s && !(s.themes && s.themes())) s.sync();
  }).observe(document.body, {subtree: true, childList: true});
  // a choice clicked in the filter's select box: the map shows it now, Streamlit's rerun after
  document.addEventListener("click", (ev) => {
    const opt = ev.target.closest && ev.target.closest('[role="option"]');
    const s = opt && window.__lhSwitch();
    if (!s || !s.choice) return;
    const box = document.querySelector(".st-key-" + s.choice.widget);
    if (!box || !box.contains(document.activeElement)) return;
    const i = s.choice.labels.indexOf(opt.innerText.trim());
    if (i >= 0) s.pick(i);
  }, true);
  const fill = () => {
    const css = getComputedStyle(document.documentElement);
    const reserve = parseFloat(css.getPropertyValue("--lh-map-fill"));
    const frame = document.querySelector(
      '.st-key-lh_fill_map iframe[title="streamlit_folium.st_folium"]');
    if (!frame || Number.isNaN(reserve)) return;
    const scroller = frame.closest('[data-testid="stMain"]');
    const top = frame.getBoundingClientRect().top + (scroller ? scroller.scrollTop : 0)
                + window.scrollY;
    const h = Math.max(320, Math.floor(window.innerHeight - top - reserve));
    const div = frame.contentDocument && frame.contentDocument.getElementById("map_div");
    if (!div || (frame.offsetHeight === h && div.offsetHeight === h)) return;
    frame.style.height = h + "px";
    div.style.height = h + "px";
    const w = frame.contentWindow;
    if (!w.map) return;
    if (css.getPropertyValue("--lh-map-refit").trim() !== "1") {
      // the very same centre and zoom: what the map reports does not change, so the resize
      // costs no rerun (one could race a click made meanwhile)
      const centre = w.map.getCenter(), zoom = w.map.getZoom();
      w.map.invalidateSize({pan: false});
      w.map.setView(centre, zoom, {animate: false});
      return;
    }
    w.map.invalidateSize({pan: false});
    if (w.__lh_fit_bounds) w.map.fitBounds(w.__lh_fit_bounds, {maxZoom: 14, padding: [24, 24]});
  };
  window.addEventListener("resize", fill);
  setInterval(fill, 400);
})();
</script>"""


def map_chrome() -> None:
    """The Map page: less empty room above the title; the map as tall as the window allows,
    with the caption under it still in view."""
    st.html("<style>[data-testid='stMainBlockContainer'] { padding-top: 3.8rem !important; }"
            f"{_map_fill_css(72)}</style>")
    st.html(_MAP_FILL_JS, unsafe_allow_javascript=True)


def _map_fill_css(reserve_px: int, *, refit: bool = False) -> str:
    """The page's map fills the window's height, keeping ``reserve_px`` below it."""
    return f":root {{ --lh-map-fill: {int(reserve_px)}; --lh-map-refit: {int(refit)}; }}"
