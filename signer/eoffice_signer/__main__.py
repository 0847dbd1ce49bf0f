"""``python -m eoffice_signer``: the same as the ``eoffice-signer`` command."""

import sys

from eoffice_signer.cli import main

sys.exit(main())
