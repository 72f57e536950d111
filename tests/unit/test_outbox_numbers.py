"""Outbox events are numbered for ever upwards, even after delivered ones are
deleted: a webhook's cursor would otherwise skip the new ones."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gridlink.db.migrate import upgrade


def test_sqlite_never_reuses_an_event_number(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    db = sqlite3.connect(path)
    insert = "INSERT INTO events (client_id, name, created_at, payload) VALUES ('c', 'e', '', '{}')"
    for _ in range(3):
        db.execute(insert)
    db.execute("DELETE FROM events")  # every event delivered and tidied away
    number = db.execute(insert).lastrowid
    db.commit()
    assert number == 4
