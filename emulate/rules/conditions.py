"""The condition language (DESIGN §6): parsed with `ast` against a whitelist, type-checked,
compiled to column operations over an `EvalContext`.

A condition compiles to a tree of closures `f(env) -> Value`; each `Value` is a pandas Series
aligned to the rows being evaluated plus its type. Types:

- `bool`   — bool Series, never missing (a missing operand makes a comparison False);
- `num`    — object Series of exact numbers (`int` / `Fraction`) or None; percent literals and
  `Decimal` columns become `Fraction`, so `share(LDTT) >= 70%` with 7/10 members is exact;
- `level`  — the level's rank (`RuleSet.level_rank`: higher is better) or None;
- `choice` — stored values (or None); an `ordered` choice holds its position instead, so it
  compares with `<`;
- `text`   — strings (or None), `==`/`!=`/`in` only.

Scopes: `people`, `units`, `history` (one row per subject and year: `level`, level codes and
title ids held that year) and, for `checks:`, a group scope where `count/share/size/all/any`
aggregate the rows of each group.
"""

from __future__ import annotations

import ast
import difflib
import io
import itertools
import operator
import tokenize
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

from emulate.diagnostics import Catalogue, Diagnostic, EmulateError, Where
from emulate.rules.colops import (
    Env,
    Value,
    aggregate,
    as_bool,
    as_num,
    as_objects,
    compare,
    factorize,
    frac,
    full,
    history,
    is_array,
    key_positions,
    positions,
    prepare_years,
    zip_apply,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from emulate.rules.context import EvalContext
    from emulate.rules.model import FieldSpec, RuleSet

CondScope = Literal["people", "units", "history"]

CATALOGUE = Catalogue(
    {
        "condition.syntax": (
            "error",
            "điều kiện{owner_vi} sai cú pháp: {detail}",
            "syntax error in condition{owner_en}: {detail}",
        ),
        "condition.not_allowed": (
            "error",
            "'{what}' không được dùng trong điều kiện{owner_vi}",
            "'{what}' is not allowed in the condition{owner_en}",
        ),
        "condition.unknown_name": (
            "error",
            "tên '{name}' không tồn tại trong điều kiện{owner_vi}{hint_vi}",
            "unknown name '{name}' in condition{owner_en}{hint_en}",
        ),
        "condition.unknown_function": (
            "error",
            "hàm '{name}' không tồn tại trong điều kiện{owner_vi}{hint_vi}",
            "unknown function '{name}' in condition{owner_en}{hint_en}",
        ),
        "condition.members_in_people": (
            "error",
            "'{name}' đếm thành viên của một tập thể, không dùng được trong điều kiện cho cá nhân"
            "{at_vi}",
            "'{name}' counts the members of a unit and cannot be used in a condition for "
            "people{at_en}",
        ),
        "condition.person_only": (
            "error",
            "'{name}' là thuộc tính của cá nhân, không dùng được trong điều kiện cho tập thể"
            "{hint_vi}{at_vi}",
            "'{name}' is a property of a person and cannot be used in a condition for "
            "units{hint_en}{at_en}",
        ),
        "condition.history_name": (
            "error",
            "trong hàm theo lịch sử chỉ dùng được 'level', mã xếp loại và mã danh hiệu, không "
            "dùng được '{name}'{at_vi}",
            "inside a history function only 'level', level codes and title ids can be used, "
            "not '{name}'{at_en}",
        ),
        "condition.nested": (
            "error",
            "không dùng '{inner}()' bên trong '{outer}()'{at_vi}",
            "'{inner}()' cannot be used inside '{outer}()'{at_en}",
        ),
        "condition.arity": (
            "error",
            "hàm '{name}' cần {expected} đối số, nhận {got}{at_vi}",
            "'{name}' takes {expected} argument(s), got {got}{at_en}",
        ),
        "condition.type_compare": (
            "error",
            "không so sánh được {left_vi} với {right_vi}: '{text}'{at_vi}",
            "cannot compare {left_en} with {right_en}: '{text}'{at_en}",
        ),
        "condition.unordered": (
            "error",
            "'{text}': {kind_vi} không có thứ tự, chỉ dùng được == và !={at_vi}",
            "'{text}': {kind_en} has no order; only == and != can be used{at_en}",
        ),
        "condition.arithmetic": (
            "error",
            "không làm phép tính với {kind_vi}: '{text}'{at_vi}",
            "arithmetic is not allowed on {kind_en}: '{text}'{at_en}",
        ),
        "condition.unknown_choice": (
            "error",
            "'{value}' không phải là giá trị của '{field}' (các giá trị: {allowed})"
            "{hint_vi}{at_vi}",
            "'{value}' is not a value of '{field}' (allowed: {allowed}){hint_en}{at_en}",
        ),
        "condition.not_boolean": (
            "error",
            "điều kiện{owner_vi} phải cho kết quả đúng/sai, '{text}' là {kind_vi}",
            "condition{owner_en} must be true or false; '{text}' is {kind_en}",
        ),
        "condition.bad_argument": (
            "error",
            "đối số của '{name}' không hợp lệ: {detail_vi}{at_vi}",
            "invalid argument of '{name}': {detail_en}{at_en}",
        ),
        "condition.no_points": (
            "error",
            "'{name}' cần bảng chấm điểm, nhưng {scope_vi} không có bảng điểm{at_vi}",
            "'{name}' needs a points table, but {scope_en} have none{at_en}",
        ),
        "condition.check_row_name": (
            "error",
            "trong quy tắc kiểm tra, '{name}' phải nằm trong count(), share() hoặc all(){at_vi}",
            "in a check, '{name}' must be inside count(), share() or all(){at_en}",
        ),
    }
)

_KIND = {
    "bool": ("giá trị đúng/sai", "a yes/no value"),
    "num": ("một số", "a number"),
    "level": ("mức xếp loại", "a level"),
    "choice": ("giá trị lựa chọn", "a choice"),
    "text": ("văn bản", "text"),
    "str": ("chuỗi", "a string"),
}

MEMBER_FUNCS = {"count", "share", "all", "any", "size"}
HISTORY_FUNCS = {"streak", "years", "ever"}
FUNCS = MEMBER_FUNCS | HISTORY_FUNCS | {"group"}

Fn = Callable[[Env], Value]


# `eq=False` here and below: the fields hold Series, arrays and closures, which have no
# field-wise equality (and importing builds two methods fewer per class).
@dataclass(frozen=True, eq=False)
class ClauseResult:
    text: str
    passed: pd.Series
    seen: pd.Series | None


# ------------------------------------------------------------------------------------------
# the compiler


class _Compiler:
    def __init__(
        self, source: str, scope: str, rules: RuleSet, owner: str, where: Where | None
    ) -> None:
        self.source = source
        self.scope = scope  # people | units | history | group:people | group:units
        self.rules = rules
        self.owner = owner
        self.where = where
        self.diags: list[Diagnostic] = []
        self.titles: set[str] = set()
        self.percents: set[tuple[int, int]] = set()
        self.levels = list(rules.levels)
        self.history_of: str | None = None  # the subject scope of the history function
        self.nodes: dict[int, tuple[str, Fn] | None] = {}  # id(node) → what it compiled to
        self.body: ast.expr | None = None

    # -- diagnostics
    def err(self, code: str, node: ast.AST | None, **params: object) -> None:
        col = getattr(node, "col_offset", None) if node is not None else None
        if col is not None and not isinstance(node, _CharOffset):
            col = self._char(col)
        where = self.where or Where()
        if where.line is not None and col is not None:
            where = Where(file=where.file, line=where.line, col=(where.col or 1) + col)
        params.setdefault("owner_vi", f" của {self.owner}" if self.owner else "")
        params.setdefault("owner_en", f" of {self.owner}" if self.owner else "")
        params.setdefault("at_vi", f" (điều kiện của {self.owner})" if self.owner else "")
        params.setdefault("at_en", f" (condition of {self.owner})" if self.owner else "")
        self.diags.append(CATALOGUE.make(code, where, **params))

    def _char(self, byte_offset: int) -> int:
        """`ast` columns count UTF-8 bytes; messages and slices count characters."""
        return len(self.shown.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def text(self, node: ast.AST) -> str:
        """The source of `node` as written (percent signs included)."""
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if start is None or end is None:
            return ""
        start, end = self._char(start), self._char(end)
        rest = self.shown[end:]
        if rest.lstrip(" ").startswith("%"):
            end += len(rest) - len(rest.lstrip(" ")) + 1
        return self.shown[start:end]

    @staticmethod
    def hint(name: str, candidates: list[str]) -> dict[str, str]:
        match = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
        if not match:
            return {"hint_vi": "", "hint_en": ""}
        return {"hint_vi": f" (có phải '{match[0]}'?)", "hint_en": f" (did you mean '{match[0]}'?)"}

    # -- parsing
    def parse(self) -> ast.expr | None:
        flat = self.source.replace("\r", " ").replace("\n", " ").replace("\t", " ")
        self.shown = self.flat = flat
        chars = list(flat)
        try:
            toks = list(tokenize.generate_tokens(io.StringIO(flat).readline))
        except (tokenize.TokenError, SyntaxError, IndentationError) as exc:
            self.err("condition.syntax", None, detail=str(exc.args[0] if exc.args else exc))
            return None
        for a, b in itertools.pairwise(toks):
            if a.type == tokenize.NUMBER and b.type == tokenize.OP and b.string == "%":
                chars[b.start[1]] = " "
                self.percents.add((1, len(flat[: a.start[1]].encode("utf-8"))))
        self.flat = "".join(chars)
        try:
            tree = ast.parse(self.flat.strip() and self.flat, mode="eval")
        except SyntaxError as exc:
            node = None
            if exc.offset:
                node = _CharOffset(value=None)
                node.col_offset = exc.offset - 1
            self.err("condition.syntax", node, detail=exc.msg)
            return None
        self.body = tree.body
        return tree.body

    # -- entry points
    def condition(self) -> Fn | None:
        body = self.parse()
        if body is None:
            return None
        fn = self.compile(body, self.scope, None)
        if fn is None:
            return None
        return self.require_bool(fn, body)

    def require_bool(self, fn: tuple[str, Fn] | None, node: ast.AST) -> Fn | None:
        if fn is None:
            return None
        kind, f = fn
        if kind != "bool":
            vi, en = _KIND.get(kind, (kind, kind))
            self.err("condition.not_boolean", node, text=self.text(node), kind_vi=vi, kind_en=en)
            return None
        return f

    # -- nodes: each returns (static kind, fn) or None after recording an error
    def compile(self, node: ast.AST, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        """Compile `node`; what is compiled is recorded (by node) so that a clause's left
        operand and the clause share one function, and memoised per evaluation."""
        got = self._compile(node, scope, outer)
        if got is not None and not isinstance(node, ast.Constant):
            got = (got[0], _memo(got[1]))
        self.nodes[id(node)] = got
        return got

    def _compile(self, node: ast.AST, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        if isinstance(node, ast.BoolOp):
            return self.boolop(node, scope, outer)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, scope, outer)
        if isinstance(node, ast.Compare):
            return self.compare(node, scope, outer)
        if isinstance(node, ast.BinOp):
            return self.binop(node, scope, outer)
        if isinstance(node, ast.Name):
            return self.name(node, scope)
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Call):
            return self.call(node, scope, outer)
        what = {
            ast.Attribute: "a.b",
            ast.Subscript: "a[...]",
            ast.Lambda: "lambda",
            ast.IfExp: "... if ... else ...",
            ast.List: "[...]",
            ast.Tuple: "(..., ...)",
            ast.Dict: "{...}",
            ast.Set: "{...}",
        }.get(type(node), type(node).__name__)
        self.err("condition.not_allowed", node, what=what)
        return None

    def boolop(self, node: ast.BoolOp, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        parts = [self.require_bool(self.compile(v, scope, outer), v) for v in node.values]
        if any(p is None for p in parts):
            return None
        fns: list[Fn] = [p for p in parts if p is not None]
        op = operator.and_ if isinstance(node.op, ast.And) else operator.or_

        def run(env: Env) -> Value:
            acc = fns[0](env).data
            for f in fns[1:]:
                acc = op(acc, f(env).data)
            return Value("bool", acc)

        return "bool", run

    def unary(self, node: ast.UnaryOp, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        inner = self.compile(node.operand, scope, outer)
        if inner is None:
            return None
        kind, f = inner
        if isinstance(node.op, ast.Not):
            g = self.require_bool(inner, node.operand)
            if g is None:
                return None
            return "bool", lambda env: Value("bool", ~g(env).data)
        if isinstance(node.op, ast.USub | ast.UAdd) and kind == "num":
            sign = -1 if isinstance(node.op, ast.USub) else 1

            def neg(env: Env) -> Value:
                v = f(env).data
                if not is_array(v):
                    return Value("num", None if v is None else sign * v)
                if v.dtype.kind in "iu":
                    return Value("num", sign * v)
                out = full(len(v), None)
                out[:] = [None if x is None else sign * x for x in v.tolist()]
                return Value("num", out)

            return "num", neg
        if isinstance(node.op, ast.USub | ast.UAdd):
            vi, en = _KIND.get(kind, (kind, kind))
            self.err("condition.arithmetic", node, text=self.text(node), kind_vi=vi, kind_en=en)
            return None
        self.err("condition.not_allowed", node, what=type(node.op).__name__)
        return None

    def constant(self, node: ast.Constant) -> tuple[str, Fn] | None:
        v = node.value
        if isinstance(v, bool) or v is None:
            self.err("condition.not_allowed", node, what=repr(v))
            return None
        if isinstance(v, str):
            return "str", lambda env: Value("str", v)
        if isinstance(v, int | float):
            text = self.text(node)
            try:
                num = Fraction(Decimal(text)) if isinstance(v, float) else Fraction(v)
            except ArithmeticError:
                self.err("condition.not_allowed", node, what=text)
                return None
            if (node.lineno, node.col_offset) in self.percents:
                num = num / 100
            num = int(num) if num.denominator == 1 else num
            return "num", lambda env: Value("num", num)
        self.err("condition.not_allowed", node, what=self.text(node))
        return None

    # -- names
    def _choice_field(self, scope: str, name: str) -> FieldSpec | None:
        base = scope.removeprefix("group:")
        if base not in ("people", "units"):
            return None
        return self.rules.fields(base).get(name)  # type: ignore[arg-type]

    def _female_value(self) -> str | None:
        spec = self.rules.fields("people").get("gender")
        if spec is not None and spec.type == "choice" and "female" in spec.choice_values():
            return "female"
        return None

    def names_of(self, scope: str) -> list[str]:
        base = scope.removeprefix("group:")
        if base == "history":
            return ["level", *self.levels, *self.rules.titles, "true", "false"]
        names = [*self.rules.fields(base), *self.levels, "true", "false"]  # type: ignore[arg-type]
        names += list(self.rules.titles_for(base))  # type: ignore[arg-type]
        if self.rules.subject(base).score:  # type: ignore[arg-type]
            names += ["score", "min_group_ratio"]
        if base == "people" and self._female_value():
            names.append("female")
        if base == "units" and self._female_value():
            names.append("female_share")
        return names

    def name(self, node: ast.Name, scope: str) -> tuple[str, Fn] | None:
        n = node.id
        if n in ("true", "false"):
            val = n == "true"
            return "bool", lambda env: Value("bool", np_full_bool(env.n, val))
        if n in self.rules.levels:
            rank = self.rules.level_rank(n)
            return "level", lambda env: Value("level", rank)
        if scope.startswith("group:") and n not in self.rules.levels:
            self.err("condition.check_row_name", node, name=n)
            return None
        if scope == "history":
            return self.history_name(node)
        subject = scope
        fields = self.rules.fields(subject)  # type: ignore[arg-type]
        if n in self.rules.titles_for(subject):  # type: ignore[arg-type]
            self.titles.add(n)
            return "bool", lambda env: Value("bool", env.typed("bool", n, as_bool))
        if n in fields:
            return self.field(n, fields[n])
        has_points = bool(self.rules.subject(subject).score)  # type: ignore[arg-type]
        if n in ("score", "min_group_ratio"):
            if not has_points:
                self.err(
                    "condition.no_points",
                    node,
                    name=n,
                    scope_vi="cá nhân" if subject == "people" else "tập thể",
                    scope_en=subject,
                )
                return None
            return "num", lambda env: Value("num", env.typed("num", n, as_num))
        female = self._female_value()
        if n == "female" and subject == "people" and female:
            return "bool", lambda env: Value("bool", _equal_to(env, "gender", female))
        if n == "female_share" and subject == "units" and female:
            return self.members_agg("share", None, female_condition=True)
        if subject == "units" and (n in self.rules.fields("people") or n == "female"):
            hint = (
                {"hint_vi": " (dùng 'female_share')", "hint_en": " (use 'female_share')"}
                if n in ("female", "gender")
                else {
                    "hint_vi": f" (dùng 'share({n} ...)' hoặc 'all(...)')",
                    "hint_en": f" (use 'share({n} ...)' or 'all(...)')",
                }
            )
            self.err("condition.person_only", node, name=n, **hint)
            return None
        if n in self.rules.titles:
            self.title_of_other_scope(node, n)
            return None
        if subject == "people" and n in MEMBER_FUNCS | {"female_share"}:
            self.err("condition.members_in_people", node, name=n)
            return None
        self.err("condition.unknown_name", node, name=n, **self.hint(n, self.names_of(scope)))
        return None

    def field(self, n: str, spec: FieldSpec) -> tuple[str, Fn] | None:
        t = spec.type
        if t == "level":
            return "level", self._levels_of(n)
        if t in ("integer", "number", "percent"):
            return "num", lambda env: Value("num", env.typed("num", n, as_num))
        if t == "boolean":
            return "bool", lambda env: Value("bool", env.typed("bool", n, as_bool))
        if t == "choice":
            if spec.ordered:
                values = spec.choice_values()
                key = ("positions", tuple(values))

                def ordered_choice(env: Env) -> Value:
                    data = env.typed(key, n, lambda s: positions(s, values))
                    return Value("choice", data, field=n, ordered=True)

                return "choice", ordered_choice
            return "choice", lambda env: Value("choice", env.typed("obj", n, as_objects), field=n)
        return "text", lambda env: Value("text", env.typed("obj", n, as_objects), field=n)

    def _levels_of(self, n: str) -> Fn:
        codes = self.levels
        key = ("levels", tuple(codes))
        return lambda env: Value(
            "level", env.typed(key, n, lambda s: positions(s, codes, reverse=True))
        )

    def history_name(self, node: ast.Name) -> tuple[str, Fn] | None:
        n = node.id
        if n == "level":
            return "level", self._levels_of("level")
        owner_scope = self.history_of or self.scope
        if n in self.rules.titles and owner_scope in ("history", self.rules.titles[n].for_):
            self.titles.add(n)
            return "bool", lambda env: Value("bool", env.typed("bool", n, as_bool))
        if n in self.rules.titles:
            self.title_of_other_scope(node, n)
            return None
        self.err("condition.history_name", node, name=n)
        return None

    # -- calls
    def call(self, node: ast.Call, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        if not isinstance(node.func, ast.Name):
            self.err("condition.not_allowed", node, what=self.text(node.func) + "(...)")
            return None
        fname = node.func.id
        if fname not in FUNCS:
            self.err(
                "condition.unknown_function", node, name=fname, **self.hint(fname, sorted(FUNCS))
            )
            return None
        kw = {k.arg: k.value for k in node.keywords}
        if (fname != "years" and kw) or any(k is None for k in kw):
            self.err("condition.not_allowed", node, what=f"{fname}(...=...)")
            return None
        nargs = len(node.args)
        expected = {"size": 0, "group": 1}.get(fname, 1)
        if nargs != expected:
            self.err("condition.arity", node, name=fname, expected=expected, got=nargs)
            return None
        if fname == "group":
            return self.group_call(node, scope)
        base = scope.removeprefix("group:")
        if outer is not None:
            self.err("condition.nested", node, inner=fname, outer=outer)
            return None
        if fname in MEMBER_FUNCS:
            if scope.startswith("group:"):
                return self.group_agg(fname, node, scope)
            if base != "units":
                self.err("condition.members_in_people", node, name=f"{fname}()")
                return None
            return self.members_agg(fname, node)
        if scope.startswith("group:") or base == "history":
            self.err(
                "condition.nested",
                node,
                inner=fname,
                outer="check" if base != "history" else "history",
            )
            return None
        return self.history_agg(fname, node, kw, base)

    def group_call(self, node: ast.Call, scope: str) -> tuple[str, Fn] | None:
        base = scope.removeprefix("group:")
        arg = node.args[0]
        if base not in ("people", "units") or scope.startswith("group:"):
            self.err("condition.not_allowed", node, what="group(...)")
            return None
        groups = [g.id for g in self.rules.subject(base).score]  # type: ignore[arg-type]
        if not groups:
            self.err("condition.no_points", node, name="group()", scope_vi=base, scope_en=base)
            return None
        if not isinstance(arg, ast.Constant) or not isinstance(arg.value, str):
            self.err(
                "condition.bad_argument",
                node,
                name="group",
                detail_vi='cần mã nhóm trong dấu nháy, ví dụ group("I")',
                detail_en='needs a quoted group id, e.g. group("I")',
            )
            return None
        gid = arg.value
        if gid not in groups:
            self.err(
                "condition.bad_argument",
                arg,
                name="group",
                detail_vi=f"không có nhóm '{gid}' (các nhóm: {', '.join(groups)})",
                detail_en=f"no group '{gid}' (groups: {', '.join(groups)})",
            )
            return None
        return "num", lambda env: Value("num", env.typed("num", f"group:{gid}", as_num))

    def _inner(self, fname: str, node: ast.Call | None, scope: str) -> Fn | None:
        if node is None or fname == "size":
            return None
        return self.require_bool(self.compile(node.args[0], scope, fname), node.args[0])

    def members_agg(
        self, fname: str, node: ast.Call | None, *, female_condition: bool = False
    ) -> tuple[str, Fn] | None:
        inner: Fn | None = None
        if female_condition:
            female = self._female_value()

            def inner(env: Env) -> Value:
                return Value("bool", _equal_to(env, "gender", female))
        elif fname != "size":
            inner = self._inner(fname, node, "people")
            if inner is None:
                return None

        def run(env: Env) -> Value:
            members = env.cache.get("__members__")
            if members is None:
                people, unit_of = env.ctx.members()
                where = key_positions(unit_of, env.ctx.index)
                members = env.cache["__members__"] = (Env(people), where)
            penv, where = members
            cond = inner(penv).data if inner is not None else None
            return aggregate(fname, cond, where, env.n)

        return ("bool" if fname in ("all", "any") else "num"), run

    def group_agg(self, fname: str, node: ast.Call, scope: str) -> tuple[str, Fn] | None:
        base = scope.removeprefix("group:")
        inner = None
        if fname != "size":
            inner = self._inner(fname, node, base)
            if inner is None:
                return None

        def run(env: Env) -> Value:

            assert env.keys is not None and env.groups is not None
            rows = env.cache.get("__rows__")
            if rows is None:
                rows = env.cache["__rows__"] = Env(env.ctx)
            cond = inner(rows).data if inner is not None else None
            return aggregate(fname, cond, env.group_codes(), len(env.groups))

        return ("bool" if fname in ("all", "any") else "num"), run

    def history_agg(
        self, fname: str, node: ast.Call, kw: dict[str | None, ast.expr], node_scope: str
    ) -> tuple[str, Fn] | None:
        last: int | None = None
        if fname == "years":
            lnode = kw.get("last")
            if (
                set(kw) != {"last"}
                or not isinstance(lnode, ast.Constant)
                or not isinstance(lnode.value, int)
                or isinstance(lnode.value, bool)
                or lnode.value < 1
            ):
                self.err(
                    "condition.bad_argument",
                    node,
                    name="years",
                    detail_vi="cần 'last=N' với N là số nguyên dương, ví dụ years(CSTDCS, last=5)",
                    detail_en="needs 'last=N', N a positive integer, e.g. years(CSTDCS, last=5)",
                )
                return None
            last = lnode.value
        self.history_of = node_scope
        inner = self.require_bool(self.compile(node.args[0], "history", fname), node.args[0])
        self.history_of = None
        if inner is None:
            return None

        def run(env: Env) -> Value:
            past = env.cache.get("__history__")
            if past is None:
                hctx, subject, year, this_year = env.ctx.history()
                where = key_positions(subject, env.ctx.index)
                years = prepare_years(where, year, this_year)
                past = env.cache["__history__"] = (Env(hctx), years)
            henv, years = past
            return history(fname, inner(henv).data, years, env.n, last)

        return ("bool" if fname == "ever" else "num"), run

    # -- operators
    def binop(self, node: ast.BinOp, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul}
        if not isinstance(node.op, ast.Add | ast.Sub | ast.Mult | ast.Div):
            self.err("condition.not_allowed", node, what=self.text(node))
            return None
        left = self.compile(node.left, scope, outer)
        right = self.compile(node.right, scope, outer)
        if left is None or right is None:
            return None
        for kind, _ in (left, right):
            if kind != "num":
                vi, en = _KIND.get(kind, (kind, kind))
                self.err("condition.arithmetic", node, text=self.text(node), kind_vi=vi, kind_en=en)
                return None
        lf, rf = left[1], right[1]
        div = isinstance(node.op, ast.Div)
        op = ops.get(type(node.op))

        def apply(a: Any, b: Any) -> Any:
            a, b = frac(a), frac(b)
            if a is None or b is None:
                return None
            if div:
                return None if b == 0 else Fraction(a) / b
            return op(a, b)  # type: ignore[misc]

        def run(env: Env) -> Value:
            a, b = lf(env).data, rf(env).data
            if not is_array(a) and not is_array(b):
                return Value("num", apply(a, b))
            return Value("num", _arithmetic(apply, a, b, env.n))

        return "num", run

    def compare(self, node: ast.Compare, scope: str, outer: str | None) -> tuple[str, Fn] | None:
        operands = [node.left, *node.comparators]
        parts: list[Fn] = []
        for i, op in enumerate(node.ops):
            part = self.compare_one(node, operands[i], op, operands[i + 1], scope, outer)
            if part is None:
                return None
            parts.append(part)

        def run(env: Env) -> Value:
            acc = parts[0](env).data
            for p in parts[1:]:
                acc = acc & p(env).data
            return Value("bool", acc)

        return "bool", run

    def title_of_other_scope(self, node: ast.AST, n: str) -> None:
        """A title id used where the subjects are of the other scope."""
        other = self.rules.titles[n].for_
        self.err(
            "condition.unknown_name",
            node,
            name=n,
            hint_vi=f" ({n} là danh hiệu cho {'cá nhân' if other == 'people' else 'tập thể'})",
            hint_en=f" ({n} is a title for {other})",
        )

    def type_mismatch(self, node: ast.AST, left: str, right: str) -> None:
        """Two kinds that cannot be compared: "level compared with a number"."""
        lvi, len_ = _KIND.get(left, (left, left))
        rvi, ren = _KIND.get(right, (right, right))
        self.err(
            "condition.type_compare",
            node,
            text=self.text(node),
            left_vi=lvi,
            left_en=len_,
            right_vi=rvi,
            right_en=ren,
        )

    def compare_one(
        self,
        node: ast.Compare,
        lnode: ast.expr,
        op: ast.cmpop,
        rnode: ast.expr,
        scope: str,
        outer: str | None,
    ) -> Fn | None:
        if isinstance(op, ast.In | ast.NotIn):
            return self.membership(node, lnode, op, rnode, scope, outer)
        if isinstance(op, ast.Is | ast.IsNot):
            self.err("condition.not_allowed", node, what="is")
            return None
        left = self.compile(lnode, scope, outer)
        right = self.compile(rnode, scope, outer)
        if left is None or right is None:
            return None
        lk, rk = left[0], right[0]
        equality = isinstance(op, ast.Eq | ast.NotEq)
        # A string literal takes the type of the choice field on the other side.
        if lk == "str" and rk in ("choice", "text"):
            lnode, rnode, left, right = rnode, lnode, right, left
            lk, rk = rk, lk
            op = _SWAP[type(op)]()
        if rk == "str" and lk in ("choice", "text"):
            return self.compare_literal(node, lnode, op, rnode, left[1], lk, scope)
        compatible = lk == rk and lk in ("num", "level", "bool", "choice", "text")
        if lk == "choice" and rk == "choice" and self._choice_of(lnode) != self._choice_of(rnode):
            compatible = False
        if not compatible:
            self.type_mismatch(node, lk, rk)
            return None
        if not equality and (
            lk == "bool" or lk == "text" or (lk == "choice" and not self._ordered(lnode, scope))
        ):
            vi, en = _KIND[lk]
            self.err("condition.unordered", node, text=self.text(node), kind_vi=vi, kind_en=en)
            return None
        pyop = _OPS[type(op)]
        lf, rf = left[1], right[1]
        return lambda env: Value("bool", compare(pyop, lf(env).data, rf(env).data, env.n))

    def _choice_of(self, node: ast.expr) -> str | None:
        return node.id if isinstance(node, ast.Name) else None

    def _ordered(self, node: ast.expr, scope: str) -> bool:
        if isinstance(node, ast.Name):
            spec = self._choice_field(scope, node.id)
            return bool(spec and spec.ordered)
        return False

    def _literal_value(self, field: str | None, lit: ast.expr, scope: str) -> Any:
        """Map a string literal to the stored value of a choice field (a label is accepted
        too); records an error and returns `_BAD` when it is neither."""
        assert isinstance(lit, ast.Constant) and isinstance(lit.value, str)
        spec = self._choice_field(scope, field) if field else None
        if spec is None or spec.type != "choice":
            return lit.value
        cmap = spec.choice_map()
        values = spec.choice_values()
        if lit.value in values:
            return lit.value
        if lit.value in cmap:
            return cmap[lit.value]
        allowed = ", ".join(f'"{v}"' for v in values)
        self.err(
            "condition.unknown_choice",
            lit,
            value=lit.value,
            field=field,
            allowed=allowed,
            **self.hint(lit.value, values + list(cmap)),
        )
        return _BAD

    def compare_literal(
        self,
        node: ast.Compare,
        fnode: ast.expr,
        op: ast.cmpop,
        lit: ast.expr,
        f: Fn,
        kind: str,
        scope: str,
    ) -> Fn | None:
        field = self._choice_of(fnode)
        value = self._literal_value(field, lit, scope)
        if value is _BAD:
            return None
        equality = isinstance(op, ast.Eq | ast.NotEq)
        spec = self._choice_field(scope, field) if field else None
        ordered = bool(spec and spec.ordered and kind == "choice")
        if not equality and not ordered:
            vi, en = _KIND[kind]
            self.err("condition.unordered", node, text=self.text(node), kind_vi=vi, kind_en=en)
            return None
        if ordered:
            assert spec is not None
            value = spec.choice_values().index(value)
        pyop = _OPS[type(op)]
        return lambda env: Value("bool", compare(pyop, f(env).data, value, env.n))

    def membership(
        self,
        node: ast.Compare,
        lnode: ast.expr,
        op: ast.cmpop,
        rnode: ast.expr,
        scope: str,
        outer: str | None,
    ) -> Fn | None:
        left = self.compile(lnode, scope, outer)
        if left is None:
            return None
        if not isinstance(rnode, ast.List | ast.Tuple):
            self.err("condition.not_allowed", rnode, what=f"in {self.text(rnode)}")
            return None
        lk, lf = left
        values: list[Any] = []
        for elt in rnode.elts:
            if (
                lk in ("choice", "text")
                and isinstance(elt, ast.Constant)
                and isinstance(elt.value, str)
            ):
                v = self._literal_value(self._choice_of(lnode), elt, scope)
                if v is _BAD:
                    return None
                if lk == "choice" and self._ordered(lnode, scope):
                    spec = self._choice_field(scope, self._choice_of(lnode) or "")
                    assert spec is not None
                    v = spec.choice_values().index(v)
                values.append(v)
                continue
            got = self.compile(elt, scope, outer)
            if got is None:
                return None
            ek, ef = got
            if ek != lk or not isinstance(elt, ast.Constant | ast.Name | ast.UnaryOp):
                self.type_mismatch(node, lk, ek)
                return None
            if lk == "bool":
                self.err("condition.not_allowed", node, what=self.text(node))
                return None
            values.append(ef)
        negate = isinstance(op, ast.NotIn)

        def run(env: Env) -> Value:
            vals = [v(env).data if callable(v) else v for v in values]
            out = _isin(lf(env).data, vals, env.n)
            return Value("bool", ~out if negate else out)

        return run


_BAD = object()


class _CharOffset(ast.Constant):
    """A place given in characters already (syntax errors)."""


_OPS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_SWAP: dict[type, type] = {
    ast.Eq: ast.Eq,
    ast.NotEq: ast.NotEq,
    ast.Lt: ast.Gt,
    ast.LtE: ast.GtE,
    ast.Gt: ast.Lt,
    ast.GtE: ast.LtE,
}


# ------------------------------------------------------------------------------------------
# public API


# ------------------------------------------------------------------------------------------
# helpers of compiled functions


def _memo(fn: Fn) -> Fn:
    """`fn`, computed once per evaluation (`Env.cache`): a clause and the value it shows share
    the work, and so do repeated sub-expressions."""
    key = object()

    def run(env: Env) -> Value:
        cache = env.cache
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = fn(env)
        return hit

    return run


def np_full_bool(n: int, value: bool) -> np.ndarray:
    import numpy as np

    return np.full(n, value, dtype=bool)


def _equal_to(env: Env, name: str, value: Any) -> np.ndarray:
    """`name == value` per row (missing: False), cached like a column."""
    return env.typed(
        ("equal", value), name, lambda s: compare(operator.eq, as_objects(s), value, len(s))
    )


def _arithmetic(apply: Callable[[Any, Any], Any], a: Any, b: Any, n: int) -> np.ndarray:
    """`apply` row by row; with one side a literal, once per distinct value of the other."""

    if is_array(a) != is_array(b):
        column, literal = (a, b) if is_array(a) else (b, a)
        codes, uniques = factorize(column)
        values = [apply(u, literal) if column is a else apply(literal, u) for u in uniques.tolist()]
        values.append(apply(None, literal) if column is a else apply(literal, None))
        table = full(len(values), None)
        table[:] = values
        return table[codes]  # code -1 (missing) reads the last entry
    return zip_apply(apply, a, b, n)


def _isin(data: Any, values: list[Any], n: int) -> np.ndarray:
    """`data in values` per row; a missing value is in no list."""
    import numpy as np

    if is_array(data) and data.dtype.kind == "O" and not any(is_array(v) for v in values):
        codes, uniques = factorize(data)
        hits = np.array(
            [any(v is not None and bool(u == v) for v in values) for u in uniques.tolist()],
            dtype=bool,
        )
        out = np.zeros(n, dtype=bool)
        valid = codes >= 0
        out[valid] = hits[codes[valid]]
        return out
    out = np.zeros(n, dtype=bool)
    for v in values:
        out |= compare(operator.eq, data, v, n)
    return out


def _bools(data: Any, n: int) -> np.ndarray:
    import numpy as np

    if is_array(data):
        return data if data.dtype == bool else as_bool(data)
    return np.full(n, bool(data), dtype=bool)


# ------------------------------------------------------------------------------------------
# public API


def _display_array(
    value: Value, rules: RuleSet, scope: str, n: int
) -> tuple[np.ndarray, tuple[np.ndarray, list[Any]] | None]:
    """The values as an officer would read them: level codes, choice values, exact numbers;
    for levels and ordered choices also per row a code into the values they can take (-1:
    blank), which the engine uses instead of grouping the values again."""
    import numpy as np

    data = value.data
    if not is_array(data):
        return full(n, data), None
    table: list[Any] | None = None
    if value.kind == "level":
        table = [None] * len(rules.levels)
        for code in rules.levels:
            table[rules.level_rank(code)] = code
    elif value.kind == "choice" and value.ordered and value.field:
        spec = rules.fields(scope.removeprefix("group:")).get(value.field)  # type: ignore[arg-type]
        if spec is not None:
            table = list(spec.choice_values())
    if table is None:
        return data, None
    lookup = full(len(table) + 1, None)
    lookup[: len(table)] = table
    at = np.where(np.isnan(data), len(table), data).astype(np.intp)
    return lookup[at], (np.where(at == len(table), -1, at), table)


@dataclass(frozen=True, eq=False)
class _Clause:
    text: str
    fn: Fn
    left: Fn | None


@dataclass(frozen=True, eq=False)
class ClauseArrays:
    """One clause evaluated: pass/fail and the value seen (as displayed), as arrays aligned
    to the context's rows."""

    text: str
    passed: np.ndarray
    seen: np.ndarray | None
    seen_coded: tuple[np.ndarray, list[Any]] | None = None  # codes into the values (-1: none)


class ConditionError(EmulateError):
    """A condition that does not compile; carries every diagnostic found."""


@dataclass(frozen=True, eq=False)
class CompiledCondition:
    source: str
    scope: str
    titles: frozenset[str]
    clauses: tuple[str, ...]
    _fn: Fn
    _clauses: tuple[_Clause, ...]
    _rules: RuleSet

    def evaluate(self, ctx: EvalContext) -> pd.Series:
        import pandas as pd

        return pd.Series(self.evaluate_array(ctx), index=ctx.index)

    def evaluate_array(self, ctx: EvalContext) -> np.ndarray:
        env = Env(ctx)
        return _bools(self._fn(env).data, env.n)

    def explain(self, ctx: EvalContext) -> list[ClauseResult]:
        import pandas as pd

        index = ctx.index
        return [
            ClauseResult(
                c.text,
                pd.Series(c.passed, index=index),
                None if c.seen is None else pd.Series(c.seen, index=index),
            )
            for c in self.explain_arrays(ctx)
        ]

    def passed_arrays(self, ctx: EvalContext) -> list[np.ndarray]:
        """Whether each top-level clause passed, as `explain_arrays` says, without the values
        seen: they are only shown, and turning them into display values costs per clause."""
        env = Env(ctx)
        return [_bools(c.fn(env).data, env.n) for c in self._clauses]

    def explain_arrays(self, ctx: EvalContext) -> list[ClauseArrays]:
        """Each top-level clause (the parts of an `and`), evaluated once with the value it
        saw (the left side of a comparison)."""
        env = Env(ctx)
        out = []
        for c in self._clauses:
            seen = coded = None
            if c.left is not None:
                seen, coded = _display_array(c.left(env), self._rules, self.scope, env.n)
            out.append(ClauseArrays(c.text, _bools(c.fn(env).data, env.n), seen, coded))
        return out


@dataclass(frozen=True, eq=False)
class CompiledExpression:
    """A sortable value per row (`order:` entries). `descending` is False when the source
    started with `-` (which is stripped); the engine may also strip it itself."""

    source: str
    scope: str
    titles: frozenset[str]
    descending: bool
    _fn: Fn
    kind: str = "num"

    def evaluate(self, ctx: EvalContext) -> pd.Series:
        import pandas as pd

        data = self.evaluate_array(ctx)
        s = pd.Series(data, index=ctx.index)
        if self.kind in ("level", "choice"):
            return s.astype("Int64")
        return s

    def evaluate_array(self, ctx: EvalContext) -> np.ndarray:
        """Per row: numbers (int64, or objects with None), positions of levels and ordered
        choices (floats, NaN when missing), 0/1 for conditions."""
        import numpy as np

        env = Env(ctx)
        data = self._fn(env).data
        if not is_array(data):
            data = full(env.n, data)
        if self.kind == "bool":
            return data.astype(np.int64)
        return data


@dataclass(frozen=True, eq=False)
class CompiledCheck:
    """A rule on groups of rows (`checks:`): `evaluate(ctx, keys)` is indexed by group key."""

    source: str
    scope: str
    titles: frozenset[str]
    _fn: Fn
    _left: Fn | None
    _right: Fn | None

    def evaluate(self, ctx: EvalContext, keys: pd.Series) -> pd.Series:
        return self.run(ctx, keys)[0]

    def explain(
        self, ctx: EvalContext, keys: pd.Series
    ) -> tuple[pd.Series | None, pd.Series | None]:
        """Left and right values of the top comparison, per group (None if not a comparison)."""
        return self.run(ctx, keys)[1]

    def run(
        self, ctx: EvalContext, keys: pd.Series
    ) -> tuple[pd.Series, tuple[pd.Series | None, pd.Series | None]]:
        """`evaluate` and `explain` in one evaluation."""
        import pandas as pd

        env = _group_env(ctx, keys)
        groups = env.groups
        assert groups is not None
        held = pd.Series(_bools(self._fn(env).data, len(groups)), index=groups)

        def side(fn: Fn | None) -> Any:
            if fn is None:
                return None
            data = fn(env).data
            return pd.Series(data, index=groups) if is_array(data) else data

        return held, (side(self._left), side(self._right))


def _group_env(ctx: EvalContext, keys: pd.Series) -> Env:
    """The group scope of a check: groups are the distinct keys in order of appearance."""
    import pandas as pd

    codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
    env = Env(ctx, keys, pd.Index(uniques))
    env.cache["__group_codes__"] = codes
    return env


def _fail(comp: _Compiler) -> ConditionError:
    return ConditionError(comp.diags)


def _and(fns: list[Fn]) -> Fn:
    if len(fns) == 1:
        return fns[0]

    def run(env: Env) -> Value:
        acc = fns[0](env).data
        for f in fns[1:]:
            acc = acc & f(env).data
        return Value("bool", acc)

    return run


def compile_condition(
    source: str,
    scope: CondScope,
    rules: RuleSet,
    *,
    owner: str = "",
    where: Where | None = None,
) -> CompiledCondition:
    comp = _Compiler(source, scope, rules, owner, where)
    body = comp.parse()
    if body is None:
        raise _fail(comp)
    parts = body.values if isinstance(body, ast.BoolOp) and isinstance(body.op, ast.And) else [body]
    fns = [comp.require_bool(comp.compile(part, scope, None), part) for part in parts]
    if any(f is None for f in fns) or comp.diags:
        raise _fail(comp)
    clauses: list[_Clause] = []
    for part, fn in zip(parts, fns, strict=True):
        assert fn is not None
        left = None
        if isinstance(part, ast.Compare):
            got = comp.nodes.get(id(part.left))
            left = got[1] if got else None
        clauses.append(_Clause(comp.text(part), fn, left))
    return CompiledCondition(
        source=source,
        scope=scope,
        titles=frozenset(comp.titles),
        clauses=tuple(c.text for c in clauses),
        _fn=_and([c.fn for c in clauses]),
        _clauses=tuple(clauses),
        _rules=rules,
    )


def compile_expression(
    source: str,
    scope: CondScope,
    rules: RuleSet,
    *,
    owner: str = "",
    where: Where | None = None,
) -> CompiledExpression:
    text = source.strip()
    descending = not text.startswith("-")
    if not descending:
        text = text[1:]
    comp = _Compiler(text, scope, rules, owner, where)
    body = comp.parse()
    got = comp.compile(body, scope, None) if body is not None else None
    if got is None or comp.diags:
        raise _fail(comp)
    kind, fn = got
    if kind in ("text", "str"):
        vi, en = _KIND[kind]
        comp.err("condition.unordered", body, text=text, kind_vi=vi, kind_en=en)
        raise _fail(comp)
    if kind == "choice":
        spec = rules.fields(scope).get(comp._choice_of(body) or "")  # type: ignore[arg-type]
        if not (spec and spec.ordered):
            comp.err(
                "condition.unordered",
                body,
                text=text,
                kind_vi=_KIND["choice"][0],
                kind_en=_KIND["choice"][1],
            )
            raise _fail(comp)
    return CompiledExpression(text, scope, frozenset(comp.titles), descending, fn, kind)


def compile_check(
    source: str,
    scope: Literal["people", "units"],
    rules: RuleSet,
    *,
    owner: str = "",
    where: Where | None = None,
) -> CompiledCheck:
    comp = _Compiler(source, f"group:{scope}", rules, owner, where)
    fn = comp.condition()
    if fn is None or comp.diags:
        raise _fail(comp)
    body = comp.body
    left = right = None
    if isinstance(body, ast.Compare) and len(body.ops) == 1:
        lg, rg = comp.nodes.get(id(body.left)), comp.nodes.get(id(body.comparators[0]))
        left = lg[1] if lg else None
        right = rg[1] if rg else None
    return CompiledCheck(source, scope, frozenset(comp.titles), fn, left, right)
