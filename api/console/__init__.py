"""The dispatchers' console (/console): server-rendered page shells plus small scripts.

The pages carry no case data: each page's script calls the /v1 API with the key the
dispatcher signed in with (kept in sessionStorage, sent as X-API-Key), so the console sees
exactly what the API lets that key see, through the same routes, pipeline and audit.
Static files (scripts, styles, the vendored ECharts) are served from /console/static/.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from api.console.labels import all_labels

API_DIR = Path(__file__).resolve().parent.parent
TEMPLATES = Jinja2Templates(directory=str(API_DIR / "templates"))
STATIC_DIR = (API_DIR / "static").resolve()
_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
          ".md": "text/plain; charset=utf-8",
          ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml"}

router = APIRouter(prefix="/console", include_in_schema=False)


def _page(request: Request, template: str, title: str, **context: Any) -> HTMLResponse:
    # a JSON data block, not script (the CSP allows no inline script); "<" escaped so no "</script>" closes it
    labels = json.dumps(all_labels(), ensure_ascii=False).replace("<", "\\u003c")
    return TEMPLATES.TemplateResponse(request, f"console/{template}",
                                      {"title": title, "labels_json": labels, **context})


@router.get("", response_class=RedirectResponse)
def console_root() -> RedirectResponse:
    return RedirectResponse("/console/queue", status_code=307)


# The pages without a path parameter: /console/<name> renders console/<name>.html under this title.
PAGES = {"login": "登录", "queue": "待办队列", "plan": "调度方案", "alerts": "节点预警", "leads": "恢复执行线索",
         "outcomes": "移送执行成效"}


def _register_page(name: str, title: str) -> None:
    def page(request: Request) -> HTMLResponse:
        return _page(request, f"{name}.html", title)

    router.add_api_route(f"/{name}", page, methods=["GET"], response_class=HTMLResponse, name=f"{name}_page")


for _name, _title in PAGES.items():
    _register_page(_name, _title)


@router.get("/cases/{case_no:path}", response_class=HTMLResponse)
def case_page(request: Request, case_no: str) -> HTMLResponse:
    return _page(request, "case.html", f"案件 {case_no}", case_no=case_no)


@router.get("/static/{path:path}")
def static_file(path: str) -> FileResponse:
    # Served by a route rather than a mount so the console registers like every other router.
    target = (STATIC_DIR / path).resolve()
    if not target.is_file() or STATIC_DIR not in target.parents:
        raise HTTPException(404, f"no static file {path}")
    media = _MEDIA.get(target.suffix, "application/octet-stream")
    return FileResponse(target, media_type=media, headers={"Cache-Control": "no-cache"})
