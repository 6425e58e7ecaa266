"""A strict YAML reader for criteria files: plain data with a position for every node.

PyYAML's parser gives the events (with line:col marks); values are built here, not by a
YAML 1.1 resolver, so `no` stays a string, `0.1` is an exact `Decimal` and nothing is ever
a float. Refused: anchors, aliases, merge keys (`<<`), explicit tags, several documents,
duplicate keys (compared after NFC and the removal of invisible characters), tabs.

Scalars (plain, i.e. unquoted, only): `true`/`false` (any case) → bool; `null`, `~` or empty →
None; `-?\\d+` → int, but a leading zero (`012`) is an error: quote it if it is a code;
`-?\\d+.\\d+` and exponent forms → `Decimal`; anything else (dates, `70%`) → str. Quoted and
block scalars are always strings. Every string is NFC-normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from emulate.diagnostics import Catalogue, Diagnostic, Where

MAX_BYTES = 1_000_000

CATALOGUE = Catalogue(
    {
        "yaml.syntax": (
            "error",
            "lỗi cú pháp YAML: {problem}",
            "YAML syntax error: {problem}",
        ),
        "yaml.tab": (
            "error",
            "có ký tự tab; hãy thụt lề bằng dấu cách",
            "tab character; indent with spaces",
        ),
        "yaml.duplicate_key": (
            "error",
            "khóa '{key}' bị lặp (lần đầu ở dòng {line})",
            "duplicate key '{key}' (first at line {line})",
        ),
        "yaml.anchor": (
            "error",
            "không dùng neo YAML '&{name}': hãy viết đầy đủ giá trị",
            "YAML anchors are not allowed ('&{name}'): write the value out",
        ),
        "yaml.alias": (
            "error",
            "không dùng tham chiếu YAML '*{name}': hãy viết đầy đủ giá trị",
            "YAML aliases are not allowed ('*{name}'): write the value out",
        ),
        "yaml.merge": (
            "error",
            "không dùng khóa gộp '<<': hãy viết đầy đủ các khóa (hoặc dùng 'extends')",
            "merge keys '<<' are not allowed: write the keys out (or use 'extends')",
        ),
        "yaml.tag": (
            "error",
            "không dùng thẻ YAML '{tag}'",
            "YAML tags are not allowed ('{tag}')",
        ),
        "yaml.multiple_documents": (
            "error",
            "tệp có nhiều hơn một tài liệu YAML ('---'); chỉ dùng một",
            "the file holds more than one YAML document ('---'); use one",
        ),
        "yaml.empty": (
            "error",
            "tệp rỗng",
            "the file is empty",
        ),
        "yaml.leading_zero": (
            "error",
            "'{text}' có số 0 ở đầu nên không rõ là số hay chữ: viết {number} nếu là số, "
            'hoặc đặt trong dấu nháy ("{text}") nếu là mã, chữ',
            "'{text}' has a leading zero, so it is unclear whether it is a number or text: "
            'write {number} for a number, or quote it ("{text}") for a code or text',
        ),
        "yaml.key": (
            "error",
            "khóa phải là một giá trị đơn (chữ), không phải danh sách hay bảng",
            "a key must be a plain scalar, not a list or a mapping",
        ),
        "yaml.too_large": (
            "error",
            "tệp quá lớn (hơn {limit} byte)",
            "the file is too large (more than {limit} bytes)",
        ),
        "yaml.encoding": (
            "error",
            "tệp không phải UTF-8 (byte {offset})",
            "the file is not UTF-8 (byte {offset})",
        ),
    }
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_INVISIBLE[0xA0] = " "
_LEADING_ZERO = re.compile(r"^-?0[0-9]+(\.[0-9]*)?$")
_INT = re.compile(r"^-?(0|[1-9][0-9]*)$")
_DEC = re.compile(r"^-?([0-9]+\.[0-9]*|\.[0-9]+|[0-9]+(\.[0-9]*)?[eE][-+]?[0-9]+)$")
_CONTAINERS = (dict, list)


def clean_key(text: str) -> str:
    return unicodedata.normalize("NFC", text.translate(_INVISIBLE)).strip()


@dataclass
class Node:
    """A YAML value with its place. `value` is a dict of str → Node, a list of Node, or a
    scalar. The place is the parser's mark, made a `Where` only when asked for (few nodes
    ever are); `key` is the key's node when this is the value of a mapping."""

    value: Any
    file: str
    mark: Any
    key: Node | None = None
    quoted: bool = False

    @property
    def where(self) -> Where:
        return _where(self.file, self.mark)

    @property
    def key_where(self) -> Where | None:
        return None if self.key is None else self.key.where

    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


def resolve_plain(text: str) -> Any:
    low = text.lower()
    if low in ("true", "false"):
        return low == "true"
    if text in ("", "~") or low == "null":
        return None
    if _INT.match(text):
        return int(text)
    if _DEC.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid forms
            return text
    return unicodedata.normalize("NFC", text)


def _where(file: str, mark: Any) -> Where:
    return Where(file=file, line=mark.line + 1, col=mark.column + 1)


def read_yaml(data: bytes, file: str) -> tuple[Node | None, list[Diagnostic]]:
    """Parse one criteria file; returns the root node (None on a fatal error) and every
    diagnostic found."""
    import yaml

    diags: list[Diagnostic] = []
    if len(data) > MAX_BYTES:
        return None, [CATALOGUE.make("yaml.too_large", Where(file), limit=MAX_BYTES)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [CATALOGUE.make("yaml.encoding", Where(file), offset=exc.start)]
    fast = _fast_build(text, file)
    if fast is not None:
        builder = fast
        diags.extend(fast.diags)
        fast.diags = diags
    else:
        builder = _Builder(file, diags)
    try:
        if fast is None:
            builder.build(yaml.SafeLoader(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = _where(file, mark) if mark is not None else Where(file)
        problem = str(exc.problem or exc.context or exc)
        if "\t" in problem or "'\\t'" in problem:
            diags.append(CATALOGUE.make("yaml.tab", where))
        else:
            diags.append(CATALOGUE.make("yaml.syntax", where, problem=problem))
        return None, diags
    except yaml.YAMLError as exc:
        diags.append(CATALOGUE.make("yaml.syntax", Where(file), problem=str(exc)))
        return None, diags
    if builder.documents == 0 or builder.root is None:
        diags.append(CATALOGUE.make("yaml.empty", Where(file)))
        return None, diags
    return builder.root, diags


def _fast_build(text: str, file: str) -> _Builder | None:
    """The events of libyaml (same events and marks, ~8x faster), or None when it is not
    there or finds a problem: then the pure parser runs, so messages are always its own."""
    import yaml

    if not getattr(yaml, "__with_libyaml__", False):
        return None
    builder = _Builder(file, [])
    try:
        builder.build(yaml.CSafeLoader(text))
    except yaml.YAMLError:
        return None
    return builder


class _Builder:
    """Turns parser events into `Node`s, reporting what strict mode refuses."""

    def __init__(self, file: str, diags: list[Diagnostic]) -> None:
        import yaml

        self.file = file
        self.diags = diags
        self.stack: list[tuple[Node, list[Any]]] = []  # (container, [pending key, key node])
        self.root: Node | None = None
        self.documents = 0
        self.first_key_line: list[dict[str, int]] = []
        # by the event's exact class: the parsers make no subclasses
        self.handlers: dict[type, Callable[[Any], None]] = {
            yaml.DocumentStartEvent: self.document,
            yaml.AliasEvent: self.alias,
            yaml.ScalarEvent: self.scalar,
            yaml.MappingStartEvent: self.mapping,
            yaml.SequenceStartEvent: self.sequence,
            yaml.MappingEndEvent: self.mapping_end,
            yaml.SequenceEndEvent: self.sequence_end,
        }

    def err(self, code: str, mark: Any, **params: object) -> None:
        self.diags.append(CATALOGUE.make(code, _where(self.file, mark), **params))

    def build(self, loader: Any) -> None:
        """Every event of a PyYAML parser (`get_event` gives None after the stream's end)."""
        handlers = self.handlers
        get = loader.get_event
        try:
            while (event := get()) is not None:
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
        finally:
            loader.dispose()

    def document(self, event: Any) -> None:
        self.documents += 1
        if self.documents == 2:
            self.err("yaml.multiple_documents", event.start_mark)

    def alias(self, event: Any) -> None:
        self.err("yaml.alias", event.start_mark, name=event.anchor)
        self.add(Node(None, self.file, event.start_mark), event)

    def refused(self, event: Any) -> None:
        """Anchors and explicit tags of a scalar or a collection."""
        if event.anchor is not None:
            self.err("yaml.anchor", event.start_mark, name=event.anchor)
        if event.tag is not None:
            tag = event.tag.replace("tag:yaml.org,2002:", "!!")
            self.err("yaml.tag", event.start_mark, tag=tag)

    def scalar(self, event: Any) -> None:
        self.refused(event)
        text = event.value
        quoted = bool(event.style)
        if quoted:
            value = unicodedata.normalize("NFC", text)
        else:
            if _LEADING_ZERO.match(text):
                self.leading_zero(event)
            value = resolve_plain(text)
        self.add(Node(value, self.file, event.start_mark, quoted=quoted), event)

    def leading_zero(self, event: Any) -> None:
        text = event.value
        sign, digits = ("-", text[1:]) if text[0] == "-" else ("", text)
        digits = digits.lstrip("0")
        number = sign + (digits if digits[:1].isdigit() else "0" + digits)
        self.err("yaml.leading_zero", event.start_mark, text=text, number=number)

    def mapping(self, event: Any) -> None:
        self.refused(event)
        node = Node({}, self.file, event.start_mark)
        self.add(node, event)
        self.stack.append((node, [None, None]))
        self.first_key_line.append({})

    def sequence(self, event: Any) -> None:
        self.refused(event)
        node = Node([], self.file, event.start_mark)
        self.add(node, event)
        self.stack.append((node, [None, None]))

    def mapping_end(self, event: Any) -> None:
        self.stack.pop()
        self.first_key_line.pop()

    def sequence_end(self, event: Any) -> None:
        self.stack.pop()

    def add(self, node: Node, event: Any) -> None:
        if not self.stack:
            if self.documents <= 1:
                self.root = node
            return
        parent, pending = self.stack[-1]
        if isinstance(parent.value, list):
            parent.value.append(node)
            return
        if pending[0] is None:  # this node is a key
            if isinstance(node.value, _CONTAINERS):
                self.err("yaml.key", event.start_mark)
                pending[0], pending[1] = "\0invalid", node
                return
            raw = node.value
            key = (
                ""
                if raw is None
                else clean_key(str(raw).lower() if isinstance(raw, bool) else str(raw))
            )
            if key == "<<" and not node.quoted:
                self.err("yaml.merge", event.start_mark)
                key = "\0merge"
            seen = self.first_key_line[-1]
            if key in seen:
                self.err("yaml.duplicate_key", event.start_mark, key=key, line=seen[key])
                key = f"\0dup{node.where.line}:{node.where.col}"
            else:
                seen[key] = node.mark.line + 1
            pending[0], pending[1] = key, node
            return
        key, key_node = pending
        pending[0] = pending[1] = None
        if key.startswith("\0"):
            return
        node.key = key_node
        parent.value[key] = node
