"""Assemble README.md from its parts in docs/readme/ (NN-name.md, in order), so several people can edit it at once.

    python scripts/build_readme.py          # rewrite README.md
    python scripts/build_readme.py --check  # exit 1 if README.md is out of date (the tests do this)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARTS = ROOT / "docs" / "readme"
NOTICE = "<!-- Generated from docs/readme/*.md by scripts/build_readme.py: edit the parts, not this file. -->\n"


def build() -> str:
    parts = sorted(PARTS.glob("*.md"))
    return NOTICE + "\n".join(p.read_text(encoding="utf-8").rstrip("\n") + "\n" for p in parts)


def main(argv: list[str]) -> int:
    text = build()
    readme = ROOT / "README.md"
    if "--check" in argv:
        if readme.read_text(encoding="utf-8") != text:
            print("README.md is out of date: run python scripts/build_readme.py")
            return 1
        return 0
    readme.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
