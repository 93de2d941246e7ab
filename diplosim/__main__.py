"""``python -m diplosim``: the same as the ``diplosim`` command."""
from .cli import main

raise SystemExit(main())
