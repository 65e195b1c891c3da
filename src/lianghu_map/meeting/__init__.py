"""The meeting side: report text, its clauses (directives), the gazetteer of places, the links
between clauses and map features, and link suggestions for uploaded layers.

Import direction is one way: ``meeting`` may use the package's plain foundations (``paths``,
``errors``, ``layers``) but nothing of rendering or the UI imports back into it from here; the
rest of the package imports ``lianghu_map.meeting.<module>``.
"""
