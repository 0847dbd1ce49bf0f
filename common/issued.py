"""What every issued document carries beside its number (a letter, a leave order): a code that
is printed with it, so knowing the number alone is not enough to pull its verification report."""

import secrets

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over a phone


def verification_code() -> str:
    """Eight characters printed beside the number."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def same_code(given: object, kept: str) -> bool:
    """The code as a reader types it (any case, spaces around) against the one issued."""
    return isinstance(given, str) and secrets.compare_digest(given.strip().upper(), kept)
