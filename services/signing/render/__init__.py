"""Signing's drawing: the visible stamp a signature puts on the page. The rules of signing live
in ``domain``."""
