"""Hostile text for every field a person fills: each payload, were it to run, would set
window.__xss, open a dialog, fetch the probe address, or show the marker XSS49."""

from __future__ import annotations

PROBE = "/xss-probe/"  # an address no page of Rapport ever asks for by itself
RUN = "window.__xss=1"

SCRIPTS = [
    f"<script>{RUN}</script>",
    f"<SCRIPT>{RUN}</SCRIPT>",
    f"<script src=data:text/javascript,{RUN}></script>",
    f"<scr<script>ipt>{RUN}</scr</script>ipt>",
    f"</textarea><script>{RUN}</script>",
    f"</title><script>{RUN}</script>",
    f"</script><script>{RUN}</script>",
    f"<!--<script>{RUN}</script>-->",
    f'<noscript><p title="</noscript><script>{RUN}</script>">',
]
HANDLERS = [
    f"<img src=x onerror={RUN}>",
    '<img src=x onerror="alert(1)">',
    f"<svg onload={RUN}>",
    f"<body onload={RUN}>",
    f"<details open ontoggle={RUN}>",
    f"<input autofocus onfocus={RUN}>",
    f"<video><source onerror={RUN}></video>",
    f'<iframe src="javascript:{RUN}"></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
    f'<object data="javascript:{RUN}"></object>',
    f'<embed src="javascript:{RUN}">',
    f'<a href="javascript:{RUN}" id=xss-link>click</a>',
    f'<form action="javascript:{RUN}"><button>go</button></form>',
    f'<meta http-equiv="refresh" content="0;url=javascript:{RUN}">',
    f'<div style="background:url(javascript:{RUN})">styled</div>',
    f"<marquee onstart={RUN}>moving</marquee>",
]
MARKDOWN = [
    f"[click me](javascript:{RUN})",
    f"[click me](JaVaScRiPt:{RUN})",
    f"[click me](java\tscript:{RUN})",
    f"[click me](&#106;avascript:{RUN})",
    f"[click me](javascript&colon;{RUN})",
    f"![pic](javascript:{RUN})",
    f'![pic](x" onerror="{RUN})',
    "[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg==)",
    f"[ref][x]\n\n[x]: javascript:{RUN}",
    f"<javascript:{RUN}>",
    f'[a](https://example.com "title" onmouseover="{RUN}")',
    f"```\n</code><script>{RUN}</script>\n```",
    f"`<img src=x onerror={RUN}>`",
]
SVG_MATHML = [
    f"<svg><script>{RUN}</script></svg>",
    f'<svg><a xlink:href="javascript:{RUN}"><text>x</text></a></svg>',
    f"<svg><animate onbegin={RUN} attributeName=x dur=1s>",
    f"<svg><foreignObject><img src=x onerror={RUN}></foreignObject></svg>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={RUN}>",
    f'<math href="javascript:{RUN}">click</math>',
    f"<svg><style><img src=x onerror={RUN}></style></svg>",
]
BREAKOUTS = [
    f'" onmouseover="{RUN}" x="',
    f"' onfocus='{RUN}' autofocus x='",
    f'"><img src=x onerror={RUN}>',
    f"'><svg onload={RUN}>",
    f'" autofocus onfocus="{RUN}',
    f"</option></select><img src=x onerror={RUN}>",
    f'\\"; {RUN}; //',
    "'-alert(1)-'",
    f'"></a><script>{RUN}</script>',
]
ENCODED = [
    f"&lt;script&gt;{RUN}&lt;/script&gt;",
    "&#60;img src=x onerror=window.__xss=1&#62;",
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "\\u003cscript\\u003ewindow.__xss=1\\u003c/script\\u003e",
    f"<img src=x o\u0000nerror={RUN}>",
    "<img src=x onerror=&#119;indow.__xss=1>",
    f'<a href="&#x6A;avascript:{RUN}">enc</a>',
    f"<IMG SRC=`javascript:{RUN}`>",
]
TEMPLATES = [
    "XSS{{7*7}}",
    "XSS${7*7}",
    "XSS#{7*7}",
    "XSS<%= 7*7 %>",
    "XSS{{ 7*7 }}{% raw %}",
    "{{ config }}{{ ''.__class__.__mro__ }}",
    "{{constructor.constructor('window.__xss=1')()}}",
    "XSS[[7*7]]",
]
HTMX = [
    f'<div hx-get="{PROBE}" hx-trigger="load">htmx get</div>',
    f'<div data-hx-get="{PROBE}" data-hx-trigger="load">data htmx</div>',
    f'<button hx-post="{PROBE}" hx-trigger="load">htmx post</button>',
    f'<div hx-on:load="{RUN}">hx-on</div>',
    f'<div hx-on::load="{RUN}" hx-trigger="load">hx-on short</div>',
    f'<img src=x hx-on:htmx:load="{RUN}">',
    f'<a hx-get="{PROBE}" hx-trigger="load" hx-swap="outerHTML">a</a>',
    f'<div hx-get="{PROBE}" hx-trigger="load" hx-target="body">'
    '<div hx-ext="xss">nested</div></div>',
    f'<div hx-vals=\'js:{{a: {RUN}}}\' hx-post="{PROBE}" hx-trigger="load">vals</div>',
]

PAYLOADS: list[str] = [
    *SCRIPTS, *HANDLERS, *MARKDOWN, *SVG_MATHML, *BREAKOUTS, *ENCODED, *TEMPLATES, *HTMX
]  # fmt: skip
# Rapport refuses any text with a NUL, with a message: the ones without go where one
# refusal would keep out the whole batch.
WITHOUT_NUL = [payload for payload in PAYLOADS if "\x00" not in payload]
# One text holding them all, for the fields that take a whole Markdown document.
DOCUMENT = "\n\n".join(WITHOUT_NUL)
assert len(PAYLOADS) >= 50, len(PAYLOADS)
