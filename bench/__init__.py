"""The benchmark suite: diplosim measured against its Python peers (eventsourcing, axelrod) in the same run.

Run it with ``python -m bench`` (``--quick`` for a two-minute run); docs/readme/80-benchmarks.md explains the
workloads, the targets and how each figure is measured.  Modules: :mod:`bench.harness` (timing, peak memory, the
table), :mod:`bench.workloads` (the workloads), :mod:`bench.checks` (correctness), :mod:`bench.data` (the synthetic
log and the bare fold), :mod:`bench.es_peer` and :mod:`bench.axelrod_peer` (the peers' sides), and
:mod:`bench.child` (one peak-memory measurement in a fresh process).
"""
