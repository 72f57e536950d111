from __future__ import annotations

import pytest

from gridlink.connectors.sandbox.physics import meter


def test_sign_conventions() -> None:
    assert meter.net_grid_kw(1.0, 3.0, 0.0, 0.0) == pytest.approx(-2.0)
    assert meter.net_grid_kw(1.0, 3.0, 0.0, 11.0) == pytest.approx(9.0)
    assert meter.net_grid_kw(1.0, 3.0, 2.0, 0.0) == pytest.approx(0.0)
    assert meter.net_grid_kw(1.0, 0.0, -1.0, 0.0) == pytest.approx(0.0)


def test_split_constant() -> None:
    assert meter.split_energy(2.0, 1800) == meter.GridEnergy(1.0, 0.0)
    exported = meter.split_energy(-4.0, 900)
    assert exported == meter.GridEnergy(0.0, 1.0)
    assert exported.net_kwh == -1.0


def test_split_linear_crossing_zero() -> None:
    crossing = meter.split_energy_linear(2.0, -2.0, 3600)
    assert crossing.import_kwh == pytest.approx(0.5)
    assert crossing.export_kwh == pytest.approx(0.5)
    lopsided = meter.split_energy_linear(-1.0, 3.0, 3600)
    assert lopsided.import_kwh == pytest.approx(0.5 * 0.75 * 3)
    assert lopsided.export_kwh == pytest.approx(0.5 * 0.25 * 1)
    assert lopsided.net_kwh == pytest.approx(1.0)
    same_sign = meter.split_energy_linear(1.0, 3.0, 3600)
    assert same_sign == meter.GridEnergy(2.0, 0.0)
