"""Chargers that speak OCPP 1.6J to gridlink, which acts as their central system."""
