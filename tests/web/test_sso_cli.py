"""`transom sso enable|show|disable`: the role rules of Sign in with Microsoft."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.factories import make_tenant
from transom.cli import main
from transom.db.engine import create_engine, create_sessions


@pytest.fixture
def tenants(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str]:
    monkeypatch.setenv("TRANSOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRANSOM_DATABASE_URL", database_url)
    monkeypatch.setenv("TRANSOM_SECRET_KEY", "test-secret-key-" + "x" * 32)
    monkeypatch.setenv("TRANSOM_PUBLIC_URL", "https://transom.example.com")
    main(["migrate"])

    async def create() -> tuple[str, str]:
        engine = create_engine(database_url)
        try:
            async with create_sessions(engine)() as session:
                contoso = await make_tenant(session, "Contoso")
                fabrikam = await make_tenant(session, "Fabrikam")
                return contoso.id, fabrikam.id
        finally:
            await engine.dispose()

    return asyncio.run(create())


def test_enable_prints_the_rules_and_the_redirect_uri(
    tenants: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    contoso, _ = tenants
    # when
    main(["sso", "enable", contoso, "--domain", "Contoso.com", "--admins-group", "g-1"])
    main(["sso", "enable", contoso, "--user", "ada@contoso.com=reader"])
    capsys.readouterr()
    main(["sso", "show", contoso])
    # then
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"Sign in with Microsoft is on for {contoso}",
        "redirect URI: https://transom.example.com/admin/sign-in/microsoft/callback",
        "domains: contoso.com",
        "group g-1 -> admin",
        "user ada@contoso.com -> reader",
    ]


def test_a_domain_of_another_tenant_and_a_bad_role_are_refused(
    tenants: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    contoso, fabrikam = tenants
    main(["sso", "enable", contoso, "--domain", "contoso.com"])
    capsys.readouterr()
    # when / then
    for argv, message in [
        ([fabrikam, "--domain", "contoso.com"], "signs in to another tenant"),
        ([fabrikam, "--domain", "f.com", "--user", "x@f.com=owner"], "not a role"),
        (["nope", "--domain", "n.com"], "no tenant 'nope'"),
        ([fabrikam], "give --domain"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(["sso", "enable", *argv])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err


def test_disable_forgets_the_rules(
    tenants: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    # given
    contoso, _ = tenants
    main(["sso", "enable", contoso, "--domain", "contoso.com", "--readers-group", "g"])
    # when
    main(["sso", "disable", contoso])
    capsys.readouterr()
    main(["sso", "show", contoso])
    # then
    assert capsys.readouterr().out == f"Sign in with Microsoft is off for {contoso}\n"
