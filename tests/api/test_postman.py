"""The Postman collection at /postman.json, made from /openapi.json, and the
docs page's promise to need no other host."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from gridlink.api.postman import SCHEMA_URL
from tests.support.server import Credentials, Server

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def requests_in(node: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for item in node.get("item", []):
        found.extend(requests_in(item) if "item" in item else [item])
    return found


def openapi_path(item: dict[str, Any]) -> str:
    """`{{baseUrl}}/users/:userId` -> `/users/{userId}`."""
    return "/" + "/".join(re.sub(r"^:(.+)$", r"{\1}", s) for s in item["request"]["url"]["path"])


def find(requests: list[dict[str, Any]], method: str, path: str) -> dict[str, Any]:
    return next(r for r in requests if (r["request"]["method"], openapi_path(r)) == (method, path))


def test_collection_has_one_request_per_operation(server: Server) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    response = httpx.get(f"{server.url}/postman.json")  # public, like /openapi.json
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert "gridlink.postman_collection.json" in response.headers["content-disposition"]
    collection = response.json()

    assert collection["info"]["schema"] == SCHEMA_URL
    assert collection["info"]["name"] == spec["info"]["title"]
    operations = {
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }
    requests = requests_in(collection)
    assert len(requests) == len(operations)
    assert {(r["request"]["method"], openapi_path(r)) for r in requests} == operations

    # One folder per tag, each request in its operation's first tag.
    tags = {
        (method.upper(), path): op["tags"][0]
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }
    for folder in collection["item"]:
        for request in folder["item"]:
            key = (request["request"]["method"], openapi_path(request))
            assert tags[key] == folder["name"]

    variables = {v["key"]: v["value"] for v in collection["variable"]}
    assert variables == {"baseUrl": server.url, "clientId": "", "clientSecret": ""}
    auth = {a["key"]: a["value"] for a in collection["auth"]["oauth2"]}
    assert collection["auth"]["type"] == "oauth2"
    assert auth["grant_type"] == "client_credentials"
    assert auth["accessTokenUrl"] == "{{baseUrl}}/oauth2/token"
    assert (auth["clientId"], auth["clientSecret"]) == ("{{clientId}}", "{{clientSecret}}")

    get_vehicle = find(requests, "GET", "/vehicles/{vehicleId}")
    url = get_vehicle["request"]["url"]
    assert get_vehicle["name"] == spec["paths"]["/vehicles/{vehicleId}"]["get"]["summary"]
    assert url["raw"] == "{{baseUrl}}/vehicles/:vehicleId"
    assert url["host"] == ["{{baseUrl}}"]
    assert [v["key"] for v in url["variable"]] == ["vehicleId"]
    list_users = next(r for r in requests if openapi_path(r) == "/users")["request"]["url"]
    assert {q["key"] for q in list_users["query"]} >= {"after", "before", "pageSize"}
    assert all(q["disabled"] for q in list_users["query"])  # optional


def test_json_bodies_fit_their_schemas(server: Server) -> None:
    spec = httpx.get(f"{server.url}/openapi.json").json()
    collection = httpx.get(f"{server.url}/postman.json").json()
    registry: Registry[Any] = Registry().with_resource(
        "urn:openapi", Resource.from_contents(spec, default_specification=DRAFT202012)
    )
    checked = 0
    for request in requests_in(collection):
        operation = spec["paths"][openapi_path(request)][request["request"]["method"].lower()]
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        body = request["request"]["body"]
        assert body["mode"] == "raw" and body["options"]["raw"]["language"] == "json"
        assert {"key": "Content-Type", "value": "application/json"} in request["request"]["header"]
        schema = json.loads(
            json.dumps(content["application/json"]["schema"]).replace(
                '"#/components/', '"urn:openapi#/components/'
            )
        )
        errors = list(
            Draft202012Validator(schema, registry=registry).iter_errors(json.loads(body["raw"]))
        )
        assert errors == [], (request["name"], [e.message for e in errors])
        checked += 1
    assert checked >= 10


def test_collection_requests_work_as_given(server: Server, client: Credentials) -> None:
    """The token request and an example body, sent as Postman would send them."""
    collection = httpx.get(f"{server.url}/postman.json").json()
    variables = {v["key"]: v["value"] for v in collection["variable"]}
    variables.update(clientId=client.client_id, clientSecret=client.client_secret)

    def fill(text: str) -> str:
        return re.sub(r"\{\{(\w+)\}\}", lambda m: variables[m.group(1)], text)

    token_url = fill({a["key"]: a["value"] for a in collection["auth"]["oauth2"]}["accessTokenUrl"])
    token = httpx.post(
        token_url,
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    ).json()["access_token"]

    requests = requests_in(collection)

    def send(method: str, path: str, **path_variables: str) -> httpx.Response:
        request = find(requests, method, path)["request"]
        url = fill(request["url"]["raw"])
        for name, value in path_variables.items():
            url = url.replace(f":{name}", value)
        headers = {h["key"]: h["value"] for h in request["header"] if not h.get("disabled")}
        return httpx.request(
            method,
            url,
            content=request["body"]["raw"],
            headers={**headers, "Authorization": f"Bearer {token}"},
        )

    linked = send("POST", "/users/{userId}/link", userId="postman-user")
    assert linked.status_code == 200, linked.text
    assert linked.json()["linkUrl"].startswith(server.url)
    located = send("POST", "/users/{userId}/locations", userId="postman-user")
    assert located.status_code == 200, located.text


def test_docs_page_names_no_other_host(server: Server) -> None:
    page = httpx.get(f"{server.url}/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert not re.search(r"(https?:)?//", page.text.replace("<!doctype html>", ""))
    assets = re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text)
    assert len(assets) >= 4
    for asset in assets:
        assert httpx.get(f"{server.url}{asset}").status_code == 200, asset
    css = httpx.get(f"{server.url}/docs/assets/swagger-ui.css").text
    assert "@import" not in css and not re.search(r"url\(['\"]?(https?:)?//", css)
    assert httpx.get(f"{server.url}/docs/assets/nope.js").status_code == 404
    assert httpx.get(f"{server.url}/docs/assets/..%2Fapp.py").status_code == 404
