"""Hostile strings for every field a user controls.  Each tries to run script (setting
``window.__xss``), load something from elsewhere, or restyle the page; all must stay text."""

PAYLOADS: tuple[str, ...] = (
    "<script>window.__xss=1</script>",
    "<img src=x onerror=\"window.__xss=2\">",
    "<svg onload=window.__xss=3>",
    "\"><img src=x onerror=window.__xss=4>",
    "'><iframe src=\"javascript:parent.__xss=5\"></iframe>",
    "javascript:window.__xss=6",
    "`;window.__xss=7;`",
    "${window.__xss=8}",
    "</script><script>window.__xss=9</script>",
    "<a href=\"javascript:window.__xss=10\">点我</a>",
    "<div style=\"background:url(javascript:window.__xss=11)\">x</div>",
    "<style>body{display:none !important}</style>",
    "width:expression(window.__xss=13)",
    "{{constructor.constructor('window.__xss=14')()}}",
    "<details open ontoggle=window.__xss=15>",
    "<body onload=window.__xss=16>",
    "<math><mi xlink:href=\"javascript:window.__xss=17\">x</mi></math>",
    "行\u2028分\u2029</script><img src=x onerror=window.__xss=18>",
    "' \" \\ ` quotes \\\" \\' mixed",
    "<input autofocus onfocus=window.__xss=20>",
    "A" * 3000 + "<img src=x onerror=window.__xss=21>",
    "![x](http://evil.example/x.png)",
    "[点我](javascript:window.__xss=23)",
    "<marquee onstart=window.__xss=24>",
    ":red[红色] **粗体** $x^2$ <b>bold</b>",
    "{{ 7*7 }}{{ self.__init__.__globals__ }}",  # server-side template injection (Jinja)
    "{% for x in range(3) %}loop{% endfor %}{# c #}",
)
