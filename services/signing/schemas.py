"""Signing's requests and answers: prepared signings, completions and verification reports
arrive with the signing issue."""
