"""Streamlit's own floor for the upload benchmark: a page holding only ``st.file_uploader``
that writes a one-row table for each file it is given, reading nothing (``getvalue`` only).

Timed with the same clock as the Upload page (:mod:`bench.upload`), it measures what Streamlit
itself costs from a chosen file to a painted answer — the upload URL request, the ``PUT``, the
rerun, the delivery and React's render — with no work of this app in it.  The Upload page's
report cannot come sooner than this floor plus its read (less the part of the read that runs
while the browser is still sending the rerun).
"""

import streamlit as st

st.title("Upload")
for up in st.file_uploader("files", accept_multiple_files=True, key="upload_files") or []:
    st.success(f"{len(up.getvalue()):,} bytes")
    st.markdown("<table class='lh-report'><tr><td>—</td></tr></table>", unsafe_allow_html=True)
    st.button("Save", key="f0_save")
