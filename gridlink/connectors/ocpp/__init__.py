"""Chargers that speak OCPP (1.6J or 2.0.1) to gridlink, which acts as their central system."""
