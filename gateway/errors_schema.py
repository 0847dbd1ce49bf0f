"""The error envelope of API.md, as a model so the OpenAPI document describes it."""

from pydantic import BaseModel


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict


class ErrorEnvelope(BaseModel):
    error: ErrorBody
