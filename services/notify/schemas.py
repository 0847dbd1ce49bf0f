"""Notify's answers."""

from typing import Any

from pydantic import BaseModel, Field


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


class MarkedRead(BaseModel):
    marked: int  # how many were unread


class NoticeList(BaseModel):
    items: list[Notice]
    unread: int  # of all the notices, not only this page's
    next_cursor: str | None = None
