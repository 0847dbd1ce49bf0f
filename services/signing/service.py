"""Signing: PAdES signatures on officers' tokens, seals, verification (its own issue).
For now it answers the health call so the office can tell it is there."""

from nameko.rpc import rpc


class SigningService:
    name = "signing"

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "ok": True}
