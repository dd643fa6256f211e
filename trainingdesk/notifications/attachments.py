"""Attachments are rendered when an email is sent, not when it is queued (a PDF is not drawn
inside the request's transaction). Each app that owns a kind of document registers how to
render it, in its AppConfig.ready: `register("invoice", render_invoice_attachment)`."""

from __future__ import annotations

from collections.abc import Callable

Renderer = Callable[[int], tuple[str, bytes, str]]  # id -> (filename, content, mimetype)

RENDERERS: dict[str, Renderer] = {}


def register(kind: str, renderer: Renderer) -> None:
    RENDERERS[kind] = renderer


def render(kind: str, object_id: int) -> tuple[str, bytes, str]:
    return RENDERERS[kind](object_id)
