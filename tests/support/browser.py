"""Debian's chromium, driven by Playwright through its executable path."""

from __future__ import annotations

import os
import shutil

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("GRIDLINK_CHROMIUM") or shutil.which("chromium")
    if not path:
        raise RuntimeError(
            "chromium was not found. Install Debian's `chromium` package "
            "(the README's test command does this)."
        )
    return path
