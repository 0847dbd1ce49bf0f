"""The OpenAPI document, generated from the routes and their pydantic models at request time,
so it cannot drift from the code. Each API view declares its contract with ``@documented``."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Flask
from pydantic import BaseModel

from gateway.errors_schema import ErrorEnvelope

_PARAM = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z0-9_]+)>")
REF = "#/components/schemas/{model}"

View = TypeVar("View", bound=Callable[..., Any])


@dataclass(frozen=True)
class Upload:
    """A multipart form carrying a file in ``field`` (of ``media_type``) beside the text fields
    of ``fields``. ``optional``: the file may be left out; ``optional_when``: the file may be
    left out when this (boolean) field is true (a physical letter without a scan). ``raw``: the
    file may also come alone as the whole request body."""

    field: str
    media_type: str
    fields: type[BaseModel] | None = None
    optional: bool = False
    optional_when: str | None = None
    raw: bool = False


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    body_optional: bool = False,
    upload: Upload | None = None,
    response: type[BaseModel] | None = None,
    query: dict[str, str | tuple[str, dict]] | None = None,
    headers: dict[str, str | tuple[str, dict]] | None = None,
    public: bool = False,
    binary: str | tuple[str, ...] | None = None,
    status: int = 200,
    errors: tuple[int, ...] = (),
) -> Callable[[View], View]:
    """Attach the API contract of a view: what it takes (a JSON ``body``, which may be left out
    when ``body_optional``; an ``upload``; or either), what it answers (with ``status``; a file
    of the media type ``binary``, or of one of several), which errors."""

    def mark(view: View) -> View:
        view.api_doc = {  # type: ignore[attr-defined]  # read back by build()
            "summary": summary,
            "body": body,
            "body_optional": body_optional,
            "upload": upload,
            "response": response,
            "query": query or {},
            "headers": headers or {},
            "public": public,
            "binary": binary,
            "status": status,
            "errors": errors,
        }
        return view

    return mark


def page_size(most: int) -> tuple[str, dict]:
    """The ``limit`` of a list: how many items a page holds at most."""
    return f"page size, 1-{most}", {"type": "integer", "minimum": 1, "maximum": most}


def choice(text: str, *values: str) -> tuple[str, dict]:
    """A query parameter that takes one of a few words."""
    return text, {"type": "string", "enum": list(values)}


def _query(param: str | tuple[str, dict]) -> dict:
    """A query or header parameter: its description, and its schema (text unless said
    otherwise)."""
    text, schema = (param, {"type": "string"}) if isinstance(param, str) else param
    return {"description": text, "schema": schema}


# Text without spaces around it: what a request model that strips spaces keeps as it was sent
# (" " would be stripped to nothing and refused where something is required). Python strips a
# few characters more than a JSON Schema regex calls space (\s): they are named too.
_EDGE = r"[^\s\x1c-\x1f\x85]"
_END = r"(?![\s\S])"  # the end, in both dialects (Python's $ also matches before a last \n)
TRIMMED = rf"^{_EDGE}(?:[\s\S]*{_EDGE})?{_END}"


def _schema(model: type[BaseModel], components: dict) -> dict:
    """A reference to the model's schema, kept in components with every model it uses (pydantic's
    ``$defs``, hoisted so each reference resolves from the document's root)."""
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.pop("$defs", {}))
    if _strips(model):
        for field in schema.get("properties", {}).values():
            _trimmed(field)
    components[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}


def _strips(model: type[BaseModel]) -> bool:
    return bool(model.model_config.get("str_strip_whitespace"))


def _trimmed(field: dict) -> None:
    """Say of a free text field (or of the text in it, or of a list of texts) that it is sent
    trimmed, as the model keeps it."""
    for schema in (field, *field.get("anyOf", ()), field.get("items", {})):
        if schema.get("type") == "string" and not {"pattern", "format", "enum"} & set(schema):
            schema["pattern"] = TRIMMED if schema.get("minLength") else f"^{_END}|{TRIMMED}"


def _form_field(schema: dict, trimmed: bool) -> dict:
    """A model's field as a form's text field: a form cannot say null, a blank or missing field
    means 'not given', so ``X or null`` is just ``X``."""
    choices = [s for s in schema.get("anyOf", ()) if s.get("type") != "null"]
    if len(choices) == 1 and len(schema["anyOf"]) == 2:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        schema = {**rest, **choices[0]}
    if trimmed:
        _trimmed(schema)
    return schema


def _form(upload: Upload, components: dict) -> dict:
    """One schema for the whole multipart form: the model's fields and the file beside them."""
    schema: dict = {"type": "object", "properties": {}, "required": []}
    if upload.fields is not None:
        model = upload.fields.model_json_schema(ref_template=REF)
        components.update(model.pop("$defs", {}))
        trimmed = _strips(upload.fields)
        schema["properties"] = {k: _form_field(v, trimmed) for k, v in model["properties"].items()}
        schema["required"] = list(model.get("required", ()))
        schema["additionalProperties"] = model.get("additionalProperties", True)
        if model.get("description"):
            schema["description"] = model["description"]
    schema["properties"][upload.field] = {"type": "string", "format": "binary"}
    if upload.optional_when:
        flag = {"properties": {upload.optional_when: {"const": True}}}
        schema["anyOf"] = [
            {"required": [upload.field]},
            {**flag, "required": [upload.optional_when]},
        ]
    elif not upload.optional:
        schema["required"].append(upload.field)
    if not schema["required"]:
        del schema["required"]
    return {
        "schema": schema,
        "encoding": {upload.field: {"contentType": upload.media_type}},
    }


def _request_body(doc: dict, components: dict) -> dict | None:
    content: dict = {}
    if doc["body"]:
        content["application/json"] = {"schema": _schema(doc["body"], components)}
    upload: Upload | None = doc["upload"]
    if upload:
        content["multipart/form-data"] = _form(upload, components)
        if upload.raw:
            content[upload.media_type] = {"schema": {"type": "string", "format": "binary"}}
    # A body may be left out only when nothing in it is required.
    required = not doc["body_optional"] or bool(doc["body"].model_json_schema().get("required"))
    return {"required": required, "content": content} if content else None


def build(app: Flask) -> dict:
    components: dict = {}
    _schema(ErrorEnvelope, components)
    error = {
        "description": "error",
        "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorEnvelope")}}},
    }
    # gunicorn refuses a request line over 4,094 bytes (path and query) itself, before any
    # route sees it, with a page of its own: any operation may answer so.
    too_long = {
        "description": "URI Too Long: the request line is over 4,094 bytes (the server's own "
        "answer, before the API's)",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
    paths: dict = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "api_doc", None)
        if doc is None:
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict = {"summary": doc["summary"], "operationId": rule.endpoint.replace(".", "_")}
            params = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in _PARAM.findall(rule.rule)
            ]
            params += [
                {"name": name, "in": "query", "required": False, **_query(text)}
                for name, text in doc["query"].items()
            ]
            params += [
                {"name": name, "in": "header", "required": False, **_query(text)}
                for name, text in doc["headers"].items()
            ]
            if params:
                op["parameters"] = params
            body = _request_body(doc, components)
            if body:
                op["requestBody"] = body
            ok: dict = {"description": "Created" if doc["status"] == 201 else "OK"}
            if doc["response"]:
                ok["content"] = {
                    "application/json": {"schema": _schema(doc["response"], components)}
                }
            elif doc["binary"]:
                types = (doc["binary"],) if isinstance(doc["binary"], str) else doc["binary"]
                ok["content"] = {
                    t: {"schema": {"type": "string", "format": "binary"}} for t in types
                }
            responses = {str(doc["status"]): ok}
            for status in sorted(
                set(doc["errors"])
                | ({404} if "{" in path else set())  # no such thing, or not yours to know of
                | ({400, 415} if body else set())  # not what the schema says; not JSON or a form
                | (set() if doc["public"] else {401})
            ):
                responses[str(status)] = error
            responses["414"] = too_long
            op["responses"] = responses
            if not doc["public"]:
                op["security"] = [{"bearer": []}]
            paths.setdefault(path, {})[method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "e-Office API", "version": "1"},
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
            },
        },
    }
