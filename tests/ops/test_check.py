"""`transom check` against the Graph emulator: each problem is one line naming
what is wrong and how to fix it; the exit code says whether there were any."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.emulated_tenant import add_connected_tenant, against
from tests.graph.emulated import ADELE, APP_PATH, ROOM1, Emulated
from tests.servers import serve_in_thread
from transom.app import create_app
from transom.check import run_check
from transom.cli import main
from transom.db import models
from transom.emulator import CLIENT_ID, TENANT_ID
from transom.settings import Secret, Settings

pytestmark = pytest.mark.anyio


@pytest.fixture
async def checked(
    settings: Settings, emulated: Emulated, session: AsyncSession
) -> Settings:
    """Contoso connected to the emulator, with a linked room and a person."""
    tenant, _ = await add_connected_tenant(session, settings, token_name="check")
    session.add_all(
        [
            models.Room(
                tenant_id=tenant.id,
                name="Room 1",
                mailbox_email=ROOM1,
                link_state="LINKED",
            ),
            models.Person(
                tenant_id=tenant.id, primary_email=ADELE, display_name="Adele"
            ),
        ]
    )
    await session.commit()
    return against(settings, emulated.url)


def problems(findings: list) -> list[str]:
    return [finding.line() for finding in findings if not finding.ok]


async def test_a_healthy_installation_passes_every_check(checked: Settings) -> None:
    findings = await run_check(checked)
    assert problems(findings) == []
    granted = {f.message.split(":")[0] for f in findings if f.area == "tenant Contoso"}
    assert granted == {
        "Organization.Read.All",
        "User.Read.All",
        "Place.Read.All",
        "MailboxSettings.Read",
        "Calendars.ReadWrite",
        "MailboxSettings.ReadWrite",
    }


async def test_an_expired_secret_is_one_line_saying_to_make_a_new_one(
    checked: Settings, emulated: Emulated
) -> None:
    await emulated.control.post(f"{APP_PATH}/secrets/all/expire")
    (line,) = problems(await run_check(checked))
    assert line.startswith("FAIL tenant Contoso: no token: secret expired")
    assert "Create a new client secret" in line


async def test_a_missing_permission_is_one_line_naming_it(
    checked: Settings, emulated: Emulated
) -> None:
    app = emulated.state.tenants[TENANT_ID].apps[CLIENT_ID]
    app.roles.remove("Place.Read.All")
    (line,) = problems(await run_check(checked))
    assert line.startswith(
        "FAIL tenant Contoso: Place.Read.All is not granted (listing rooms was refused)"
    )
    assert "Grant admin consent" in line


async def test_a_wrong_secret_key_is_one_line(checked: Settings) -> None:
    wrong = dataclasses.replace(checked, secret_key=Secret("another-key-" + "y" * 32))
    (line,) = problems(await run_check(wrong))
    assert line.startswith(
        "FAIL secret key: TRANSOM_SECRET_KEY cannot decrypt the Microsoft 365 "
        "secrets stored for 1 tenant(s) (Contoso)"
    )


async def test_a_missing_asset_is_one_line(checked: Settings, tmp_path: Path) -> None:
    assets = tmp_path / "assets"
    shutil.copytree(checked.assets_dir / "web", assets / "web")
    shutil.copytree(checked.assets_dir / "schema", assets / "schema")
    without_signage = dataclasses.replace(checked, assets_dir=assets)
    (line,) = problems(await run_check(without_signage))
    assert line.startswith(
        "FAIL assets: signage/templates/display.html, signage/static/display.js, "
        "signage/templates/lobby.html"
    )
    assert "missing" in line


def test_the_command_exits_non_zero_on_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("TRANSOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRANSOM_ASSETS_DIR", str(_only_web(tmp_path)))
    with pytest.raises(SystemExit) as exit:
        main(["check"])
    out = capsys.readouterr().out.splitlines()
    assert exit.value.code == 1
    assert any(line.startswith("FAIL assets:") for line in out)
    assert any(
        line.startswith("FAIL database: reachable, but migrations") for line in out
    )
    assert out[-1] == "2 problem(s) found"


def _only_web(tmp_path: Path) -> Path:
    folder = tmp_path / "only-web"
    (folder / "web").mkdir(parents=True)
    return folder


def test_readyz_is_unavailable_while_an_asset_is_missing(
    settings: Settings, tmp_path: Path
) -> None:
    broken = dataclasses.replace(settings, assets_dir=_only_web(tmp_path))
    with serve_in_thread(create_app(broken)) as base:
        ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 503
    (problem,) = ready.json()["problems"]
    assert problem.startswith("FAIL assets:")
