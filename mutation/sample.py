"""Keep one in ``N`` of a cosmic-ray session's pending mutants (the others are marked skipped, "sampled out").

    python mutation/sample.py store.sqlite 3        # one in 3
    python mutation/sample.py store.sqlite 3 1      # another one in 3, none of the first's

``OFFSET`` (0 to N-1, default 0) picks which one in N: samples with different offsets share no mutant, so a test
written for a survivor of one sample can be judged on another.

The choice is fixed by the mutant's place (module, operator, occurrence), not by chance: the same source and
configuration give the same sample on every machine.  Run it after ``cosmic-ray init`` and ``cr-filter-operators``.
"""
from __future__ import annotations

import hashlib
import sqlite3
import sys


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or not all(a.isdigit() for a in argv[1:]) or int(argv[1]) < 1 \
            or (len(argv) == 3 and int(argv[2]) >= int(argv[1])):
        print("usage: python mutation/sample.py SESSION.sqlite N [OFFSET]   (keep one pending mutant in N; OFFSET "
              "from 0 to N-1 picks which one)", file=sys.stderr)
        return 2
    session, n, offset = argv[0], int(argv[1]), int(argv[2]) if len(argv) == 3 else 0
    db = sqlite3.connect(session)
    pending = db.execute("SELECT m.job_id, m.module_path, m.operator_name, m.occurrence FROM mutation_specs m "
                         "WHERE m.job_id NOT IN (SELECT job_id FROM work_results)").fetchall()
    out = []
    for job, module, operator, occurrence in pending:
        key = f"{module}:{operator}:{occurrence}".encode()
        if int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little") % n != offset:
            out.append(("SKIPPED", "sampled out", None, None, job))
    db.executemany("INSERT INTO work_results (worker_outcome, output, test_outcome, diff, job_id) "
                   "VALUES (?, ?, ?, ?, ?)", out)
    db.commit()
    print(f"{len(pending) - len(out)} of {len(pending)} pending mutants kept")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
