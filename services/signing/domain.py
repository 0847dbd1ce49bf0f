"""Signing's rules (what may be signed, by whom, when a prepared signing expires) arrive with
the signing issue; this room exists so the service has the same shape as every other."""
