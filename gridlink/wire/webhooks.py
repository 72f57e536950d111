"""Wire shapes of webhooks. The secret and the header's value never go out."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridlink.db.tables import Webhook
from gridlink.domain.webhooks import KEEP, WebhookFields
from gridlink.events.catalogue import SUBSCRIBABLE
from gridlink.wire.timestamps import iso

EventName = Literal[SUBSCRIBABLE]  # type: ignore[valid-type]
Url = Annotated[str, Field(min_length=8, max_length=200)]
Secret = Annotated[str, Field(min_length=6, max_length=256)]


# The characters the spec allows in a header value.
_HEADER_VALUE = r"^[a-zA-Z0-9_:;.,/\\\"'?!(){}\[\]@<>=\-+*#$&`|~^% ]+$"


class Authentication(BaseModel):
    model_config = ConfigDict(extra="forbid")

    headerName: str = Field(min_length=1, max_length=128, pattern=r"^[a-z0-9-_]+$")
    headerValue: str = Field(
        min_length=1,
        max_length=256,
        pattern=r"^[a-zA-Z0-9_:;.,/\\\"'?!(){}\[\]@<>=\-+*#$&`|~^% ]+$",
    )


class WebhookUpdatePayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    secret: Secret | None = None
    events: list[EventName] | None = None
    apiVersion: str | None = None
    authentication: Authentication | None = None

    def fields(self) -> WebhookFields:
        """Only what the body names; `null` clears apiVersion and authentication."""
        given = self.model_fields_set
        auth = self.authentication
        return WebhookFields(
            url=self.url if self.url is not None else KEEP,
            secret=self.secret if self.secret is not None else KEEP,
            events=list(self.events) if self.events is not None else KEEP,
            api_version=self.apiVersion if "apiVersion" in given else KEEP,
            authentication=(
                (auth.headerName, auth.headerValue) if auth else None
            ) if "authentication" in given else KEEP,
        )  # fmt: skip


class WebhookCreatePayload(WebhookUpdatePayload):
    url: Url
    secret: Secret
    events: list[EventName] = Field(default_factory=lambda: ["*"])


def webhook_json(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.id,
        "url": webhook.url,
        "events": webhook.events,
        # Required by the spec; before the first success it is the creation time.
        "lastSuccess": iso(webhook.last_success_at or webhook.created_at),
        "isActive": webhook.is_active,
        "createdAt": iso(webhook.created_at),
        "apiVersion": webhook.api_version,
        "authentication": (
            {"headerName": webhook.auth_header_name} if webhook.auth_header_name else None
        ),
    }
