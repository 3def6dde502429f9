"""The ``transom`` command: serve, migrate, check, demo, token, admin, schema export,
emulator."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from collections.abc import Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from transom.settings import Settings, SettingsError
from transom.telemetry.logs import configure_logging

if TYPE_CHECKING:
    from transom.admin_auth.accounts import NewAccount

DEFAULT_SCHEMA = Path("schema/schema.graphql")
T = TypeVar("T")


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except SettingsError as exc:
        print(f"transom: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="transom", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="command")

    serve = commands.add_parser("serve", help="run the server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.set_defaults(run=_migrate)

    check = commands.add_parser(
        "check", help="check configuration, database, assets and each tenant's Graph"
    )
    check.set_defaults(run=_check)

    demo = commands.add_parser("demo", help="seed demo data and serve it")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(run=_demo)

    _add_token_commands(commands)
    _add_admin_commands(commands)
    from transom.cli.sso import add_sso_commands

    add_sso_commands(commands)

    schema = commands.add_parser("schema", help="GraphQL schema").add_subparsers(
        required=True, metavar="action"
    )
    export = schema.add_parser("export", help="write the SDL")
    export.add_argument("--output", type=Path, default=DEFAULT_SCHEMA)
    export.set_defaults(run=_schema_export)

    graphiql = commands.add_parser("graphiql", help="GraphiQL's files").add_subparsers(
        required=True, metavar="action"
    )
    fetch = graphiql.add_parser(
        "fetch", help="npm ci in graphiql/ and copy GraphiQL's files (a checkout)"
    )
    fetch.set_defaults(run=_graphiql_fetch)

    emulator = commands.add_parser("emulator", help="run the Graph emulator alone")
    emulator.add_argument("--host", default="127.0.0.1")
    emulator.add_argument("--port", type=int, default=8001)
    emulator.add_argument("--seed", choices=["demo", "empty"], default="demo")
    emulator.add_argument("--state", type=Path, help="keep state in this JSON file")
    emulator.set_defaults(run=_emulator)
    return parser


def _add_token_commands(commands: argparse._SubParsersAction[Any]) -> None:
    token = commands.add_parser("token", help="API tokens").add_subparsers(
        required=True, metavar="action"
    )
    create = token.add_parser("create", help="create a token and print it once")
    create.add_argument("--tenant", help="tenant id (omit with --role superadmin)")
    create.add_argument(
        "--role", choices=["superadmin", "admin", "reader"], default="admin"
    )
    create.add_argument("--name")
    create.set_defaults(run=_token_create)
    listing = token.add_parser("list", help="list tokens (ids, roles, names)")
    listing.add_argument("--tenant", help="only this tenant's tokens")
    listing.set_defaults(run=_token_list)
    revoke = token.add_parser(
        "revoke", help="revoke a token; its open websockets close at once"
    )
    revoke.add_argument("id", help="the token's id (see `transom token list`)")
    revoke.set_defaults(run=_token_revoke)
    role = token.add_parser(
        "set-role", help="give a tenant's token another role; its websockets close"
    )
    role.add_argument("id", help="the token's id (see `transom token list`)")
    role.add_argument("--role", choices=["admin", "reader"], required=True)
    role.set_defaults(run=_token_set_role)


def _graphiql_fetch(args: argparse.Namespace) -> None:
    from transom.graphiql.files import BundleError, fetch, graphiql_dir
    from transom.settings import CHECKOUT

    try:
        vendor = fetch(graphiql_dir(CHECKOUT))
    except BundleError as exc:
        print(f"transom: {exc}", file=sys.stderr)
        raise SystemExit(1) from None
    print(f"GraphiQL's files are in {vendor}")


def _add_admin_commands(commands: argparse._SubParsersAction[Any]) -> None:
    admin = commands.add_parser("admin", help="admin UI accounts").add_subparsers(
        required=True, metavar="action"
    )
    create = admin.add_parser(
        "create", help="create an admin (prints a generated password)"
    )
    create.add_argument("--email", required=True)
    create.add_argument("--tenant", help="tenant id; omit for a superadmin")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin"
    )
    create.set_defaults(run=_admin_create)
    reset = admin.add_parser(
        "set-password", help="set a new password, unlock and sign out everywhere"
    )
    reset.add_argument("--email", required=True)
    reset.add_argument("--password-stdin", action="store_true")
    reset.set_defaults(run=_admin_set_password)
    role = admin.add_parser(
        "set-role",
        help="make the admin a superadmin or a tenant's admin; its websockets close",
    )
    role.add_argument("--email", required=True)
    role.add_argument("--role", choices=["superadmin", "admin"], required=True)
    role.add_argument("--tenant", help="the tenant of an admin (not a superadmin)")
    role.set_defaults(run=_admin_set_role)


def _admin_create(args: argparse.Namespace) -> None:
    from transom.cli.admins import create_admin_for_cli

    password = _stdin_password() if args.password_stdin else None
    account = _account_or_exit(
        create_admin_for_cli(Settings.from_env(), args.email, args.tenant, password)
    )
    role = "superadmin" if account.admin.tenant_id is None else "tenant admin"
    print(f"created {role} {account.admin.email}")
    if account.generated:
        print(f"password: {account.password}")


def _admin_set_password(args: argparse.Namespace) -> None:
    from transom.cli.admins import set_password_for_cli

    settings = Settings.from_env()
    password = _stdin_password() if args.password_stdin else None
    account, told = _or_exit(set_password_for_cli(settings, args.email, password))
    print(f"new password set for {account.admin.email}")
    if account.generated:
        print(f"password: {account.password}")
    _note_unreached(settings, told)


def _admin_set_role(args: argparse.Namespace) -> None:
    from transom.cli.admins import set_role_for_cli

    settings = Settings.from_env()
    change, told = _or_exit(
        set_role_for_cli(settings, args.email, args.role, args.tenant)
    )
    where = f" of tenant {change.admin.tenant_id}" if change.admin.tenant_id else ""
    verb = "is now" if change.changed else "already was"
    print(f"{change.admin.email} {verb} {args.role}{where}")
    _note_unreached(settings, told)


def _note_unreached(settings: Settings, told: bool) -> None:
    """Say so when running servers could not be told at once."""
    if not told:
        from transom.cli.access_events import unreached_note

        print(unreached_note(settings), file=sys.stderr)


def _stdin_password() -> str:
    return sys.stdin.readline().rstrip("\r\n")


def _account_or_exit(work: Coroutine[Any, Any, NewAccount]) -> NewAccount:
    return _or_exit(work)


def _or_exit(work: Coroutine[Any, Any, T]) -> T:
    """Run a command's work; a ValueError is its one-line refusal (exit 2)."""
    try:
        return asyncio.run(work)
    except ValueError as exc:
        print(f"transom: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from transom.app import create_app

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    _check_secret_key(settings)
    app = create_app(settings)
    _tune_gc()
    # No permessage-deflate: pushes are a few kB, and compressing each one
    # for each of a thousand displays cost more CPU and memory than it saved.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        ws_per_message_deflate=False,
        log_config=None,  # configure_logging's handler formats uvicorn's lines too
    )


def _check_secret_key(settings: Settings) -> None:
    """Refuse to serve, in one line, with a key that cannot open stored secrets."""
    import asyncio

    from transom.db.engine import create_engine, dispose_engine
    from transom.db.secret_key_check import SecretKeyMismatchError, check_secret_key
    from transom.security import SecretBox

    async def check() -> None:
        engine = create_engine(settings.database_url)
        try:
            await check_secret_key(engine, SecretBox(str(settings.secret_key)))
        finally:
            await dispose_engine(engine)

    try:
        asyncio.run(check())
    except SecretKeyMismatchError as exc:
        raise SettingsError(str(exc)) from None


def _tune_gc() -> None:
    """Thousands of open websockets make a large, long-lived heap, and a full
    collection of it stalled live pushes for 100-500 ms: freeze what startup
    made, and collect the young generation less often so fewer short-lived
    objects are promoted and full collections stay rare."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


def _migrate(args: argparse.Namespace) -> None:
    from transom.db.engine import create_engine, dispose_engine
    from transom.db.migrate import upgrade_to_head

    settings = Settings.from_env()

    async def run() -> None:
        engine = create_engine(settings.database_url)
        try:
            await upgrade_to_head(engine)
        finally:
            await dispose_engine(engine)

    asyncio.run(run())
    print("migrations applied")


def _check(args: argparse.Namespace) -> None:
    from transom.check import run_check

    findings = asyncio.run(run_check(Settings.from_env()))
    for finding in findings:
        print(finding.line())
    problems = sum(not finding.ok for finding in findings)
    print(f"{problems} problem(s) found" if problems else "all checks passed")
    raise SystemExit(1 if problems else 0)


def _token_create(args: argparse.Namespace) -> None:
    from transom.cli.tokens import create_token_for_cli

    settings = Settings.from_env()
    print(_or_exit(create_token_for_cli(settings, args.tenant, args.role, args.name)))


def _token_list(args: argparse.Namespace) -> None:
    from transom.cli.tokens import list_tokens_for_cli

    lines = _or_exit(list_tokens_for_cli(Settings.from_env(), args.tenant))
    for line in lines:
        print(line)
    if not lines:
        print("no tokens", file=sys.stderr)


def _token_revoke(args: argparse.Namespace) -> None:
    from transom.cli.tokens import revoke_token_for_cli

    settings = Settings.from_env()
    change = _or_exit(revoke_token_for_cli(settings, args.id))
    verb = "revoked" if change.changed else "already revoked:"
    print(f"{verb} token {change.token_id} ({change.role.lower()}, {change.name!r})")
    _note_unreached(settings, change.told)


def _token_set_role(args: argparse.Namespace) -> None:
    from transom.cli.tokens import set_token_role_for_cli

    settings = Settings.from_env()
    change = _or_exit(set_token_role_for_cli(settings, args.id, args.role))
    verb = "is now" if change.changed else "already was"
    print(f"token {change.token_id} ({change.name!r}) {verb} {args.role}")
    _note_unreached(settings, change.told)


def _schema_export(args: argparse.Namespace) -> None:
    from transom.api.schema import export_sdl

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(export_sdl())
    print(f"wrote {args.output}")


def _demo(args: argparse.Namespace) -> None:
    from transom.cli.admins import DEMO_ADMIN_EMAIL, ensure_demo_admin
    from transom.cli.demo import DemoInfo, run_demo

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_format)
    admin_password = asyncio.run(ensure_demo_admin(settings))

    def ready(info: DemoInfo) -> None:
        _print_demo_banner(info.base_url, info.token)
        print(
            f"  Admin UI: {info.base_url}/admin/ "
            f"(sign in as {DEMO_ADMIN_EMAIL} / {admin_password})"
        )
        print(
            "  Or Sign in with Microsoft as ada.ahmed@contoso.onmicrosoft.com "
            "(admin) or ben.fischer@contoso.onmicrosoft.com (reader)"
        )
        print(f"  Graph emulator: {info.emulator_url} ({info.rooms} rooms synced)")
        print(f"  Outlook (make changes, watch them sync): {info.outlook_url}")
        print("  Stop with Ctrl+C", flush=True)

    asyncio.run(run_demo(settings, args.host, args.port, ready))


def _print_demo_banner(base: str, token: str) -> None:
    query = '{"query": "{ rooms { name building status { state until } } }"}'
    print(f"Transom demo on {base}")
    print(f"  GraphQL (GraphiQL in a browser): {base}/graphql")
    print(f"  Health: {base}/healthz")
    print(f"  Admin token: {token}")
    print(
        f"  Try: curl -s {base}/graphql -H 'Authorization: Bearer {token}' "
        f"-H 'Content-Type: application/json' -d '{query}'",
        flush=True,
    )


def _emulator(args: argparse.Namespace) -> None:
    from transom.emulator import serve

    print(f"Graph emulator on http://{args.host}:{args.port} (seed: {args.seed})")
    serve(args.host, args.port, args.seed, args.state)
