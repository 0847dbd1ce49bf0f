"""Identity's requests and answers."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["dealing_hand", "diarist", "officer", "nodal_officer", "admin", "hq_viewer"]
Code = Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]*$")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Credentials(Strict):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=10, max_length=200)


class NewOffice(Strict):
    code: str = Code
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    level: str = Field(min_length=1, max_length=40, description="e.g. state, district, circle")
    parent_code: str | None = None


class NewPost(Strict):
    office_code: str = Code
    abbreviation: str = Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    reports_to: str | None = Field(None, description="abbreviation of the post this one reports to")


class NewUser(Strict):
    username: str = Field(min_length=3, max_length=100, pattern=r"^[a-z0-9._-]+$")
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=4, max_length=200)
    roles: list[Role] = []
    office_code: str = Code
    posts: list[str] = Field([], description="abbreviations of the posts this person holds")


class Office(BaseModel):
    id: str
    code: str
    name_en: str
    name_hi: str
    level: str
    parent_id: str | None
    path: list[str]


class Post(BaseModel):
    id: str
    abbreviation: str
    name_en: str
    name_hi: str
    office_id: str
    office_code: str
    office_path: list[str]
    holder_user_id: str | None = None
    holder_name: str | None = None


class Posts(BaseModel):
    items: list[Post]


class User(BaseModel):
    id: str
    username: str
    name_en: str
    name_hi: str
    roles: list[str]
    office_id: str
    posts: list[Post] = []


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"
    user: User
