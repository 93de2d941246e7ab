"""store: the durable event store (SQLite): streams of events with a hash chain, snapshots, verification.

The public names live here; the parts are the modules beside this one.
"""
from .facade import (DEFAULT_SNAPSHOT_EVERY, DEFAULT_STREAM, ConcurrencyError, Store, check_stream_name,  # noqa: F401
                     open_store)
