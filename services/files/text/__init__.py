"""Text read out of documents (a PDF's own text layer, else OCR of its page images) and the
full-text index built from it. A room of the files service: the worker that reads is a timer
in ``service/``, what it read is kept in ``store.py``."""
