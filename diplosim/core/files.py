"""Reading and writing files safely: a size check before reading, parsers that name what is wrong with a file (too
deep, a number too long, a NUL byte, a date that is not one) instead of failing deep inside, and writes that leave
either the old file or the whole new one, never half of it.

Errors are :class:`InputError`; a parser's error carries no location unless it knows the line (the caller adds the
file).
"""
from __future__ import annotations

import contextlib
import datetime
import json
import os
import re
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

from .errors import InputError
from .limits import MAX_NESTING, env_hint, limit

_BOM = b"\xef\xbb\xbf"


# --- reading --------------------------------------------------------------------------------------------------------


def check_readable(path: str | os.PathLike, what: str = "log file", *, cap: str = "MAX_FILE_BYTES") -> int:
    """The size of ``path`` if it is a regular file within the size limit ``cap`` (else InputError naming it).

    Called before a file is opened: a device (``/dev/zero``) or a pipe would be read without end, and opening a pipe
    blocks."""
    name = str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", name) from None
    except OSError as exc:  # a symlink loop, a name too long, no permission on a folder
        raise InputError(exc.strerror or str(exc), name) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"is a directory, not a {what}", name)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"not a regular file (a device, pipe or socket): want a {what}", name)
    most = limit(cap)
    if st.st_size > most:
        raise InputError(f"{st.st_size:,} bytes, more than the limit of {most:,} {env_hint(cap)}", name)
    return st.st_size


def read_bytes(path: str | os.PathLike, what: str = "log file") -> bytes:
    """The bytes of a regular file within ``MAX_FILE_BYTES``."""
    check_readable(path, what)
    most = limit("MAX_FILE_BYTES")
    try:
        with open(path, "rb") as f:
            data = f.read(most + 1)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), str(path)) from None
    if len(data) > most:  # it grew since it was measured
        raise InputError(f"more than the limit of {most:,} bytes {env_hint('MAX_FILE_BYTES')}", str(path))
    return data


def read_text(path: str | os.PathLike, what: str = "log file") -> str:
    """The text of a UTF-8 file (a byte order mark at its start is dropped), read after a size check."""
    data = read_bytes(path, what)
    return decode(data, str(path))


def decode(data: bytes, name: str) -> str:
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(f"not UTF-8 text (byte {exc.start}, line {line})", name) from None


# --- parsing ----------------------------------------------------------------------------------------------------------


def too_deep(value: Any, most: int = MAX_NESTING) -> bool:
    """Whether arrays and tables nest more than ``most`` levels deep in ``value`` (walked level by level, without
    recursion; only containers are visited)."""
    level, depth = [value], 0
    while True:
        deeper = []
        for item in level:
            if isinstance(item, dict):
                item = item.values()
            elif not isinstance(item, list):
                continue
            deeper.extend(x for x in item if isinstance(x, (dict, list)))
        if not deeper:
            return False
        depth += 1
        if depth >= most:
            return True
        level = deeper


DEEP = f"arrays or tables nested more than {MAX_NESTING} levels deep"


def _digits_limit() -> int:
    return sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 4300


class _Twice(ValueError):
    pass


def _no_twice(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):  # JSON would keep the last silently; TOML refuses a key given twice too
        seen = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Twice(f"the key {twice!r:.40} is given twice in one object")
    return out


def loads_json(text: str) -> Any:
    """``json.loads`` with one-line InputErrors (no location) for malformed, too deep or too long input."""
    try:
        value = json.loads(text, object_pairs_hook=_no_twice)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError(DEEP) from None
    except _Twice as exc:
        raise InputError(str(exc)) from None
    except ValueError:  # Python refuses to read integers of more than 4300 digits
        raise InputError(f"a number of more than {_digits_limit()} digits") from None
    # a line with few brackets cannot nest deep: the walk is for the rare one that has many
    if text.count("[") + text.count("{") > MAX_NESTING and too_deep(value):
        raise InputError(DEEP)
    return value


def loads_toml(text: str, path: str) -> dict[str, Any]:
    """``tomllib.loads`` with InputErrors naming ``path:line`` and what is wrong."""
    import tomllib

    nul = text.find("\x00")
    if nul >= 0:
        raise InputError("a NUL byte: is this a text file?", f"{path}:{text.count(chr(10), 0, nul) + 1}")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        reason = re.sub(r"\s*\(at line.*\)", "", str(exc)) or "syntax error"
        if m:
            reason = _bad_date(text, int(m.group(1))) or reason
        raise InputError(f"malformed TOML: {reason}", f"{path}:{m.group(1)}" if m else path) from None
    except RecursionError:
        raise InputError(DEEP, path) from None
    except ValueError:  # an integer of more than 4300 digits
        m = re.search(rf"\d{{{_digits_limit() + 1},}}", text)
        where = f"{path}:{text.count(chr(10), 0, m.start()) + 1}" if m else path
        raise InputError(f"a number of more than {_digits_limit()} digits", where) from None
    if too_deep(doc, MAX_NESTING + 2):  # [[event]] itself is two levels
        raise InputError(DEEP, path)
    return doc


_DATE_LIKE = re.compile(r"(?<![\w.:-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w:.-])")


def _bad_date(text: str, line: int) -> str | None:
    """What is wrong with a date written on ``line`` that TOML could not read (``2017-13-01``), if that is it."""
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    code = lines[line - 1].split("#", 1)[0]
    for m in _DATE_LIKE.finditer(code):
        try:
            datetime.date(*(int(g) for g in m.groups()))
        except ValueError as exc:
            return f"bad date {m.group(0)}: {exc}"
        if len(m.group(2)) != 2 or len(m.group(3)) != 2:
            return f"bad date {m.group(0)}: write it as YYYY-MM-DD, with two digits for the month and the day"
    return None


# --- writing ----------------------------------------------------------------------------------------------------------


def check_writable(path: str | os.PathLike, *, force: bool = True) -> Path:
    """``path`` if a file can be written there: its folder exists and is writable, it is not a folder itself, and
    (unless ``force``) there is no file by that name yet.  Else InputError naming the path."""
    p = Path(path)
    name = str(path)
    if str(path).strip() == "":
        raise InputError("an empty file name", repr(name))
    folder = p.parent
    try:
        if p.is_dir():
            raise InputError("is a directory: give a file name", name)
        if not folder.exists():
            raise InputError("no such folder", str(folder))
        if not folder.is_dir():
            raise InputError("not a folder", str(folder))
        if p.exists() and not force:
            raise InputError("exists already: give another name, or --force to replace it", name)
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), name) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InputError("the folder is not writable", str(folder))
    return p


@contextlib.contextmanager
def replacing(path: str | os.PathLike) -> Iterator[Path]:
    """A temporary path beside ``path`` (same suffix) to write to; renamed over ``path`` when the block ends well,
    removed when it fails.  OS errors are InputErrors naming ``path``."""
    p = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".part" + p.suffix, dir=p.parent)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    os.close(fd)
    try:
        yield Path(tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # as an ordinary new file, not mkstemp's 0600
        os.replace(tmp, p)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write: {exc.strerror or exc}", str(path)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` whole or not at all."""
    with replacing(path) as tmp:
        if isinstance(data, str):
            try:
                data = data.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError(f"text that cannot be written as UTF-8 ({exc.reason}: "
                                 f"{exc.object[exc.start:exc.end]!r})", str(path)) from None
        tmp.write_bytes(data)
    return Path(path)
