"""Reports' answers."""

from pydantic import BaseModel

from common.events import Names


class PostPendency(BaseModel):
    post_id: str
    post_name: Names
    items: int
    oldest_since: str


class Pendency(BaseModel):
    office_id: str
    posts: list[PostPendency]
    total: int
