"""`transom admin create` and `transom admin set-password`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from transom.cli import main


@pytest.fixture
def cli_env(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRANSOM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRANSOM_DATABASE_URL", database_url)
    monkeypatch.setenv("TRANSOM_SECRET_KEY", "test-secret-key-" + "x" * 32)


@pytest.mark.usefixtures("cli_env")
def test_admin_create_prints_a_generated_password(capsys) -> None:
    # when
    main(["admin", "create", "--email", "ops@contoso.example"])
    # then
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "created superadmin ops@contoso.example"
    assert out[1].startswith("password: ")
    assert len(out[1].removeprefix("password: ")) >= 20


@pytest.mark.usefixtures("cli_env")
def test_admin_create_reads_the_password_from_stdin_and_prints_none(
    capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    monkeypatch.setattr("sys.stdin", io.StringIO("a long chosen password\n"))
    # when
    main(["admin", "create", "--email", "ops@contoso.example", "--password-stdin"])
    # then
    assert capsys.readouterr().out == "created superadmin ops@contoso.example\n"


@pytest.mark.usefixtures("cli_env")
def test_admin_create_refuses_a_duplicate_an_unknown_tenant_and_a_short_password(
    capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    main(["admin", "create", "--email", "ops@contoso.example"])
    capsys.readouterr()
    # when / then
    for argv, message in [
        (["--email", "OPS@contoso.example"], "exists already"),
        (["--email", "new@contoso.example", "--tenant", "nope"], "no tenant 'nope'"),
        (["--email", "not-an-email"], "not an email address"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(["admin", "create", *argv])
        assert exit_.value.code == 2
        assert message in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    with pytest.raises(SystemExit):
        main(["admin", "create", "--email", "x@contoso.example", "--password-stdin"])
    assert "at least 12 characters" in capsys.readouterr().err


@pytest.mark.usefixtures("cli_env")
def test_set_password_replaces_the_password(capsys) -> None:
    # given
    main(["admin", "create", "--email", "ops@contoso.example"])
    first = capsys.readouterr().out.splitlines()[1]
    # when
    main(["admin", "set-password", "--email", "ops@contoso.example"])
    # then
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "new password set for ops@contoso.example"
    assert out[1].startswith("password: ")
    assert out[1] != first


@pytest.mark.anyio
async def test_the_demo_admin_is_a_superadmin_whose_password_survives_restarts(
    settings, session
) -> None:
    # given
    from transom.admin_auth.passwords import verify_password
    from transom.cli.admins import DEMO_ADMIN_EMAIL, ensure_demo_admin
    from transom.db.admins import find_admin_by_email

    # when the demo starts twice on the same data
    first = await ensure_demo_admin(settings)
    second = await ensure_demo_admin(settings)
    # then it is a superadmin, and the password printed first still works
    admin = await find_admin_by_email(session, email=DEMO_ADMIN_EMAIL)
    assert admin is not None
    assert admin.tenant_id is None
    assert first == second
    assert verify_password(admin.password_hash, second)
    # when the kept file is gone, a new password is set (the old one stops)
    (settings.data_dir / "demo.json").unlink()
    third = await ensure_demo_admin(settings)
    await session.refresh(admin)
    assert third != first
    assert verify_password(admin.password_hash, third)
    assert not verify_password(admin.password_hash, first)
