"""Notify's answers."""

from typing import Any

from pydantic import BaseModel, Field

from services.notify.domain.delivery import Preferences


class NoticeDelivery(BaseModel):
    channel: str  # email | sms
    status: str  # pending | sending | sent | failed (will retry) | dead | unknown
    reason: str | None = None


class Notice(BaseModel):
    """An in-app notice. ``kind`` and ``params`` let the gateway phrase it in the reader's
    language; notify never stores prose."""

    id: str
    kind: str
    post_id: str | None = Field(description="the post it is for (work that reached a desk)")
    user_id: str | None = Field(None, description="the person it is for (their DSC, VPN, ...)")
    params: dict[str, Any]
    created_at: str
    read_at: str | None
    deliveries: list[NoticeDelivery] = []


class MarkedRead(BaseModel):
    marked: int  # how many were unread


class NoticeList(BaseModel):
    items: list[Notice]
    unread: int  # of all the notices, not only this page's
    next_cursor: str | None = None


class Delivery(BaseModel):
    """One email or SMS: to whom, how its tries went, and where it stands."""

    id: str
    channel: str
    kind: str
    to: str | None
    status: str
    reason: str | None = None
    attempts: int
    next_try: str | None = None
    created_at: str
    sent_at: str | None = None
    dispatch_of: str | None = Field(None, description="the issued letter it carries")
    tries: list[dict[str, Any]] = []


class DeliveryList(BaseModel):
    items: list[Delivery]
    next_cursor: str | None = None


class PreferencesAnswer(Preferences):
    """A person's choices with every kind's channels spelt out (defaults included)."""

    kinds: list[str] = Field(description="every kind of notice")
    available_channels: list[str] = Field(
        description="what this office can send by: email, and SMS where a gateway is set up"
    )


class NewCircular(BaseModel):
    """A circular from an office to every post of it and below."""

    office_code: str = Field(min_length=1, max_length=50, description="it reaches every post here")
    title: str = Field(min_length=1, max_length=300)
    text: str = Field("", max_length=5000)


class CircularSent(BaseModel):
    id: str
    posts: int = Field(description="how many posts it reached")
