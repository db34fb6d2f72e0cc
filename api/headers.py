"""Security headers on every response; a Content-Security-Policy on the console's pages.

Every response: `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`,
`Referrer-Policy: no-referrer` (a console URL carries a case number).

Console (`/console...`): scripts only from this origin (the console has no inline script:
its labels travel as a JSON data block that console.js parses), no plugins, no framing, no
`<base>`, forms and fetches to this origin only. `style-src-attr 'unsafe-inline'` is the
one concession: ECharts draws its tooltips with `style="..."` attributes; style attributes
cannot run script, while `<style>` elements and stylesheets stay limited to this origin.
API responses (JSON) get `default-src 'none'`: nothing in them is to be rendered as a page.
The interactive docs (/docs, /redoc) load Swagger/ReDoc from a CDN with inline script, so
they get no CSP.
"""

from __future__ import annotations

CONSOLE_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
API_CSP = "default-src 'none'; frame-ancestors 'none'"
COMMON = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
          (b"referrer-policy", b"no-referrer")]
NO_CSP = ("/docs", "/redoc")
# built once: the wrapper runs on every request
_CONSOLE = [*COMMON, (b"content-security-policy", CONSOLE_CSP.encode())]
_API = [*COMMON, (b"content-security-policy", API_CSP.encode())]


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to `path` (added to every response by `api.limits.RequestGuard`,
    which holds the body guard too: one ASGI layer wrapping `send` once per request)."""
    if path.startswith("/console"):
        return _CONSOLE
    return COMMON if path.startswith(NO_CSP) else _API
