"""Source files of the corpus: which files a path names, and their text, refused with a reason."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from apps.core.exceptions import ApplicationError

MAX_FILE_BYTES = 50 * 1024 * 1024


class IngestError(ApplicationError):
    """A file that cannot be ingested; nothing of it is written."""


def corpus_files(paths: Iterable[Path]) -> list[Path]:
    """Expand directories into the .md/.txt files under them, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix in (".md", ".txt") and p.name.lower() != "readme.md"
                )
            )
        else:
            found.append(path)
    return found


def read_source_text(path: Path) -> tuple[str, str]:
    """(text, sha256) of a UTF-8 source file; IngestError with a clear reason otherwise."""
    if not path.exists():
        raise IngestError("文件不存在")
    if not path.is_file():
        raise IngestError("不是普通文件")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("文件为空")
    if size > MAX_FILE_BYTES:
        raise IngestError(
            f"文件过大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB）"
        )
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError("文件是 UTF-16 编码，请转换为 UTF-8")
    if b"\x00" in data:
        raise IngestError("文件含有二进制内容（NUL 字节），不是文本")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(
            f"文件不是有效的 UTF-8 文本（第 {error.start} 字节起无法解码；GBK 等编码请先转换）"
        ) from None
    if not text.strip():
        raise IngestError("文件只有空白")
    return text, hashlib.sha256(data).hexdigest()
