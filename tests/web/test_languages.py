"""The admin UI in English, Danish and German.

- Every text the templates and scripts mark for translation (``_("…")``,
  ``_html("…")``, ``t("…")``, ``plural(n, "…", "…")``, ``N_("…")``) and every
  page title has a Danish and a German translation with the same
  placeholders and the same inline HTML.
- In Chromium, each page rendered in Danish and in German is scanned against
  the English rendering and the catalogue: a text shown the same in both
  languages is English left behind unless it is data (anything the page
  received from /graphql), a name that stays itself (Transom, Outlook…), or
  a catalogue text whose translation is deliberately the same.
- No page in any language shows a raw enum value (``SECRET_EXPIRED``).
- The admin's choice is kept on the admin: another browser signed in as them
  opens in their language; dates follow the language and the tenant's zone.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.web.browser_steps import connected, other_admin, serious_violations
from tests.web.conftest import AdminUi, screenshot
from transom.pages.admin import PAGES
from transom.pages.languages import LANGUAGES, load_catalogues

ROOT = Path(__file__).parents[2]
WEB = ROOT / "web"
CATALOGUES = load_catalogues(WEB / "i18n")
TRANSLATED = [language for language in LANGUAGES if language != "en"]

_LITERAL = r'"(?:[^"\\\n]|\\.)*"'
MARKED = re.compile(rf"(?<![\w.$])(?:_html|_|t|N_)\(\s*({_LITERAL})")
PLURAL = re.compile(rf"(?<![\w.$])plural\([^,()]+,\s*({_LITERAL}),\s*({_LITERAL})")
PLACEHOLDER = re.compile(r"\{(\w+)\}")
TAG = re.compile(r"</?([a-z]+)")
ROOM = "Foundry Anvil"

# Names that are the same in every language: products, protocols, units.
PROPER = {
    "Transom", "Microsoft", "Outlook", "Exchange", "Entra", "Graph", "GraphQL",
    "GraphiQL", "CSV", "API", "HR", "ID", "IDs", "UTC", "URL", "URI", "OK",
    "PEM", "HTTP", "HTTPS", "Bearer", "Authorization", "Contoso", "SSO", "iCal",
    "Teams", "Azure", "JSON", "min", "h",
}  # fmt: skip


def marked_texts() -> dict[str, set[str]]:
    """Each message id and the files that use it."""
    used: dict[str, set[str]] = {}
    files = [*(WEB / "templates").glob("*.html"), *(WEB / "static").rglob("*.js")]
    for path in files:
        source = path.read_text(encoding="utf-8")
        found = [m.group(1) for m in MARKED.finditer(source)]
        found += [g for m in PLURAL.finditer(source) for g in m.groups()]
        for literal in found:
            used.setdefault(json.loads(literal), set()).add(path.name)
    for page in PAGES:
        used.setdefault(page.title, set()).add("pages/admin.py")
    return used


def test_every_marked_text_is_translated_with_the_same_placeholders_and_tags():
    used = marked_texts()
    assert len(used) > 100, "the pages mark their texts for translation"
    for language in TRANSLATED:
        catalogue = CATALOGUES[language]
        missing = sorted(f"{t!r} ({', '.join(sorted(f))})" for t, f in used.items()
                         if not catalogue.get(t, "").strip())  # fmt: skip
        assert missing == [], f"{language}: {len(missing)} untranslated: {missing[:40]}"
        for text in used:
            translation = catalogue[text]
            assert set(PLACEHOLDER.findall(translation)) == set(
                PLACEHOLDER.findall(text)
            ), (language, text, translation)
            assert sorted(TAG.findall(translation)) == sorted(TAG.findall(text)), (
                language,
                text,
                translation,
            )


def test_catalogue_files_are_one_object_of_texts_each():
    for language in TRANSLATED:
        files = sorted((WEB / "i18n" / language).glob("*.json"))
        assert files, language
        seen: dict[str, str] = {}
        for path in files:
            entries = json.loads(path.read_text(encoding="utf-8"))
            assert isinstance(entries, dict), path
            for text, translation in entries.items():
                assert isinstance(translation, str), (path, text)
                # one text, one translation, whichever area's file holds it
                assert seen.setdefault(text, translation) == translation, (path, text)


# --- in Chromium -----------------------------------------------------------

TEXTS = """() => {
  const seen = [];
  const visible = (node) => node && node.checkVisibility && node.checkVisibility();
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.replace(/\\s+/g, " ").trim();
    const parent = node.parentElement;
    if (!text || !visible(parent) || parent.closest("script, style, code, pre")) continue;
    seen.push(text);
  }
  for (const node of document.querySelectorAll("[aria-label], [placeholder], [title]")) {
    if (!visible(node)) continue;
    for (const name of ["aria-label", "placeholder", "title"]) {
      const value = node.getAttribute(name);
      if (value && value.trim()) seen.push(value.replace(/\\s+/g, " ").trim());
    }
  }
  seen.push(document.title);
  return seen;
}"""


class Received:
    """Every string the page received from /graphql (HTTP and websocket)."""

    def __init__(self, page: Page) -> None:
        self.strings: set[str] = set()
        page.on("response", self._response)
        page.on("websocket", self._socket)

    def _response(self, response: Any) -> None:
        if not response.url.endswith("/graphql"):
            return
        try:
            self._collect(response.json())
        except Exception:  # noqa: BLE001 - not JSON: nothing received
            return

    def _socket(self, socket: WebSocket) -> None:
        def frame(payload: str | bytes) -> None:
            try:
                self._collect(json.loads(payload))
            except ValueError:
                return

        socket.on("framereceived", frame)

    def _collect(self, value: Any) -> None:
        if isinstance(value, str):
            if len(value) > 1:
                self.strings.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                self._collect(item)
        elif isinstance(value, list):
            for item in value:
                self._collect(item)


def english_left(
    shown: list[str], english: set[str], received: set[str], language: str
) -> list[str]:
    catalogue = CATALOGUES[language]
    kept_alike = {
        text for text, translation in catalogue.items() if text == translation
    }
    left = []
    for text in shown:
        if text not in english or text in kept_alike:
            continue
        rest = text
        for data in sorted(received, key=len, reverse=True):
            if data in rest:
                rest = rest.replace(data, " ")
        words = [w for w in re.findall(r"[^\W\d_]{3,}", rest) if w not in PROPER]
        if words:
            left.append(text)
    return sorted(set(left))


def raw_enums(shown: list[str], enum_values: set[str]) -> list[str]:
    found = []
    for text in shown:
        for token in re.findall(r"\b[A-Z][A-Z0-9_]{2,}\b", text):
            if (token in enum_values and (token not in PROPER) and "_" in token) or (
                token in enum_values and token.isalpha() and len(token) > 4
            ):
                found.append(text)
    return sorted(set(found))


def schema_enum_values() -> set[str]:
    sdl = (ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8")
    values: set[str] = set()
    for body in re.findall(r"\benum \w+ \{([^}]*)\}", sdl):
        for line in body.splitlines():
            line = re.sub(r'""".*?"""|"[^"]*"', "", line).strip()
            if re.fullmatch(r"[A-Z][A-Z0-9_]+", line):
                values.add(line)
    return values


def ready(page: Page, path: str) -> None:
    page.goto(page.url.split("/admin/")[0] + path)
    expect(page.locator("body[data-live=on]")).to_have_count(1)
    expect(page.locator("[aria-busy=true]")).to_have_count(0)
    page.wait_for_timeout(300)


def choose_language(page: Page, name: str) -> None:
    page.locator("#language-select").select_option(label=name)
    page.locator("form.language-picker button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute(
        "lang", next(code for code, n in LANGUAGES.items() if n == name)
    )


@pytest.fixture
def rooms_imported(ui: Page, admin_ui: AdminUi) -> None:
    connected(ui, admin_ui)
    with other_admin(admin_ui) as admin:
        admin.import_and_link(admin_ui.tenant_id, ROOM)


@pytest.mark.browser
@pytest.mark.one_database
def test_every_page_in_danish_and_german_has_no_english_left(
    ui: Page, admin_ui: AdminUi, rooms_imported: None
) -> None:
    received = Received(ui)
    received.strings.add(admin_ui.email)  # the header's "who", from the page shell
    enum_values = schema_enum_values()
    english: dict[str, list[str]] = {}
    for page in PAGES:
        ready(ui, page.path)
        english[page.path] = ui.evaluate(TEXTS)
        assert raw_enums(english[page.path], enum_values) == [], page.path

    problems: dict[str, list[str]] = {}
    for language in TRANSLATED:
        choose_language(ui, LANGUAGES[language])
        for page in PAGES:
            ready(ui, page.path)
            shown = ui.evaluate(TEXTS)
            title = CATALOGUES[language][page.title]
            expect(ui.get_by_role("heading", level=1)).to_have_text(title)
            left = english_left(
                shown, set(english[page.path]), received.strings, language
            )
            enums = raw_enums(shown, enum_values)
            if left or enums:
                problems[f"{language} {page.path}"] = left + enums
            screenshot(ui, f"{language}-{page.path.strip('/').replace('/', '-')}")
            if page.path in ("/admin/people", "/admin/absences", "/admin/"):
                assert serious_violations(ui) == [], (language, page.path)
    assert problems == {}


@pytest.mark.browser
@pytest.mark.one_database
def test_the_language_is_the_admins_and_dates_follow_it(
    ui: Page, admin_ui: AdminUi, rooms_imported: None
) -> None:
    # when the admin chooses German
    choose_language(ui, "Deutsch")
    expect(ui.get_by_role("link", name=CATALOGUES["de"]["Rooms"])).to_be_visible()

    # then another browser signed in as the same admin opens in German,
    # whatever language that browser asks for
    browser = ui.context.browser
    assert browser is not None
    with browser.new_context(locale="da-DK") as other:
        page = other.new_page()
        page.goto(f"{admin_ui.url}/admin/")
        expect(page.locator("html")).to_have_attribute("lang", "da")
        page.get_by_label(CATALOGUES["da"]["Email"]).fill(admin_ui.email)
        page.get_by_label(CATALOGUES["da"]["Password"]).fill(admin_ui.password)
        page.get_by_role("button", name=CATALOGUES["da"]["Sign in"], exact=True).click()
        expect(page.locator("html")).to_have_attribute("lang", "de")
        # and dates read the German way: the secret's expiry, saved as
        # 2027-06-30 when the tenant was connected
        tenants = page.get_by_role("region", name="Contoso")
        expect(tenants).to_contain_text("30. Juni 2027")
        expect(tenants).not_to_contain_text("June")
