"""Keep one in ``N`` of a cosmic-ray session's pending mutants (the others are marked skipped, "sampled out").

    python mutation/sample.py store.sqlite 3

The choice is fixed by the mutant's place (module, operator, occurrence), not by chance: the same source and
configuration give the same sample on every machine.  Run it after ``cosmic-ray init`` and ``cr-filter-operators``.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys


def main(argv: list[str]) -> int:
    if len(argv) != 2 or not argv[1].isdigit() or int(argv[1]) < 1:
        print("usage: python mutation/sample.py SESSION.sqlite N   (keep one pending mutant in N)", file=sys.stderr)
        return 2
    session, n = argv[0], int(argv[1])
    db = sqlite3.connect(session)
    pending = db.execute("SELECT m.job_id, m.module_path, m.operator_name, m.occurrence FROM mutation_specs m "
                         "WHERE m.job_id NOT IN (SELECT job_id FROM work_results)").fetchall()
    out = []
    for job, module, operator, occurrence in pending:
        key = f"{module}:{operator}:{occurrence}".encode()
        if int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") % n:
            out.append(("SKIPPED", "sampled out", None, None, job))
    db.executemany("INSERT INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
                   "VALUES (?, ?, ?, ?, ?)", out)
    db.commit()
    print(f"{len(pending) - len(out)} of {len(pending)} pending mutants kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
