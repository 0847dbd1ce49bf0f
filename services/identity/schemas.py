"""Identity's requests and answers."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from common.events import Names
from common.sheets import Column

Role = Literal["dealing_hand", "diarist", "officer", "nodal_officer", "admin", "hq_viewer"]
# The kinds of department (services/identity/domain/departments.py's KINDS).
DepartmentKind = Literal["police", "revenue", "development", "municipal"]
Code = Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]*$")
Level = Field(min_length=2, max_length=40, pattern=r"^[a-z][a-z_]*$")
# An IPv4 network in CIDR notation: what the API's description says of a VPN pool (the service
# checks it is a network with room in it, 422 VPN_POOL_INVALID otherwise).
_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
CIDR = rf"^(?:{_OCTET}\.){{3}}{_OCTET}/(?:3[0-2]|[12]?[0-9])$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Credentials(Strict):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=200)
    otp: str | None = Field(
        None, max_length=10, description="the 6-digit TOTP code, for those enrolled"
    )


class Reauthentication(Strict):
    """Before a signature: the password again, or (for those enrolled in TOTP) a current code,
    which they must then give; a password given too is checked as well."""

    password: str | None = Field(None, min_length=1, max_length=200)
    otp: str | None = Field(None, min_length=6, max_length=10)


class SigningCertificate(BaseModel):
    """The enrolled DSC a signature must be made with, and the CA certificates above it."""

    user_id: str
    certificate_b64: str
    chain_b64: list[str]
    sha256: str
    subject_cn: str
    not_after: str


class RefreshRequest(Strict):
    refresh_token: str = Field(min_length=10, max_length=200)


class Revocations(BaseModel):
    """Access tokens to refuse although their signature holds (see identity.revocations)."""

    users: list[str] = Field(description="people disabled in the last quarter hour")
    tokens: list[str] = Field(description="the jti of access tokens whose login has ended")


class NewOffice(Strict):
    code: str = Code
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    level: str = Level
    parent_code: str | None = None
    levels: list[str] = Field([], description="a department's own levels, top down")
    live_since: date | None = Field(None, description="when the office went paperless")
    vpn_pool: str | None = Field(
        None,
        max_length=20,
        description="a district's VPN addresses, e.g. 10.61.0.0/22",
        json_schema_extra={"pattern": CIDR},
    )
    kind: DepartmentKind | None = Field(
        None,
        description="a department's kind: it brings its levels (unless given), designations "
        "and heads for file numbers",
    )


class OfficeChange(Strict):
    """Rename, move, or mark live; every change is kept in the office's history."""

    name_en: str | None = Field(None, min_length=1, max_length=200)
    name_hi: str | None = Field(None, min_length=1, max_length=200)
    parent_code: str | None = None
    live_since: date | None = None
    vpn_pool: str | None = Field(None, max_length=20, json_schema_extra={"pattern": CIDR})


class NewPost(Strict):
    office_code: str = Code
    abbreviation: str = Field(min_length=2, max_length=40, pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    reports_to: str | None = Field(None, description="abbreviation of the post this one reports to")


class AssignPost(Strict):
    """Post a person to a post (a transfer), or give them its additional charge."""

    user_id: str = Field(min_length=1, max_length=64)
    charge: Literal["regular", "additional"] = "regular"


class NewDelegation(Strict):
    to_user_id: str = Field(min_length=1, max_length=64)
    starts: datetime | None = Field(None, description="default: now")
    ends: datetime
    reason: str = Field("", max_length=500)


class NewUser(Strict):
    username: str = Field(min_length=3, max_length=100, pattern=r"^[a-z0-9._-]+$")
    name_en: str = Field(min_length=1, max_length=200)
    name_hi: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=4, max_length=200)
    roles: list[Role] = []
    role_scopes: dict[Role, str | list[str]] = Field(
        {},
        description="role -> office code it holds over, or several (a nodal officer for "
        "several departments of one district)",
    )
    office_code: str = Code
    posts: list[str] = Field([], description="abbreviations of the posts this person holds")


class TotpCode(Strict):
    code: str = Field(min_length=6, max_length=6, pattern=r"^[0-9]{6}$")


class TotpChange(Strict):
    """Enrolling, re-enrolling or removing TOTP: the password, and (when already enrolled) a
    current code, so that a stolen session alone cannot move the second factor elsewhere."""

    password: str = Field(min_length=1, max_length=200)
    otp: str | None = Field(
        None, max_length=10, description="a current 6-digit code, when TOTP is already enrolled"
    )


class TotpStatus(BaseModel):
    totp_enabled: bool


class Typing(Strict):
    mode: str = Field(
        max_length=20,
        description="how this person types Hindi: off, phonetic (roman letters spelt out in "
        "Devanagari as typed) or inscript (the standard Devanagari keyboard)",
    )


class Office(BaseModel):
    id: str
    code: str
    name_en: str
    name_hi: str
    level: str
    parent_id: str | None
    path: list[str]
    levels: list[str] = []
    live_since: str | None = None
    vpn_pool: str | None = None
    history: list[dict] = []
    kind: str | None = Field(None, description="a department's kind")
    file_heads: list[dict] = Field([], description="a department's heads for file numbers")


class Offices(BaseModel):
    items: list[Office]


class OnLeave(BaseModel):
    """Sanctioned leave of a post's holder, covering today (office time)."""

    from_date: str
    to_date: str


class Post(BaseModel):
    id: str
    abbreviation: str
    name_en: str
    name_hi: str
    office_id: str
    office_code: str
    office_path: list[str]
    district_id: str | None = Field(
        None, description="the district it belongs to (the root office for posts above them)"
    )
    reports_to: str | None = None
    email: str | None = Field(None, description="the post's own address: it stays with the post")
    holder_user_id: str | None = None
    holder_name: str | None = None
    charge: str | None = None
    on_leave: OnLeave | None = Field(
        None, description="the holder's sanctioned leave covering today (office time)"
    )


class MayAct(BaseModel):
    """Whether a person may act from a post now, and the version of the office tree it was
    told at (files keeps identity's answers on posts, chains and offices while it holds)."""

    allowed: bool
    tree_version: str


class Posts(BaseModel):
    items: list[Post]


class Dsc(BaseModel):
    serial: str
    subject_cn: str
    issuer_cn: str
    not_before: str
    not_after: str
    sha256: str
    key_usage: list[str]
    enrolled_at: str


class Grant(BaseModel):
    role: str
    scope: str | None


class User(BaseModel):
    id: str
    username: str
    name_en: str
    name_hi: str
    grants: list[Grant]
    office_id: str
    disabled: bool = False
    totp_enabled: bool = False
    typing: str = Field("off", description="how this person types Hindi (see Typing)")
    locked_until: str | None = Field(None, description="locked out by failed logins until then")
    dsc: Dsc | None = None
    vpn_address: str | None = None
    posts: list[Post] = []


class Users(BaseModel):
    items: list[User]


class Delegation(BaseModel):
    id: str
    post_id: str
    post_name: Names
    holder_user_id: str
    delegate_user_id: str
    starts: str
    ends: str
    reason: str
    ended_at: str | None = None
    live: bool


class Tokens(BaseModel):
    access_token: str
    refresh_token: str
    expires_in: int
    token_type: str = "Bearer"
    user: User


class SigningToken(BaseModel):
    """A token good for one signing only: the token signer fetches that signing and sends its
    signature with it, and it can do nothing else."""

    signing_id: str
    token: str
    expires_at: str


class VpnAccount(BaseModel):
    user_id: str
    address: str
    public_key: str
    issued_at: str
    revoked_at: str | None = None


class VpnConfig(BaseModel):
    filename: str
    config: str


class Certificate(BaseModel):
    """An upload of the officer's DSC certificate (PEM or DER), base64 over the bus."""

    model_config = ConfigDict(extra="forbid")

    certificate_b64: str = Field(min_length=1, max_length=200_000)


class SheetUpload(BaseModel):
    """A master data sheet (XLSX or CSV) as uploaded; base64 over the bus."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field("", max_length=255)
    content_b64: str = Field(min_length=1, max_length=40_000_000)


class SheetRow(BaseModel):
    row: int
    employee_code: str
    action: Literal["create", "update", "unchanged", "reject"]
    values: dict
    changes: dict
    reasons: list[dict]
    notes: list[dict] = Field(
        [], description='how a cell was read, e.g. designation "Dy. SP" as its full name'
    )


class Activation(BaseModel):
    """A one-time code for a newly onboarded person (or one who lost their slip) to set their
    own password."""

    employee_code: str | None = Field(None, description="none for a person made without a sheet")
    login: str
    code: str
    expires_at: str


class SheetReport(BaseModel):
    id: str
    filename: str
    status: Literal["dry_run", "applied"]
    uploaded_at: str
    applied_at: str | None = None
    summary: dict[str, int]
    rows: list[SheetRow]
    activations: list[Activation] = Field([], description="shown once, right after applying")


class Activate(Strict):
    login: str = Field(min_length=3, max_length=200)
    code: str = Field(min_length=6, max_length=40)
    password: str = Field(min_length=8, max_length=200)


class TotpEnrolment(BaseModel):
    """Scan the QR code (or type the secret) into an authenticator app, then confirm a code."""

    secret: str
    uri: str
    qr_svg: str


# The master data sheet's columns (a blank optional email means "issue a Gov ID", a blank post
# "not posted yet", and a blank never erases what is stored): its template, its reader and the
# screens that show its report all name a field the same way.
COLUMNS: tuple[Column, ...] = (
    Column("name_en", "Name (English)", "नाम (अंग्रेज़ी)", "Latin letters / अंग्रेज़ी अक्षर"),
    Column(
        "name_hi",
        "Name (Hindi)",
        "नाम (हिन्दी)",
        "Devanagari / देवनागरी",
        aliases=("नाम (हिंदी)", "हिन्दी नाम", "हिंदी नाम", "name in hindi"),
    ),
    Column(
        "employee_code",
        "Employee code",
        "कर्मचारी कोड",
        "Unique, e.g. PNO / अद्वितीय",
        aliases=("emp code", "employee id", "employee no", "employee number", "pno", "pno no"),
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        "जन्म तिथि",
        "DD-MM-YYYY",
        aliases=("dob", "birth date", "जन्म दिनांक"),
    ),
    Column("gender", "Gender", "लिंग", "Male / Female / Transgender", aliases=("sex", "लिंग (m/f)")),
    Column("designation", "Designation", "पदनाम", "From the list / सूची से", aliases=("rank",)),
    Column(
        "date_of_joining",
        "Date of joining",
        "कार्यभार ग्रहण तिथि",
        "DD-MM-YYYY",
        aliases=("doj", "joining date", "नियुक्ति तिथि", "कार्यभार ग्रहण की तिथि"),
    ),
    Column(
        "mobile",
        "Mobile",
        "मोबाइल",
        "10 digits / 10 अंक",
        aliases=("mobile no", "mobile number", "मोबाइल नंबर", "मोबाइल नम्बर"),
    ),
    Column(
        "email",
        "Official email",
        "आधिकारिक ईमेल",
        "Government domain only; blank: a Gov ID is issued / केवल सरकारी डोमेन",
        optional=True,
        aliases=("email", "e-mail", "email id", "official email id", "ईमेल", "ई-मेल"),
    ),
    Column("office_code", "Office code", "कार्यालय कोड", "e.g. SP-HTR", aliases=("office",)),
    Column(
        "post",
        "Post abbreviation",
        "पद संक्षिप्त नाम",
        "e.g. HC-ESTT-SP-HTR; blank: not posted yet",
        optional=True,
        aliases=("marking abbreviation", "post abbr", "abbreviation", "पटल संक्षिप्त नाम"),
    ),
    Column(
        "roles",
        "Roles",
        "भूमिकाएँ",
        "e.g. dealing_hand, officer",
        aliases=("role", "भूमिका", "भूमिकाएं"),
    ),
)
