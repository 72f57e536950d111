"""Link UI text for linking a device over SunSpec, in each language Link UI speaks."""

from __future__ import annotations

from typing import Final

TEXTS: Final[dict[str, dict[str, str]]] = {
    "en-US": {
        "sunspec_heading": "Find your {brand} device",
        "sunspec_body": "gridlink reads your {assets} directly on your home network, over SunSpec "
        "(Modbus TCP). Enter where to reach it: you find these values in the device's app or "
        "installer settings, where Modbus TCP must be turned on.",
        "sunspec_host": "IP address or host name",
        "sunspec_host_hint": "The device's address on your network, such as 192.168.1.50.",
        "sunspec_port": "Modbus TCP port",
        "sunspec_port_hint": "Usually 502.",
        "sunspec_unit": "Unit ID (Modbus device ID)",
        "sunspec_unit_hint": "Usually 1. Devices behind one gateway each have their own.",
        "sunspec_find": "Find device",
        "sunspec_host_error": "Enter the device's IP address or host name, such as 192.168.1.50.",
        "sunspec_port_error": "The port must be a number from 1 to 65535 (usually 502).",
        "sunspec_unit_error": "The unit ID must be a number from 0 to 255 (usually 1).",
        "sunspec_unreachable": "No SunSpec device answered at {host}, port {port}, unit ID "
        "{unit}. Check the values and that Modbus TCP is turned on in the device.",
        "sunspec_missing": "The device at {host}, port {port}, unit ID {unit} answers over "
        "SunSpec but holds no {assets}.",
    },
    "nb-NO": {
        "sunspec_heading": "Finn {brand}-enheten din",
        "sunspec_body": "gridlink leser {assets} direkte på hjemmenettet ditt, over SunSpec "
        "(Modbus TCP). Skriv inn hvor den nås: du finner verdiene i enhetens app eller "
        "installatørinnstillinger, der Modbus TCP må være slått på.",
        "sunspec_host": "IP-adresse eller vertsnavn",
        "sunspec_host_hint": "Enhetens adresse på nettverket ditt, for eksempel 192.168.1.50.",
        "sunspec_port": "Modbus TCP-port",
        "sunspec_port_hint": "Vanligvis 502.",
        "sunspec_unit": "Enhets-ID (Modbus-enhets-ID)",
        "sunspec_unit_hint": "Vanligvis 1. Enheter bak samme gateway har hver sin.",
        "sunspec_find": "Finn enheten",
        "sunspec_host_error": "Skriv inn enhetens IP-adresse eller vertsnavn, for eksempel "
        "192.168.1.50.",
        "sunspec_port_error": "Porten må være et tall fra 1 til 65535 (vanligvis 502).",
        "sunspec_unit_error": "Enhets-ID-en må være et tall fra 0 til 255 (vanligvis 1).",
        "sunspec_unreachable": "Ingen SunSpec-enhet svarte på {host}, port {port}, enhets-ID "
        "{unit}. Sjekk verdiene og at Modbus TCP er slått på i enheten.",
        "sunspec_missing": "Enheten på {host}, port {port}, enhets-ID {unit} svarer over SunSpec, "
        "men er ikke {assets}.",
    },
    "de-DE": {
        "sunspec_heading": "Ihr {brand}-Gerät finden",
        "sunspec_body": "gridlink liest Ihren {assets} direkt in Ihrem Heimnetz, über SunSpec "
        "(Modbus TCP). Geben Sie an, wo er erreichbar ist: Sie finden die Werte in der App "
        "oder den Installateur-Einstellungen des Geräts, wo Modbus TCP eingeschaltet sein "
        "muss.",
        "sunspec_host": "IP-Adresse oder Hostname",
        "sunspec_host_hint": "Die Adresse des Geräts in Ihrem Netz, etwa 192.168.1.50.",
        "sunspec_port": "Modbus-TCP-Port",
        "sunspec_port_hint": "Meist 502.",
        "sunspec_unit": "Unit-ID (Modbus-Geräte-ID)",
        "sunspec_unit_hint": "Meist 1. Geräte hinter einem Gateway haben je eine eigene.",
        "sunspec_find": "Gerät suchen",
        "sunspec_host_error": "Geben Sie die IP-Adresse oder den Hostnamen des Geräts ein, etwa "
        "192.168.1.50.",
        "sunspec_port_error": "Der Port muss eine Zahl von 1 bis 65535 sein (meist 502).",
        "sunspec_unit_error": "Die Unit-ID muss eine Zahl von 0 bis 255 sein (meist 1).",
        "sunspec_unreachable": "Unter {host}, Port {port}, Unit-ID {unit} hat kein SunSpec-Gerät "
        "geantwortet. Prüfen Sie die Werte und ob Modbus TCP im Gerät eingeschaltet ist.",
        "sunspec_missing": "Das Gerät unter {host}, Port {port}, Unit-ID {unit} antwortet über "
        "SunSpec, enthält aber keinen {assets}.",
    },
}
