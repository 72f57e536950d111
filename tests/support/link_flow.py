"""Walks Link UI with plain HTTP form posts, as a browser without JavaScript would."""

from __future__ import annotations

import re
from html import unescape

import httpx

_HIDDEN = re.compile(r'<input type="hidden" name="(csrf|step)" value="([^"]*)">')
_HEADING = re.compile(r"<h1>(.*?)</h1>", re.S)


class LinkBrowser:
    def __init__(self, link_url: str, accept_language: str | None = None) -> None:
        headers = {"Accept-Language": accept_language} if accept_language else {}
        self.http = httpx.Client(headers=headers, follow_redirects=False, timeout=30)
        self.link_url = link_url
        self.page = self.http.get(link_url)

    @property
    def heading(self) -> str:
        match = _HEADING.search(self.page.text)
        return unescape(match.group(1).strip()) if match else ""

    @property
    def step(self) -> str:
        return dict(_HIDDEN.findall(self.page.text)).get("step", "")

    def submit(self, **fields: str) -> httpx.Response:
        hidden = dict(_HIDDEN.findall(self.page.text))
        response = self.http.post(self.link_url, data={**hidden, **fields})
        if response.status_code == 303 and response.headers["location"].startswith("/link/"):
            self.page = self.http.get(self.link_url)
        else:
            self.page = response
        return response

    def link(self, vendor: str, username: str, password: str, code: str = "123456") -> str:
        """Runs the whole flow and returns where Complete redirects to."""
        self.submit(action="continue")  # introduction
        if self.step == "brand":
            self.submit(vendor=vendor)
        self.submit(action="continue")  # review of data access
        self.submit(action="continue", username=username, password=password)
        assert self.step == "code", self.heading
        self.submit(action="continue", code=code)
        assert self.step == "success", self.heading
        done = self.submit(action="continue")
        assert done.status_code == 303
        return done.headers["location"]
