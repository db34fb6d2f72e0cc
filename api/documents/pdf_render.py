"""Write a DocumentDraft as PDF with fpdf2 and the Noto CJK font from Debian's fonts-noto-cjk.

PDF is optional: when fpdf2 or the font is missing, `render_pdf` raises PdfUnavailable and
the route answers 501 with the reason; the .docx is always available.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from api.documents.docx_render import provenance_line
from api.documents.model import DocumentDraft

# Debian's fonts-noto-cjk ships CFF-outline collections; index 2 of each is the SC (简体) face.
FONT_CANDIDATES = [
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
]
SC_FACE_INDEX = 2


class PdfUnavailable(RuntimeError):
    """PDF cannot be produced on this machine (library or CJK font missing)."""


def cjk_font_path() -> Path | None:
    override = os.environ.get("ASSIGN_CJK_FONT")
    for path in ([Path(override)] if override else []) + FONT_CANDIDATES:
        if path.is_file():
            return path
    return None


def render_pdf(draft: DocumentDraft) -> bytes:
    try:
        from fpdf import FPDF
        from fpdf.enums import Align, WrapMode, XPos, YPos
    except ImportError:
        raise PdfUnavailable("PDF 需要 fpdf2 库（pip install fpdf2），当前未安装；请下载 .docx") from None
    font = cjk_font_path()
    if font is None:
        raise PdfUnavailable("未找到中文字体（Debian 软件包 fonts-noto-cjk），无法生成 PDF；请下载 .docx")
    # fontTools logs every table it subsets at INFO: noise in the service log, once per download.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(format="A4")
    pdf.set_margins(28, 37, 26)
    pdf.set_auto_page_break(True, margin=35)
    index = SC_FACE_INDEX if font.suffix == ".ttc" else 0
    pdf.add_font("cjk", fname=str(font), collection_font_number=index)
    pdf.set_title(f"{draft.title}（草稿）")
    pdf.set_subject(draft.case_no)

    def header() -> None:
        pdf.set_font("cjk", size=10)
        pdf.set_text_color(192, 0, 0)
        pdf.set_y(15)
        pdf.cell(0, 6, "草稿　仅供审核　未经签发不具有法律效力", align=Align.C)
        with pdf.rotation(45, x=105, y=150):
            pdf.set_font("cjk", size=110)
            pdf.set_text_color(215, 215, 215)
            pdf.text(55, 185, "草稿")
        pdf.set_text_color(0, 0, 0)
        pdf.set_y(37)

    pdf.header = header  # type: ignore[method-assign]  # fpdf2's hook: header() runs on every new page
    pdf.add_page()

    def line(text: str, *, size: float = 15, align: Align = Align.L, indent: bool = False, h: float = 10) -> None:
        pdf.set_font("cjk", size=size)
        # CHAR wrapping: Chinese has no spaces, and the indent's ideographic spaces must not become a break.
        pdf.multi_cell(0, h, ("\u3000\u3000" if indent else "") + text, align=align, wrapmode=WrapMode.CHAR,
                       new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    line(draft.issuing_court, size=20, align=Align.C, h=12)
    line(draft.title, size=20, align=Align.C, h=12)
    line(draft.number, align=Align.R)
    if draft.addressee:
        line(draft.addressee)
    for text in (*draft.parties, *draft.body, *draft.operative, *draft.closing):
        line(text, indent=True)
    pdf.ln(6)
    for text in (*draft.signatures, draft.issue_date_zh):
        line(text, align=Align.R)
    pdf.ln(6)
    if draft.served_to:
        line("送达：" + "；".join(draft.served_to), size=11, h=7)
    if draft.notified:
        line(("书面通知：" if draft.kind.value == "order" else "通知：") + "；".join(draft.notified), size=11, h=7)
    pdf.set_text_color(192, 0, 0)
    line(draft.draft_note, size=9, h=6)
    pdf.set_text_color(128, 128, 128)
    line(provenance_line(draft), size=8, h=5)
    return bytes(pdf.output())
