"""Link UI text for linking a device over OCPP, in each language Link UI speaks."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en-US": {
        "ocpp_heading": "Connect your {brand} charger",
        "ocpp_body": "In your charger's settings (its app or web page), set up OCPP with these "
        "values. This page moves on by itself once the charger has connected.",
        "ocpp_url": "OCPP URL (central system)",
        "ocpp_id": "Charge point ID",
        "ocpp_password": "Password",
        "ocpp_waiting": "The charger has not connected yet. Check the values and that it is "
        "online, then try again.",
    },
    "nb-NO": {
        "ocpp_heading": "Koble til {brand}-laderen din",
        "ocpp_body": "Sett opp OCPP med disse verdiene i laderens innstillinger (appen eller "
        "nettsiden). Siden går videre av seg selv når laderen har koblet seg til.",
        "ocpp_url": "OCPP-adresse (sentralsystem)",
        "ocpp_id": "Ladepunkt-ID",
        "ocpp_password": "Passord",
        "ocpp_waiting": "Laderen har ikke koblet seg til ennå. Sjekk verdiene og at den er på "
        "nett, og prøv igjen.",
    },
    "de-DE": {
        "ocpp_heading": "Ihre {brand}-Ladestation verbinden",
        "ocpp_body": "Richten Sie in den Einstellungen der Ladestation (App oder Webseite) OCPP "
        "mit diesen Werten ein. Diese Seite geht von selbst weiter, sobald die Ladestation "
        "verbunden ist.",
        "ocpp_url": "OCPP-URL (Zentralsystem)",
        "ocpp_id": "Ladepunkt-ID",
        "ocpp_password": "Passwort",
        "ocpp_waiting": "Die Ladestation ist noch nicht verbunden. Prüfen Sie die Werte und ob "
        "sie online ist, und versuchen Sie es erneut.",
    },
}
