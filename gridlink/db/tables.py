"""The tables. Every row that belongs to a client carries its client_id, so every
query can be scoped to the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Setting(Base):
    """Server-wide values that must survive restarts (the admin password hash)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(1024))


class Client(Base):
    __tablename__ = "clients"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    environment: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    # Part of every access token: bumping it on rotation revokes old tokens.
    secret_version: Mapped[int] = mapped_column(Integer, default=1)
    default_api_version: Mapped[str] = mapped_column(String(10))
    accept_any_credentials: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("client_id", "user_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class VirtualAsset(Base):
    """A sandbox device and the vendor account (username, password) that holds it."""

    __tablename__ = "virtual_assets"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    asset_type: Mapped[str] = mapped_column(String(16))
    vendor: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    username: Mapped[str] = mapped_column(String(200), index=True)
    password_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    properties: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The simulated device: its physical state as of `simulated_at` (sandbox
    # time), and when the simulator must next look at it (None: nobody watches).
    sim_state: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    simulated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    next_event_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )


class VendorConnection(Base):
    """A vendor account a user linked through Link UI, for one asset type."""

    __tablename__ = "vendor_connections"
    __table_args__ = (UniqueConstraint("user_pk", "vendor", "vendor_type"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(32))
    vendor_type: Mapped[str] = mapped_column(String(16))
    is_valid: Mapped[bool] = mapped_column(Boolean, default=True)
    scopes: Mapped[list[str]] = mapped_column(default=list)
    # Username and password as the user typed them, encrypted; None once deauthorized.
    credentials_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    virtual_asset_id: Mapped[str | None] = mapped_column(
        ForeignKey("virtual_assets.id", ondelete="SET NULL"), nullable=True
    )
    # Which connector reaches the account's devices (gridlink.connectors.registry).
    connector: Mapped[str] = mapped_column(String(16), default="sandbox", server_default="sandbox")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinkSession(Base):
    __tablename__ = "link_sessions"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"))
    vendor_types: Mapped[list[str]] = mapped_column()
    vendor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    scopes: Mapped[list[str]] = mapped_column()
    language: Mapped[str] = mapped_column(String(8))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    color_scheme: Mapped[str] = mapped_column(String(8))
    # Where the person is in the flow, and what they chose so far.
    step: Mapped[str] = mapped_column(String(16), default="intro")
    chosen_vendor: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pending_credentials: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Location(Base):
    __tablename__ = "locations"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    timezone_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Always loaded with it: every answer names the user by their own id.
    user: Mapped[User] = relationship(lazy="joined")


class Asset(Base):
    """A linked device as the API shows it: one canonical document (newest API
    version) that state reports update."""

    __tablename__ = "assets"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    connection_pk: Mapped[int] = mapped_column(
        ForeignKey("vendor_connections.pk", ondelete="CASCADE"), index=True
    )
    asset_type: Mapped[str] = mapped_column(String(16), index=True)
    vendor: Mapped[str] = mapped_column(String(32))
    # The connector's handle for the device (a virtual asset's id, a charge point's id).
    device_ref: Mapped[str] = mapped_column(String(200), index=True)
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("locations.id", ondelete="SET NULL"), nullable=True
    )
    document: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # When the last history sample was taken (samples are spaced, not per report).
    sampled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    user: Mapped[User] = relationship(lazy="joined")
    connection: Mapped[VendorConnection] = relationship(lazy="joined")


class SandboxClock(Base):
    """A sandbox client's own time: `anchor_sandbox` at real `anchor_real`,
    running `speed` times as fast since."""

    __tablename__ = "sandbox_clocks"
    client_id: Mapped[str] = mapped_column(
        ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True
    )
    anchor_real: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    anchor_sandbox: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    speed: Mapped[float] = mapped_column(Float, default=1.0)


class Action(Base):
    """A command sent to a device, from PENDING until the vendor confirms or fails it."""

    __tablename__ = "actions"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    asset_pk: Mapped[int] = mapped_column(ForeignKey("assets.pk", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(16), index=True)
    failure_reason: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Sandbox time at which the simulated vendor answers.
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    asset: Mapped[Asset] = relationship(lazy="joined")


class AssetSample(Base):
    """A point of an asset's recent history, for charts: a few numbers at a time."""

    __tablename__ = "asset_samples"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    asset_pk: Mapped[int] = mapped_column(ForeignKey("assets.pk", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    values: Mapped[dict[str, Any]] = mapped_column()
    __table_args__ = (Index("ix_asset_samples_asset_at", "asset_pk", "at"),)


class Webhook(Base):
    """A client's subscription: where to POST events, and how far it has got."""

    __tablename__ = "webhooks"
    __table_args__ = (UniqueConstraint("client_id", "url"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(String(200))
    # The signing secret and the custom header's value, sealed: both are needed
    # in plain text to sign and send, and neither is ever shown again.
    secret_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    events: Mapped[list[str]] = mapped_column()
    api_version: Mapped[str | None] = mapped_column(String(10), nullable=True)
    auth_header_name: Mapped[str | None] = mapped_column(String(128), nullable=True)
    auth_header_value_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_success_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The last outbox event this webhook has taken into a delivery.
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # Since when deliveries have kept failing (None while they succeed).
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_heartbeat_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    # Which server process delivers for this webhook, until when (one at a time).
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Event(Base):
    """The outbox: an event, written in the transaction of the change it tells of.
    `pk` orders a client's events (writers of one client's events take turns)."""

    __tablename__ = "events"
    pk: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The event in the newest API version's shape, without `version`.
    payload: Mapped[dict[str, Any]] = mapped_column()
    # AUTOINCREMENT on SQLite: numbers are never reused once delivered events are
    # deleted, or new events would fall behind the webhooks' cursors.
    __table_args__ = (
        Index("ix_events_client_pk", "client_id", "pk"),
        {"sqlite_autoincrement": True},
    )


class WebhookDelivery(Base):
    """One POST of a batch of events, with every attempt's outcome."""

    __tablename__ = "webhook_deliveries"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Sent as x-enode-delivery: the same on every retry of this batch.
    id: Mapped[str] = mapped_column(String(36), unique=True)
    webhook_pk: Mapped[int] = mapped_column(ForeignKey("webhooks.pk", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # events, heartbeat, test, redelivery
    body: Mapped[bytes] = mapped_column(LargeBinary)
    event_count: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))  # PENDING, DELIVERED, FAILED, DROPPED
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    response_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    response_body: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    __table_args__ = (Index("ix_webhook_deliveries_webhook_state", "webhook_pk", "state", "pk"),)


class Tariff(Base):
    """A client's named rates (decimal-string costs per kWh), by its own id."""

    __tablename__ = "tariffs"
    __table_args__ = (UniqueConstraint("client_id", "tariff_id"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    tariff_id: Mapped[str] = mapped_column(String(36))
    # [{"name": ..., "cost": "0.42"}], in the order given.
    rates: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LocationTariff(Base):
    """Which rate of a tariff applies at a location when (weekdays, local times)."""

    __tablename__ = "location_tariffs"
    location_pk: Mapped[int] = mapped_column(
        ForeignKey("locations.pk", ondelete="CASCADE"), primary_key=True
    )
    tariff_pk: Mapped[int] = mapped_column(ForeignKey("tariffs.pk", ondelete="CASCADE"))
    # [{"name": ..., "weekdays": [0..6], "from": "HH:MM", "to": "HH:MM"}]
    intervals: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tariff: Mapped[Tariff] = relationship(lazy="joined")


class SmartChargingPlan(Base):
    """A night's plan for a vehicle: stop now (after any minimum), start when
    prices are lowest and still be done by the deadline."""

    __tablename__ = "smart_charging_plans"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    asset_pk: Mapped[int] = mapped_column(ForeignKey("assets.pk", ondelete="CASCADE"), index=True)
    location_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    currency: Mapped[str] = mapped_column(String(3))
    non_smart_cost: Mapped[float] = mapped_column(Float)
    smart_cost: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stop_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    start_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    estimated_finish_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deadline_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    stop_confirmed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    start_confirmed_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    final_state: Mapped[str | None] = mapped_column(String(32), nullable=True)
    failure_condition: Mapped[str | None] = mapped_column(String(32), nullable=True)


class SmartChargingStatus(Base):
    """Where smart charging stands for one vehicle, and what it waits for."""

    __tablename__ = "smart_charging_statuses"
    asset_pk: Mapped[int] = mapped_column(
        ForeignKey("assets.pk", ondelete="CASCADE"), primary_key=True
    )
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(48))
    state_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    plan_pk: Mapped[int | None] = mapped_column(
        ForeignKey("smart_charging_plans.pk", ondelete="SET NULL"), nullable=True
    )
    # The action smart charging sent last, to see whether it went through.
    action_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    # Planned once per plug-in: set when a plan is made, cleared when unplugged.
    planned_this_plug_in: Mapped[bool] = mapped_column(Boolean, default=False)
    # When the plan next needs a look (sandbox time), even if nothing is reported.
    next_check_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # A smart override: {"createdAt", "endedAt", "vendorActionId"}, or None.
    override: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    plan: Mapped[SmartChargingPlan | None] = relationship(lazy="joined")


class Schedule(Base):
    """A charge or temperature schedule for one device, and how its execution stands."""

    __tablename__ = "schedules"
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    asset_pk: Mapped[int] = mapped_column(ForeignKey("assets.pk", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # CHARGE or TEMPERATURE
    is_enabled: Mapped[bool] = mapped_column(Boolean)
    # The schedule as the API shows it, without its id.
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    state: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The action the schedule sent last, to see whether it went through.
    action_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    asset: Mapped[Asset] = relationship(lazy="joined")


class HemSystem(Base):
    """A home energy system: a user's inverters, batteries and meters of one
    vendor, seen together as one site."""

    __tablename__ = "hem_systems"
    __table_args__ = (UniqueConstraint("user_pk", "vendor"),)
    pk: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.pk", ondelete="CASCADE"), index=True)
    vendor: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    user: Mapped[User] = relationship(lazy="joined")


class OcppChargePoint(Base):
    """A charger provisioned to connect over OCPP (1.6J or 2.0.1): its charge point
    id and the hash of its password (Security Profile 1), and what it said at boot."""

    __tablename__ = "ocpp_charge_points"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), index=True)
    connection_pk: Mapped[int] = mapped_column(
        ForeignKey("vendor_connections.pk", ondelete="CASCADE"), index=True
    )
    # SHA-256 of a 160-bit random password: compared in constant time.
    password_hash: Mapped[str] = mapped_column(String(64))
    # BootNotification's vendor, model, serial numbers, firmware.
    boot: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    booted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # The transaction running on the charger, if any (ids are given out by gridlink).
    transaction_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    connection: Mapped[VendorConnection] = relationship(lazy="joined")


class Lease(Base):
    """Work only one process should do at a time (polling SunSpec devices): held by
    `owner` until `until`, renewed while it works, taken over once it lapses."""

    __tablename__ = "leases"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(128))
    until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
