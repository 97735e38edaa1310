"""Replacing a file atomically, leaving nothing behind: not a truncated file, not a temporary.

On Linux the new content is written to an unnamed file (``O_TMPFILE``) in the target's folder
and linked into place at the end, so a process killed while writing leaves nothing at all.
Elsewhere (or on file systems without ``O_TMPFILE``) it goes to a named temporary beside the
target, renamed over it; a temporary that a killed save left there is removed by the next save
to the same folder.  Either way the file gets the permissions the user's umask gives.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

#: temporaries are named ``.<target name>.<TAG>-<pid>-<random>``; the pid says whose they are
TAG = "nncore-partial"


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """Yield a binary file to write the new content of ``target`` to; on success it replaces
    ``target`` atomically, on failure nothing is left."""
    folder = target.parent if str(target.parent) else Path(".")
    _remove_stale_temporaries(folder)
    descriptor = _unnamed_file(folder)
    if descriptor is None:
        yield from _through_named_temporary(target, folder)
        return
    with os.fdopen(descriptor, "wb") as file:
        yield file
        file.flush()
        os.fsync(descriptor)
        _link_into_place(descriptor, target, folder)


def _unnamed_file(folder: Path) -> int | None:
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None or not Path("/proc/self/fd").is_dir():
        return None
    try:
        return os.open(folder, flag | os.O_WRONLY, 0o666)  # the umask applies
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOENT):
            return None  # this file system has no unnamed files
        raise


def _link_into_place(descriptor: int, target: Path, folder: Path) -> None:
    # linkat(..., AT_SYMLINK_FOLLOW) on the descriptor's /proc entry: os.link takes that path
    # only when given a directory descriptor
    source, directory = f"/proc/self/fd/{descriptor}", os.open(folder, os.O_RDONLY)
    try:
        try:
            os.link(source, target.name, dst_dir_fd=directory, follow_symlinks=True)
            return
        except FileExistsError:
            pass
        # replacing an existing file: link under a temporary name, then rename it over the target
        temporary = _temporary_name(target)
        os.link(source, temporary, dst_dir_fd=directory, follow_symlinks=True)
        try:
            os.replace(temporary, target.name, src_dir_fd=directory, dst_dir_fd=directory)
        except BaseException:
            os.unlink(temporary, dir_fd=directory)
            raise
    finally:
        os.close(directory)


def _through_named_temporary(target: Path, folder: Path) -> Iterator[BinaryIO]:
    temporary = folder / _temporary_name(target)
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as file:
            yield file
            file.flush()
            os.fsync(descriptor)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _temporary_name(target: Path) -> str:
    return f".{target.name}.{TAG}-{os.getpid()}-{secrets.token_hex(6)}"


def _remove_stale_temporaries(folder: Path) -> None:
    """Remove the temporaries of saves whose process no longer runs."""
    try:
        names = [p for p in folder.iterdir() if f".{TAG}-" in p.name and p.name.startswith(".")]
    except OSError:
        return
    for path in names:
        try:
            pid = int(path.name.rsplit(f".{TAG}-", 1)[1].split("-")[0])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _running(pid):
            with contextlib.suppress(OSError):
                path.unlink()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
