"""Writing output files safely: atomically, and never over an input (reliability §F4–F5).

A file is written to a temporary file in the target's own directory (so the final rename
never crosses file systems), flushed and fsynced, then moved over the target with
`os.replace`. Several outputs of one run are staged first and committed together, so a
failure while producing any of them leaves every target untouched.

On Windows `os.replace` fails with `PermissionError` while Excel has the target open; that
becomes a diagnostic asking the officer to close the file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from emulate.diagnostics import Catalogue, EmulateError, Where

MESSAGES = Catalogue(
    {
        "output-is-input": (
            "error",
            "Không ghi kết quả đè lên tệp đầu vào {input}; hãy chọn tên tệp khác.",
            "Refusing to write the output over the input {input}; choose another file name.",
        ),
        "output-in-input-folder": (
            "error",
            "Không ghi kết quả vào thư mục báo cáo {input} (lần chạy sau sẽ đọc nhầm nó là báo "
            "cáo); hãy ghi ra thư mục khác.",
            "Refusing to write the output into the reports folder {input} (the next run would "
            "read it as a report); write it elsewhere.",
        ),
        "output-same-twice": (
            "error",
            "Hai kết quả cùng được ghi vào một tệp; hãy chọn hai tên tệp khác nhau.",
            "Two outputs would be written to the same file; choose two different names.",
        ),
        "output-locked": (
            "error",
            "Không ghi được {path}: tệp đang được mở (có thể trong Excel). "
            "Hãy đóng tệp trong Excel rồi chạy lại.",
            "Cannot write {path}: the file is open (perhaps in Excel). "
            "Close the file in Excel and run again.",
        ),
        "output-no-folder": (
            "error",
            "Không có thư mục {folder} để ghi {path}.",
            "The folder {folder} does not exist, so {path} cannot be written.",
        ),
        "output-is-folder": (
            "error",
            "{path} là một thư mục; hãy cho tên tệp kết quả.",
            "{path} is a folder; give a file name for the output.",
        ),
        "output-failed": (
            "error",
            "Không ghi được {path}: {reason}.",
            "Cannot write {path}: {reason}.",
        ),
    }
)


def _identity(path: Path) -> str:
    """The comparable form of a path: absolute, links resolved, case-folded on Windows."""
    return os.path.normcase(os.path.realpath(path))


def _same_file(a: Path, b: Path) -> bool:
    if _identity(a) == _identity(b):
        return True
    try:  # hard links, case-insensitive file systems on macOS
        return os.path.samefile(a, b)
    except OSError:
        return False


def ensure_not_input(
    output: str | os.PathLike[str], inputs: Iterable[str | os.PathLike[str]]
) -> None:
    """Raise `EmulateError` if `output` is (or resolves to) one of `inputs`, or lies inside
    an input folder."""
    out = Path(output)
    where = Where(file=str(output))
    for item in inputs:
        source = Path(item)
        if source.is_dir():
            if Path(_identity(out)).is_relative_to(_identity(source)):
                raise EmulateError(
                    [MESSAGES.make("output-in-input-folder", where, input=str(item))]
                )
        elif _same_file(out, source):
            raise EmulateError([MESSAGES.make("output-is-input", where, input=str(item))])


Writer = Callable[[BinaryIO], None]


@dataclass
class Staged:
    """A finished temporary file waiting to be moved over its target."""

    target: Path
    temp: Path

    def commit(self) -> None:
        try:
            os.replace(self.temp, self.target)
        except PermissionError as exc:
            self.discard()
            raise EmulateError(
                [MESSAGES.make("output-locked", Where(file=str(self.target)), path=self.target)]
            ) from exc
        except OSError as exc:
            self.discard()
            raise _failed(self.target, exc) from exc
        _fsync_folder(self.target.parent)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.temp.unlink()


def _failed(path: Path, exc: OSError) -> EmulateError:
    return output_failed(path, exc.strerror or type(exc).__name__)


def output_failed(path: Path, reason: str) -> EmulateError:
    """Writing `path` failed (`reason`: the system's words, e.g. "No space left on device")."""
    return EmulateError(
        [MESSAGES.make("output-failed", Where(file=str(path)), path=path, reason=reason)]
    )


def _fsync_folder(folder: Path) -> None:
    """Make the rename durable on POSIX; Windows cannot open a folder, and needs not."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _usual_permissions(temp: Path, target: Path) -> None:
    """mkstemp makes owner-only files; give the output the target's mode, or the usual one."""
    if os.name != "posix":
        return
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp, mode)


def stage(
    path: str | os.PathLike[str],
    content: bytes | Writer,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> Staged:
    """Write `content` (bytes, or a function writing to a binary file) next to `path`.

    The target is not touched until `Staged.commit()`.
    """
    target = Path(path)
    ensure_not_input(target, inputs)
    folder = target.parent
    where = Where(file=str(target))
    if target.is_dir():
        raise EmulateError([MESSAGES.make("output-is-folder", where, path=target)])
    if not folder.is_dir():
        raise EmulateError([MESSAGES.make("output-no-folder", where, folder=folder, path=target)])
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _failed(target, exc) from exc
    temp = Path(name)
    try:
        _usual_permissions(temp, target)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:  # a full disk, mostly
        with contextlib.suppress(OSError):
            temp.unlink()
        raise _failed(target, exc) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return Staged(target=target, temp=temp)


def commit_all(staged: Sequence[Staged]) -> None:
    """Move every staged file over its target; on the first failure drop the rest."""
    for i, item in enumerate(staged):
        try:
            item.commit()
        except BaseException:
            for rest in staged[i + 1 :]:
                rest.discard()
            raise


def write_atomic(
    path: str | os.PathLike[str],
    content: bytes | Writer,
    *,
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> None:
    """Write one file atomically, refusing to overwrite any of `inputs`."""
    stage(path, content, inputs=inputs).commit()


def ensure_distinct(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise `EmulateError` if two output paths name the same file."""
    seen: list[Path] = []
    for item in paths:
        p = Path(item)
        if any(_same_file(p, q) for q in seen):
            raise EmulateError([MESSAGES.make("output-same-twice", Where(file=str(item)))])
        seen.append(p)
