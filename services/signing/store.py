"""Signing's collections (prepared signings, seals, trust roots) arrive with the signing issue."""
