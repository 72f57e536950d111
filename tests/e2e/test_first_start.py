"""`gridlink serve` on a fresh data folder prints what a newcomer needs, and the
commands it prints work when pasted."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from gridlink.bootstrap import STOP_HINT
from tests.support.link_ui import link_in_browser
from tests.support.postgres import free_port
from tests.support.server import ROOT, new_data_dir

pytestmark = pytest.mark.browser


def _serve(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gridlink", "serve", "--port", str(port)],
        env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def _read_welcome(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    lines = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if line.strip() == STOP_HINT:
            break
    return "".join(lines)


def _commands(text: str) -> list[list[str]]:
    """The curl commands in the printed text, joined across line continuations."""
    joined = text.replace("\\\n", " ")
    return [shlex.split(line) for line in joined.splitlines() if line.startswith("curl ")]


def _wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health/ready").status_code == 204:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError("server not ready")


def test_first_start_prints_a_working_guide(page: Page) -> None:
    data_dir = new_data_dir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDLINK_")}
    env["GRIDLINK_DATA_DIR"] = str(data_dir)
    process = _serve(data_dir, port, env)
    try:
        welcome = _read_welcome(process)
        url = f"http://127.0.0.1:{port}"
        assert f"Dashboard:       {url}/dashboard" in welcome
        password = re.search(r"Admin password:\s+(\S+)", welcome)
        assert password, welcome
        username = re.search(r"username:\s+(\S+)", welcome)
        vehicle_password = re.search(r"  password:\s+(\S+)", welcome)
        assert username and vehicle_password
        token_cmd, link_cmd, user_cmd = _commands(welcome)
        _wait_ready(url)

        token = json.loads(subprocess.run(token_cmd, capture_output=True, text=True).stdout)
        access = token["access_token"]

        def pasted(cmd: list[str]) -> dict[str, object]:
            cmd = [part.replace("{YOUR_ACCESS_TOKEN}", access) for part in cmd]
            result = subprocess.run([*cmd, "-sS"], capture_output=True, text=True, check=True)
            loaded: dict[str, object] = json.loads(result.stdout)
            return loaded

        link = pasted(link_cmd)
        link_in_browser(
            page, str(link["linkUrl"]), "Tesla", username.group(1), vehicle_password.group(1),
            "https://localhost:3000",
        )  # fmt: skip
        assert pasted(user_cmd) == {
            "id": "1ab23cd4",
            "linkedVendors": [{"vendor": "TESLA", "vendorType": "vehicle", "isValid": True}],
        }
        assert (
            httpx.post(f"{url}/dashboard/login", data={"password": password.group(1)}).status_code
            == 303
        )
    finally:
        process.terminate()
        process.wait(10)

    # A second start keeps the same admin password and client, and prints no secrets.
    process = _serve(data_dir, port, env)
    try:
        again = _read_welcome(process)
        assert "Admin password" not in again
        assert "client_secret" not in again
        _wait_ready(url)
        assert (
            httpx.post(f"{url}/dashboard/login", data={"password": password.group(1)}).status_code
            == 303
        )
        assert (data_dir / "gridlink.db").exists()
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)


def test_admin_password_from_the_environment() -> None:
    data_dir = new_data_dir()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GRIDLINK_")}
    env.update(GRIDLINK_DATA_DIR=str(data_dir), GRIDLINK_ADMIN_PASSWORD="correct horse")
    process = _serve(data_dir, port, env)
    try:
        welcome = _read_welcome(process)
        assert "correct horse" not in welcome
        _wait_ready(f"http://127.0.0.1:{port}")
        login = httpx.post(
            f"http://127.0.0.1:{port}/dashboard/login", data={"password": "correct horse"}
        )
        assert login.status_code == 303
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(data_dir, ignore_errors=True)
