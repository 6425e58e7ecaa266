"""Compiling a rule set's expressions once, and the order titles are decided in."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from emulate.rules.model import RuleSet, Scope

if TYPE_CHECKING:
    from emulate.rules.conditions import CompiledCheck, CompiledCondition, CompiledExpression


@dataclass(frozen=True)
class OrderKey:
    source: str
    expression: CompiledExpression
    descending: bool


@dataclass
class CompiledRules:
    when: dict[str, CompiledCondition] = field(default_factory=dict)
    order: dict[str, list[OrderKey]] = field(default_factory=dict)
    quota_base: dict[str, CompiledCondition] = field(default_factory=dict)  # `of` conditions
    bands: dict[Scope, list[tuple[str, CompiledCondition]]] = field(default_factory=dict)
    checks: dict[str, CompiledCheck] = field(default_factory=dict)
    sequence: list[str] = field(default_factory=list)  # titles in decision order


def compile_rules(rules: RuleSet) -> CompiledRules:
    """Compile every condition and expression of `rules` (already validated by the loader)."""
    from emulate.rules.conditions import compile_check, compile_condition, compile_expression

    out = CompiledRules()
    for tid, title in rules.titles.items():
        scope = title.for_
        out.when[tid] = compile_condition(title.when, scope, rules, owner=tid)
        keys = []
        for source in title.order:
            descending = not source.startswith("-")
            text = source if descending else source[1:]
            keys.append(
                OrderKey(source, compile_expression(text, scope, rules, owner=tid), descending)
            )
        out.order[tid] = keys
        quota = title.quota
        if quota is not None and quota.of is not None and quota.of not in rules.titles:
            out.quota_base[tid] = compile_condition(quota.of, scope, rules, owner=tid)
    for scope in ("units", "people"):
        bands = rules.subject(scope).bands
        out.bands[scope] = [
            (code, compile_condition(source, scope, rules, owner=f"bands.{code}"))
            for code, source in bands.items()
        ]
    for cid, check in rules.checks.items():
        out.checks[cid] = compile_check(check.require, check.for_, rules, owner=cid)
    out.sequence = decision_order(rules, out)
    return out


def title_dependencies(rules: RuleSet, compiled: CompiledRules) -> dict[str, set[str]]:
    """Titles each title needs decided first: those its condition, quota base and order
    name, and the higher titles of its `one_of` groups."""
    deps: dict[str, set[str]] = {tid: set() for tid in rules.titles}
    for tid, title in rules.titles.items():
        deps[tid] |= set(compiled.when[tid].titles)
        for key in compiled.order[tid]:
            deps[tid] |= set(_titles_of(key.expression))
        quota = title.quota
        if quota is not None and quota.of is not None:
            if quota.of in rules.titles:
                deps[tid].add(quota.of)
            else:
                deps[tid] |= set(compiled.quota_base[tid].titles)
    for group in rules.one_of:
        for higher_index, higher in enumerate(group):
            for lower in group[higher_index + 1 :]:
                deps[lower].add(higher)
    for tid in deps:
        deps[tid].discard(tid)  # history of oneself: this year's value is not known yet
        deps[tid] &= set(rules.titles)
    return deps


def _titles_of(expression: Any) -> frozenset[str]:
    return getattr(expression, "titles", frozenset())


def decision_order(rules: RuleSet, compiled: CompiledRules) -> list[str]:
    """Dependencies first; among titles ready together, rule-set order (deterministic)."""
    deps = title_dependencies(rules, compiled)
    position = {tid: i for i, tid in enumerate(rules.titles)}
    done: list[str] = []
    remaining = dict(deps)
    while remaining:
        ready = [t for t, d in remaining.items() if d <= set(done)]
        if not ready:  # the loader refuses cycles; be explicit if one slips through
            raise ValueError(f"title dependency cycle among {sorted(remaining)}")
        nxt = min(ready, key=position.__getitem__)
        done.append(nxt)
        del remaining[nxt]
    return done
