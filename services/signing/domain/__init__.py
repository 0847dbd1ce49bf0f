"""Signing's rules as plain code: PAdES signatures prepared, checked, finished, verified."""
