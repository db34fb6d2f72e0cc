"""Write a DocumentDraft as .docx (python-docx), laid out like a court document.

Layout follows the usual form of 人民法院 documents: court name and title centred, the
document number right-aligned, body in 仿宋 三号 with a two-character first-line indent,
signatures and date at the right, served/notified lists at the foot. Every page carries a
"草稿" watermark and a red note in the header, so a draft cannot pass for a signed original.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from api.documents.model import DocumentDraft

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号

_WATERMARK = (
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
    '<w:pict><v:shape id="DraftWatermark" type="#_x0000_t136" o:allowincell="f" fillcolor="#d9d9d9" stroked="f"'
    ' style="position:absolute;margin-left:0;margin-top:0;width:360pt;height:180pt;rotation:315;z-index:-251657216;'
    'mso-position-horizontal:center;mso-position-horizontal-relative:margin;'
    'mso-position-vertical:center;mso-position-vertical-relative:margin">'
    '<v:fill opacity=".5"/><v:textpath style="font-family:&quot;SimSun&quot;;font-size:1pt" string="草稿"/>'
    "</v:shape></w:pict></w:r>"
)


def render_docx(draft: DocumentDraft) -> bytes:
    doc = Document()
    _page_setup(doc, draft)
    _para(doc, draft.issuing_court, size=TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _para(doc, draft.title, size=TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT)
    _para(doc, draft.number, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if draft.addressee:
        _para(doc, draft.addressee)
    for line in draft.parties:
        _para(doc, line, indent=True)
    for text in (*draft.body, *draft.operative, *draft.closing):
        _para(doc, text, indent=True)
    _para(doc, "")
    for line in draft.signatures:
        _para(doc, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, draft.issue_date_zh, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, "")
    if draft.served_to:
        _para(doc, "送达：" + "；".join(draft.served_to), size=Pt(12))
    if draft.notified:
        label = "书面通知：" if draft.kind.value == "order" else "通知："
        _para(doc, label + "；".join(draft.notified), size=Pt(12))
    _para(doc, draft.draft_note, size=Pt(10.5), color=RGBColor(0xC0, 0x00, 0x00))
    _para(doc, provenance_line(draft), size=Pt(9), color=RGBColor(0x80, 0x80, 0x80))
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def provenance_line(draft: DocumentDraft) -> str:
    """Where the draft came from, for the reviewer (not part of the document's text)."""
    if draft.provenance.get("source") == "lead":
        return (f"生成依据：恢复执行线索（编号 {draft.provenance.get('lead_id')}，财产登记比对日 "
                f"{draft.provenance.get('lead_as_of')}，状态 {draft.provenance.get('state')}）")
    source = {"decision": "调度决定", "recommendation": "调度方案建议（尚无决定）", "verdict": "审查结论"}.get(
        str(draft.provenance.get("source")), "—")
    reason = f"；调度理由：{draft.provenance['reason']}" if draft.provenance.get("reason") else ""
    return (f"生成依据：{source}{reason}；规则集 {draft.provenance.get('rulebook')}；"
            f"审查日 {draft.provenance.get('verdict_as_of')}")


def _page_setup(doc: DocxDocument, draft: DocumentDraft) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = BODY_SIZE
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)
    props = doc.core_properties
    props.title = f"{draft.title}（草稿）"
    props.subject = draft.case_no
    props.keywords = draft.kind.value
    props.comments = draft.draft_note
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run("草稿　仅供审核　未经签发不具有法律效力")
    _font(run, BODY_FONT, Pt(10.5), bold=True, color=RGBColor(0xC0, 0x00, 0x00))
    header._p.append(parse_xml(_WATERMARK))


def _para(doc: DocxDocument, text: str, *, size: Pt = BODY_SIZE, bold: bool = False,
          align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = False, font: str = BODY_FONT,
          color: RGBColor | None = None) -> Paragraph:
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(max(28, size.pt * 1.5))
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        p.alignment = align
    if text:
        _font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _font(run: Run, name: str, size: Pt, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = name
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    rpr = run._element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), name)
