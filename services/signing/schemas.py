"""Signing's requests and answers: a prepared signing (what the token must sign), its
completion, a seal, and the verification report."""

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DraftPurpose(Strict):
    """A draft letter on a file: files takes the signed PDF."""

    kind: Literal["draft"]
    file_id: str = Field(min_length=1, max_length=64)
    draft_id: str = Field(min_length=1, max_length=64)


class LeaveOrderPurpose(Strict):
    """The sanction order of a leave application: leave takes the signed PDF."""

    kind: Literal["leave_order"]
    application_id: str = Field(min_length=1, max_length=64)


# What the signature is for; its kind names the service that awaits it and takes the signed PDF.
Purpose = Annotated[DraftPurpose | LeaveOrderPurpose, Field(discriminator="kind")]


class PrepareSigning(Strict):
    pdf_b64: str
    post_id: str = Field(min_length=1, max_length=64, description="the post signing it")
    purpose: Purpose
    lines: list[str] = Field([], max_length=4, description="extra stamp lines (issue number)")
    qr_url: str | None = Field(None, max_length=300)


class Reauth(Strict):
    password: str | None = Field(None, max_length=200)
    otp: str | None = Field(None, max_length=10)


class Prepared(BaseModel):
    """What the officer's token signs (``to_sign_b64``: DER of the CMS signed attributes), and
    until when the server waits for it."""

    signing_id: str
    to_sign_b64: str
    algorithm: Literal["sha256_rsa", "sha256_ecdsa"]
    certificate_sha256: str
    expires_at: str
    status: str


BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class Completion(Strict):
    # The pattern is for the API's description; the service says SIGNATURE_NOT_BASE64 itself.
    signature_b64: str = Field(min_length=1, max_length=4096, json_schema_extra={"pattern": BASE64})


class Completed(BaseModel):
    signing_id: str
    sha256: str
    signed_at: str
    purpose: dict
    level: Literal["B-B", "B-T", "B-LT"] = Field(
        description="PAdES level: B-T with a time-stamp authority, B-LT with revocation data too"
    )
