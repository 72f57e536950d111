"""Interventions: things a user must do at the vendor before a capability works.

A fixed catalogue, the same for every client; the sandbox can switch a
capability off with one of them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

from gridlink.domain.vendors import VENDORS, display_name

_NAMESPACE = uuid.UUID("7d0c2f65-3b7e-4b8a-9d8f-2f4a6c1e5b10")
INTRODUCED_AT: Final = "2024-01-15T00:00:00.000Z"


@dataclass(frozen=True)
class Template:
    key: str
    domain: str  # Account or Device
    access: str  # Remote or Physical
    agent: str  # User or ThirdParty
    relink: bool
    title: dict[str, str]
    description: dict[str, str]


TEMPLATES: Final[tuple[Template, ...]] = (
    Template(
        "accept-terms", "Account", "Remote", "User", False,
        {"en-US": "Accept the terms of service",
         "nb-NO": "Godta vilkårene",
         "de-DE": "Nutzungsbedingungen akzeptieren"},
        {"en-US": "Open the {brand} app and accept the latest terms of service.",
         "nb-NO": "Åpne {brand}-appen og godta de nyeste vilkårene.",
         "de-DE": "Öffne die {brand}-App und akzeptiere die neuesten Nutzungsbedingungen."},
    ),
    Template(
        "enable-remote-access", "Device", "Physical", "User", False,
        {"en-US": "Enable remote access",
         "nb-NO": "Slå på fjerntilgang",
         "de-DE": "Fernzugriff aktivieren"},
        {"en-US": "On the device, open the settings and turn on remote access for {brand}.",
         "nb-NO": "Åpne innstillingene på enheten og slå på fjerntilgang for {brand}.",
         "de-DE": "Öffne die Einstellungen am Gerät und aktiviere den Fernzugriff für {brand}."},
    ),
    Template(
        "relink-account", "Account", "Remote", "User", True,
        {"en-US": "Link the account again",
         "nb-NO": "Koble til kontoen på nytt",
         "de-DE": "Konto erneut verbinden"},
        {"en-US": "The {brand} account needs to be linked again to restore access.",
         "nb-NO": "{brand}-kontoen må kobles til på nytt for å få tilgang igjen.",
         "de-DE": "Das {brand}-Konto muss erneut verbunden werden."},
    ),
)  # fmt: skip


@dataclass(frozen=True)
class Intervention:
    id: str
    vendor: str
    vendor_type: str
    template: Template


def _all() -> dict[str, Intervention]:
    found: dict[str, Intervention] = {}
    for vendor_type, vendors in VENDORS.items():
        for vendor in vendors:
            for template in TEMPLATES:
                key = f"{vendor_type}:{vendor}:{template.key}"
                intervention_id = str(uuid.uuid5(_NAMESPACE, key))
                found[intervention_id] = Intervention(
                    intervention_id, vendor, vendor_type, template
                )
    return found


CATALOGUE: Final[dict[str, Intervention]] = _all()


def find(vendor: str, vendor_type: str, key: str) -> Intervention | None:
    intervention_id = str(uuid.uuid5(_NAMESPACE, f"{vendor_type}:{vendor}:{key}"))
    return CATALOGUE.get(intervention_id)


def localized(intervention: Intervention, language: str) -> dict[str, object]:
    template = intervention.template
    text_language = language if language in template.title else "en-US"
    brand = display_name(intervention.vendor)
    return {
        "id": intervention.id,
        "vendor": intervention.vendor,
        "vendorType": intervention.vendor_type,
        "brand": brand,
        "introducedAt": INTRODUCED_AT,
        "domain": template.domain,
        "resolution": {
            "title": template.title[text_language],
            "description": template.description[text_language].format(brand=brand),
            "access": template.access,
            "agent": template.agent,
            "action": "Link" if template.relink else None,
        },
    }
