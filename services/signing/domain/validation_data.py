"""Long-term validation data (PAdES B-LT): the chains and revocation data a verifier needs years
later, embedded in a signed PDF's document security store.

pyHanko is asynchronous; :func:`add_validation_data` is synchronous and runs its own event loop
(:func:`common.aio.run`).
"""

import io
from collections.abc import Sequence

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore, collect_validation_info
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathError, ValidationError

from common import aio
from common.errors import InvalidInput, Refused
from common.pdf import BROKEN_PDF, check_pdf

from .certificates import trust_roots


def add_validation_data(
    pdf: bytes,
    trust_roots_der: list[bytes],
    *,
    crls_der: Sequence[bytes] = (),
    ocsps_der: Sequence[bytes] = (),
    allow_fetching: bool = False,
) -> bytes:
    """Embed what a verifier needs years later (PAdES B-LT when the signatures are B-T).

    For every signature: the chain and revocation data (CRLs, OCSP responses) for the signer
    and the time-stamp authority, in the document security store, as one incremental update.
    Revocation is checked hard-fail: data that cannot be found (given here, or fetched when
    ``allow_fetching``) is a refusal, ``VALIDATION_DATA_UNAVAILABLE``.
    """
    check_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
    except BROKEN_PDF:
        raise InvalidInput("PDF_UNREADABLE") from None
    if not signatures:
        raise Refused("NOTHING_SIGNED")
    writer = IncrementalPdfFileWriter.from_reader(reader)

    async def run() -> bytes:
        context = ValidationContext(
            trust_roots=trust_roots(trust_roots_der),
            other_certs=[c for s in signatures for c in s.other_embedded_certs],
            crls=list(crls_der),
            ocsps=list(ocsps_der),
            allow_fetching=allow_fetching,
            revocation_mode="hard-fail",
        )
        try:
            for signature in signatures:
                paths = await collect_validation_info(signature, context)
                DocumentSecurityStore.supply_dss_in_writer(
                    writer,
                    signature.pkcs7_content.hex().encode("ascii"),
                    validation_context=context,
                    paths=paths,
                )
        except (SignatureValidationError, PathError, ValidationError) as error:
            reason = type(error).__name__
            raise Refused("VALIDATION_DATA_UNAVAILABLE", {"reason": reason}) from None
        finally:
            # pyhanko-certvalidator leaves aclose untyped, pyHanko the writer's write
            await context.aclose()  # type: ignore[no-untyped-call]
        output = io.BytesIO()
        writer.write(output)  # type: ignore[no-untyped-call]
        return output.getvalue()

    return aio.run(run())
