"""The Absences page's CSV checks (web/static/pages/absences-csv.js), run in
Chromium as the page runs them: quoting, separators, date styles, the tenant's
time zone whatever the browser's, and each row's problems in words."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page

from tests.web.conftest import AdminUi

pytestmark = pytest.mark.browser

CHECK = """async ([text, zone]) => {
  const csv = await import("/admin/static/pages/absences-csv.js");
  const ada = { displayName: "Ada" };
  const directory = new Map([["ada@contoso.example", ada], ["a@contoso.example", ada]]);
  const kinds = new Set(["VACATION", "SICK", "WORKING_FROM_HOME"]);
  const found = csv.checkRows(csv.parseCsv(text), { directory, kinds, zone });
  return { problem: found.problem,
           rows: found.rows.map((r) => ({ row: r.row, input: r.input, problems: r.problems })) };
}"""
HEADER = "external_id,email,kind,start,end\n"


@pytest.fixture
def browser_time_zone() -> str:
    return "Pacific/Auckland"


@pytest.fixture
def check(ui: Page, admin_ui: AdminUi) -> Any:
    ui.goto(f"{admin_ui.url}/admin/static/admin.css")

    def run(text: str, zone: str = "Europe/Copenhagen") -> dict[str, Any]:
        found: dict[str, Any] = ui.evaluate(CHECK, [text, zone])
        return found

    return run


def test_quotes_semicolons_bom_and_column_names_are_read(check: Any) -> None:
    text = (
        "\ufeffExternal ID;E-mail;Kind;Start;End;Note\r\n"
        'x1;A@Contoso.example;other vacation;2026-12-24;2026-12-24;"one; ""two""\n'
        'three"\r\n'
    )
    found = check(text.replace("E-mail", "Email"))
    assert found["problem"] is None
    (row,) = found["rows"]
    assert row["problems"] == ["“other vacation” is not a kind this tenant knows"]
    text = text.replace("other vacation", "working from home").replace(
        "E-mail", "Email"
    )
    (row,) = check(text)["rows"]
    assert row["problems"] == []
    assert row["input"]["kind"] == "WORKING_FROM_HOME"
    assert row["input"]["note"] == 'one; "two"\nthree'
    assert row["input"]["allDay"] is True
    assert row["input"]["start"] == "2026-12-24T00:00:00Z"
    assert row["input"]["end"] == "2026-12-25T00:00:00Z"


def test_times_are_the_tenants_wall_clock_unless_they_carry_an_offset(
    check: Any,
) -> None:
    text = HEADER + (
        "w1,ada@contoso.example,sick,2026-07-01 08:30,01.07.2026 12:00\n"
        "w2,ada@contoso.example,sick,2026-12-01T08:30,2026-12-01T12:00:30\n"
        "o1,ada@contoso.example,sick,2026-12-01T08:30Z,2026-12-01T18:00+05:30\n"
    )
    rows = {r["row"]: r["input"] for r in check(text)["rows"]}
    assert rows[2]["start"] == "2026-07-01T06:30:00.000Z"  # summer time
    assert rows[2]["end"] == "2026-07-01T10:00:00.000Z"
    assert rows[3]["start"] == "2026-12-01T07:30:00.000Z"  # winter time
    assert rows[3]["end"] == "2026-12-01T11:00:30.000Z"
    assert rows[4]["start"] == "2026-12-01T08:30:00.000Z"
    assert rows[4]["end"] == "2026-12-01T12:30:00.000Z"


def test_each_bad_row_is_named_with_its_reasons(check: Any) -> None:
    text = HEADER.replace("\n", ",all_day,approved\n") + (
        "b1,ada@contoso.example,vacation,2026-12-24,2026-12-24,,maybe\n"
        "b1,nobody@contoso.example,vacation,2026-12-24,2026-12-24,,\n"
        ",ada.contoso,vacation,2026-02-29,24.13.2026,,\n"
        "b4,ada@contoso.example,vacation,2026-12-24 08:00,2026-12-24,yes,\n"
        "b5,ada@contoso.example,vacation,2026-12-24 08:00,2026-12-24 07:00,,\n"
        "b6,ada@contoso.example,vacation,2026-12-24,2026-12-20,,\n"
        "b7,ada@contoso.example,vacation,2026-01-01,2027-06-01,,\n"
        "b8,ada@contoso.example,vacation,2026-12-24 25:00,2026-12-24 26:00,no,\n"
    )
    problems = {r["row"]: " | ".join(r["problems"]) for r in check(text)["rows"]}
    assert "approved is “maybe”: write yes or no" in problems[2]
    assert "external_id “b1” is also on row 2" in problems[3]
    assert (
        "nobody in the directory has the address nobody@contoso.example"
        in (problems[3])
    )
    assert "external_id is empty" in problems[4]
    assert "“ada.contoso” is not an email address" in problems[4]
    assert "start “2026-02-29” is not a date" in problems[4]
    assert "end “24.13.2026” is not a date" in problems[4]
    assert problems[5] == "an all-day absence has dates without times"
    assert problems[6] == "the end is not after the start"
    assert problems[7] == "the last day is before the first day"
    assert problems[8] == "an absence lasts at most 366 days"
    assert "start “2026-12-24 25:00” is not a date" in problems[9]


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(
    check: Any,
) -> None:
    found = check("email,kind,start\nada@contoso.example,sick,2026-12-24\n")
    assert found["problem"] == (
        "The header row lacks the columns external_id, end. It needs "
        "external_id, email, kind, start and end."
    )
    assert check("")["problem"] == "The file is empty."
