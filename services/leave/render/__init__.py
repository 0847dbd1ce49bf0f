"""Leave's documents as PDF: the sanction order. The rules they show live in ``domain``."""
