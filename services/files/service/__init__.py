"""Files: the Nameko service of dak and e-files. Its entrypoints are grouped by what a desk
does (receipts, files, desk views); this class only gathers them and declares what they use."""

from nameko.dependency_providers import Config
from nameko.events import EventDispatcher
from nameko.rpc import RpcProxy
from nameko.timer import timer

from common import outbox
from common.rpc import rpc
from common.storage import Database
from common.trust import Trust
from services.files import store

# Modules, not their classes: `nameko run` takes every class with entrypoints it finds here
# for a service of its own.
from services.files.service import desk, drafts, efiles, receipts

RELAY_SECONDS = 0.2


class FilesService(receipts.ReceiptDesk, efiles.FileDesk, drafts.DraftDesk, desk.DeskViews):
    name = "files"

    storage = Database(indexes=store.ensure_indexes)
    identity = RpcProxy("identity")
    signing = RpcProxy("signing")
    dispatch = EventDispatcher()
    trust = Trust()
    config = Config()

    @rpc
    def health(self) -> dict:
        return {"service": self.name, "ok": True}

    @timer(interval=RELAY_SECONDS)
    def relay_events(self):
        # Off only in tests that stop a service between a write and its relay.
        if self.config.get("OUTBOX_RELAY", True) is not False:
            outbox.relay(self.storage.db, self.dispatch, self.trust.seal_event, list(store.KINDS))
