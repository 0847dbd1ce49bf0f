"""Notify's rules: what deserves a notice and for whom, what a message says in each language,
how and when a delivery is tried, reminders in working days. No I/O."""
