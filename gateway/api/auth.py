"""Login, token refresh, logout, and who am I."""

from flask import Response, jsonify
from pydantic import BaseModel

from gateway.api import api
from gateway.api.common import caller, json_body
from gateway.limits import limited, login_name
from gateway.openapi import documented
from gateway.rpc import rpc
from services.identity.schemas import Credentials, RefreshRequest, Tokens, User


class Ok(BaseModel):
    ok: bool


@api.post("/auth/login")
@limited("login", login_name)
@documented(
    "Log in with username and password",
    body=Credentials,
    response=Tokens,
    public=True,
    errors=(401, 429),
)
def login() -> Response:
    return jsonify(rpc().identity.login(json_body()))


@api.post("/auth/refresh")
@documented(
    "Exchange a refresh token for new tokens (each refresh token works once; again within "
    "10 s, as two tabs refreshing together do, it gets a fresh pair of the same login)",
    body=RefreshRequest,
    response=Tokens,
    public=True,
    errors=(401,),
)
def refresh() -> Response:
    return jsonify(rpc().identity.refresh(json_body()))


@api.post("/auth/logout")
@documented(
    "End this login: its refresh tokens, and its access tokens (refused within a second)",
    body=RefreshRequest,
    response=Ok,
    public=True,
)
def logout() -> Response:
    return jsonify(rpc().identity.logout(json_body()))


@api.get("/me")
@documented("The person logged in, with their posts", response=User)
def me() -> Response:
    return jsonify(rpc().identity.me(caller()))
