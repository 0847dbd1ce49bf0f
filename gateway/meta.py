"""Probes and the API description."""

from concurrent.futures import ThreadPoolExecutor

from flask import Blueprint, Response, abort, current_app, jsonify
from pydantic import BaseModel

from gateway import openapi
from gateway.openapi import documented
from gateway.rpc import rpc

meta = Blueprint("meta", __name__)

SERVICES = ("identity", "files", "signing", "notify", "reports", "leave")


class Health(BaseModel):
    ok: bool


class Readiness(BaseModel):
    ok: bool
    services: dict[str, bool]


@meta.get("/healthz")
@documented("The gateway process is alive", response=Health, public=True)
def healthz() -> Response:
    return jsonify(ok=True)


@meta.get("/readyz")
@documented(
    "Every service answers over RPC (503 if any does not)",
    response=Readiness,
    public=True,
    errors=(503,),
)
def readyz() -> tuple[Response, int]:
    services = rpc()  # taken here: the probe threads below have no app context

    def answers(service: str) -> bool:
        # On a thread of its own, so the probe uses that thread's proxy and a slow service
        # cannot stall the others' answers.
        try:
            return bool(getattr(services, service).health().get("ok"))
        except Exception:  # any failure means "not ready"
            services.reset()
            return False

    with ThreadPoolExecutor(len(SERVICES)) as pool:
        status = dict(zip(SERVICES, pool.map(answers, SERVICES), strict=True))
    ready = all(status.values())
    return jsonify(ok=ready, services=status), 200 if ready else 503


@meta.get("/readyz/<service>")
@documented(
    "One service answers over RPC: one round trip through the gateway, the baseline "
    "that bench/ compares real work against",
    response=Health,
    public=True,
    errors=(404, 503),
)
def ready_service(service: str) -> Response:
    if service not in SERVICES:
        abort(404)
    getattr(rpc(), service).health()
    return jsonify(ok=True)


@meta.get("/api/v1/openapi.json")
def openapi_json() -> Response:
    return jsonify(openapi.build(current_app))
