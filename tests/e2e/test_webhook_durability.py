"""SIGKILL in the middle of a burst of changes: after a restart, every change
the API acknowledged reaches the webhook (duplicates allowed, losses not)."""

from __future__ import annotations

import shutil
import threading
import time

import httpx
import pytest

from tests.api.test_sandbox_devices import link
from tests.conftest import BACKENDS, start_server
from tests.support.receiver import Receiver
from tests.support.server import Server

PLACES = 60


@pytest.mark.parametrize("backend", BACKENDS)
def test_no_acknowledged_change_is_lost_across_a_kill(
    request: pytest.FixtureRequest, backend: str
) -> None:
    # Retries must outlast the restart: this is about crashes, not giving up.
    server = start_server(request, backend, {"GRIDLINK_WEBHOOK_RETRY_WINDOW_SANDBOX": "300"})
    try:
        client = server.new_client()
        with Receiver() as receiver:
            with server.api(client) as api:
                charger_id = link(server, client, api, "kill", "charger", "ZAPTEC",
                                  ["charger:read:data", "charger:control:charging"])  # fmt: skip
                places = [
                    api.post("/users/kill/locations",
                             json={"name": f"Place {n}", "latitude": 59.9, "longitude": 10.7,
                                   "timezoneName": "Europe/Oslo"}).json()["id"]
                    for n in range(PLACES)
                ]  # fmt: skip
                api.post("/webhooks", json={"url": receiver.url, "secret": "durable-secret",
                                            "events": ["user:charger:updated"]})  # fmt: skip
            # Nothing is received before the kill: every event must survive in the outbox.
            receiver.failures_left = 10**6
            acknowledged: list[str] = []
            token = server.token(client)

            def burst() -> None:
                headers = {"Authorization": f"Bearer {token}"}
                with httpx.Client(base_url=server.url, headers=headers, timeout=10) as http:
                    for place in places:
                        try:
                            response = http.put(f"/chargers/{charger_id}",
                                                json={"locationId": place})  # fmt: skip
                        except httpx.HTTPError:
                            return  # the server is gone
                        if response.status_code == 200:
                            acknowledged.append(place)

            sender = threading.Thread(target=burst)
            sender.start()
            deadline = time.monotonic() + 30
            while len(acknowledged) < PLACES // 3 and time.monotonic() < deadline:
                time.sleep(0.005)
            assert server.process is not None
            server.process.kill()  # SIGKILL: no shutdown, no flush
            server.process.wait()
            sender.join()
            assert PLACES // 3 <= len(acknowledged) < PLACES, "the kill must land mid-burst"

            receiver.failures_left = 0
            server.start()

            def seen() -> list[str]:
                ids = [e["charger"]["location"]["id"] for e in receiver.events()]
                return list(dict.fromkeys(ids))  # first arrivals, in order

            receiver.wait_for(
                lambda _r: set(acknowledged) <= set(seen()), timeout=90,
                what="every acknowledged change",
            )  # fmt: skip
        # In order, too: the first arrival of each follows the order of the changes.
        assert [p for p in seen() if p in acknowledged] == acknowledged
    finally:
        server.stop()
        shutil.rmtree(server.data_dir, ignore_errors=True)


def test_two_processes_deliver_each_event_once_in_order(request: pytest.FixtureRequest) -> None:
    if "postgresql" not in BACKENDS:
        pytest.skip("several processes share one database only on PostgreSQL")
    first = start_server(request, "postgresql")
    second = Server(
        backend="postgresql", database_url=first.database_url,
        data_dir=first.data_dir / "second", secret_key=first.secret_key,
        admin_password=first.admin_password,
    )  # fmt: skip
    second.data_dir.mkdir()
    second.start()
    try:
        client = first.new_client()
        with Receiver() as receiver, first.api(client) as one, second.api(client) as two:
            charger_id = link(first, client, one, "both", "charger", "ZAPTEC",
                              ["charger:read:data"])  # fmt: skip
            places = [
                one.post("/users/both/locations",
                         json={"name": f"P{n}", "latitude": 59.9, "longitude": 10.7}).json()["id"]
                for n in range(20)
            ]  # fmt: skip
            one.post("/webhooks", json={"url": receiver.url, "secret": "shared-secret",
                                        "events": ["user:charger:updated"]})  # fmt: skip
            for n, place in enumerate(places):  # changes made through either process
                api = one if n % 2 else two
                response = api.put(f"/chargers/{charger_id}", json={"locationId": place})
                assert response.status_code == 200
            receiver.wait_for(lambda r: len(r.events()) >= len(places), what="every change")
            time.sleep(1)  # a second delivering process would show up as duplicates by now
        ids = [e["charger"]["location"]["id"] for e in receiver.events()]
        assert ids == places
    finally:
        second.stop()
        first.stop()
        shutil.rmtree(first.data_dir, ignore_errors=True)
