"""Signing's rules as plain code, one concept a module: the officer's signature made on their
token (``token_signing``) and kept as a signing until it is completed (``signing_record``), the
office's seal (``seal``), verifying any signed PDF (``verification``), long-term validation data
(``validation_data``); and what they share: the visible signature field (``signature_field``)
and certificates (``certificates``)."""
