"""Reports page: the stored meeting reports (everyone); analysts add one (paste or a file),
review it (flagged spans, clauses and themes, links, unmatched names), grow the gazetteer, save;
edit (a new version), edit a saved report's details (a new version), see its history and make an
older version current again, delete and restore."""

from secrets import token_hex

import streamlit as st
from streamlit.errors import StreamlitInvalidLayoutContextError

from lianghu_map import places_store, reports_store
from lianghu_map.catalog import load_catalog
from lianghu_map.config import load_settings
from lianghu_map.errors import LianghuError, ReportDetailsConflict
from lianghu_map.i18n import t
from lianghu_map.meeting.places import load_place_finder
from lianghu_map.meeting.report import SCHEMA, Report, ReportMeta, prepare_report
from lianghu_map.meeting.sources import read_report_text
from lianghu_map.meeting.themes import CONTEXT
from lianghu_map.reports_store import Details, merge_details
from lianghu_map.store import ReportRecord, open_store
from lianghu_map.store.reports import prepare as check_meta
from lianghu_map.ui import analyst_access, current_lang, md, require_app_shell, secrets, show_html
from lianghu_map.ui_reports import (
    clause_labels,
    clause_pages,
    clause_table_html,
    display,
    feature_labels,
    link_label,
    marked_text_html,
    report_history_html,
    report_list_html,
    split_aliases,
    theme_label,
)
from lianghu_map.upload_gate import allow_uploads

require_app_shell()

lang = current_lang()
settings = load_settings(secrets())
# {"report": Report, "report_id", "expected", "saved": dict|None, "token", "places"}; "places":
# the revision of the stored places the report was prepared with here (absent: as stored)
DRAFT = "_rep_draft"
DETAILS = "_rep_details"  # {"report_id", "expected", "token", "conflict", "values"}: the form
HISTORY = "_rep_history"  # the report id whose history is shown
NOTICE = "_rep_notice"  # a success message for the next run
FINDER = "_rep_finder"  # (revision of the stored places, PlaceFinder)
LABELS = "_rep_feature_labels"
PAGE = "rep_table_page"  # the page of the review's clause table shown

st.subheader(t("reports.header", lang))
st.caption(t("reports.intro", lang))
st.caption(t("reports.script_note", lang))

access = analyst_access(settings, lang)
store = open_store()
try:
    load_catalog(store)  # (the first use of a store stores the built-in 2023 report in it)
    records = store.list_reports(include_deleted=access.can_write)
except LianghuError as err:
    st.error(md(err.message(lang)))
    st.stop()

st.markdown(f"#### {t('reports.list', lang)}")
show_html(report_list_html(records, lang))
if not access.can_write:
    st.info(t("reports.analysts_only", lang))
    st.stop()


def fail(err: LianghuError) -> None:
    st.error(md(err.message(lang)))


# -- analysts: edit, delete, restore a stored report; edit its details; its history
user = st.text_input(t("reports.user", lang), key="rep_user").strip()
if notice := st.session_state.pop(NOTICE, None):
    st.success(notice)
for rec in records:
    cols = st.columns([5, 1, 1, 1, 1])
    cols[0].caption(md(f"{rec.date} · {display(rec.title, lang)} · r{rec.revision}"))
    if cols[2].button(t("reports.history", lang), key=f"rep_history_{rec.report_id}"):
        st.session_state[HISTORY] = rec.report_id
    if rec.deleted:
        if cols[4].button(t("reports.restore", lang), key=f"rep_restore_{rec.report_id}"):
            try:
                reports_store.restore_report(store, rec.report_id, user, access)
                st.rerun()
            except LianghuError as err:
                fail(err)
        continue
    if cols[1].button(t("reports.details", lang), key=f"rep_details_{rec.report_id}"):
        st.session_state[DETAILS] = {"report_id": rec.report_id, "token": token_hex(4),
                                     "expected": rec.current_revision}
    if cols[3].button(t("reports.edit", lang), key=f"rep_edit_{rec.report_id}"):
        doc = store.get_report(rec.report_id)
        if doc.get("schema") != SCHEMA:
            st.info(t("reports.builtin_readonly", lang))
        else:
            st.session_state[DRAFT] = {"report": Report.from_dict(doc), "token": token_hex(4),
                                       "report_id": rec.report_id,
                                       "expected": rec.current_revision, "saved": doc}
    if cols[4].button(t("reports.delete", lang), key=f"rep_delete_{rec.report_id}"):
        try:
            reports_store.delete_report(store, rec.report_id, user, access)
            st.rerun()
        except LianghuError as err:
            fail(err)



def edit_details(rec: ReportRecord, state: dict) -> None:
    """The details form of a stored report: saved as a new version from the revision it was
    opened at; on a conflict what was typed stays in the form."""
    tok = state["token"]
    base = state.get("values") or Details.of(rec.version(state["expected"]))
    with st.container(border=True):
        st.markdown("##### " + md(t("reports.details.header", lang,
                                    title=display(rec.title, lang))))
        title = st.text_input(t("reports.title", lang), value=base.title, key=f"rep_dt_{tok}")
        date = st.text_input(t("reports.date", lang), value=base.date, key=f"rep_dd_{tok}",
                             help=t("reports.date.help", lang))
        body = st.text_input(t("reports.body", lang), value=base.body, key=f"rep_db_{tok}",
                             help=t("reports.body.help", lang))
        url = st.text_input(t("reports.source_url", lang), value=base.source_url,
                            key=f"rep_du_{tok}", placeholder="https://")
        cols = st.columns(3)
        if cols[0].button(t("reports.details.save", lang), key="rep_detail_save",
                          type="primary"):
            if not user:
                st.error(t("reports.user_missing", lang))
                return
            try:
                new = reports_store.edit_details(
                    store, rec.report_id, Details(title, date, body, url), user=user,
                    access=access, expected_revision=state["expected"])
            except ReportDetailsConflict as err:
                fail(err)
                state["conflict"] = True
            except LianghuError as err:
                fail(err)
            else:
                del st.session_state[DETAILS]
                draft = st.session_state.get(DRAFT)
                if (draft and draft["report_id"] == rec.report_id
                        and draft["saved"] == draft["report"].to_dict()):  # unchanged: reload
                    doc = store.get_report(rec.report_id)
                    draft.update(report=Report.from_dict(doc), expected=new.current_revision,
                                 saved=doc, token=token_hex(4))
                    draft.pop("places", None)  # as stored: prepared here again at its next edit
                st.session_state[NOTICE] = t("reports.details.saved", lang,
                                             revision=new.current_revision)
                st.rerun()
        if state.get("conflict"):
            st.caption(md(t("reports.details.current", lang, revision=rec.current_revision,
                            date=rec.date, title=display(rec.title, lang))))
            if cols[1].button(t("reports.details.rebase", lang), key="rep_detail_rebase"):
                opened = Details.of(rec.version(state["expected"]))
                state.update(expected=rec.current_revision, conflict=False, token=token_hex(4),
                             values=merge_details(opened, Details(title, date, body, url),
                                                  Details.of(rec)))
                st.rerun()
        if cols[2].button(t("reports.details.cancel", lang), key="rep_detail_cancel"):
            del st.session_state[DETAILS]
            st.rerun()


def show_history(rec: ReportRecord) -> None:
    """Every version of a report with what changed; an older one can be made current again."""
    with st.container(border=True):
        st.markdown("##### " + md(t("reports.history.header", lang,
                                    title=display(rec.title, lang))))
        show_html(report_history_html(store.report_history(rec.report_id), lang))
        for v in reversed(rec.versions):
            if v.revision == rec.current_revision or rec.deleted:
                continue
            if st.button(t("reports.history.revert", lang, revision=v.revision),
                         key=f"rep_revert_{rec.report_id}_{v.revision}"):
                if not user:
                    st.error(t("reports.user_missing", lang))
                    continue
                try:
                    new = reports_store.revert_report(
                        store, rec.report_id, v.revision, user=user, access=access,
                        expected_revision=rec.current_revision)
                except LianghuError as err:
                    fail(err)
                else:
                    st.session_state[NOTICE] = t("reports.history.reverted", lang,
                                                 revision=v.revision, new=new.current_revision)
                    st.rerun()
        if st.button(t("reports.history.close", lang), key="rep_hist_close"):
            del st.session_state[HISTORY]
            st.rerun()


by_id = {r.report_id: r for r in records}
if (state := st.session_state.get(DETAILS)) is not None:
    if state["report_id"] in by_id and not by_id[state["report_id"]].deleted:
        edit_details(by_id[state["report_id"]], state)
    else:
        del st.session_state[DETAILS]
if st.session_state.get(HISTORY) in by_id:
    show_history(by_id[st.session_state[HISTORY]])

def place_finder(quiet: bool = False) -> tuple:
    """The place finder (the built-in gazetteer grown by the stored places) and the revision
    of the stored places it was made from; made again only when they changed.  ``quiet``: an
    unreadable store of places is not shown again (the page's full run showed it)."""
    try:
        rev = places_store.stored_places(store)[1]
        cached = st.session_state.get(FINDER)
        if cached is None or cached[0] != rev:
            cached = st.session_state[FINDER] = (rev, places_store.place_finder(store))
        return cached[1], rev
    except LianghuError as err:  # the stored places cannot be read: the built-in gazetteer only
        if not quiet:
            fail(err)
        return load_place_finder(), "unread"


finder, places_rev = place_finder()

# -- add a report
with st.expander(t("reports.add", lang), expanded=DRAFT not in st.session_state):
    title = st.text_input(t("reports.title", lang), key="rep_title")
    date = st.text_input(t("reports.date", lang), key="rep_date", placeholder="2024-05-01")
    body = st.text_input(t("reports.body", lang), key="rep_body",
                         help=t("reports.body.help", lang))
    url = st.text_input(t("reports.source_url", lang), key="rep_url",
                        placeholder="https://")
    mode = st.radio(t("reports.mode", lang), ("paste", "file"), key="rep_mode", horizontal=True,
                    format_func=lambda m: t(f"reports.mode.{m}", lang))
    if mode == "paste":
        pasted = st.text_area(t("reports.text", lang), key="rep_text", height=200)
        upload = None
    else:
        allow_uploads(settings.max_upload_mb)
        upload = st.file_uploader(t("reports.file", lang), key="rep_file",
                                  max_upload_size=settings.max_upload_mb,
                                  help=t("reports.file.help", lang))
    if st.button(t("reports.prepare", lang), key="rep_prepare", type="primary"):
        try:
            meta = check_meta({}, title=title, date=date, body=body, source_url=url)
            if mode == "paste":
                text = pasted
                if not text.strip():
                    st.error(t("reports.text_missing", lang))
                    st.stop()
            elif upload is None:
                st.error(t("reports.file_missing", lang))
                st.stop()
            else:
                text = read_report_text(upload.name, upload.getvalue())
            report = prepare_report(text, ReportMeta("", meta.date, meta.title, meta.body, "",
                                                     meta.source_url), finder)
        except LianghuError as err:
            fail(err)
        else:
            st.session_state[DRAFT] = {"report": report, "report_id": None, "expected": None,
                                       "saved": None, "token": token_hex(4),
                                       "places": places_rev}

if DRAFT not in st.session_state:
    st.stop()


def fast_edit(method: str, target: str, widget: str = "") -> None:
    """A theme changed (to the value of ``widget``) or a link removed, as the widget's callback:
    applied before the review reruns (one run, not two), without preparing the text again when
    the draft was prepared here with the current place finder (``Report.set_theme``)."""
    draft = st.session_state.get(DRAFT)
    if draft is None:
        return
    finder, places_rev = place_finder(quiet=True)
    report: Report = draft["report"]
    args = (target, st.session_state[widget]) if widget else (target,)
    if widget and report.theme_of(target) == args[1]:
        return
    fresh = "places" in draft and draft["places"] == places_rev  # prepared with this finder
    draft["report"] = getattr(report, method)(finder, *args, relink=not fresh)
    draft["places"] = places_rev


def show_clause() -> None:
    """The clause chosen for editing: its page of the clause table is shown."""
    draft = st.session_state.get(DRAFT)
    ids = [c.id for c in draft["report"].clauses] if draft else []
    if st.session_state.get("rep_clause") in ids:
        at = ids.index(st.session_state["rep_clause"])
        st.session_state[PAGE] = next(i for i, p in enumerate(clause_pages(len(ids))) if at in p)


@st.fragment
def review() -> None:
    """The review and save of the draft: an edit reruns only this; a theme changed or a link
    removed does not clean, split and link the text again (see ``Report.set_theme``)."""
    draft = st.session_state.get(DRAFT)
    if draft is None:  # discarded meanwhile
        return
    finder, places_rev = place_finder(quiet=True)
    report: Report = draft["report"]

    def update(new: Report) -> None:
        """The draft is ``new`` (prepared with this finder), shown by a rerun of the review."""
        draft["report"] = new
        draft["places"] = places_rev
        try:
            st.rerun(scope="fragment")
        except StreamlitInvalidLayoutContextError:  # not a fragment rerun: the whole page's
            st.rerun()

    # -- review
    st.markdown("#### " + md(t("reports.review", lang, title=display(report.meta.title, lang))))
    st.caption(t("reports.cleaned", lang, aids=report.reading_aids_removed,
                 widths=report.widths_normalised, clauses=len(report.clauses),
                 links=len(report.links)))
    show_html(marked_text_html(report, lang))

    if report.flags:
        st.markdown(f"##### {t('reports.flags', lang)}")
    for f in report.flags:
        decided = report.decisions.flags.get(f.id, "pending")
        with st.container(border=True):
            st.markdown(md(t("reports.flag.shown", lang, kind=t(f"reports.flag.{f.kind}", lang),
                             text=display(f.text, lang))))
            kind = "garbled" if f.kind == "garbled" else "junk"
            st.caption(t(f"reports.decided.{kind}.{decided}", lang))
            cols = st.columns(3)
            if f.kind == "garbled":
                repair = cols[0].text_input(t("reports.repair", lang), value=f.suggestion,
                                            key=f"rep_repair_{f.id}")
                if cols[1].button(t("reports.repair.apply", lang), key=f"rep_accept_{f.id}"):
                    update(report.decide(finder, f.id, True, repair))
                if cols[2].button(t("reports.repair.keep", lang), key=f"rep_reject_{f.id}"):
                    update(report.decide(finder, f.id, False))
            else:
                if cols[0].button(t("reports.junk.remove", lang), key=f"rep_accept_{f.id}"):
                    update(report.decide(finder, f.id, True))
                if cols[1].button(t("reports.junk.keep", lang), key=f"rep_reject_{f.id}"):
                    update(report.decide(finder, f.id, False))

    st.markdown(f"##### {t('reports.clauses', lang)}")
    cols = st.columns(2)
    if report.decisions.theme_mode == "headings":
        if cols[0].button(t("reports.themes.default", lang), key="rep_default_themes"):
            update(report.revise(finder, theme_mode="default", heading_level=None, themes={}))
    elif cols[0].button(t("reports.themes.headings", lang), key="rep_headings"):
        update(report.use_headings_as_themes(finder))

    features = load_catalog(store).features
    cached = st.session_state.get(LABELS)  # (features, lang, labels): made once per catalogue
    if cached is None or cached[0] is not features or cached[1] != lang:
        cached = st.session_state[LABELS] = (features, lang, feature_labels(features, lang))
    fnames = cached[2]
    gaz = finder.gazetteer
    pnames = {pid: p.name(lang) for pid, p in gaz.places.items()}
    pages = clause_pages(len(report.clauses))
    if st.session_state.get(PAGE, 0) >= len(pages):  # the report has fewer clauses now
        st.session_state[PAGE] = 0
    page = 0
    if len(pages) > 1:  # a long report: one page of the table at a time
        page = st.selectbox(t("reports.clauses.page", lang), range(len(pages)), key=PAGE,
                            format_func=lambda i: t("reports.clauses.range", lang,
                                                    a=pages[i].start + 1, b=pages[i].stop,
                                                    n=len(report.clauses)))
    show_html(clause_table_html(report, pnames, fnames, lang, pages[page]))

    if report.clauses:
        with st.container(border=True):
            st.markdown(f"##### {t('reports.edit_clause', lang)}")
            cid = st.selectbox(t("reports.clause", lang), [c.id for c in report.clauses],
                               key="rep_clause", on_change=show_clause,
                               format_func=clause_labels(report, lang).__getitem__)
            keys = [th.key for th in report.themes if th.key != CONTEXT] + [CONTEXT]
            mode_key = report.decisions.theme_mode
            current = report.theme_of(cid)
            theme_key = f"rep_theme_{draft['token']}_{mode_key}_{cid}"
            theme = st.selectbox(t("reports.theme", lang), keys, index=keys.index(current),
                                 key=theme_key, on_change=fast_edit,
                                 args=("set_theme", cid, theme_key),
                                 format_func=lambda k: theme_label(report, k, lang))
            if theme != current:
                update(report.set_theme(finder, cid, theme))
            notes = report.decisions.annotations
            en_text = st.text_area(t("reports.en", lang), value=notes.get(cid, {}).get("en", ""),
                                   key=f"rep_en_{draft['token']}_{cid}", height=68,
                                   help=t("reports.en.help", lang)).strip()
            if en_text != notes.get(cid, {}).get("en", ""):
                update(report.revise(finder, annotations={
                    **notes, cid: {**notes.get(cid, {}), "en": en_text}}))
            for lk in report.links_of(cid):
                lcols = st.columns([5, 1])
                lcols[0].markdown(md(link_label(lk, pnames, fnames, lang)))
                lcols[1].button(t("reports.link.remove", lang), key=f"rep_unlink_{lk.id}",
                                on_click=fast_edit, args=("remove_link", lk.id))
            evidence = st.text_input(t("reports.link.evidence", lang), key="rep_ev",
                                     help=t("reports.link.evidence.help", lang)).strip()
            targets = st.multiselect(t("reports.link.features", lang), list(fnames), key="rep_ev_f",
                                     format_func=fnames.__getitem__,
                                     placeholder=t("reports.pick", lang))
            if st.button(t("reports.link.add", lang), key="rep_add_link"):
                text = report.clause(cid).text
                hits = text.count(evidence) if evidence else 0
                if not evidence or not targets:
                    st.error(t("reports.link.incomplete", lang))
                elif hits != 1:
                    st.error(t("reports.link.not_found" if hits == 0 else "reports.link.ambiguous",
                               lang, evidence=evidence, n=hits))
                else:
                    update(report.add_link(finder, cid, evidence, feature_ids=tuple(targets)))

    names = sorted({display(c.text, lang) for c in report.candidates})
    st.markdown(f"##### {t('reports.candidates', lang)}")
    st.caption(md("、".join(names)) if names else t("reports.candidates.none", lang))

    with st.expander(t("reports.place.add", lang)):
        st.caption(t("reports.place.help", lang))
        pname = st.text_input(t("reports.place.name", lang), key="rep_place_name").strip()
        aliases = st.text_input(t("reports.place.aliases", lang), key="rep_place_aliases")
        en = st.text_input(t("reports.place.en", lang), key="rep_place_en")
        pfeat = st.multiselect(t("reports.place.features", lang), list(fnames), key="rep_place_f",
                               format_func=fnames.__getitem__, placeholder=t("reports.pick", lang))
        if st.button(t("reports.place.save", lang), key="rep_add_place"):
            if not pname or not pfeat:
                st.error(t("reports.place.incomplete", lang))
            elif not user:
                st.error(t("reports.user_missing", lang))
            else:
                try:
                    place = places_store.new_place([pname, *split_aliases(aliases)],
                                                   split_aliases(en), pfeat)
                    added = places_store.add_place(store, place, user=user, access=access)
                except LianghuError as err:
                    fail(err)
                else:
                    draft["report"] = report = report.relink(added.finder)
                    draft.pop("places", None)  # made with the finder of the new places
                    if draft["report_id"] in added.relinked:  # this report's new stored version
                        draft["expected"] = store.report(draft["report_id"]).current_revision
                        draft["saved"] = store.get_report(draft["report_id"])
                    st.success(t("reports.place.added", lang, name=display(pname, lang),
                                 n=len(added.relinked)))
                    for rid in added.conflicts:
                        st.warning(t("reports.place.conflict", lang, report=rid))

    # -- save
    saved = draft["saved"] is not None and draft["saved"] == report.to_dict()
    if saved:
        st.success(t("reports.saved", lang, revision=draft["expected"]))
    cols = st.columns(2)
    if cols[0].button(t("reports.save", lang), key="rep_save", type="primary", disabled=saved):
        if not user:
            st.error(t("reports.user_missing", lang))
        else:
            m = report.meta
            try:
                rec = reports_store.save_report(
                    store, report.to_dict(), title=m.title, date=m.date, body=m.body,
                    source_url=m.source_url, user=user, access=access,
                    report_id=draft["report_id"], expected_revision=draft["expected"])
            except LianghuError as err:
                fail(err)
            else:
                draft.update(report_id=rec.report_id, expected=rec.current_revision,
                             saved=report.to_dict())
                st.rerun()
    if cols[1].button(t("reports.discard", lang), key="rep_discard"):
        del st.session_state[DRAFT]
        st.rerun()


review()
