"""Link UI driven in a real browser, the way a person taps through it."""

from __future__ import annotations

from playwright.sync_api import Page, Route, expect


def link_in_browser(
    page: Page, link_url: str, brand: str, username: str, password: str, redirect_prefix: str
) -> str:
    """Walks the flow and returns the URL Complete lands on."""
    landed: list[str] = []

    def catch(route: Route) -> None:
        landed.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<h1>Back in the app</h1>")

    page.route(f"{redirect_prefix}**", catch)
    page.goto(link_url)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name=brand, exact=True).click()
    expect(page.get_by_role("heading", name="Review data access")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=f"Your {brand} account is connected")).to_be_visible()
    page.get_by_role("button", name="Complete").click()
    page.wait_for_url(f"{redirect_prefix}**")
    return landed[-1]
