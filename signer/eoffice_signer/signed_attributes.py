"""What a PDF signature signs: a CMS signed-attributes set, read in one place for the signer
(which signs nothing else) and for the office's sign screen (which shows the document digest the
signer prints, so the officer can compare the two).

Needs only asn1crypto: the signer runs on the officer's machine, without the office's code."""

from asn1crypto import cms

# What every PDF signature's signed attributes carry.
REQUIRED = frozenset({"content_type", "message_digest"})


def _attributes(to_sign: bytes) -> cms.CMSAttributes:
    return cms.CMSAttributes.load(to_sign, strict=True)


def is_signed_attributes(to_sign: bytes) -> bool:
    """Whether ``to_sign`` is a signed-attributes set with what a PDF signature's carries."""
    try:
        kinds = {attribute["type"].native for attribute in _attributes(to_sign)}
    except (ValueError, TypeError, KeyError):
        return False
    return kinds >= REQUIRED


def document_digest(to_sign: bytes) -> str | None:
    """The signed document's digest (hex) inside a signed-attributes set; None when it is not
    one or carries none."""
    try:
        for attribute in _attributes(to_sign):
            if attribute["type"].native == "message_digest":
                digest: bytes = attribute["values"][0].native
                return digest.hex()
    except (ValueError, TypeError, KeyError):
        return None
    return None
