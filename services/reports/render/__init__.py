"""The reports service's PDFs."""
