"""The rules of dak and files, pure Python, one subject per module: receipts, the history
chain, and (as they come) file numbering, notes, movement, who may see what, the note sheet."""
