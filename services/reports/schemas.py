"""Reports' answers."""

from pydantic import BaseModel


class PostPendency(BaseModel):
    post_id: str
    post_name: str
    items: int
    oldest_since: str


class Pendency(BaseModel):
    office_id: str
    posts: list[PostPendency]
    total: int
