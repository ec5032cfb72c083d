"""The suggestion as a PDF (A4, Chinese): the text, the units, the whole handling record.

Rendered from ``suggestions/pdf.html`` with WeasyPrint. WeasyPrint draws missing glyphs as
empty boxes, so before rendering we make sure the server has a font covering Chinese
(Debian: ``fonts-noto-cjk``) and otherwise refuse with a clear message.

What is shown follows the viewer's standing (``access.standing``): the deputies, staff,
leaders and committees see every unit's record; a handling unit sees the suggestion and
only its own assignment — never another unit's contacts, views or replies.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from renda.core.errors import DomainError

from .access import standing
from .actions import reply_classes
from .models import AssignmentKind, CoSignerStatus, Suggestion

NO_CJK_FONT = "服务器未安装中文字体（如 fonts-noto-cjk），无法生成 PDF。"
_SAMPLE = "中"  # a character every Chinese font has and no Latin font has

_KIND_ORDER = {AssignmentKind.LEAD: 0, AssignmentKind.SEPARATE: 1, AssignmentKind.CO: 2}

_font_found = False


def _fc_list_has_cjk() -> bool | None:
    """Ask fontconfig's ``fc-list`` for fonts supporting Chinese; None if it is not installed."""
    exe = shutil.which("fc-list")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, ":lang=zh", "family"], capture_output=True, text=True,  # noqa: S603
                             timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return bool(out.stdout.strip())


def _weasyprint_fontconfig_has_cjk() -> bool:
    """The font fontconfig (through WeasyPrint's own binding) would pick for Chinese text,
    and whether it really has Chinese glyphs."""
    try:
        from fontTools.ttLib import TTFont
        from weasyprint.text.ffi import ffi, fontconfig

        config = fontconfig.FcInitLoadConfigAndFonts()
        pattern = fontconfig.FcPatternCreate()
        fontconfig.FcPatternAddString(pattern, b"lang", b"zh-cn")
        fontconfig.FcPatternAddString(pattern, b"family", b"sans-serif")
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        if match == ffi.NULL:
            return False
        path = ffi.new("FcChar8 **")
        if fontconfig.FcPatternGetString(match, b"file", 0, path) != 0:
            return False
        font = TTFont(ffi.string(path[0]).decode(), fontNumber=0, lazy=True)
        return ord(_SAMPLE) in (font.getBestCmap() or {})
    except Exception:
        return False


def cjk_font_available() -> bool:
    """Whether a font covering Chinese is installed (a positive answer is remembered)."""
    global _font_found
    if _font_found:
        return True
    found = _fc_list_has_cjk()
    if found is None:
        found = _weasyprint_fontconfig_has_cjk()
    _font_found = found
    return found


def pdf_context(suggestion: Suggestion, viewer: Any) -> dict[str, Any]:
    """What the PDF shows to ``viewer``; the view has already checked they may see it."""
    s = suggestion
    st = standing(viewer, s)
    full = st.deputy or st.staff or st.viewer
    assignments = list(s.assignments.select_related("unit").prefetch_related(
        "contacts", "replies__commitments", "extensions"))
    if not full:
        assignments = [a for a in assignments if a.unit_id in st.unit_ids]
    assignments.sort(key=lambda a: (_KIND_ORDER.get(a.kind, 9), a.pk))
    classes = {c.code: c for c in reply_classes(s.congress_id)}
    for a in assignments:
        for r in a.replies.all():
            r.class_label = str(classes[r.reply_class]) if r.reply_class in classes \
                else f"{r.reply_class}类"
    return {
        "s": s,
        "full": full,
        "assignments": assignments,
        "cosigners": [c.deputy for c in s.cosigners.filter(status=CoSignerStatus.CONFIRMED)
                      .select_related("deputy")],
        "merged": list(s.merged.select_related("lead_deputy")),
        "evaluations": list(s.evaluations.select_related("deputy").order_by("round", "at")),
        "supervisions": list(s.supervisions.select_related("leader", "committee")),
        "transitions": list(s.transitions.all()),
        "generated_at": timezone.localtime(),
    }


def suggestion_pdf(suggestion: Suggestion, viewer: Any) -> bytes:
    """The suggestion and its handling record as an A4 PDF, as ``viewer`` may see it."""
    if not cjk_font_available():
        raise DomainError(NO_CJK_FONT)
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    html = render_to_string("suggestions/pdf.html", pdf_context(suggestion, viewer))
    # Nothing is fetched from outside: no file:// or http:// however the text is written.
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
