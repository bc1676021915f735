"""Plain HTTP answers of the drill server: the web client's files, QR codes, downloads.

``websockets`` answers HTTP ``GET`` requests through ``process_request``
(:mod:`server.app`); every answer carries the same strict headers: no caching,
no sniffing, no referrer, and a content security policy that lets the pages
load nothing from anywhere else (the drill works with no internet).
"""

from __future__ import annotations

import io
from http import HTTPStatus
from importlib import resources

import segno
from websockets.datastructures import Headers
from websockets.http11 import Response

__all__ = ["qr_svg", "response", "web_file"]

CSP = ("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
       "style-src 'self'; script-src 'self'")


def response(status: HTTPStatus, body: bytes, content_type: str,
             download: str | None = None) -> Response:
    """An HTTP response; ``download`` names the file a browser saves it as."""
    headers = Headers({
        "Content-Type": content_type,
        "Content-Length": str(len(body)),
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Content-Security-Policy": CSP,
    })
    if download is not None:
        headers["Content-Disposition"] = f'attachment; filename="{download}"'
    return Response(status.value, status.phrase, headers, body)


def web_file(name: str) -> bytes | None:
    """A file of ``server/web/`` by its bare name, or None (no paths, no hidden files)."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    entry = resources.files("server") / "web" / name
    try:
        return entry.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None


def qr_svg(text: str) -> bytes:
    """``text`` (a join link) as a QR code in SVG, black on white, for a phone camera."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=6, border=2, xmldecl=False)
    return out.getvalue()
