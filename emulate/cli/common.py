"""What every command shares, defined once: the `--lang` option and bilingual texts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from emulate.diagnostics import Lang

LANGS: tuple[Lang, ...] = ("vi", "en")


def _check_lang(value: str) -> str:
    if value not in LANGS:
        raise typer.BadParameter(
            f"ngôn ngữ {value!r} không hỗ trợ; dùng vi hoặc en (use vi or en)."
        )
    return value


LangOption = Annotated[
    str,
    typer.Option("--lang", help="Ngôn ngữ thông báo: vi (mặc định) hoặc en.", callback=_check_lang),
]


def as_lang(value: str) -> Lang:
    """The `--lang` value (already checked by the option) as a `Lang`."""
    return "en" if value == "en" else "vi"


def say(texts: Mapping[str, tuple[str, str]], key: str, lang: str, **params: Any) -> str:
    """The text `key` of a command's (Vietnamese, English) table, in `lang`, formatted."""
    vi, en = texts[key]
    return (vi if lang == "vi" else en).format(**params)
