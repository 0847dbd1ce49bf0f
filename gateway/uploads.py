"""Files into and out of a request, alike for the API and the pages: the form's fields, its
uploaded PDF, sheet or certificate, and a stored PDF or an export sent back."""

import base64

from flask import Response, request

from common.errors import InvalidInput


def form_fields() -> dict[str, str]:
    """The form's text fields, without blanks (a blank optional field means 'not given')."""
    return {k: v for k, v in request.form.items() if v.strip()}


def uploaded_pdf_b64(field: str = "pdf") -> str | None:
    """The PDF uploaded in ``field``, if any (a physical letter may come without a scan)."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return None
    content = upload.read()
    if not content:
        raise InvalidInput("PDF_MISSING")
    return base64.b64encode(content).decode()


def uploaded_sheet() -> dict[str, str]:
    """The uploaded sheet (field ``sheet``) as identity takes it: its name and base64 bytes."""
    upload = request.files.get("sheet")
    if upload is None:
        raise InvalidInput("SHEET_NOT_SPREADSHEET")
    return {
        "filename": upload.filename or "",
        "content_b64": base64.b64encode(upload.read()).decode(),
    }


def uploaded_certificate() -> dict[str, str]:
    """The uploaded DSC certificate (field ``certificate``, PEM or DER) as identity takes it."""
    upload = request.files.get("certificate")
    content = upload.read() if upload is not None else b""
    if not content:
        raise InvalidInput("NOT_A_CERTIFICATE")
    return {"certificate_b64": base64.b64encode(content).decode()}


def pdf_response(content_b64: str, sha256: str) -> Response:
    """A stored PDF, shown in the browser and kept a day in the reader's own cache."""
    return Response(
        base64.b64decode(content_b64),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{sha256[:16]}.pdf"',
            "Cache-Control": "private, max-age=86400",
        },
    )


def download(content_b64: str, mimetype: str, filename: str) -> Response:
    """Something made to be saved (an export, a note sheet) under ``filename``."""
    return Response(
        base64.b64decode(content_b64),
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
