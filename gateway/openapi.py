"""The OpenAPI document, generated from the routes and their pydantic models at request time,
so it cannot drift from the code. Each API view declares its contract with ``@documented``."""

import re

from flask import Flask
from pydantic import BaseModel

from gateway.errors_schema import ErrorEnvelope

_PARAM = re.compile(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z0-9_]+)>")


def documented(
    summary: str,
    *,
    body: type[BaseModel] | None = None,
    form: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    public: bool = False,
    binary: str | None = None,
    errors: tuple[int, ...] = (),
):
    """Attach the API contract of a view: what it takes, what it answers, which errors."""

    def mark(view):
        view.api_doc = {
            "summary": summary,
            "body": body,
            "form": form,
            "response": response,
            "query": query or {},
            "headers": headers or {},
            "public": public,
            "binary": binary,
            "errors": errors,
        }
        return view

    return mark


def _schema(model: type[BaseModel], components: dict) -> dict:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(schema.pop("$defs", {}))
    components[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def build(app: Flask) -> dict:
    components: dict = {"ErrorEnvelope": ErrorEnvelope.model_json_schema()}
    paths: dict = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "api_doc", None)
        if doc is None:
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            op: dict = {"summary": doc["summary"], "operationId": rule.endpoint.replace(".", "_")}
            params = [
                {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                for name in _PARAM.findall(rule.rule)
            ]
            params += [
                {
                    "name": name,
                    "in": "query",
                    "required": False,
                    "description": text,
                    "schema": {"type": "string"},
                }
                for name, text in doc["query"].items()
            ]
            params += [
                {
                    "name": name,
                    "in": "header",
                    "required": False,
                    "description": text,
                    "schema": {"type": "string"},
                }
                for name, text in doc["headers"].items()
            ]
            if params:
                op["parameters"] = params
            if doc["body"]:
                op["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": _schema(doc["body"], components)}},
                }
            if doc["form"]:
                form = _schema(doc["form"], components)
                op["requestBody"] = {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "allOf": [
                                    form,
                                    {
                                        "type": "object",
                                        "required": ["pdf"],
                                        "properties": {
                                            "pdf": {"type": "string", "format": "binary"}
                                        },
                                    },
                                ]
                            }
                        }
                    },
                }
            ok: dict = {"description": "OK"}
            if doc["response"]:
                ok["content"] = {
                    "application/json": {"schema": _schema(doc["response"], components)}
                }
            elif doc["binary"]:
                ok["content"] = {doc["binary"]: {"schema": {"type": "string", "format": "binary"}}}
            responses = {"200": ok}
            error_ref = {
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}
                }
            }
            for status in sorted(
                set(doc["errors"])
                | ({400} if doc["body"] or doc["form"] else set())
                | (set() if doc["public"] else {401})
            ):
                responses[str(status)] = {"description": "error", **error_ref}
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
