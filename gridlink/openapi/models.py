"""The shapes gridlink answers with, for the OpenAPI document only.

Each model mirrors what a wire function renders (gridlink.wire.*, the asset
documents, gridlink.domain.statistics, the service routes) in the newest API
version. They are never instantiated: routes send pre-rendered bytes. Keep a
model in step with the function that renders its shape; the schemathesis run in
tests/fuzz checks live answers against them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from gridlink.wire.schedules import ChargeSchedule, TargetState, TemperatureSchedule

T = TypeVar("T")

AssetType = Literal["vehicle", "charger", "hvac", "inverter", "battery", "meter"]
Timestamp = datetime  # ISO 8601 in UTC, with milliseconds and Z
HourMinute = str  # "HH:MM"


class _Closed(BaseModel):
    """A shape with exactly the properties listed (additionalProperties: false)."""

    model_config = ConfigDict(extra="forbid")


# --- errors ------------------------------------------------------------------


class ProblemIssue(_Closed):
    """One thing wrong with a request: where, and what."""

    code: str
    in_: str = Field(alias="in", description="query, path, header or body")
    path: list[str]
    message: str


class Problem(BaseModel):
    """An error, as application/problem+json (RFC 7807)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    detail: str
    issues: list[ProblemIssue] | None = Field(
        default=None, description="For a request that failed validation: each issue found."
    )


class OAuthError(_Closed):
    """An error from the token endpoint, as RFC 6749 §5.2 writes it."""

    error: Literal["invalid_request", "invalid_client", "unsupported_grant_type"]
    error_description: str


class AccessToken(_Closed):
    access_token: str
    expires_in: int = Field(description="Seconds until the token expires.")
    scope: str
    token_type: Literal["bearer"]


# --- lists -------------------------------------------------------------------


class Pagination(_Closed):
    after: str | None = Field(description="The cursor for the next page, if there is one.")
    before: str | None = Field(description="The cursor for the previous page, if there is one.")


class Page(_Closed, Generic[T]):
    data: list[T]
    pagination: Pagination


# --- users -------------------------------------------------------------------


class UserListEntry(_Closed):
    id: str
    createdAt: Timestamp
    scopes: list[str]


class LinkedVendor(_Closed):
    vendor: str
    vendorType: AssetType
    isValid: bool


class User(_Closed):
    id: str
    linkedVendors: list[LinkedVendor]


class LinkSession(_Closed):
    linkUrl: str = Field(description="Where to send the person to link their account.")
    linkToken: str


# --- locations ---------------------------------------------------------------


class Location(_Closed):
    id: str
    userId: str
    name: str
    latitude: float
    longitude: float
    timezoneName: str
    createdAt: Timestamp


# --- assets ------------------------------------------------------------------


class Capability(_Closed):
    isCapable: bool
    interventionIds: list[str]


PowerDeliveryState = Literal[
    "UNKNOWN", "UNPLUGGED", "PLUGGED_IN:INITIALIZING", "PLUGGED_IN:CHARGING",
    "PLUGGED_IN:STOPPED", "PLUGGED_IN:COMPLETE", "PLUGGED_IN:NO_POWER", "PLUGGED_IN:FAULT",
    "PLUGGED_IN:DISCHARGING",
]  # fmt: skip


class VehicleInformation(_Closed):
    vin: str | None
    brand: str
    model: str | None
    year: float | None
    displayName: str | None


class VehicleChargeState(_Closed):
    batteryLevel: float | None
    range: float | None
    isPluggedIn: bool | None
    isCharging: bool | None
    isFullyCharged: bool | None
    batteryCapacity: float | None
    chargeLimit: float | None
    chargeRate: float | None
    chargeTimeRemaining: float | None
    lastUpdated: Timestamp | None
    maxCurrent: float | None
    powerDeliveryState: PowerDeliveryState
    pluggedInChargerId: str | None = None


class SmartChargingPolicy(_Closed):
    isEnabled: bool
    deadline: HourMinute | None
    minimumChargeLimit: float


class Odometer(_Closed):
    distance: float | None
    lastUpdated: Timestamp | None


class VehicleCapabilities(_Closed):
    information: Capability
    chargeState: Capability
    location: Capability
    odometer: Capability
    setMaxCurrent: Capability
    startCharging: Capability
    stopCharging: Capability
    smartCharging: Capability


class PlaceWithCoordinates(_Closed):
    """Where an asset is: its Location's id, and coordinates when its scopes allow."""

    id: str | None
    longitude: float | None
    latitude: float | None
    lastUpdated: Timestamp | None


class Vehicle(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool | None
    information: VehicleInformation
    chargeState: VehicleChargeState
    smartChargingPolicy: SmartChargingPolicy
    odometer: Odometer
    capabilities: VehicleCapabilities
    scopes: list[str]
    location: PlaceWithCoordinates


class ChargerInformation(_Closed):
    brand: str
    model: str
    year: float | None
    serialNumber: str


class ChargerChargeState(_Closed):
    isPluggedIn: bool | None
    isCharging: bool | None
    chargeRate: float | None
    lastUpdated: Timestamp | None
    maxCurrent: float | None
    powerDeliveryState: PowerDeliveryState
    pluggedInVehicleId: str | None = None


class ChargerCapabilities(_Closed):
    information: Capability
    chargeState: Capability
    startCharging: Capability
    stopCharging: Capability
    setMaxCurrent: Capability


class ChargerPlace(_Closed):
    id: str | None
    lastUpdated: Timestamp | None


class Charger(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool
    chargeState: ChargerChargeState
    capabilities: ChargerCapabilities
    scopes: list[str]
    information: ChargerInformation
    location: ChargerPlace


HvacMode = Literal["UNKNOWN", "OFF", "AUTO", "COOL", "HEAT"]


class HvacInformation(_Closed):
    brand: str
    model: str | None
    displayName: str
    groupName: str | None
    category: Literal["HEATING", "COOLING", "HEAT_PUMP", "AGGREGATOR"]


class TemperatureState(_Closed):
    currentTemperature: float | None
    isActive: bool
    lastUpdated: Timestamp | None


class ThermostatState(_Closed):
    mode: HvacMode
    heatSetpoint: float | None
    coolSetpoint: float | None
    holdType: Literal["PERMANENT", "SCHEDULED"] | None
    lastUpdated: Timestamp | None


class SetpointRange(_Closed):
    min: float | None
    max: float | None


class HvacCapabilities(_Closed):
    capableModes: list[HvacMode] | None
    coolSetpointRange: SetpointRange | None
    heatSetpointRange: SetpointRange | None
    setpointDifferenceRange: SetpointRange | None
    setFollowSchedule: Capability
    setPermanentHold: Capability


class HvacPlace(_Closed):
    id: str | None


class Hvac(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool
    consumptionRate: float | None
    information: HvacInformation
    temperatureState: TemperatureState
    thermostatState: ThermostatState
    scopes: list[str]
    capabilities: HvacCapabilities
    location: HvacPlace


class SiteInformation(_Closed):
    id: str
    brand: str
    model: str
    siteName: str
    installationDate: Timestamp


class InverterInformation(SiteInformation):
    sn: str | None


class ProductionState(_Closed):
    productionRate: float | None
    isProducing: bool | None
    totalLifetimeProduction: float | None
    lastUpdated: Timestamp | None


class InverterCapabilities(_Closed):
    productionState: Capability
    productionStatistics: Capability


class Inverter(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool
    productionState: ProductionState
    timezone: str | None
    capabilities: InverterCapabilities
    scopes: list[str]
    information: InverterInformation
    location: PlaceWithCoordinates
    hemSystemId: str | None


BatteryOperationMode = Literal[
    "IMPORT_FOCUS", "EXPORT_FOCUS", "TIME_OF_USE", "SELF_RELIANCE", "IDLE"
]  # fmt: skip


class BatteryChargeState(_Closed):
    status: Literal["CHARGING", "DISCHARGING", "IDLE", "FAULT", "UNKNOWN"] | None
    batteryCapacity: float | None
    batteryLevel: float | None
    chargeRate: float | None
    dischargeLimit: float | None
    lastUpdated: Timestamp | None


class BatteryConfig(_Closed):
    operationMode: BatteryOperationMode | Literal["UNKNOWN"] | None
    lastUpdated: Timestamp | None


class BatteryCapabilities(_Closed):
    exportFocus: Capability
    importFocus: Capability
    timeOfUse: Capability
    selfReliance: Capability
    idle: Capability


class Battery(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool
    chargeState: BatteryChargeState
    config: BatteryConfig
    information: SiteInformation
    capabilities: BatteryCapabilities
    scopes: list[str]
    location: PlaceWithCoordinates
    hemSystemId: str | None


class MeterInformation(_Closed):
    brand: str
    model: str
    siteName: str
    installationDate: Timestamp


class EnergyState(_Closed):
    power: float | None = Field(description="kW: positive draws from the grid, negative exports.")
    lastUpdated: Timestamp | None


class MeterCapabilities(_Closed):
    measuresConsumption: Capability
    measuresProduction: Capability


class Meter(_Closed):
    id: str
    userId: str
    vendor: str
    lastSeen: Timestamp
    isReachable: bool
    information: MeterInformation
    energyState: EnergyState
    location: PlaceWithCoordinates
    capabilities: MeterCapabilities
    scopes: list[str]
    hemSystemId: str | None


# --- actions -----------------------------------------------------------------


class FailureReason(_Closed):
    type: Literal[
        "NO_RESPONSE", "FAILED_PRECONDITION", "CONFLICT", "NOT_FOUND", "UNNECESSARY",
        "REQUESTED_CANCELLATION",
    ]  # fmt: skip
    detail: str


class _Action(_Closed):
    id: str
    userId: str
    createdAt: Timestamp
    updatedAt: Timestamp
    completedAt: Timestamp | None
    state: Literal["PENDING", "CONFIRMED", "FAILED", "CANCELLED"]
    targetId: str
    failureReason: FailureReason | None


class ChargeAction(_Action):
    """Start or stop charging."""

    targetType: Literal["vehicle", "charger"]
    kind: Literal["START", "STOP"]


class MaxCurrentTarget(_Closed):
    maxCurrent: float


class MaxCurrentAction(_Action):
    targetType: Literal["vehicle", "charger"]
    targetState: MaxCurrentTarget


ChargingAction = ChargeAction | MaxCurrentAction


class HvacAction(_Action):
    """A permanent hold, or a return to the device's own schedule."""

    targetType: Literal["hvac"]
    target: TargetState


class OperationModeTarget(_Closed):
    operationMode: BatteryOperationMode


class BatteryAction(_Action):
    targetType: Literal["battery"]
    targetState: OperationModeTarget


# --- service health, integrations, interventions -------------------------------

ServiceStatus = Literal["READY", "ELEVATED_ERROR_RATE", "OUTAGE"]


class VendorHealth(_Closed):
    vendor: str
    displayName: str
    status: ServiceStatus
    portalName: str
    linkingStatus: ServiceStatus


class Integration(VendorHealth):
    assetTypes: list[AssetType]
    scopes: list[str]


class InterventionResolution(_Closed):
    title: str
    description: str
    access: Literal["Remote", "Physical"]
    agent: Literal["User", "ThirdParty"]
    action: Literal["Link"] | None


class Intervention(_Closed):
    id: str
    vendor: str
    vendorType: AssetType
    brand: str
    introducedAt: Timestamp
    domain: Literal["Account", "Device"]
    resolution: InterventionResolution


# --- webhooks ----------------------------------------------------------------


class WebhookAuthentication(_Closed):
    headerName: str = Field(description="The header sent with each delivery; its value is secret.")


class Webhook(_Closed):
    id: str
    url: str
    events: list[str]
    lastSuccess: Timestamp
    isActive: bool
    createdAt: Timestamp
    apiVersion: str | None
    authentication: WebhookAuthentication | None


class WebhookTestResponse(_Closed):
    code: int
    body: str
    headers: list[str] | None


class WebhookTestResult(_Closed):
    status: Literal["SUCCESS", "FAILURE"]
    description: str
    response: WebhookTestResponse | None


# --- tariffs -----------------------------------------------------------------


class Rate(_Closed):
    name: str
    cost: str = Field(description="Price per kWh, as a decimal string.")


class TariffScheduleEntry(_Closed):
    weekday: Literal[0, 1, 2, 3, 4, 5, 6] = Field(description="0 is Monday.")
    fromHourMinute: HourMinute
    toHourMinute: HourMinute
    tariffId: str
    tariffName: str


# --- smart charging ------------------------------------------------------------


class SmartChargingPlan(_Closed):
    id: str
    vehicleId: str
    userId: str
    locationId: str | None
    vendor: str
    currency: str
    nonSmartCost: float
    smartCost: float | None
    stopAt: Timestamp
    startAt: Timestamp | None
    estimatedFinishAt: Timestamp
    stopConfirmedAt: Timestamp | None
    startConfirmedAt: Timestamp | None
    endedAt: Timestamp | None
    finalState: (
        Literal[
            "PLAN:ENDED:FINISHED", "PLAN:ENDED:UNPLUGGED", "PLAN:ENDED:FAILED",
            "PLAN:ENDED:DISABLED", "PLAN:ENDED:DEADLINE_CHANGED",
        ]
        | None
    )  # fmt: skip
    failureCondition: (
        Literal["STOP_FAILED", "START_FAILED", "FINISHED_LATE", "UNKNOWN", "CHARGE_INTERRUPTED"]
        | None
    )


class SmartOverride(_Closed):
    createdAt: Timestamp
    endedAt: Timestamp | None
    targetType: Literal["vehicle", "charger"]
    targetId: str
    vendorActionId: str | None


class VehicleSmartOverride(SmartOverride):
    userId: str
    vendor: str


class Consideration(_Closed):
    isPluggedIn: bool
    isCharging: bool
    atChargingLocation: bool
    hasTimeEstimate: bool


class SmartChargingStatus(_Closed):
    updatedAt: Timestamp
    vehicleId: str
    userId: str
    vendor: str
    state: str = Field(description="DISABLED, CONSIDERING, UNKNOWN or a PLAN:… state.")
    stateChangedAt: Timestamp
    consideration: Consideration | None
    plan: SmartChargingPlan | None
    smartOverride: SmartOverride | None


# --- statistics ----------------------------------------------------------------


class Aggregates(_Closed):
    min: float
    max: float
    mean: float


class NullableAggregates(_Closed):
    min: float | None
    max: float | None
    mean: float | None


class ChargingStatistics(_Closed):
    date: Timestamp = Field(description="The start of the bucket.")
    kw: Aggregates
    kwhSum: float
    price: Aggregates
    costSum: float
    nonSmartPrice: NullableAggregates
    estimatedSavings: float | None


class ChargingSession(_Closed):
    id: str = Field(description="The vehicle's or charger's id.")
    locationId: str | None
    kw: Aggregates
    kwhSum: float
    price: Aggregates
    costSum: float
    nonSmartPrice: NullableAggregates
    estimatedSavings: float | None
    from_: Timestamp = Field(alias="from")
    to: Timestamp


class ProductionEntry(_Closed):
    date: str = Field(description="The start of the period, in the inverter's time zone.")
    value: float | None = Field(description="kWh produced; null where no data was kept.")


class ProductionSeries(_Closed):
    unit: Literal["kWh"]
    data: list[ProductionEntry]


class ProductionResolutions(_Closed):
    QUARTER_HOUR: ProductionSeries | None = None
    DAY: ProductionSeries | None = None


class InverterStatistics(_Closed):
    timezone: str
    resolutions: ProductionResolutions
    retryAfter: Timestamp | None = Field(
        default=None, description="Present while the figures may still change (202)."
    )


# --- schedules -----------------------------------------------------------------


class StoredChargeSchedule(ChargeSchedule):
    """A charge schedule as stored: the fields it was given, and its id."""

    id: str


class StoredTemperatureSchedule(TemperatureSchedule):
    """A temperature schedule as stored: the fields it was given, and its id."""

    id: str


Schedule = StoredChargeSchedule | StoredTemperatureSchedule


class SchedulePage(Page[Schedule]):
    pass


ScheduleState = Literal[
    "ALIGNED", "MISALIGNED", "PENDING", "INACTIVE:OVERRIDDEN", "INACTIVE:DISABLED",
    "INACTIVE:AWAY", "INACTIVE:INCAPABLE",
]  # fmt: skip


class ChargingExpectedParts(_Closed):
    needsCharge: bool
    isPluggedIn: bool
    shouldCharge: bool


class ChargeTransition(_Closed):
    at: Timestamp
    shouldCharge: bool


class ChargeScheduleStatus(_Closed):
    scheduleId: str
    scheduleType: Literal["CHARGE"]
    changedAt: Timestamp
    state: ScheduleState
    isCharging: bool
    isChargingExpected: bool
    isChargingExpectedParts: ChargingExpectedParts
    upcomingTransitions: list[ChargeTransition]
    smartOverride: SmartOverride | None


class TemperatureTransition(_Closed):
    at: Timestamp
    target: TargetState


class TemperatureScheduleStatus(_Closed):
    scheduleId: str
    scheduleType: Literal["TEMPERATURE"]
    changedAt: Timestamp
    state: ScheduleState
    current: TargetState | None
    expected: TargetState
    upcomingTransitions: list[TemperatureTransition]


ScheduleStatus = ChargeScheduleStatus | TemperatureScheduleStatus


# --- sandbox -----------------------------------------------------------------


class SandboxClock(_Closed):
    now: Timestamp


class SandboxClockSpeed(SandboxClock):
    speed: float


class SandboxOverrideResult(_Closed):
    id: str
    applied: dict[str, Any] = Field(description="The fields that were changed, as given.")
    at: Timestamp = Field(description="The sandbox time at which they took effect.")


# --- HEM systems ---------------------------------------------------------------


class HemSystem(BaseModel):
    """A user's inverters, batteries and meters of one vendor, as one site."""

    model_config = ConfigDict(extra="allow")

    id: str
    userId: str
    locationId: str | None
    information: dict[str, Any]
    status: dict[str, Any]


class HemStatistics(BaseModel):
    """Energy flows through a HEM system over a day or a month, per series."""

    model_config = ConfigDict(extra="allow")

    timeseries: dict[str, Any]


# --- pages -------------------------------------------------------------------
# Named subclasses, so the document's component names read well.


class UserPage(Page[UserListEntry]):
    pass


class LocationPage(Page[Location]):
    pass


class VehiclePage(Page[Vehicle]):
    pass


class ChargerPage(Page[Charger]):
    pass


class HvacPage(Page[Hvac]):
    pass


class InverterPage(Page[Inverter]):
    pass


class BatteryPage(Page[Battery]):
    pass


class MeterPage(Page[Meter]):
    pass


class WebhookPage(Page[Webhook]):
    pass


class HemSystemPage(Page[HemSystem]):
    pass
