"""Models a sandbox asset can be: what each brand makes and the figures the
simulation needs (battery capacity, charge power, rated output)."""

from __future__ import annotations

from typing import Any, Final

# brand -> model -> properties. Vehicle figures are the maker's usable capacity
# (kWh) and on-board AC charger limit (kW).
VEHICLE_MODELS: Final[dict[str, dict[str, dict[str, Any]]]] = {
    "TESLA": {
        "Model 3 Long Range": {"batteryCapacity": 75.0, "maxAcPower": 11.0, "year": 2023},
        "Model Y Long Range": {"batteryCapacity": 75.0, "maxAcPower": 11.0, "year": 2024},
        "Model S": {"batteryCapacity": 95.0, "maxAcPower": 11.5, "year": 2022},
    },
    "VOLKSWAGEN": {
        "ID.3 Pro": {"batteryCapacity": 58.0, "maxAcPower": 11.0, "year": 2023},
        "ID.4 Pro": {"batteryCapacity": 77.0, "maxAcPower": 11.0, "year": 2023},
        "e-Golf": {"batteryCapacity": 32.0, "maxAcPower": 7.2, "year": 2020},
    },
    "NISSAN": {
        "Leaf e+": {"batteryCapacity": 59.0, "maxAcPower": 6.6, "year": 2022},
        "Ariya 87 kWh": {"batteryCapacity": 87.0, "maxAcPower": 22.0, "year": 2023},
    },
    "BMW": {
        "i4 eDrive40": {"batteryCapacity": 80.7, "maxAcPower": 11.0, "year": 2023},
        "iX3": {"batteryCapacity": 74.0, "maxAcPower": 11.0, "year": 2022},
    },
    "AUDI": {"Q4 e-tron": {"batteryCapacity": 76.6, "maxAcPower": 11.0, "year": 2023}},
    "HYUNDAI": {"Ioniq 5": {"batteryCapacity": 74.0, "maxAcPower": 11.0, "year": 2023}},
    "KIA": {"EV6": {"batteryCapacity": 77.4, "maxAcPower": 11.0, "year": 2023}},
    "POLESTAR": {"Polestar 2": {"batteryCapacity": 78.0, "maxAcPower": 11.0, "year": 2023}},
    "RENAULT": {"Zoe R135": {"batteryCapacity": 52.0, "maxAcPower": 22.0, "year": 2021}},
    "VOLVO": {"EX30": {"batteryCapacity": 64.0, "maxAcPower": 11.0, "year": 2024}},
    "MERCEDES": {"EQA 250": {"batteryCapacity": 66.5, "maxAcPower": 11.0, "year": 2023}},
    "SKODA": {"Enyaq iV 80": {"batteryCapacity": 77.0, "maxAcPower": 11.0, "year": 2023}},
    "FORD": {"Mustang Mach-E": {"batteryCapacity": 91.0, "maxAcPower": 11.0, "year": 2023}},
}

# For the other types, and for vehicle brands not listed above, one typical model.
TYPICAL: Final[dict[str, tuple[str, dict[str, Any]]]] = {
    "vehicle": ("EV", {"batteryCapacity": 64.0, "maxAcPower": 11.0, "year": 2023}),
    "charger": ("Home Charger 22", {"maxCurrent": 32, "phases": 3}),
    "hvac": ("Heat Pump", {"heatingPower": 5.0, "coolingPower": 3.5}),
    "inverter": ("Hybrid Inverter 8K", {"ratedPower": 8.0}),
    "battery": ("Home Battery 10", {"capacity": 10.0, "maxPower": 5.0}),
    "meter": ("Smart Meter", {}),
}


def models_for(asset_type: str, vendor: str) -> dict[str, dict[str, Any]]:
    if asset_type == "vehicle" and vendor in VEHICLE_MODELS:
        return VEHICLE_MODELS[vendor]
    name, properties = TYPICAL[asset_type]
    return {name: properties}


def resolve_model(asset_type: str, vendor: str, model: str | None) -> tuple[str, dict[str, Any]]:
    """The named model (or the brand's first) and its properties.

    Raises ValueError naming the choices when the brand has no such model.
    """
    models = models_for(asset_type, vendor)
    if model is None:
        name = next(iter(models))
        return name, dict(models[name])
    for name, properties in models.items():
        if name.lower() == model.lower():
            return name, dict(properties)
    raise ValueError(
        f"{vendor} has no {asset_type} model {model!r}; choose one of: " + ", ".join(models)
    )
