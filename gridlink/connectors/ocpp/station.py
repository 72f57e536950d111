"""What the central system asks of a connected charger, whichever OCPP version it
speaks: the Executor commands a 1.6 charge point and a 2.0.1 charging station
through this one interface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ocpp.routing import on

if TYPE_CHECKING:
    from gridlink.connectors.ocpp.central import OcppConnector
    from gridlink.connectors.ocpp.reporting import Reporter
    from gridlink.db.tables import OcppChargePoint

# How often a charger is asked to send a Heartbeat.
HEARTBEAT_SECONDS = 60
# Who gridlink's remote starts are authorized as.
ID_TAG = "gridlink"

Handler = TypeVar("Handler", bound=Callable[..., Any])


def handles(action: str) -> Callable[[Handler], Handler]:
    """The `ocpp` library's routing decorator, typed."""
    decorator: Callable[[Handler], Handler] = on(action)
    return decorator


class Socket(Protocol):
    async def recv(self) -> str: ...

    async def send(self, message: str) -> None: ...


@dataclass(frozen=True)
class Answer:
    """A charger's answer to a command: the request it was sent, and its status."""

    request: str
    status: str

    @classmethod
    def to(cls, request: Any, response: Any) -> Answer:
        # A CallError comes back as None: an answer with no status.
        return cls(type(request).__name__, str(getattr(response, "status", "") or ""))

    @property
    def accepted(self) -> bool:
        return self.status == "Accepted"


class Station(Protocol):
    """One connected charger, as the Executor commands it."""

    id: str
    reports: Reporter

    async def start(self) -> None:
        """Handles the charger's messages until the connection drops."""
        ...

    async def start_charging(self) -> Answer: ...

    async def stop_charging(self) -> Answer | None:
        """Stops every transaction; None when there is none to stop."""
        ...

    async def set_max_current(self, amps: float) -> Answer: ...

    async def trigger(self) -> None:
        """Asks for status and meter values now; a hint, so it never fails."""
        ...


# A session class: what the websocket route chose by the subprotocol.
Speaks = Callable[["OcppConnector", "OcppChargePoint", Socket], Station]
