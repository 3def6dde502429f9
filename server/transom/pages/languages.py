"""The admin UI's languages: English, Danish and German.

English text is the message id: templates write ``{{ _("Rooms") }}`` and
scripts ``t("Rooms")``. ``web/i18n/<language>/*.json`` map it to the
translation (one file per area of the UI, merged); a text missing there stays
English. ``{name}`` placeholders are filled after translating. A translation
may hold the same inline HTML as its English text (``<code>``, ``<strong>``);
templates mark those ``_html``.

Which language a page uses: the signed-in admin's choice (stored on the admin,
mirrored in a cookie so the sign-in page after signing out keeps it), else the
browser's ``Accept-Language``, else English.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from starlette.requests import Request

LANGUAGES: Mapping[str, str] = {"en": "English", "da": "Dansk", "de": "Deutsch"}
"""Language code → its name in itself (what the picker shows)."""
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "transom_language"

Catalogue = Mapping[str, str]


def load_catalogues(directory: Path) -> dict[str, Catalogue]:
    """Each language's texts, from ``directory/<language>/*.json`` (English: none)."""
    catalogues: dict[str, Catalogue] = {DEFAULT_LANGUAGE: {}}
    for language in LANGUAGES:
        if language == DEFAULT_LANGUAGE:
            continue
        merged: dict[str, str] = {}
        for path in sorted((directory / language).glob("*.json")):
            merged.update(json.loads(path.read_text(encoding="utf-8")))
        catalogues[language] = merged
    return catalogues


def fill(text: str, values: Mapping[str, Any]) -> str:
    """``{name}`` placeholders filled from ``values`` (others left as they are)."""
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def translator(catalogue: Catalogue) -> Callable[..., str]:
    def translate(text: str, **values: Any) -> str:
        return fill(catalogue.get(text) or text, values)

    return translate


def html_translator(catalogue: Catalogue) -> Callable[..., Markup]:
    """For texts with inline HTML of our own: the values are escaped, the text not."""

    def translate(text: str, **values: Any) -> Markup:
        safe = {key: escape(value) for key, value in values.items()}
        return Markup(fill(catalogue.get(text) or text, safe))

    return translate


def browser_language(accept_language: str | None) -> str | None:
    """The first of the browser's languages we have (``da-DK`` → ``da``)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, index, tag.strip().lower().split("-")[0]))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language
    return None


def request_language(request: Request) -> str:
    """The admin's choice for this request, else the cookie, else the browser's."""
    chosen = getattr(request.state, "language", None)
    if chosen in LANGUAGES:
        return str(chosen)
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LANGUAGES:
        return str(cookie)
    return browser_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE


def language_context(
    catalogues: Mapping[str, Catalogue],
) -> Callable[[Request], dict[str, Any]]:
    """A Jinja2Templates context processor: ``_``, ``_html``, the language and
    its catalogue for the page's scripts."""

    scripts = {
        language: htmlsafe_json_dumps(catalogue)
        for language, catalogue in catalogues.items()
    }

    def context(request: Request) -> dict[str, Any]:
        language = request_language(request)
        catalogue = catalogues.get(language, {})
        return {
            "language": language,
            "languages": LANGUAGES,
            "_": translator(catalogue),
            "_html": html_translator(catalogue),
            "catalogue_json": scripts.get(language, Markup("{}")),
        }

    return context
