"""A Postman Collection (v2.1) made from the app's OpenAPI document.

One folder per tag, one request per operation: path parameters become Postman
path variables (`:userId`), query parameters are listed (optional ones
disabled), and JSON bodies carry an example built from the request schema.
The collection authenticates with OAuth2 client credentials against this
server's token endpoint, using the `clientId` and `clientSecret` variables.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

SCHEMA_URL: Final = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
METHODS: Final = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TOKEN_PATH: Final = "/oauth2/token"
UNTAGGED: Final = "Other"
_MAX_DEPTH: Final = 8

JsonObject = dict[str, Any]


def collection(spec: JsonObject, base_url: str) -> JsonObject:
    """The Postman collection for `spec`, its `baseUrl` variable set to `base_url`."""
    info = spec.get("info", {})
    folders: dict[str, list[JsonObject]] = {
        tag["name"]: [] for tag in spec.get("tags", []) if "name" in tag
    }
    for path, path_item in spec.get("paths", {}).items():
        shared = path_item.get("parameters", [])
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or [UNTAGGED])[0]
            folders.setdefault(tag, []).append(
                _item(spec, path, method, operation, [*shared, *operation.get("parameters", [])])
            )
    descriptions = {t["name"]: t.get("description", "") for t in spec.get("tags", [])}
    return {
        "info": {
            "name": info.get("title", "API"),
            "description": _collection_description(info),
            "version": info.get("version", ""),
            "schema": SCHEMA_URL,
        },
        "item": [
            {"name": name, "description": descriptions.get(name, ""), "item": items}
            for name, items in folders.items()
            if items
        ],
        "auth": _oauth2(),
        "variable": [
            {"key": "baseUrl", "value": base_url, "type": "string"},
            {"key": "clientId", "value": "", "type": "string"},
            {"key": "clientSecret", "value": "", "type": "string"},
        ],
    }


def _collection_description(info: JsonObject) -> str:
    lines = [info.get("summary") or info.get("description") or ""]
    lines.append(
        "Set the collection variables `clientId` and `clientSecret` to a client's "
        "credentials (from the dashboard or `gridlink client create`), then use "
        '"Get New Access Token" on the collection\'s Authorization tab. `baseUrl` '
        "is where this server answers."
    )
    return "\n\n".join(line for line in lines if line)


def _oauth2() -> JsonObject:
    settings = {
        "grant_type": "client_credentials",
        "accessTokenUrl": "{{baseUrl}}" + TOKEN_PATH,
        "clientId": "{{clientId}}",
        "clientSecret": "{{clientSecret}}",
        "client_authentication": "header",
        "addTokenTo": "header",
        "tokenName": "gridlink",
    }
    return {
        "type": "oauth2",
        "oauth2": [{"key": k, "value": v, "type": "string"} for k, v in settings.items()],
    }


def _item(
    spec: JsonObject,
    path: str,
    method: str,
    operation: JsonObject,
    parameters: list[JsonObject],
) -> JsonObject:
    params = [_resolve(spec, p) for p in parameters]
    request: JsonObject = {
        "method": method.upper(),
        "header": [],
        "url": _url(spec, path, params),
    }
    description = operation.get("description") or operation.get("summary")
    if description:
        request["description"] = description
    for param in params:
        if param.get("in") == "header":
            request["header"].append(
                {
                    "key": param["name"],
                    "value": _text(_param_example(spec, param)),
                    "description": param.get("description", ""),
                    "disabled": not param.get("required", False),
                }
            )
    body = _body(spec, operation.get("requestBody"))
    is_token_endpoint = path == TOKEN_PATH and method == "post"
    auth = _auth(spec, operation, is_token_endpoint)
    if auth is not None:
        request["auth"] = auth
    if is_token_endpoint and body is None:
        body = {
            "mode": "urlencoded",
            "urlencoded": [{"key": "grant_type", "value": "client_credentials"}],
        }
    if body is not None:
        request["body"] = body
        content_type = _content_type(body)
        if content_type:
            request["header"].append({"key": "Content-Type", "value": content_type})
    request["header"].append({"key": "Accept", "value": "application/json"})
    name = operation.get("summary") or operation.get("operationId") or f"{method.upper()} {path}"
    return {"name": name, "request": request, "response": []}


def _auth(spec: JsonObject, operation: JsonObject, is_token_endpoint: bool) -> JsonObject | None:
    """The request's own auth, or None to use the collection's OAuth2 token."""
    security = operation.get("security", spec.get("security"))
    if security == []:
        return {"type": "noauth"}
    schemes = spec.get("components", {}).get("securitySchemes", {})
    first = security[0] if security else {}
    kinds = [_resolve(spec, schemes.get(name, {})) for name in first]
    is_basic = any(k.get("type") == "http" and k.get("scheme") == "basic" for k in kinds)
    if is_basic or (is_token_endpoint and not kinds):
        # The client's id and secret themselves, as the token endpoint takes them.
        return {
            "type": "basic",
            "basic": [
                {"key": "username", "value": "{{clientId}}", "type": "string"},
                {"key": "password", "value": "{{clientSecret}}", "type": "string"},
            ],
        }
    if not first and security:
        return {"type": "noauth"}
    return None


def _url(spec: JsonObject, path: str, params: list[JsonObject]) -> JsonObject:
    segments = [re.sub(r"\{([^}/]+)\}", r":\1", s) for s in path.strip("/").split("/") if s]
    query = [
        {
            "key": p["name"],
            "value": _text(_param_example(spec, p)),
            "description": p.get("description", ""),
            "disabled": not p.get("required", False),
        }
        for p in params
        if p.get("in") == "query"
    ]
    # Every `{name}` in the path is a variable, declared as a parameter or not.
    declared = {p["name"]: p for p in params if p.get("in") == "path" and "name" in p}
    variables = [
        {
            "key": name,
            "value": _text(_param_example(spec, declared.get(name, {}), fallback=False)),
            "description": declared.get(name, {}).get("description", ""),
        }
        for name in re.findall(r"\{([^}/]+)\}", path)
    ]
    raw = "{{baseUrl}}/" + "/".join(segments)
    enabled = [f"{q['key']}={q['value']}" for q in query if not q["disabled"]]
    if enabled:
        raw += "?" + "&".join(enabled)
    url: JsonObject = {"raw": raw, "host": ["{{baseUrl}}"], "path": segments}
    if query:
        url["query"] = query
    if variables:
        url["variable"] = variables
    return url


def _body(spec: JsonObject, request_body: JsonObject | None) -> JsonObject | None:
    if request_body is None:
        return None
    content = _resolve(spec, request_body).get("content", {})
    for media_type, media in content.items():
        schema = media.get("schema", {})
        if "json" in media_type:
            example = media.get("example")
            if example is None:
                example = example_for(spec, schema)
            return {
                "mode": "raw",
                "raw": json.dumps({} if example is None else example, indent=2),
                "options": {"raw": {"language": "json"}},
            }
        if media_type == "application/x-www-form-urlencoded":
            fields = _object_example(spec, _resolve(spec, schema), 0) or {}
            return {
                "mode": "urlencoded",
                "urlencoded": [{"key": k, "value": _text(v)} for k, v in fields.items()],
            }
        if media_type == "multipart/form-data":
            fields = _object_example(spec, _resolve(spec, schema), 0) or {}
            return {
                "mode": "formdata",
                "formdata": [
                    {"key": k, "value": _text(v), "type": "text"} for k, v in fields.items()
                ],
            }
    return None


def _content_type(body: JsonObject) -> str | None:
    return {
        "raw": "application/json",
        "urlencoded": "application/x-www-form-urlencoded",
    }.get(body["mode"])


def _param_example(spec: JsonObject, param: JsonObject, fallback: bool = True) -> Any:
    if "example" in param:
        return param["example"]
    examples = param.get("examples")
    if isinstance(examples, dict):
        for example in examples.values():
            if isinstance(example, dict) and "value" in example:
                return example["value"]
    schema = _resolve(spec, param.get("schema", {}))
    if "default" in schema:
        return schema["default"]
    return example_for(spec, schema) if fallback else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _resolve(spec: JsonObject, node: JsonObject) -> JsonObject:
    """Follows local `$ref`s (`#/components/...`)."""
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < _MAX_DEPTH:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return {}
        target: Any = spec
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node = target
        seen += 1
    return node if isinstance(node, dict) else {}


def example_for(spec: JsonObject, schema: JsonObject, depth: int = 0, name: str = "") -> Any:
    """A value that fits `schema`: its own example, default or first choice where
    it has one, otherwise a placeholder of the right type."""
    schema = _resolve(spec, schema)
    if depth > _MAX_DEPTH or not schema:
        return None
    if "const" in schema:
        return schema["const"]
    for key in ("example", "default"):
        if schema.get(key) is not None:  # a null default says only "may be left out"
            return schema[key]
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if schema.get("enum"):
        return schema["enum"][0]
    for key in ("oneOf", "anyOf"):
        if key in schema:
            choices = [_resolve(spec, c) for c in schema[key]]
            usable = [c for c in choices if c.get("type") != "null"] or choices
            return example_for(spec, usable[0], depth + 1, name) if usable else None
    if "allOf" in schema:
        merged: JsonObject = {}
        for part in schema["allOf"]:
            value = example_for(spec, part, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            elif value is not None and not merged:
                return value
        return merged
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind is None and "properties" in schema:
        kind = "object"
    if kind == "object":
        return _object_example(spec, schema, depth)
    if kind == "array":
        items = _resolve(spec, schema.get("items", {}))
        if items.get("enum") and not _has_example(spec, items):
            # A list of choices: show them all (Enode's scopes, for one).
            return list(items["enum"])[: int(schema.get("maxItems", len(items["enum"])))]
        item = example_for(spec, items, depth + 1)
        return [] if item is None else [item] * max(1, int(schema.get("minItems", 1)))
    if kind == "string":
        return _string_example(schema, name)
    if kind == "integer":
        return int(_number_example(schema))
    if kind == "number":
        return _number_example(schema)
    if kind == "boolean":
        return False
    return None


def _object_example(spec: JsonObject, schema: JsonObject, depth: int) -> JsonObject:
    properties: JsonObject = schema.get("properties", {})
    required = set(schema.get("required", []))
    # Required fields, and optional ones that say what they would be: a request
    # that works. With nothing required (a partial update), show every field.
    chosen = [
        name for name, prop in properties.items() if name in required or _has_example(spec, prop)
    ] or list(properties)
    result: JsonObject = {}
    for name in chosen:
        value = example_for(spec, properties[name], depth + 1, name)
        if value is not None or name in required:
            result[name] = value
    return result


def _has_example(spec: JsonObject, schema: JsonObject) -> bool:
    schema = _resolve(spec, schema)
    return "const" in schema or any(
        schema.get(key) not in (None, []) for key in ("example", "examples", "default")
    )


def _string_example(schema: JsonObject, name: str) -> str:
    formats = {
        "date-time": "2024-01-01T00:00:00Z",
        "date": "2024-01-01",
        "time": "00:00:00",
        "email": "user@example.com",
        "uri": "https://example.com",
        "url": "https://example.com",
        "uuid": "00000000-0000-0000-0000-000000000000",
    }
    text = formats.get(str(schema.get("format")), "string")
    if text == "string" and name.lower().endswith(("url", "uri")):
        text = formats["uri"]
    pattern = schema.get("pattern")
    if isinstance(pattern, str):
        text = _matching(pattern, [text, *_PATTERN_GUESSES, *formats.values()]) or text
    minimum = int(schema.get("minLength", 0))
    maximum = schema.get("maxLength")
    if len(text) < minimum:
        text = text.ljust(minimum, "x")
    if maximum is not None and len(text) > int(maximum):
        text = text[: int(maximum)]
    return text


# Placeholders tried, in order, against a string schema's pattern.
_PATTERN_GUESSES: Final = ("0", "00:00", "A", "a", "1", "AA", "ab-12")


def _matching(pattern: str, candidates: list[str]) -> str | None:
    try:
        compiled = re.compile(pattern)
    except re.error:
        return None
    return next((c for c in candidates if compiled.search(c)), None)


def _number_example(schema: JsonObject) -> float:
    if "minimum" in schema:
        return float(schema["minimum"])
    if "exclusiveMinimum" in schema and not isinstance(schema["exclusiveMinimum"], bool):
        return float(schema["exclusiveMinimum"]) + 1
    if "maximum" in schema:
        return min(0.0, float(schema["maximum"]))
    return 0.0
