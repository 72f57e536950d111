"""The `gridlink` command."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from gridlink.config import DEFAULT_PORT, Settings, load_settings
from gridlink.crypto import Vault
from gridlink.db.engine import Database
from gridlink.db.migrate import upgrade
from gridlink.domain import admin, clients, versions
from gridlink.domain.errors import DomainError

app = typer.Typer(help="gridlink: a self-hostable server that speaks the Enode API.")
client_app = typer.Typer(help="API clients and their secrets.")
sandbox_app = typer.Typer(help="Sandbox virtual assets.")
asset_app = typer.Typer(help="Virtual assets of a sandbox client.")
admin_app = typer.Typer(help="The dashboard's admin password.")
app.add_typer(client_app, name="client")
app.add_typer(sandbox_app, name="sandbox")
sandbox_app.add_typer(asset_app, name="asset")
app.add_typer(admin_app, name="admin")

err = Console(stderr=True)
T = TypeVar("T")
JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _prepare() -> Settings:
    settings = load_settings()
    with err.status("Bringing the database schema up to date…"):
        upgrade(settings.database_url)
    return settings


def _run(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    async def main() -> T:
        db = Database(settings.database_url)
        try:
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(main())
    except DomainError as error:
        err.print(f"[red]error:[/red] {error.detail}")
        raise typer.Exit(1) from None


def _emit(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(data, indent=2))
    else:
        for key, value in data.items():
            typer.echo(f"{key:>20}: {value}")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = DEFAULT_PORT,
) -> None:
    """Run the server (API, token endpoint, Link UI, dashboard)."""
    import uvicorn

    from gridlink.app import create_app
    from gridlink.bootstrap import first_start, welcome_text
    from gridlink.runtime import collector

    settings = load_settings(host, port)
    with err.status("Bringing the database schema up to date…"):
        upgrade(settings.database_url)
    start = _run(settings, lambda db: first_start(db, settings))
    typer.echo(welcome_text(settings, start), err=False)
    app = create_app(settings)
    collector.tune_for_serving()
    uvicorn.run(
        app,
        host=host,
        port=port,
        loop="uvloop",
        http="httptools",
        access_log=False,  # request lines would carry Link tokens
        # OCPP frames are small; a compressor per charger cost ~50 KB of memory each.
        ws_per_message_deflate=False,
        log_level="warning",
    )


@app.command()
def migrate() -> None:
    """Bring the database schema up to date."""
    _prepare()
    err.print("The database schema is up to date.")


def _client_json(client: Any, settings: Settings, secret: str | None = None) -> dict[str, Any]:
    data = {
        "clientId": client.id,
        "name": client.name,
        "environment": client.environment,
        "defaultApiVersion": client.default_api_version,
        "tokenUrl": f"{settings.public_url}/oauth2/token",
        "apiUrl": settings.public_url,
        "createdAt": client.created_at.isoformat(),
    }
    if secret is not None:
        data["clientSecret"] = secret
    return data


@client_app.command("create")
def client_create(
    name: Annotated[str, typer.Option(help="A name to recognise the client by.")],
    environment: Annotated[str, typer.Option(help="sandbox or production.")] = "sandbox",
    default_api_version: Annotated[
        str, typer.Option(help="Version used when a request names none.")
    ] = versions.LATEST,
    as_json: JsonFlag = False,
) -> None:
    """Create a client. Its secret is printed now and never again."""
    settings = _prepare()

    async def work(db: Database) -> dict[str, Any]:
        async with db.session() as session:
            client, secret = await clients.create_client(
                session, name, environment, default_api_version
            )
            return _client_json(client, settings, secret)

    _emit(_run(settings, work), as_json)


@client_app.command("rotate-secret")
def client_rotate_secret(client_id: str, as_json: JsonFlag = False) -> None:
    """Give a client a new secret; the old one and its tokens stop working."""
    settings = _prepare()

    async def work(db: Database) -> dict[str, Any]:
        async with db.session() as session:
            client, secret = await clients.rotate_secret(session, client_id)
            return _client_json(client, settings, secret)

    _emit(_run(settings, work), as_json)


@client_app.command("set-version")
def client_set_version(
    client_id: str,
    version: Annotated[str, typer.Argument(help=f"One of {', '.join(versions.SUPPORTED)}.")],
    as_json: JsonFlag = False,
) -> None:
    """Set the API version a client's requests get when they name none."""
    settings = _prepare()

    async def work(db: Database) -> dict[str, Any]:
        async with db.session() as session:
            client = await clients.set_default_api_version(session, client_id, version)
            return _client_json(client, settings)

    _emit(_run(settings, work), as_json)


@client_app.command("list")
def client_list(as_json: JsonFlag = False) -> None:
    """List clients (never their secrets)."""
    settings = _prepare()

    async def work(db: Database) -> list[dict[str, Any]]:
        async with db.session() as session:
            return [_client_json(c, settings) for c in await clients.list_clients(session)]

    found = _run(settings, work)
    if as_json:
        typer.echo(json.dumps(found, indent=2))
    else:
        for client in found:
            typer.echo(f"{client['clientId']}  {client['environment']:<10}  {client['name']}")


@asset_app.command("create")
def sandbox_asset_create(
    client: Annotated[str, typer.Option("--client", help="The sandbox client's id.")],
    asset_type: Annotated[str, typer.Option("--type", help="vehicle, charger, hvac, …")],
    vendor: Annotated[str, typer.Option(help="Brand, e.g. TESLA.")],
    model: Annotated[str | None, typer.Option(help="Model; the brand's first if omitted.")] = None,
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a virtual asset and print the username and password that link it."""
    from gridlink.connectors.sandbox.accounts import create_virtual_asset, describe

    settings = _prepare()
    vault = Vault(settings.secret_key)

    async def work(db: Database) -> dict[str, Any]:
        async with db.session() as session:
            owner = await clients.get_client(session, client)
            asset, _ = await create_virtual_asset(
                session, vault, owner, asset_type, vendor, model, name
            )
            return describe(asset, vault)

    _emit(_run(settings, work), as_json)


clock_app = typer.Typer(help="A sandbox client's clock (the server must be running).")
sandbox_app.add_typer(clock_app, name="clock")
ClientOption = Annotated[str, typer.Option("--client", help="The sandbox client's id.")]


def _call_server(client_id: str, method: str, path: str, body: dict[str, Any] | None) -> Any:
    """Calls the running server's sandbox API as the client, so its engine does the work."""
    import httpx

    from gridlink.auth.tokens import TokenSigner
    from gridlink.crypto import signing_key

    settings = _prepare()

    async def version(db: Database) -> int:
        async with db.session() as session:
            return (await clients.get_client(session, client_id)).secret_version

    token = TokenSigner(signing_key(settings.secret_key)).issue(client_id, _run(settings, version))
    try:
        response = httpx.request(
            method,
            f"{settings.public_url}{path}",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
            timeout=None,  # a long advance runs a long simulation
        )
    except httpx.ConnectError:
        err.print(f"[red]error:[/red] no gridlink answers at {settings.public_url}; start it "
                  "first (GRIDLINK_PUBLIC_URL says where it is).")  # fmt: skip
        raise typer.Exit(1) from None
    if response.status_code >= 400:
        detail = response.json().get("detail", response.text) if response.content else ""
        err.print(f"[red]error:[/red] {detail}")
        raise typer.Exit(1)
    return response.json()


@clock_app.command("show")
def clock_show(client: ClientOption, as_json: JsonFlag = False) -> None:
    """Print the client's sandbox time."""
    _emit(_call_server(client, "GET", "/sandbox/clock", None), as_json)


@clock_app.command("advance")
def clock_advance(
    client: ClientOption,
    seconds: Annotated[float, typer.Option(help="How far to move the clock.")] = 0,
    hours: Annotated[float, typer.Option(help="The same, in hours.")] = 0,
    as_json: JsonFlag = False,
) -> None:
    """Move the clock forward and run everything that happens in between."""
    total = seconds + hours * 3600
    with err.status(f"Simulating {total / 3600:.2f} hours of sandbox time…"):
        result = _call_server(client, "POST", "/sandbox/clock/advance", {"seconds": total})
    _emit(result, as_json)


@clock_app.command("speed")
def clock_speed(
    client: ClientOption,
    speed: Annotated[float, typer.Argument(help="Sandbox seconds per real second.")],
    as_json: JsonFlag = False,
) -> None:
    """Make the clock run faster (or slower) than real time."""
    _emit(_call_server(client, "PATCH", "/sandbox/clock", {"speed": speed}), as_json)


@asset_app.command("set")
def sandbox_asset_set(
    client: ClientOption,
    asset_id: Annotated[str, typer.Argument(help="The asset's id, as the API shows it.")],
    plugged_in: Annotated[bool | None, typer.Option("--plugged-in/--unplugged")] = None,
    battery_level: Annotated[float | None, typer.Option(help="Percent.")] = None,
    outdoor_temperature: Annotated[float | None, typer.Option(help="°C.")] = None,
    reachable: Annotated[bool | None, typer.Option("--reachable/--unreachable")] = None,
    credentials_valid: Annotated[
        bool | None, typer.Option("--credentials-valid/--credentials-invalid")
    ] = None,
    fail_next_command: Annotated[bool, typer.Option(help="Fail the next command.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Change a sandbox asset at once, as a person with the device would."""
    changes = {
        "isPluggedIn": plugged_in,
        "batteryLevel": battery_level,
        "outdoorTemperature": outdoor_temperature,
        "isReachable": reachable,
        "credentialsValid": credentials_valid,
        "failNextCommand": True if fail_next_command else None,
    }
    body = {k: v for k, v in changes.items() if v is not None}
    _emit(_call_server(client, "PATCH", f"/sandbox/assets/{asset_id}", body), as_json)


@admin_app.command("reset-password")
def admin_reset_password() -> None:
    """Set a new random admin password and print it."""
    from gridlink.auth.secrets import new_password

    settings = _prepare()
    password = new_password()

    async def work(db: Database) -> None:
        async with db.session() as session:
            await admin.set_admin_password(session, password)

    _run(settings, work)
    typer.echo(password)


def main() -> None:
    app()
