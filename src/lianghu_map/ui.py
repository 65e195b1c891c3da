"""Streamlit helpers shared by the pages (the only core module that imports streamlit)."""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable

import geopandas as gpd
import pandas as pd
import streamlit as st

from .auth import PASSWORD_LIMITER, VIEWER, Access, resolve_access
from .config import Settings
from .export import EXPORT_FORMATS, export_layer, export_name, mime_type
from .i18n import DEFAULT_LANG, LANGS, t
from .mapview import BASEMAPS

__all__ = [
    "PAGES",
    "analyst_access",
    "current_basemap",
    "current_lang",
    "download_buttons",
    "enter_app_shell",
    "facts_table",
    "language_selector",
    "md",
    "page_path",
    "report_table",
    "require_app_shell",
    "secrets",
    "show_html",
]

# page key → script path (relative to app.py) and url path
PAGES = {
    "map": ("pages/map.py", "map"),
    "directives": ("pages/directives.py", "directives"),
    "upload": ("pages/upload.py", "upload"),
}


_SHELL_KEY = "_lh_shell"


def enter_app_shell() -> None:
    """Called by app.py on every run: this session has the app's shell."""
    st.session_state[_SHELL_KEY] = True


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


def language_selector() -> str:
    """The language switch (sidebar); remembered in the session and the URL (?lang=)."""
    if "lang" not in st.session_state:
        qp = st.query_params.get("lang")
        st.session_state["lang"] = qp if qp in LANGS else DEFAULT_LANG
    lang = st.sidebar.selectbox(
        t("lang.label", st.session_state["lang"]), list(LANGS), key="lang",
        format_func=LANGS.__getitem__,
    )
    if lang != DEFAULT_LANG:
        st.query_params["lang"] = lang
    elif "lang" in st.query_params:
        del st.query_params["lang"]
    return lang


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
    rows = "".join(
        f"<tr><th style='text-align:left;padding-right:.8em;vertical-align:top;"
        f"white-space:nowrap'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in facts
    )
    show_html(f"<table class='lh-facts' style='font-size:.9rem'>{rows}</table>")


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


def secrets() -> dict:
    """Streamlit secrets as a plain dict ({} when there is no secrets.toml)."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # no file (StreamlitSecretNotFoundError), or one that does not parse
        return {}


def _client_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ip = getattr(st.context, "ip_address", None)
    if isinstance(ip, str) and ip:
        return ip
    ctx = get_script_run_ctx()
    return f"session:{ctx.session_id}" if ctx else "local"


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
    pw = st.text_input(t("upload.password", lang), type="password", key="upload_password")
    if not pw:
        return verdict.access
    digest = hashlib.sha256(pw.encode()).hexdigest()
    if st.session_state.get("_pw_failed") == digest:  # the same wrong password: count it once
        st.error(t("upload.password_wrong", lang))
        return verdict.access
    verdict = resolve_access(settings, password=pw, client=_client_id(), limiter=PASSWORD_LIMITER)
    if verdict.problem == "auth.locked":
        st.error(t("auth.locked", lang, minutes=max(1, round(verdict.wait_s / 60))))
    elif verdict.problem:
        st.session_state["_pw_failed"] = digest
        st.error(t("upload.password_wrong", lang))
    return verdict.access
