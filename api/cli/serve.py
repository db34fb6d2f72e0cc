"""`assign serve`, `assign keys create|list|revoke`, `assign audit verify|anchor`, `assign webhooks deliver`."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from api.cli.common import EXIT_FAILED, cli_errors, err, out
from api.cli.stores import configured_store
from api.config import get_settings
from api.egress import target_policy
from api.service import store
from api.service.audit import verify_chain
from api.service.audit_anchor import make_anchor
from api.service.events import deliver_now
from api.serving import HTTP_PROTOCOL
from assign.access import Role, create_key, list_keys, revoke_key
from assign.db import session_scope
from assign.masking import mask_text


def register(app: typer.Typer) -> None:
    keys = typer.Typer(help="API keys (stored hashed; the secret is shown once).", no_args_is_help=True)
    audit = typer.Typer(help="The hash-chained audit log.", no_args_is_help=True)
    webhooks = typer.Typer(help="Webhook deliveries.", no_args_is_help=True)

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="address to listen on"),
        port: int = typer.Option(8000, help="port"),
        workers: int = typer.Option(1, min=1, help="uvicorn worker processes"),
    ) -> None:
        """Migrate the database, then serve the HTTP API (uvicorn) on DATABASE_URL."""
        import uvicorn

        with cli_errors():
            settings = get_settings()
            store.open_store(settings.database_url).dispose()  # migrate once, before any worker starts
        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level=settings.log_level.lower(), http=HTTP_PROTOCOL)

    @keys.command("create")
    def create(
        role: Role = typer.Option(..., help="dispatcher, integration or admin"),
        court: str = typer.Option(None, help="the dispatcher's court code"),
        label: str = typer.Option("", help="who holds it"),
    ) -> None:
        """Create a key and print its secret (shown this once only)."""
        with cli_errors():
            engine = configured_store()
            if court:
                store.current_network(engine).get(court)
            with session_scope(engine) as session:
                row, token = create_key(session=session, role=role, court_code=court, label=label)
                key_id = row.id
            out.print(f"key {key_id} ({role.value}{' at ' + court if court else ''}); keep this secret, "
                      f"it is not shown again:")
            typer.echo(token)

    @keys.command("list")
    def list_(include_revoked: bool = typer.Option(False, help="show revoked keys too")) -> None:
        """Keys (never their secrets)."""
        with cli_errors():
            engine = configured_store()
            with session_scope(engine) as session:
                rows = list_keys(session=session, include_revoked=include_revoked)
            table = Table("id", "prefix", "role", "court", "label", "created", "revoked")
            for r in rows:
                table.add_row(str(r.id), r.prefix, r.role, r.court_code or "", mask_text(r.label),
                              r.created_at.isoformat(timespec="seconds"),
                              r.revoked_at.isoformat(timespec="seconds") if r.revoked_at else "")
            out.print(table)

    @keys.command("revoke")
    def revoke(key_id: int = typer.Argument(..., help="the key's id (see `assign keys list`)")) -> None:
        """Revoke a key; running servers refuse it within ASSIGN_KEY_CACHE_TTL_S (default 1 s)."""
        with cli_errors():
            engine = configured_store()
            with session_scope(engine) as session:
                revoke_key(session=session, key_id=key_id)
            out.print(f"key {key_id} revoked")

    @audit.command("verify")
    def verify() -> None:
        """Check every link of the audit chain and the latest anchor; name the first broken one (exit 1)."""
        settings = get_settings()
        with cli_errors():
            report = verify_chain(store.open_store(settings.database_url), settings)
        if report["ok"]:
            anchored = (f", anchored at seq {report['anchor_seq']} ({report['anchored_at']})"
                        if report["anchor_seq"] is not None else ", no anchor")
            out.print(f"audit chain intact: {report['records']} records{anchored}")
            return
        err.print(f"audit chain broken at seq {report['first_broken_seq']}: {report['reason']} "
                  f"({report['records']} records)", markup=False)
        raise typer.Exit(EXIT_FAILED)

    @audit.command("anchor")
    def anchor_head() -> None:
        """Sign the chain's head (ASSIGN_AUDIT_ANCHOR_KEY and/or ASSIGN_AUDIT_ANCHOR_ED25519_KEY) and append it
        to ASSIGN_AUDIT_ANCHOR_FILE (and POST it to ASSIGN_AUDIT_ANCHOR_URL when set); run it from cron."""
        settings = get_settings()
        with cli_errors():
            signed = make_anchor(store.open_store(settings.database_url), settings)
        out.print(f"anchored seq {signed.seq} ({', '.join(signed.signatures)}) in {settings.audit_anchor_file}",
                  markup=False)

    @webhooks.command("deliver")
    def deliver(timeout: float = typer.Option(None, help="seconds per POST (default ASSIGN_WEBHOOK_TOTAL_TIMEOUT_S)")
                ) -> None:
        """Attempt every due webhook delivery once (run it every minute, e.g. from cron)."""
        settings = get_settings()
        if timeout is not None:
            settings = settings.model_copy(update={"webhook_total_timeout_s": timeout})
        with cli_errors():
            counts = deliver_now(store.open_store(settings.database_url), targets=target_policy(settings))
        typer.echo(json.dumps(counts))

    app.add_typer(keys, name="keys")
    app.add_typer(audit, name="audit")
    app.add_typer(webhooks, name="webhooks")
