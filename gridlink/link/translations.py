"""Link UI text in each language it speaks, and how a language is chosen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

FALLBACK: Final = "en-US"

TEXT: Final[dict[str, dict[str, str]]] = {
    "en-US": {
        "page_title": "Connect a device",
        "intro_heading": "Connect your {assets}",
        "intro_body": "This app uses gridlink to connect securely to your {assets}. "
        "You will choose your brand, review what the app may access and sign in to your "
        "account with the brand.",
        "intro_private": "Your password is sent to the brand only and is never shared "
        "with the app.",
        "brand_heading": "Choose your brand",
        "brand_body": "Which brand is your {assets}?",
        "review_heading": "Review data access",
        "review_body": "To connect your {brand} account, this app asks to:",
        "review_consent": "By continuing you allow this access. You can disconnect at any time.",
        "review_unavailable": "{brand} {assets} cannot be connected through this service yet.",
        "signin_heading": "Sign in to {brand}",
        "signin_body": "Use the username and password of your {brand} account.",
        "username": "Username",
        "password": "Password",
        "signin_error": "The username or password is wrong. Please try again.",
        "signin_missing": "Enter both your username and your password.",
        "code_heading": "Enter verification code",
        "code_body": "{brand} sent you a 6-digit code. Enter it to confirm it is you.",
        "code": "Code",
        "code_error": "The code must be 6 digits.",
        "success_heading": "Your {brand} account is connected",
        "success_body": "The app can now reach your {assets}. Tap Complete to return to the app.",
        "used_heading": "This link has already been used",
        "used_body": "A link can be used only once. Go back to the app to start again.",
        "expired_heading": "This link has expired",
        "expired_body": "Links are valid for 24 hours. Go back to the app to start again.",
        "unknown_heading": "This link is not valid",
        "unknown_body": "Check that you opened the whole link, or go back to the app to "
        "start again.",
        "csrf_heading": "Your session could not be confirmed",
        "csrf_body": "Please make sure cookies are allowed and reload the page.",
        "continue": "Continue",
        "complete": "Complete",
        "cancel": "Cancel",
        "back": "Back",
        "step": "Step {n} of {total}",
        "cancelled_message": "The user left Link UI before linking a device.",
        "asset.vehicle": "vehicle",
        "asset.charger": "EV charger",
        "asset.hvac": "heating or cooling unit",
        "asset.inverter": "solar inverter",
        "asset.battery": "home battery",
        "asset.meter": "energy meter",
        "and": "and",
        "scope.vehicle:read:data": "Read your vehicle's battery level, range, charging "
        "state and odometer",
        "scope.vehicle:read:location": "See where your vehicle is",
        "scope.vehicle:control:charging": "Start and stop charging your vehicle",
        "scope.charger:read:data": "Read your charger's status and charging power",
        "scope.charger:control:charging": "Start and stop charging and set the charging current",
        "scope.hvac:read:data": "Read the temperature, mode and energy use of your "
        "heating or cooling",
        "scope.hvac:control:mode": "Change the mode and target temperatures",
        "scope.inverter:read:data": "Read how much power your solar panels produce",
        "scope.inverter:read:location": "See where your solar inverter is",
        "scope.battery:read:data": "Read your battery's charge level and power",
        "scope.battery:read:location": "See where your battery is",
        "scope.battery:control:operation_mode": "Change how your battery charges and discharges",
        "scope.meter:read:data": "Read the power you draw from and send to the grid",
        "scope.meter:read:location": "See where your energy meter is",
    },
    "nb-NO": {
        "page_title": "Koble til en enhet",
        "intro_heading": "Koble til {assets}",
        "intro_body": "Denne appen bruker gridlink for å koble seg trygt til {assets}. "
        "Du velger merke, ser over hva appen får tilgang til og logger inn på kontoen "
        "din hos merket.",
        "intro_private": "Passordet ditt sendes bare til merket og deles aldri med appen.",
        "brand_heading": "Velg merke",
        "brand_body": "Hvilket merke er {assets}?",
        "review_heading": "Se over datatilgang",
        "review_body": "For å koble til {brand}-kontoen din ber appen om å:",
        "review_consent": "Når du fortsetter, gir du denne tilgangen. Du kan koble fra "
        "når som helst.",
        "review_unavailable": "{brand}-{assets} kan ikke kobles til gjennom denne tjenesten ennå.",
        "signin_heading": "Logg inn hos {brand}",
        "signin_body": "Bruk brukernavnet og passordet til {brand}-kontoen din.",
        "username": "Brukernavn",
        "password": "Passord",
        "signin_error": "Brukernavnet eller passordet er feil. Prøv igjen.",
        "signin_missing": "Skriv inn både brukernavn og passord.",
        "code_heading": "Skriv inn bekreftelseskode",
        "code_body": "{brand} har sendt deg en sekssifret kode. Skriv den inn for å "
        "bekrefte at det er deg.",
        "code": "Kode",
        "code_error": "Koden må være 6 sifre.",
        "success_heading": "{brand}-kontoen din er koblet til",
        "success_body": "Appen kan nå nå {assets}. Trykk Fullfør for å gå tilbake til appen.",
        "used_heading": "Denne lenken er allerede brukt",
        "used_body": "En lenke kan bare brukes én gang. Gå tilbake til appen for å "
        "begynne på nytt.",
        "expired_heading": "Denne lenken er utløpt",
        "expired_body": "Lenker varer i 24 timer. Gå tilbake til appen for å begynne på nytt.",
        "unknown_heading": "Denne lenken er ikke gyldig",
        "unknown_body": "Sjekk at du åpnet hele lenken, eller gå tilbake til appen for å "
        "begynne på nytt.",
        "csrf_heading": "Økten kunne ikke bekreftes",
        "csrf_body": "Sørg for at informasjonskapsler er tillatt, og last inn siden på nytt.",
        "continue": "Fortsett",
        "complete": "Fullfør",
        "cancel": "Avbryt",
        "back": "Tilbake",
        "step": "Steg {n} av {total}",
        "cancelled_message": "Brukeren forlot Link UI før en enhet ble koblet til.",
        "asset.vehicle": "bilen din",
        "asset.charger": "elbilladeren din",
        "asset.hvac": "varme- eller kjøleanlegget ditt",
        "asset.inverter": "solcelle-inverteren din",
        "asset.battery": "hjemmebatteriet ditt",
        "asset.meter": "strømmåleren din",
        "and": "og",
        "scope.vehicle:read:data": "Lese batterinivå, rekkevidde, ladestatus og kilometerstand",
        "scope.vehicle:read:location": "Se hvor bilen din er",
        "scope.vehicle:control:charging": "Starte og stoppe lading av bilen din",
        "scope.charger:read:data": "Lese laderens status og ladeeffekt",
        "scope.charger:control:charging": "Starte og stoppe lading og stille inn ladestrømmen",
        "scope.hvac:read:data": "Lese temperatur, modus og energibruk for oppvarming eller kjøling",
        "scope.hvac:control:mode": "Endre modus og måltemperaturer",
        "scope.inverter:read:data": "Lese hvor mye strøm solcellepanelene produserer",
        "scope.inverter:read:location": "Se hvor solcelle-inverteren din er",
        "scope.battery:read:data": "Lese batteriets ladenivå og effekt",
        "scope.battery:read:location": "Se hvor batteriet ditt er",
        "scope.battery:control:operation_mode": "Endre hvordan batteriet lader og lader ut",
        "scope.meter:read:data": "Lese strømmen du henter fra og sender til nettet",
        "scope.meter:read:location": "Se hvor strømmåleren din er",
    },
    "de-DE": {
        "page_title": "Gerät verbinden",
        "intro_heading": "Gerät verbinden: {assets}",
        "intro_body": "Diese App nutzt gridlink, um sich sicher mit deinem Gerät zu "
        "verbinden ({assets}). "
        "Du wählst deine Marke, prüfst, worauf die App zugreifen darf, und meldest dich "
        "bei deinem Konto der Marke an.",
        "intro_private": "Dein Passwort wird nur an die Marke gesendet und nie mit der App "
        "geteilt.",
        "brand_heading": "Marke wählen",
        "brand_body": "Welche Marke hat dein Gerät ({assets})?",
        "review_heading": "Datenzugriff prüfen",
        "review_body": "Um dein {brand}-Konto zu verbinden, bittet diese App darum:",
        "review_consent": "Wenn du fortfährst, erlaubst du diesen Zugriff. Du kannst die "
        "Verbindung jederzeit trennen.",
        "review_unavailable": "{brand}-{assets} lassen sich über diesen Dienst noch nicht "
        "verbinden.",
        "signin_heading": "Bei {brand} anmelden",
        "signin_body": "Verwende den Benutzernamen und das Passwort deines {brand}-Kontos.",
        "username": "Benutzername",
        "password": "Passwort",
        "signin_error": "Benutzername oder Passwort ist falsch. Bitte versuche es erneut.",
        "signin_missing": "Gib deinen Benutzernamen und dein Passwort ein.",
        "code_heading": "Bestätigungscode eingeben",
        "code_body": "{brand} hat dir einen 6-stelligen Code geschickt. Gib ihn ein, um "
        "zu bestätigen, dass du es bist.",
        "code": "Code",
        "code_error": "Der Code muss aus 6 Ziffern bestehen.",
        "success_heading": "Dein {brand}-Konto ist verbunden",
        "success_body": "Die App kann jetzt dein Gerät erreichen ({assets}). Tippe auf "
        "Abschließen, um "
        "zur App zurückzukehren.",
        "used_heading": "Dieser Link wurde bereits verwendet",
        "used_body": "Ein Link kann nur einmal verwendet werden. Kehre zur App zurück, um "
        "neu zu beginnen.",
        "expired_heading": "Dieser Link ist abgelaufen",
        "expired_body": "Links sind 24 Stunden gültig. Kehre zur App zurück, um neu zu beginnen.",
        "unknown_heading": "Dieser Link ist ungültig",
        "unknown_body": "Prüfe, ob du den ganzen Link geöffnet hast, oder kehre zur App "
        "zurück, um neu zu beginnen.",
        "csrf_heading": "Deine Sitzung konnte nicht bestätigt werden",
        "csrf_body": "Bitte erlaube Cookies und lade die Seite neu.",
        "continue": "Weiter",
        "complete": "Abschließen",
        "cancel": "Abbrechen",
        "back": "Zurück",
        "step": "Schritt {n} von {total}",
        "cancelled_message": "Der Nutzer hat Link UI verlassen, bevor ein Gerät verbunden wurde.",
        "asset.vehicle": "Fahrzeug",
        "asset.charger": "Wallbox",
        "asset.hvac": "Heizung oder Klimaanlage",
        "asset.inverter": "Solar-Wechselrichter",
        "asset.battery": "Heimspeicher",
        "asset.meter": "Stromzähler",
        "and": "und",
        "scope.vehicle:read:data": "Akkustand, Reichweite, Ladezustand und Kilometerstand "
        "deines Fahrzeugs lesen",
        "scope.vehicle:read:location": "Sehen, wo dein Fahrzeug ist",
        "scope.vehicle:control:charging": "Das Laden deines Fahrzeugs starten und stoppen",
        "scope.charger:read:data": "Status und Ladeleistung deiner Wallbox lesen",
        "scope.charger:control:charging": "Laden starten und stoppen und den Ladestrom einstellen",
        "scope.hvac:read:data": "Temperatur, Modus und Energieverbrauch deiner Heizung "
        "oder Kühlung lesen",
        "scope.hvac:control:mode": "Modus und Zieltemperaturen ändern",
        "scope.inverter:read:data": "Lesen, wie viel Strom deine Solaranlage erzeugt",
        "scope.inverter:read:location": "Sehen, wo dein Wechselrichter ist",
        "scope.battery:read:data": "Ladestand und Leistung deines Speichers lesen",
        "scope.battery:read:location": "Sehen, wo dein Speicher ist",
        "scope.battery:control:operation_mode": "Ändern, wie dein Speicher lädt und entlädt",
        "scope.meter:read:data": "Lesen, wie viel Strom du aus dem Netz beziehst und einspeist",
        "scope.meter:read:location": "Sehen, wo dein Stromzähler ist",
    },
}

# A requested language we have no text for borrows one that its readers read.
_BY_PRIMARY: Final = {"en": "en-US", "nb": "nb-NO", "no": "nb-NO", "nn": "nb-NO", "de": "de-DE"}


def _match(tag: str) -> str | None:
    tag = tag.strip()
    for known in TEXT:
        if known.lower() == tag.lower():
            return known
    return _BY_PRIMARY.get(tag.split("-")[0].lower())


def choose_language(requested: str, accept_language: str | None) -> str:
    """The catalogue to show: the session's language, or for `browser` the best
    match of the Accept-Language header, falling back to en-US."""
    if requested != "browser":
        return _match(requested) or FALLBACK
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            ranked.append((-quality, position, tag))
    for _, _, tag in sorted(ranked):
        found = _match(tag)
        if found:
            return found
    return FALLBACK


class Translator:
    """Link UI's own text, and the text a connector brings for its steps."""

    def __init__(self, language: str, extra: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.language = language
        extra = extra or {}
        self._catalogues = (
            extra.get(language, {}),
            TEXT[language],
            extra.get(FALLBACK, {}),
            TEXT[FALLBACK],
        )

    def __call__(self, key: str, **values: object) -> str:
        template = next((c[key] for c in self._catalogues if key in c), key)
        return template.format(**values) if values else template

    def join(self, words: list[str]) -> str:
        if len(words) <= 1:
            return "".join(words)
        return f"{', '.join(words[:-1])} {self('and')} {words[-1]}"
