"""The meeting side: report text, its clauses (directives), the gazetteer of places, the links
between clauses and map features, and link suggestions for uploaded layers.

New reports (issue 17), pure and without the UI or the store: ``sources`` (text from an uploaded
file), ``cleaning`` (reading aids, widths; junk flagged), ``mojibake`` (garbled spans flagged),
``clauses`` (headings, sentences, enumerated parts; stable ids), ``places`` (place mentions with
evidence, short forms, traps, candidates; the gazetteer grows), ``themes`` and ``report`` (the
:class:`Report` model and ``prepare_report``); ``report2023`` is the 2023 report through it.

Import direction is one way: ``meeting`` may use the package's plain foundations (``paths``,
``errors``, ``layers``) but nothing of rendering or the UI imports back into it from here; the
rest of the package imports ``lianghu_map.meeting.<module>``.
"""
