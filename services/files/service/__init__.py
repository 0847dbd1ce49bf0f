"""Files: the Nameko service of dak and e-files. Its entrypoints are grouped by what a desk
does (receipts, files, desk views); this class only gathers them and declares what they use."""

from nameko.dependency_providers import Config
from nameko.rpc import RpcProxy

from common import service_parts
from common.deadline import Deadline
from common.storage import Database
from common.trust import Trust
from services.files import store

# Modules, not their classes: `nameko run` takes every class with entrypoints it finds here
# for a service of its own.
from services.files.service import (
    desk,
    drafts,
    efiles,
    filing,
    fulltext,
    pendency,
    reading,
    receipts,
    records,
    signatures,
)


class FilesService(
    receipts.ReceiptDesk,
    efiles.FileDesk,
    filing.FilingDesk,
    drafts.DraftDesk,
    signatures.SignatureDesk,
    desk.DeskViews,
    pendency.PendencyDesk,
    reading.ReadingDesk,
    fulltext.TextSearchDesk,
    records.RecordRoomDesk,
    service_parts.Health,
    service_parts.Idempotency,
    service_parts.Outbox,
):
    name = "files"
    outbox_collections = tuple(store.KINDS)

    storage = Database(indexes=store.ensure_indexes, migrate=reading.prepare_reading)
    identity = RpcProxy("identity")
    signing = RpcProxy("signing")
    trust = Trust()
    config = Config()
    deadline = Deadline()
    fulltext = fulltext.FullText()
