"""QR codes (码上找代表) for stations and deputies, as SVG and PNG, with segno."""

from __future__ import annotations

import io

import segno


def station_path(pk: int) -> str:
    return f"/s/{pk}/"


def deputy_path(pk: int) -> str:
    return f"/d/{pk}/"


def qr_svg(url: str, scale: int = 6) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="svg", scale=scale, border=2,
                                                  xmldecl=False, svgns=True, title=url)
    return buf.getvalue()


def qr_png(url: str, scale: int = 8) -> bytes:
    buf = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buf, kind="png", scale=scale, border=4)
    return buf.getvalue()


def qr_data_uri(url: str, scale: int = 10) -> str:
    """A PNG data URI (printed posters embed the bitmap, which any PDF viewer shows)."""
    return segno.make(url, error="m", micro=False).png_data_uri(scale=scale, border=4)
