"""Loading a criteria file (DESIGN §5): strict YAML → `extends` merge → `RuleSet` → semantic
checks. Every problem of every stage is collected and raised together in one `EmulateError`.

`sha256` of the result: for a file without `extends`, the SHA-256 of its bytes; for a file
with `extends`, the SHA-256 of the effective merged content, i.e. of the line
`emulate-merged/1` followed by the canonical JSON of the merged tree (keys in file order,
numbers as their decimal text) — two files that merge to the same rules get the same hash.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any

from emulate.diagnostics import Catalogue, Diagnostic, EmulateError, Severity, Where
from emulate.rules.yamlstrict import MAX_BYTES, Node, read_yaml

if typing.TYPE_CHECKING:
    from emulate.rules.model import RuleSet

CATALOGUE = Catalogue(
    {
        "rules.file_missing": (
            "error",
            "không tìm thấy tệp tiêu chí '{path}' (các bộ dựng sẵn: {builtins})",
            "criteria file '{path}' not found (built-in rule sets: {builtins})",
        ),
        "rules.file_unreadable": (
            "error",
            "không đọc được tệp '{path}': {reason}",
            "cannot read '{path}': {reason}",
        ),
        "rules.not_mapping": (
            "error",
            "tệp tiêu chí phải là một bảng khóa: giá trị ở cấp cao nhất",
            "a criteria file must be a mapping (key: value) at the top level",
        ),
        "rules.unknown_key": (
            "error",
            "khóa '{key}' không hợp lệ trong {section_vi}{hint_vi}",
            "unknown key '{key}' in {section_en}{hint_en}",
        ),
        "rules.missing_key": (
            "error",
            "thiếu khóa bắt buộc '{key}' trong {section_vi}",
            "missing required key '{key}' in {section_en}",
        ),
        "rules.invalid": (
            "error",
            "giá trị của '{path}' không hợp lệ: {detail_vi}",
            "invalid value of '{path}': {detail_en}",
        ),
        "rules.extends_cycle": (
            "error",
            "'extends' tạo vòng lặp: {chain}",
            "'extends' forms a cycle: {chain}",
        ),
        "rules.extends_type": (
            "error",
            "'extends' phải là tên bộ dựng sẵn hoặc đường dẫn tệp",
            "'extends' must be a built-in name or a file path",
        ),
        "rules.missing_reference": (
            "error",
            "căn cứ '{basis}' dẫn tới '{key}' nhưng '{key}' không có trong 'references'{hint_vi}",
            "basis '{basis}' cites '{key}', which is missing from 'references'{hint_en}",
        ),
        "rules.unused_reference": (
            "warning",
            "văn bản '{key}' trong 'references' không được căn cứ nào dùng",
            "reference '{key}' is not cited by any basis",
        ),
        "rules.title_cycle": (
            "error",
            "các danh hiệu phụ thuộc vòng tròn: {cycle}",
            "titles depend on each other in a cycle: {cycle}",
        ),
        "rules.quota_share": (
            "error",
            "tỷ lệ chỉ tiêu của {title} phải lớn hơn 0% và không quá 100% (đang là {value})",
            "quota share of {title} must be above 0% and at most 100% (got {value})",
        ),
        "rules.quota_count": (
            "error",
            "số suất của {title} phải từ 1 trở lên (đang là {value})",
            "quota count of {title} must be at least 1 (got {value})",
        ),
        "rules.quota_at_least": (
            "error",
            "'at_least' của {title} không được âm (đang là {value})",
            "'at_least' of {title} must not be negative (got {value})",
        ),
        "rules.quota_per": (
            "error",
            "'per: {per}' của {title} không phải là trường của {scope_vi}{hint_vi}",
            "'per: {per}' of {title} is not a field of {scope_en}{hint_en}",
        ),
        "rules.one_of_unknown": (
            "error",
            "'one_of' nêu danh hiệu '{title}' không tồn tại{hint_vi}",
            "'one_of' names an unknown title '{title}'{hint_en}",
        ),
        "rules.one_of_scope": (
            "error",
            "nhóm 'one_of' trộn danh hiệu cá nhân và tập thể: {titles}",
            "a 'one_of' group mixes people and unit titles: {titles}",
        ),
        "rules.band_level": (
            "error",
            "'bands' dùng mức '{level}' không có trong 'levels'{hint_vi}",
            "'bands' uses level '{level}', which is not in 'levels'{hint_en}",
        ),
        "rules.levels_empty": (
            "error",
            "'levels' phải có ít nhất một mức xếp loại",
            "'levels' must list at least one level",
        ),
        "rules.money_base": (
            "error",
            "có danh hiệu có tiền thưởng ('money') nhưng thiếu 'money.base' (lương cơ sở)",
            "titles have 'money' but 'money.base' (the base salary) is missing",
        ),
        "rules.empty_name": (
            "error",
            "tên của {title} không được để trống",
            "the name of {title} must not be empty",
        ),
        "rules.choice_values": (
            "error",
            "trường lựa chọn '{field}' cần danh sách 'values'",
            "choice field '{field}' needs 'values'",
        ),
        "rules.choice_default": (
            "error",
            "giá trị mặc định '{default}' của '{field}' không nằm trong 'values' ({allowed})",
            "the default '{default}' of '{field}' is not one of its values ({allowed})",
        ),
        "rules.unknown_builtin": (
            "error",
            "không có bộ tiêu chí dựng sẵn '{name}' (có: {builtins}){hint_vi}",
            "no built-in rule set '{name}' (there are: {builtins}){hint_en}",
        ),
    }
)

_DETAIL = {
    "string_type": ("phải là văn bản (đặt trong dấu nháy)", "must be text (put it in quotes)"),
    "int_type": ("phải là số nguyên", "must be a whole number"),
    "int_parsing": ("phải là số nguyên", "must be a whole number"),
    "int_from_float": ("phải là số nguyên", "must be a whole number"),
    "decimal_type": ("phải là một số", "must be a number"),
    "decimal_parsing": ("phải là một số", "must be a number"),
    "bool_type": ("phải là true hoặc false", "must be true or false"),
    "bool_parsing": ("phải là true hoặc false", "must be true or false"),
    "dict_type": ("phải là một bảng khóa: giá trị", "must be a mapping (key: value)"),
    "tuple_type": ("phải là một danh sách", "must be a list"),
    "list_type": ("phải là một danh sách", "must be a list"),
    "date_type": ("phải là ngày dạng YYYY-MM-DD", "must be a date written YYYY-MM-DD"),
    "date_parsing": ("phải là ngày dạng YYYY-MM-DD", "must be a date written YYYY-MM-DD"),
    "date_from_datetime_parsing": (
        "phải là ngày dạng YYYY-MM-DD",
        "must be a date written YYYY-MM-DD",
    ),
    "model_type": ("phải là một bảng khóa: giá trị", "must be a mapping (key: value)"),
}

# ------------------------------------------------------------------------------------------
# built-ins


def _builtin_dirs() -> list[Path]:
    import emulate

    package = Path(emulate.__file__).resolve().parent
    return [package / "_criteria", package.parent / "criteria"]


def builtin_names() -> list[str]:
    for d in _builtin_dirs():
        if d.is_dir():
            return sorted(p.stem for p in d.glob("*.yaml"))
    return []


def builtin_path(name: str) -> Path:
    for d in _builtin_dirs():
        p = d / f"{name}.yaml"
        if p.is_file():
            return p
    raise KeyError(name)


def _resolve_spec(spec: str | os.PathLike[str]) -> Path | None:
    text = os.fspath(spec)
    if text in builtin_names():
        return builtin_path(text)
    path = Path(text)
    return path if path.is_file() else None


# ------------------------------------------------------------------------------------------
# public API


def load_rules(spec: str | os.PathLike[str]) -> RuleSet:
    """Load a built-in rule set by name, or a criteria file by path; raise `EmulateError`
    with every diagnostic when there is any error."""
    rules, diags = check_rules(spec)
    if rules is None:
        raise EmulateError(diags)
    return rules


def load_rules_text(text: str, source: str) -> RuleSet:
    """Load a criteria file from text; `source` names it in diagnostics. Relative `extends`
    paths resolve against the current directory."""
    rules, diags = check_rules_text(text, source)
    if rules is None:
        raise EmulateError(diags)
    return rules


def check_rules(spec: str | os.PathLike[str]) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Like `load_rules` but returns the rule set (None on any error) and every diagnostic,
    warnings included — what `emulate validate` shows."""
    display = os.fspath(spec)
    path = _resolve_spec(spec)
    if path is None:
        where = Where(display)
        builtins = ", ".join(builtin_names())
        return None, [CATALOGUE.make("rules.file_missing", where, path=display, builtins=builtins)]
    try:
        data = _read_capped(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        return None, [
            CATALOGUE.make("rules.file_unreadable", Where(display), path=display, reason=reason)
        ]
    if display in builtin_names():
        display = f"{display}.yaml"
    return _load(data, display, path.parent, (str(path.resolve()),))


def check_rules_text(text: str, source: str) -> tuple[RuleSet | None, list[Diagnostic]]:
    """`check_rules` over text."""
    return _load(text.encode("utf-8"), source, Path.cwd(), (source,))


def _load(
    data: bytes, display: str, base: Path, chain: tuple[str, ...]
) -> tuple[RuleSet | None, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    root = _read_tree(data, display, base, chain, diags)
    if root is None:
        return None, diags
    extended = root.value.pop("extends", None) is not None
    rules = _validate(root, diags)
    if rules is not None:
        _semantic_checks(rules, root, diags)
    if rules is None or any(d.severity is Severity.ERROR for d in diags):
        return None, diags
    if extended:
        digest = hashlib.sha256(b"emulate-merged/1\n" + _canonical(root.plain())).hexdigest()
    else:
        digest = hashlib.sha256(data).hexdigest()
    return rules.model_copy(update={"source": display, "sha256": digest}), diags


def _read_capped(path: Path) -> bytes:
    """At most one byte more than the size limit, so a huge file is refused, not read."""
    with path.open("rb") as fh:
        return fh.read(MAX_BYTES + 1)


def _canonical(value: Any) -> bytes:
    import json

    def default(o: Any) -> Any:
        if isinstance(o, Decimal):
            return {"$decimal": str(o)}
        raise TypeError(type(o).__name__)

    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=default).encode()


# ------------------------------------------------------------------------------------------
# reading and extends


def _read_tree(
    data: bytes, display: str, base: Path, chain: tuple[str, ...], diags: list[Diagnostic]
) -> Node | None:
    root, found = read_yaml(data, display)
    diags.extend(found)
    if root is None:
        return None
    if not isinstance(root.value, dict):
        diags.append(CATALOGUE.make("rules.not_mapping", root.where))
        return None
    ext = root.value.get("extends")
    if ext is None:
        return root
    # When the parent cannot be had, stop here: checking the child alone would only add noise.
    if not isinstance(ext.value, str) or not ext.value.strip():
        diags.append(CATALOGUE.make("rules.extends_type", ext.where))
        return None
    name = ext.value.strip()
    names = builtin_names()
    if name in names:
        ppath = builtin_path(name)
        pdisplay = f"{name}.yaml"
    else:
        ppath = (base / name) if not Path(name).is_absolute() else Path(name)
        pdisplay = str(Path(display).parent / name) if display else name
        if not ppath.is_file():
            looks_builtin = "/" not in name and "\\" not in name and not name.endswith(".yaml")
            if looks_builtin:
                diags.append(
                    CATALOGUE.make(
                        "rules.unknown_builtin",
                        ext.where,
                        name=name,
                        builtins=", ".join(names),
                        **_hint(name, names),
                    )
                )
            else:
                diags.append(
                    CATALOGUE.make(
                        "rules.file_missing", ext.where, path=name, builtins=", ".join(names)
                    )
                )
            return None
    key = str(ppath.resolve())
    if key in chain:
        names_chain = [Path(c).stem for c in (*chain, key)]
        diags.append(
            CATALOGUE.make("rules.extends_cycle", ext.where, chain=" → ".join(names_chain))
        )
        return None
    try:
        pdata = _read_capped(ppath)
    except OSError as exc:
        diags.append(
            CATALOGUE.make("rules.file_unreadable", ext.where, path=name, reason=exc.strerror)
        )
        return None
    parent = _read_tree(pdata, pdisplay, ppath.parent, (*chain, key), diags)
    if parent is None:
        return None
    parent.value.pop("extends", None)
    root.value.pop("extends", None)
    merged = _merge(parent, root)
    merged.value["extends"] = ext  # marks the tree as extended; removed before validation
    return merged


def _merge(parent: Node, child: Node) -> Node:
    """Maps merge recursively by key (the child wins); anything else is replaced."""
    if not (isinstance(parent.value, dict) and isinstance(child.value, dict)):
        return child
    out: dict[str, Node] = {}
    for k, v in parent.value.items():
        out[k] = _merge(v, child.value[k]) if k in child.value else v
    for k, v in child.value.items():
        if k not in out:
            out[k] = v
    return Node(out, child.file, child.mark, child.key, child.quoted)


# ------------------------------------------------------------------------------------------
# validation against the model


def _hint(name: str, candidates: list[str]) -> dict[str, str]:
    match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    if not match:
        return {"hint_vi": "", "hint_en": ""}
    return {"hint_vi": f" (có phải '{match[0]}'?)", "hint_en": f" (did you mean '{match[0]}'?)"}


def _node_at(root: Node, path: tuple[Any, ...]) -> tuple[Node, tuple[Any, ...]]:
    """The deepest node along `path` and the part of the path that was found."""
    node, found = root, []
    for part in path:
        in_map = isinstance(node.value, dict) and isinstance(part, str) and part in node.value
        in_list = (
            isinstance(node.value, list) and isinstance(part, int) and 0 <= part < len(node.value)
        )
        if not (in_map or in_list):
            continue  # a pydantic union branch or validator name, not a place in the file
        node = node.value[part]
        found.append(part)
    return node, tuple(found)


def _model_at(path: tuple[Any, ...]) -> Any:
    """The pydantic model class (or None) whose fields are addressed at `path`."""
    from pydantic import BaseModel

    from emulate.rules.model import RuleSet

    tp: Any = RuleSet
    for part in path:
        tp = _unwrap(tp, part)
        if tp is None:
            return None
    tp = _strip_optional(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _strip_optional(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1:
            return _strip_optional(args[0])
    if origin is typing.Annotated:
        return _strip_optional(typing.get_args(tp)[0])
    return tp


def _unwrap(tp: Any, part: Any) -> Any:
    from pydantic import BaseModel

    tp = _strip_optional(tp)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        for name, info in tp.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is dict and isinstance(part, str):
        return args[1]
    if origin is tuple and isinstance(part, int) and args:
        return args[0]
    return None


def _allowed_keys(model: Any) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _sections(path: tuple[Any, ...]) -> dict[str, str]:
    if not path:
        return {"section_vi": "tệp tiêu chí", "section_en": "the criteria file"}
    return {"section_vi": _section(path), "section_en": _section(path)}


def _section(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def _validate(root: Node, diags: list[Diagnostic]) -> RuleSet | None:
    from pydantic import ValidationError

    from emulate.rules.model import RuleSet

    plain = root.plain()
    try:
        return RuleSet.model_validate(plain)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    _report_model_errors(root, errors, diags)
    if all(e["type"] == "extra_forbidden" for e in errors):
        # Unknown keys carry no meaning: without them the rules are checked further, so the
        # user sees condition and reference problems in the same run (the load still fails).
        for e in errors:
            _, found = _node_at(root, tuple(e["loc"]))
            if found and found[-1] == e["loc"][-1]:
                _drop(plain, found)
        try:
            return RuleSet.model_validate(plain)
        except ValidationError:
            return None
    return None


def _drop(tree: Any, path: tuple[Any, ...]) -> None:
    for part in path[:-1]:
        tree = tree[part]
    if path:
        del tree[path[-1]]


def _report_model_errors(root: Node, errors: list[Any], diags: list[Diagnostic]) -> None:
    seen: set[tuple[tuple[Any, ...], str]] = set()
    for e in errors:
        loc = tuple(e["loc"])
        etype = e["type"]
        node, found = _node_at(root, loc)
        if etype == "extra_forbidden":
            key = loc[-1]
            parent = found[:-1] if found and found[-1] == key else found
            model = _model_at(parent)
            allowed = _allowed_keys(model) if model is not None else []
            if (parent, f"extra:{key}") in seen:
                continue
            seen.add((parent, f"extra:{key}"))
            diags.append(
                CATALOGUE.make(
                    "rules.unknown_key",
                    node.key_where or node.where,
                    key=key,
                    **_sections(parent),
                    **_hint(str(key), allowed),
                )
            )
            continue
        if etype == "missing":
            key = loc[-1]
            if (found, f"missing:{key}") in seen:
                continue
            seen.add((found, f"missing:{key}"))
            diags.append(
                CATALOGUE.make(
                    "rules.missing_key",
                    node.where,
                    key=key,
                    **_sections(found),
                )
            )
            continue
        if (found, "invalid") in seen:
            continue
        seen.add((found, "invalid"))
        if etype in _DETAIL:
            vi, en = _DETAIL[etype]
        elif etype == "literal_error":
            expected = (e.get("ctx") or {}).get("expected", "")
            vi, en = f"phải là một trong: {expected}", f"must be one of: {expected}"
        else:
            msg = str(e["msg"]).removeprefix("Value error, ")
            vi = en = msg
        got = node.value if not isinstance(node.value, dict | list) else None
        if got is not None and etype != "missing":
            vi += f" (đang là {got!r})" if not isinstance(got, str) else f" (đang là '{got}')"
            en += f" (got {got!r})" if not isinstance(got, str) else f" (got '{got}')"
        diags.append(
            CATALOGUE.make(
                "rules.invalid",
                node.where,
                path=_section(found),
                detail_vi=vi,
                detail_en=en,
            )
        )


# ------------------------------------------------------------------------------------------
# semantic checks


def _where_of(root: Node, *path: Any) -> Where:
    node, _ = _node_at(root, path)
    w = node.where
    if node.quoted and w.col is not None:
        return Where(file=w.file, line=w.line, col=w.col + 1)
    return w


def _semantic_checks(rules: RuleSet, root: Node, diags: list[Diagnostic]) -> None:
    from emulate.rules.conditions import (
        ConditionError,
        compile_check,
        compile_condition,
        compile_expression,
    )

    def compile_into(fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except ConditionError as exc:
            diags.extend(exc.diagnostics)
            return None

    if not rules.levels:
        diags.append(CATALOGUE.make("rules.levels_empty", _where_of(root, "levels")))
        return
    deps: dict[str, set[str]] = {t: set() for t in rules.titles}
    for tid, title in rules.titles.items():
        scope = title.for_
        if not title.name.strip():
            diags.append(
                CATALOGUE.make(
                    "rules.empty_name", _where_of(root, "titles", tid, "name"), title=tid
                )
            )
        cond = compile_into(
            compile_condition,
            title.when,
            scope,
            rules,
            owner=tid,
            where=_where_of(root, "titles", tid, "when"),
        )
        if cond is not None:
            deps[tid] |= cond.titles
        for i, entry in enumerate(title.order):
            expr = compile_into(
                compile_expression,
                entry,
                scope,
                rules,
                owner=tid,
                where=_where_of(root, "titles", tid, "order", i),
            )
            if expr is not None:
                deps[tid] |= expr.titles
        q = title.quota
        if q is not None:
            if q.share is not None and not (0 < q.share <= 1):
                diags.append(
                    CATALOGUE.make(
                        "rules.quota_share",
                        _where_of(root, "titles", tid, "quota", "share"),
                        title=tid,
                        value=_node_at(root, ("titles", tid, "quota", "share"))[0].value,
                    )
                )
            if q.count is not None and q.count < 1:
                diags.append(
                    CATALOGUE.make(
                        "rules.quota_count",
                        _where_of(root, "titles", tid, "quota", "count"),
                        title=tid,
                        value=q.count,
                    )
                )
            if q.at_least is not None and q.at_least < 0:
                diags.append(
                    CATALOGUE.make(
                        "rules.quota_at_least",
                        _where_of(root, "titles", tid, "quota", "at_least"),
                        title=tid,
                        value=q.at_least,
                    )
                )
            fields = list(rules.fields(scope))
            if q.per is not None and q.per not in fields:
                diags.append(
                    CATALOGUE.make(
                        "rules.quota_per",
                        _where_of(root, "titles", tid, "quota", "per"),
                        title=tid,
                        per=q.per,
                        scope_vi="cá nhân" if scope == "people" else "tập thể",
                        scope_en="people" if scope == "people" else "units",
                        **_hint(q.per, fields),
                    )
                )
            if q.of is not None:
                if q.of in rules.titles_for(scope):
                    deps[tid].add(q.of)
                else:
                    base = compile_into(
                        compile_condition,
                        q.of,
                        scope,
                        rules,
                        owner=tid,
                        where=_where_of(root, "titles", tid, "quota", "of"),
                    )
                    if base is not None:
                        deps[tid] |= base.titles
    # one_of: the lower titles of a group depend on the higher ones (rule-set order)
    order = list(rules.titles)
    for gi, group in enumerate(rules.one_of):
        known = []
        for ti, tid in enumerate(group):
            if tid not in rules.titles:
                diags.append(
                    CATALOGUE.make(
                        "rules.one_of_unknown",
                        _where_of(root, "one_of", gi, ti),
                        title=tid,
                        **_hint(tid, order),
                    )
                )
            else:
                known.append(tid)
        if len({rules.titles[t].for_ for t in known}) > 1:
            diags.append(
                CATALOGUE.make(
                    "rules.one_of_scope", _where_of(root, "one_of", gi), titles=", ".join(group)
                )
            )
            continue
        ranked = sorted(known, key=order.index)
        for hi, higher in enumerate(ranked):
            for lower in ranked[hi + 1 :]:
                deps[lower].add(higher)
    _report_cycles(deps, order, root, diags)
    # bands
    for scope in ("people", "units"):
        spec = rules.subject(scope)  # type: ignore[arg-type]
        for code, cond_text in spec.bands.items():
            if code not in rules.levels:
                diags.append(
                    CATALOGUE.make(
                        "rules.band_level",
                        _key_where(root, scope, "bands", code),
                        level=code,
                        **_hint(code, list(rules.levels)),
                    )
                )
            compile_into(
                compile_condition,
                cond_text,
                scope,
                rules,
                owner=f"{scope}.bands.{code}",
                where=_where_of(root, scope, "bands", code),
            )
    for cid, check in rules.checks.items():
        compile_into(
            compile_check,
            check.require,
            check.for_,
            rules,
            owner=cid,
            where=_where_of(root, "checks", cid, "require"),
        )
        fields = list(rules.fields(check.for_))
        for i, per in enumerate(check.per):
            if per not in fields:
                diags.append(
                    CATALOGUE.make(
                        "rules.quota_per",
                        _where_of(root, "checks", cid, "per", i),
                        title=cid,
                        per=per,
                        scope_vi="cá nhân" if check.for_ == "people" else "tập thể",
                        scope_en=check.for_,
                        **_hint(per, fields),
                    )
                )
    for scope in ("people", "units"):
        for fid, spec in rules.subject(scope).fields.items():  # type: ignore[arg-type]
            if spec.type != "choice":
                continue
            if not spec.values:
                where = _key_where(root, scope, "fields", fid)
                diags.append(CATALOGUE.make("rules.choice_values", where, field=fid))
                continue
            allowed = [*spec.choice_map(), *spec.choice_values()]
            if spec.default is not None and spec.default not in allowed:
                diags.append(
                    CATALOGUE.make(
                        "rules.choice_default",
                        _where_of(root, scope, "fields", fid, "default"),
                        field=fid,
                        default=spec.default,
                        allowed=", ".join(f'"{v}"' for v in spec.choice_map()),
                    )
                )
    paid = [tid for tid, t in rules.titles.items() if t.money is not None]
    if rules.money is None and paid:
        where = _key_where(root, "titles", paid[0], "money")
        diags.append(CATALOGUE.make("rules.money_base", where))
    _check_references(rules, root, diags)


def _key_where(root: Node, *path: Any) -> Where:
    node, _ = _node_at(root, path)
    return node.key_where or node.where


def _report_cycles(
    deps: dict[str, set[str]], order: list[str], root: Node, diags: list[Diagnostic]
) -> None:
    """Every elementary cycle found by a depth-first walk in rule-set order, once each."""
    state: dict[str, int] = {}
    stack: list[str] = []
    reported: set[frozenset[str]] = set()

    def visit(t: str) -> None:
        state[t] = 1
        stack.append(t)
        for d in sorted((d for d in deps.get(t, ()) if d in deps), key=order.index):
            if state.get(d) == 1:
                cycle = [*stack[stack.index(d) :], d]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    diags.append(
                        CATALOGUE.make(
                            "rules.title_cycle",
                            _key_where(root, "titles", cycle[0]),
                            cycle=" → ".join(cycle),
                        )
                    )
            elif d not in state:
                visit(d)
        stack.pop()
        state[t] = 2

    for t in order:
        if t not in state:
            visit(t)


def _check_references(rules: RuleSet, root: Node, diags: list[Diagnostic]) -> None:
    keys = list(rules.references)
    used: set[str] = set()
    cited: list[tuple[str, Where]] = [
        (t.basis, _where_of(root, "titles", tid, "basis"))
        for tid, t in rules.titles.items()
        if t.basis
    ]
    cited += [
        (c.basis, _where_of(root, "checks", cid, "basis"))
        for cid, c in rules.checks.items()
        if c.basis
    ]
    for basis, where in cited:
        for part in basis.split(";"):
            words = part.split()
            if not words:
                continue
            key = words[0]
            if key in rules.references:
                used.add(key)
            else:
                diags.append(
                    CATALOGUE.make(
                        "rules.missing_reference", where, basis=basis, key=key, **_hint(key, keys)
                    )
                )
    for key in keys:
        if key not in used:
            diags.append(
                CATALOGUE.make(
                    "rules.unused_reference", _key_where(root, "references", key), key=key
                )
            )
