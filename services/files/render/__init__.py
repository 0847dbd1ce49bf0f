"""The files service's documents as PDF (and the RTI export as CSV): the note sheet, a file's or
receipt's history for an RTI reply, draft letters. The rules they show live in ``domain``."""
