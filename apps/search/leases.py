"""Reader leases on index generations: the files of a generation stay on disk while any process of
the host reads it.

A reader takes a shared flock on its generation's lease file for as long as its searcher lives;
the writer, cleaning up after a commit, removes an older generation only when it can take that
lock exclusively (no reader holds it), and only the files that no kept generation still uses.
The kernel releases a dead process's locks, so a crash leaves nothing held for good.

Why it is right: a reader leases the newest generation, then checks that its table of contents
is still there. The cleaner removes a table of contents only while it holds the exclusive lock,
so either the reader's shared lock came first (and the cleaner leaves that generation alone) or
the reader finds the table of contents gone after the cleaner let go, and leases a newer one.
Segment files are removed only when no remaining table of contents names them.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress

LEASES = ".leases"


def _path(folder: str, generation: int) -> str:
    return os.path.join(folder, LEASES, f"{generation}.lock")


class Lease:
    """A shared lock on one generation, held until released (or the process ends)."""

    def __init__(self, descriptor: int):
        self._descriptor: int | None = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            os.close(self._descriptor)  # closing the file releases its lock
            self._descriptor = None

    def __del__(self):
        self.release()


def lease(folder: str, generation: int, toc_file: str) -> Lease | None:
    """A lease on `generation` of the index in `folder`, or None when its table of contents
    (`toc_file`) is already gone: a newer generation is there to lease."""
    os.makedirs(os.path.join(folder, LEASES), exist_ok=True)
    descriptor = os.open(_path(folder, generation), os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_SH)
    if not os.path.exists(os.path.join(folder, toc_file)):
        os.close(descriptor)
        return None
    return Lease(descriptor)


@contextmanager
def unread(folder: str, generation: int) -> Iterator[bool]:
    """Whether no reader holds `generation`; while True, none can start reading it (the
    exclusive lock is held until the block ends; remove the table of contents inside it, and
    the lease file goes after it)."""
    # Created if need be: a reader that opens the file now waits for the lock, then finds the
    # table of contents gone.
    os.makedirs(os.path.join(folder, LEASES), exist_ok=True)
    path = _path(folder, generation)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        yield False
        return
    try:
        yield True
        with suppress(FileNotFoundError):  # removed with its folder
            os.unlink(path)
    finally:
        os.close(descriptor)


def leased_generations(folder: str) -> list[int]:
    """The generations that have a lease file (held or left behind)."""
    try:
        names = os.listdir(os.path.join(folder, LEASES))
    except FileNotFoundError:
        return []
    stems = [name.removesuffix(".lock") for name in names if name.endswith(".lock")]
    return sorted(int(stem) for stem in stems if stem.isdigit())
