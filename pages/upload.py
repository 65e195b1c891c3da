"""Upload page: analysts add layers — validate, convert, link to directives, preview, save."""

from functools import partial

import streamlit as st
from streamlit_folium import st_folium

from lianghu_map.catalog import load_catalog, read_layer
from lianghu_map.config import load_settings
from lianghu_map.crs import DATUM_LABELS, DATUMS, crs_label
from lianghu_map.errors import LianghuError, param_text
from lianghu_map.export import audit_export, audit_table
from lianghu_map.i18n import STATUS_KEYS, kind_label, localise, status_label, t
from lianghu_map.ingest import IngestOptions, clean_name
from lianghu_map.layers import LABEL_COLUMN, display_names
from lianghu_map.mapview import base_map, feature_groups, needs_canvas
from lianghu_map.meeting.suggest import SUGGEST_LIMIT
from lianghu_map.panels import directive_title
from lianghu_map.prefetch import prefetcher  # reads through the sandboxed ingest worker
from lianghu_map.prepared import progress as preparing
from lianghu_map.publish import (
    UPLOAD_KINDS,
    LayerMeta,
    add_links,
    attribute_table,
    builtin_features,
    delete_layer,
    findings_frame,
    identical_layer,
    label_choices,
    links_from_table,
    prepare,
    preview_features,
    release_supersessions,
    restore_layer,
    revert_layer,
    save_draft,
    suggestion_table,
    supersede_table,
    supersedes_from_table,
    title_defaults,
)
from lianghu_map.sandbox import warm_workers  # a worker with time and memory budgets
from lianghu_map.selection import MapSelection
from lianghu_map.store import open_store
from lianghu_map.supersede import SUPERSEDE_LIMIT, family
from lianghu_map.ui import (
    LazyProgress,
    analyst_access,
    current_basemap,
    current_lang,
    deliver,
    download_buttons,
    md,
    report_table,
    require_app_shell,
    script_session_id,
    secrets,
    tile_watch,
)
from lianghu_map.ui_tables import (
    MISSING,
    attribute_view,
    audit_view,
    conversions_text,
    local_time,
    suggestion_columns,
    version_view,
)
from lianghu_map.upload_gate import allow_uploads

require_app_shell()

lang = current_lang()
settings = load_settings(secrets())
cat = load_catalog()
builtins = builtin_features(cat)


def builtin_name(fid: str) -> str:
    return display_names(builtins.loc[fid], lang)[0] if fid in builtins.index else fid


def candidate_label(fid: str | None, score: dict[str, float]) -> str:
    """A built-in feature to supersede: its name, id and match score (ranked ones)."""
    if fid is None:
        return t("upload.supersede.none", lang)
    if fid in score:
        return t("upload.supersede.option", lang, name=builtin_name(fid), id=fid,
                 score=f"{score[fid]:.2f}")
    return t("upload.supersede.other", lang, name=builtin_name(fid), id=fid)


def likely_datum(res):
    """The finding that the file is likely GCJ-02/BD-09 (``datum_likely``), if ingest made it."""
    return next((f for f in res.findings if f.code == "datum_likely"), None)


def datum_hint(res, key: str) -> tuple[str, str] | None:
    """(datum, reason) when ingest found the file likely GCJ-02/BD-09; kept per file, as the
    finding is only made while the file is read as WGS84."""
    found = likely_datum(res)
    if found is not None:
        st.session_state[f"{key}_datum_hint"] = (found.params["datum_code"],
                                                 found.params["reason"])
    return st.session_state.get(f"{key}_datum_hint")


def datum_choice(key: str) -> str:
    """The file's own source datum; when ingest found a likely GCJ-02/BD-09 source, it is
    pre-selected and the reason shown."""
    hint = st.session_state.get(f"{key}_datum_hint")
    if hint:
        st.info(t("upload.datum.hint", lang, datum=localise(*DATUM_LABELS[hint[0]], lang),
                  reason=param_text(hint[1], lang)))
    return st.radio(t("upload.datum", lang), DATUMS, key=f"{key}_datum", horizontal=True,
                    format_func=lambda d: localise(*DATUM_LABELS[d], lang),
                    help=t("upload.datum.help", lang))


def crs_override(res, key: str, ignored: bool) -> None:
    """A declared CRS the numbers contradict: the analyst may set it aside (re-read)."""
    if "crs_contradicted" in res.codes() or ignored:
        st.checkbox(t("upload.ignore_crs", lang), key=f"{key}_ignore_crs",
                    help=t("upload.ignore_crs.help", lang))


def label_choice(key: str, gdf, col) -> str | None:
    """The column the layer's features are labelled (named) with; default: the detected name
    column.  A file with its own label column keeps it."""
    if LABEL_COLUMN in gdf.columns:
        col.caption(md(t("upload.label.own", lang, column=LABEL_COLUMN)))
        return None
    columns, detected = label_choices(gdf)
    if not columns:
        return None
    options = columns if detected in columns else [None, *columns]
    return col.selectbox(t("upload.label", lang), options, key=f"{key}_label",
                         index=options.index(detected) if detected in options else 0,
                         format_func=lambda c: t("upload.label.ids", lang) if c is None else c,
                         help=t("upload.label.help", lang))


def duplicate_check(key: str, draft, live: dict) -> str | None:
    """A layer saved from the same bytes, read the same way, asks before another copy is saved
    (a second Save press, a double click, a re-upload under another title): a problem to show,
    or None once the analyst confirms (the confirmation is asked again after each save)."""
    same = identical_layer(draft, live)
    if same is None:
        return None
    rec = live[same]
    st.warning(md(t("upload.duplicate", lang, title=rec.title(lang), id=same,
                    v=rec.current_version)))
    again = st.checkbox(t("upload.duplicate.again", lang),
                        key=f"{key}_again_{same}_{rec.current_version}_{len(live)}")
    return None if again else t("upload.need.confirm", lang)


st.subheader(t("upload.header", lang))
st.caption(t("upload.intro", lang))

# -- who may write: worked out on every run (viewer unless local mode, password or SSO)
access = analyst_access(settings, lang)
allowed = access.can_write
if cat.store_error:
    st.error(md(cat.store_error.message(lang)))

if allowed:
    user = st.text_input(t("upload.user", lang), key="upload_user",
                         help=t("upload.user.help", lang)).strip()
    warm_workers()  # the ingest workers' server starts now, not at the first file

    def read_options(datum: str = "wgs84", layer=None, assume=None, swap=False,
                     ignore_crs=False) -> IngestOptions:
        return IngestOptions(datum=datum, layer=layer, assume_crs=assume, swap_xy=swap,
                             ignore_declared_crs=ignore_crs, follow_hint=True,
                             max_bytes=settings.max_upload_mb * 2**20,
                             max_features=settings.max_features,
                             max_vertices=settings.max_vertices)

    # Streamlit's endpoint takes files from this session; each is read as it arrives (with a
    # new file's options), before the rerun that shows it asks
    allow_uploads(settings.max_upload_mb, on_file=prefetcher().hook(read_options()))
    session_id = script_session_id()
    files = st.file_uploader(
        t("upload.files", lang), accept_multiple_files=True, key="upload_files",
        # no type=[…]: Streamlit's own check raises on a NUL in a forged file name before the
        # page runs (a traceback); ingest refuses other extensions itself, in the UI language
        max_upload_size=settings.max_upload_mb,
        help=t("upload.files.help", lang, mb=settings.max_upload_mb),
    ) or []
    drafts = st.session_state.setdefault("_drafts", {})
    for stale in [k for k in drafts if k[0] not in {f.file_id for f in files}]:
        del drafts[stale]  # files removed from the uploader
    live = dict(cat.records)  # layers a file can replace
    for n, up in enumerate(files):
        key = f"f{n}"
        with st.container(border=True):
            shown = clean_name(up.name)  # no NUL or other control characters
            st.markdown(f"#### {n + 1}. {md(shown)}")
            layer = st.session_state.get(f"{key}_layer")
            assume = st.session_state.get(f"{key}_crs")
            swap = st.session_state.get(f"{key}_swap", False)
            ignore_crs = st.session_state.get(f"{key}_ignore_crs", False)

            def draft_for(datum, up=up, shown=shown, layer=layer, assume=assume, swap=swap,
                          ignore_crs=ignore_crs):
                options = read_options(datum, layer, assume, swap, ignore_crs)
                cache_key = (up.file_id, options)
                if cache_key not in drafts:
                    bar = LazyProgress(lambda stage: (
                        t("upload.reading", lang, name=shown) if stage == "read"
                        else t(f"upload.stage.{stage}", lang)))
                    drafts[cache_key] = prepare(
                        up.name, up.getvalue(), options, cat, progress=bar,
                        ingest=partial(prefetcher().ingest, session_id, up.file_id),
                        links=False)  # the report first; suggestions below it
                    bar.empty()
                    hinted = drafts[cache_key].result.hinted
                    if hinted is not None:  # the same read in the datum its hint names: the
                        # draft the page asks for next (datum_hint below), not read again
                        datum = likely_datum(drafts[cache_key].result).params["datum_code"]
                        again = read_options(datum, layer, assume, swap, ignore_crs)
                        hinted.usage = drafts[cache_key].result.usage
                        drafts.setdefault((up.file_id, again), prepare(
                            up.name, b"", again, cat, ingest=lambda *_a: hinted, links=False))
                return drafts[cache_key]

            if st.session_state.get(f"{key}_file") != up.file_id:  # another file in this slot
                for stale in ("datum", "datum_hint"):
                    st.session_state.pop(f"{key}_{stale}", None)
                st.session_state[f"{key}_file"] = up.file_id
            draft = draft_for(st.session_state.get(f"{key}_datum", "wgs84"))
            hint = datum_hint(draft.result, key)
            if hint and f"{key}_datum" not in st.session_state:  # asked once: pre-selected
                st.session_state[f"{key}_datum"] = hint[0]
                draft = draft_for(hint[0])
            res = draft.result
            counts = {s: sum(f.severity == s for f in res.findings)
                      for s in ("error", "warning", "info")}
            if draft.ok:
                st.success(t("upload.ok", lang, n=len(res.gdf), **counts))
            else:
                st.error(t("upload.refused", lang, **counts))
            if res.findings:
                report_table(findings_frame(res.findings, lang), lang)
            deliver()  # the report to the browser before the links and the preview are made
            # Fixes the analyst can choose, offered only when the report asks for them
            if res.layers:
                st.selectbox(t("upload.layer", lang), [None, *res.layers], key=f"{key}_layer",
                             format_func=lambda v: t("upload.choose", lang) if v is None else v)
            codes = next((f.params.get("codes") for f in res.findings
                          if f.code == "projected_no_crs"), None)
            if codes is not None or assume:
                choices = list(dict.fromkeys([*(codes or []), "EPSG:4549", "EPSG:4528",
                                              "EPSG:32650", "EPSG:32651", "EPSG:3857"]))
                st.selectbox(t("upload.crs", lang), [None, *choices], key=f"{key}_crs",
                             format_func=lambda v: t("upload.choose", lang) if v is None
                             else crs_label(v))
            if "swapped_axes" in res.codes() or swap:
                st.checkbox(t("upload.swap", lang), key=f"{key}_swap")
            crs_override(res, key, ignore_crs)
            datum_choice(key)
            if not draft.ok:
                continue
            add_links(draft, cat)  # (once per draft, after its report is on the page)

            c1, c2 = st.columns(2)
            zh0, en0 = title_defaults(shown)  # each box in its own language only
            title_zh = c1.text_input(t("upload.title_zh", lang), value=zh0, key=f"{key}_tzh")
            title_en = c2.text_input(t("upload.title_en", lang), value=en0, key=f"{key}_ten")
            kind = c1.selectbox(t("upload.kind", lang), UPLOAD_KINDS, key=f"{key}_kind",
                                index=UPLOAD_KINDS.index("other"),
                                format_func=lambda k: kind_label(k, lang))
            status = c2.selectbox(t("upload.status", lang), STATUS_KEYS, key=f"{key}_status",
                                  format_func=lambda s: status_label(s, lang))
            source = st.text_input(t("upload.source", lang), key=f"{key}_source",
                                   help=t("upload.source.help", lang)).strip()
            color = c1.color_picker(t("upload.color", lang), "#7048e8", key=f"{key}_color")
            replace = c2.selectbox(t("upload.target", lang), [None, *live], key=f"{key}_target",
                                   format_func=lambda i: t("upload.target.new", lang) if i is None
                                   else t("upload.target.replace", lang,
                                          title=live[i].title(lang)))
            label_col = label_choice(key, res.gdf, c2)
            meta = LayerMeta(title_zh.strip(), title_en.strip(), kind, status, source, color,
                             label_col)

            st.markdown(f"**{t('upload.preview', lang)}**")
            spec, preview = preview_features(draft, meta)
            if len(preview) < len(res.gdf):
                st.caption(t("upload.preview.capped", lang, n=len(preview), total=len(res.gdf)))
            sel = MapSelection(tuple(preview.index), (), (), tuple(preview.index))
            st_folium(base_map(current_basemap(), canvas=needs_canvas(preview)),
                      # inline: a draft's payload never goes to the public static/cache
                      feature_group_to_add=feature_groups(preview, sel, lang, layers=(spec,),
                                                          basemap=current_basemap(),
                                                          inline_big=True),
                      key=f"{key}_map", height=360, use_container_width=True,
                      on_change=tile_watch(f"{key}_map"),
                      returned_objects=[])
            st.dataframe(attribute_view(attribute_table(res.gdf), lang), height=220,
                         key=f"{key}_table", placeholder=MISSING)

            st.markdown(f"**{t('upload.links', lang)}**")
            table = suggestion_table(draft, cat, lang)
            if len(res.gdf) > SUGGEST_LIMIT:
                st.caption(t("upload.links.capped", lang, n=SUGGEST_LIMIT))
            if table.empty:
                st.caption(t("upload.links.none", lang))
                edited = table
            else:
                st.caption(t("upload.links.help", lang))
                edited = st.data_editor(
                    table, key=f"{key}_links", hide_index=True, num_rows="dynamic",
                    placeholder=MISSING,
                    disabled=["name", "label", "origin", "evidence", "mention"],
                    column_config={**suggestion_columns(
                        {d.id: directive_title(d, lang) for d in cat.meeting.directives}, lang),
                        "mention": None})
            # official data in place of a built-in (indicative) shape: ranked suggestions
            supersedes: dict[str, str] = {}
            keep = {sid: fid for fid, sup in cat.superseded.items()  # a new version keeps them
                    if replace and sup.layer_id == replace for sid in sup.source_ids}
            suffix = f"_{replace}" if replace else ""
            if draft.candidates:
                st.markdown(f"**{t('upload.supersede', lang)}**")
                if len(res.gdf) == 1:
                    sid, ranked = next(iter(draft.candidates.items()))
                    score = {c.feature_id: c.score for c in ranked}
                    fam = family(res.gdf.geom_type.iat[0])
                    others = [f for f in builtins.index if f not in score
                              and family(builtins.geom_type[f]) == fam]
                    options = [None, *score, *others]
                    target = st.selectbox(
                        t("upload.supersede.col", lang), options, key=f"{key}_supersede{suffix}",
                        index=options.index(keep.get(sid)) if keep.get(sid) in options else 0,
                        help=t("upload.supersede.help", lang),
                        format_func=partial(candidate_label, score=score))
                    supersedes = {sid: target} if target else {}
                else:
                    st.caption(t("upload.supersede.table", lang) + " "
                               + t("upload.supersede.help", lang))
                    if len(res.gdf) > SUPERSEDE_LIMIT:
                        st.caption(t("upload.supersede.capped", lang, n=SUPERSEDE_LIMIT))
                    sup_edit = st.data_editor(
                        supersede_table(draft, keep=keep), key=f"{key}_supersedes{suffix}",
                        hide_index=True, placeholder=MISSING,
                        disabled=["feature", "name", "score"],
                        column_config={
                            "accept": st.column_config.CheckboxColumn(
                                t("upload.col.accept", lang)),
                            "supersedes": st.column_config.SelectboxColumn(
                                t("upload.supersede.col", lang),
                                options=["", *builtins.index]),
                        })
                    supersedes = supersedes_from_table(sup_edit)
            problems = []
            duplicate = duplicate_check(key, draft, live)
            if duplicate:
                problems.append(duplicate)
            if not user:
                problems.append(t("upload.need.user", lang))
            if not (meta.title_zh or meta.title_en) and not replace:
                problems.append(t("upload.need.title", lang))
            if not meta.source and not replace:
                problems.append(t("upload.need.source", lang))
            for p in problems:
                st.caption(f"⚠ {p}")
            # (a click that reaches a disabled button — a double click racing the rerun — is
            # checked again here)
            if st.button(t("upload.save", lang), key=f"{key}_save", type="primary",
                         disabled=bool(problems)) and not problems:
                with st.spinner(t("upload.saving", lang)):
                    try:
                        record = save_draft(open_store(), draft, meta,
                                            links_from_table(edited, table), user, access,
                                            replace, supersedes, cat)
                    except LianghuError as err:
                        st.error(md(err.message(lang)))
                    else:
                        st.session_state["_saved"] = (record.layer_id, record.current_version)
                        st.rerun()

saved = st.session_state.pop("_saved", None)
if saved:
    st.success(t("upload.saved", lang, layer=saved[0], version=saved[1]))
    if preparing(open_store(), *saved) is not None:  # a big layer's map payloads being made

        @st.fragment(run_every=1.0)
        def _preparing(layer_id: str = saved[0], version: int = saved[1]) -> None:
            done = preparing(open_store(), layer_id, version)
            if done is None:
                st.caption(t("upload.prepared", lang))
            else:
                st.progress(done, text=t("upload.preparing", lang, pct=round(done * 100)))

        _preparing()

# -- the stored layers: history, downloads, delete / restore (everyone sees; analysts act)
st.markdown(f"### {t('stored.header', lang)}")
store = open_store()
try:
    records = store.list_layers(include_deleted=True)
except LianghuError as err:
    st.error(md(err.message(lang)))
    records = []
if not records:
    st.caption(t("stored.none", lang))
for rec in records:
    label = rec.title(lang) + (f" · {t('stored.deleted', lang)}" if rec.deleted else "")
    with st.expander(f"{md(label)} — v{rec.current_version} · {rec.current.feature_count}",
                     expanded=False):
        cur = rec.current
        st.caption(md(t("stored.meta", lang, id=rec.layer_id, file=cur.original_name,
                        who=cur.created_by, when=local_time(cur.created_at),
                        n=cur.feature_count)))
        if cur.conversions:
            st.caption(md(t("stored.conversions", lang) + conversions_text(cur.conversions, lang)))
        replaced = [f for f, s in cat.superseded.items() if s.layer_id == rec.layer_id]
        if replaced:
            st.caption(md(t("stored.supersedes", lang, names=("、" if lang != "en" else ", ").join(
                f"{builtin_name(f)} ({f})" for f in replaced))))
        if not rec.deleted:
            download_buttons(lambda r=rec: read_layer(store, r.layer_id, r.current_version),
                             rec.layer_id, f"dl_{rec.layer_id}", lang, rec.current_version)
        st.markdown(f"**{t('stored.history', lang)}**")
        st.dataframe(version_view(reversed(rec.versions), lang), hide_index=True,
                     key=f"hist_{rec.layer_id}", placeholder=MISSING)
        if allowed:
            who = st.session_state.get("upload_user", "").strip()  # recorded: required
            if not who:
                st.caption(f"⚠ {t('upload.need.user', lang)}")
            c1, c2 = st.columns(2)
            action = None
            if rec.deleted:
                if c1.button(t("stored.restore", lang), key=f"restore_{rec.layer_id}",
                             disabled=not who):
                    action = partial(restore_layer, store, rec.layer_id, who, access)
            else:
                if c1.button(t("stored.delete", lang), key=f"delete_{rec.layer_id}",
                             disabled=not who):
                    action = partial(delete_layer, store, rec.layer_id, who, access)
                if replaced and c1.button(t("stored.release", lang),
                                          key=f"release_{rec.layer_id}", disabled=not who):
                    action = partial(release_supersessions, store, rec.layer_id, who, access)
                older = [v.version for v in rec.versions if v.version != rec.current_version]
                if older:
                    target = c2.selectbox(t("stored.revert", lang), older,
                                          key=f"revert_v_{rec.layer_id}")
                    if c2.button(t("stored.revert.go", lang, v=target),
                                 key=f"revert_{rec.layer_id}", disabled=not who):
                        action = partial(revert_layer, store, rec.layer_id, target, who, access)
            if action is not None:
                try:
                    action()
                except LianghuError as err:
                    st.error(md(err.message(lang)))
                else:
                    st.rerun()

# -- the audit log: every write, who, when, what, sha256 (analysts see and export it)
if allowed:
    with st.expander(t("audit.header", lang)):
        try:
            entries = store.audit()
        except LianghuError as err:
            st.error(md(err.message(lang)))
            entries = []
        st.dataframe(audit_view(audit_table(entries), lang), hide_index=True, key="audit_table",
                     placeholder=MISSING)
        c1, c2 = st.columns(2)
        for col, fmt in ((c1, "csv"), (c2, "jsonl")):
            col.download_button(f"{t('download.label', lang)} {fmt.upper()}",
                                data=partial(audit_export, entries, fmt),
                                file_name=f"lianghu-audit.{fmt}", key=f"audit_{fmt}",
                                mime="text/csv" if fmt == "csv" else "application/jsonl",
                                on_click="ignore", icon=":material/download:")
