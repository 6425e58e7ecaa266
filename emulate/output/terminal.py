"""What `emulate score` prints: rich renderables, Vietnamese by default (English with
lang="en"). Nothing here prints; the CLI hands the renderables to its console.

The diagnostics table of failed runs is `emulate.cli.check.render`, shared with `check`."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from emulate.diagnostics import Diagnostic, Lang, Severity
from emulate.engine.explain import money as fmt_money
from emulate.engine.explain import number as fmt_number
from emulate.output import labels
from emulate.output.resultjson import is_missing, sorted_diagnostics
from emulate.text import collation_key

if TYPE_CHECKING:
    from emulate.engine.result import Result

TEXTS: dict[str, tuple[str, str]] = {
    "heading": (
        "Kết quả thi đua, khen thưởng năm {year} — {rules}",
        "Emulation and commendation results {year} — {rules}",
    ),
    "counts": ("{units} đơn vị, {people} cá nhân", "{units} units, {people} people"),
    "titles": ("Danh hiệu và hình thức khen thưởng", "Titles and awards"),
    "title": ("Danh hiệu / hình thức", "Title / award"),
    "for": ("Đối tượng", "For"),
    "eligible": ("Đủ ĐK", "Eligible"),
    "awarded": ("Đề nghị", "Awarded"),
    "tie": ("Bằng điểm", "Tie"),
    "over_quota": ("Ngoài CT", "Over quota"),
    "places": ("Suất", "Places"),
    "money": ("Tiền thưởng", "Prize money"),
    "ranking": ("Xếp hạng {cluster}", "Ranking {cluster}"),
    "ranking_all": ("Xếp hạng đơn vị", "Unit ranking"),
    "rank": ("Hạng", "Rank"),
    "id": ("Mã", "ID"),
    "unit": ("Đơn vị", "Unit"),
    "score": ("Điểm", "Points"),
    "level": ("Xếp loại", "Level"),
    "got": ("Danh hiệu, khen thưởng", "Titles and awards"),
    "more_units": (
        "… và {n} đơn vị khác (xem sổ kết quả)",
        "… and {n} more units (see the workbook)",
    ),
    "leaders": (
        "Xếp hạng: {clusters} cụm, khối thi đua (đơn vị dẫn đầu mỗi cụm)",
        "Ranking: {clusters} clusters (the leading unit of each)",
    ),
    "cluster": ("Cụm, khối", "Cluster"),
    "units_n": ("Số ĐV", "Units"),
    "more_clusters": (
        "Xếp hạng đầy đủ của từng cụm: trang Đơn vị của sổ kết quả",
        "Each cluster's full ranking: the Units sheet of the workbook",
    ),
    "more_ties": (
        "… và {n} nhóm khác (xem trang Đề nghị của sổ kết quả)",
        "… and {n} more pools (see the Nominations sheet of the workbook)",
    ),
    "ties": (
        "Cần Hội đồng quyết định: bằng điểm tại ngưỡng chỉ tiêu",
        "For the council: ties at a quota's cut line",
    ),
    "pool": ("Nhóm", "Pool"),
    "left": ("Suất còn", "Places left"),
    "tied": ("Bằng điểm", "Tied"),
    "no_ties": ("Không có trường hợp bằng điểm tại ngưỡng.", "No ties at a cut line."),
    "total_money": (
        "Tổng tiền thưởng: {amount} {currency}",
        "Total prize money: {amount} {currency}",
    ),
    "money_pending": (
        " (chưa tính các trường hợp bằng điểm)",
        " (ties not included)",
    ),
    "warnings": (
        "{errors} lỗi, {warnings} cảnh báo, {infos} thông tin",
        "{errors} errors, {warnings} warnings, {infos} notes",
    ),
    "more_warnings": (
        "… và {n} mục khác (xem trang Cảnh báo)",
        "… and {n} more (see the Warnings sheet)",
    ),
    "sha": ("SHA-256 của kết quả (JSON): {sha}", "SHA-256 of the result (JSON): {sha}"),
}


def _table(title: str, **kwargs: Any) -> Table:
    """Borderless columns: an 80-column pipe still fits a summary row on one line."""
    return Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, **kwargs)


def _t(key: str, lang: Lang, **params: Any) -> str:
    return labels.pick(TEXTS[key], lang).format(**params)


def _short(rules: Any, tid: str, fallback: str = "id") -> str:
    """The title's short name; without one its id (or its full name)."""
    title = rules.titles.get(tid)
    if title is None:
        return tid
    return title.short or (title.name if fallback == "name" else tid)


def _titles_table(result: Result, lang: Lang) -> Table:
    """One row per title, collectives then individuals under a heading row each; short
    names keep it within 80 columns and figures never wrap."""
    table = _table(_t("titles", lang))
    table.add_column(_t("title", lang), overflow="fold", min_width=12)
    for key in ("eligible", "awarded", "tie", "over_quota", "places", "money"):
        table.add_column(_t(key, lang), justify="right", no_wrap=True)
    records = result.summary().to_dict("records")
    for scope in ("units", "people"):
        rows = [r for r in records if r["for"] == scope]
        if not rows:
            continue
        table.add_row(Text(labels.scope(scope, lang), style="bold"))
        for rec in rows:
            places, tie = rec["places"], rec["tie"]
            table.add_row(
                _short(result.rules, rec["title"], fallback="name"),
                str(rec["eligible"]),
                str(rec["awarded"]),
                Text(str(tie), style="bold yellow") if tie else "0",
                str(rec["over_quota"]),
                "—" if is_missing(places) else str(int(places)),
                fmt_money(rec["money"], lang) if rec["money"] else "—",
            )
    return table


def _got(result: Result, r: dict[str, Any]) -> str:
    titles = r.get("titles")
    if not isinstance(titles, tuple | list):
        return ""
    return ", ".join(_short(result.rules, t) for t in titles)


def _score(r: dict[str, Any], lang: Lang) -> str:
    score = r.get("score")
    return "" if is_missing(score) else fmt_number(Decimal(score), lang)


def _leaders(result: Result, ranked: dict[str, list[dict[str, Any]]], lang: Lang) -> RenderableType:
    """Many clusters: one line each, its leading unit (units sharing first place, all)."""
    table = _table(_t("leaders", lang, clusters=len(ranked)))
    table.add_column(_t("cluster", lang), overflow="fold")
    table.add_column(_t("units_n", lang), justify="right", no_wrap=True)
    table.add_column(_t("unit", lang), overflow="fold")
    table.add_column(_t("score", lang), justify="right", no_wrap=True)
    table.add_column(_t("got", lang), overflow="fold")
    for cluster, rows in ranked.items():
        first = [r for r in rows if not is_missing(r.get("rank")) and r.get("rank") == 1]
        first = first or rows[:1]
        table.add_row(
            cluster or "—",
            str(len(rows)),
            "; ".join(f"{r['id']} {r.get('name') or ''}".strip() for r in first),
            _score(first[0], lang),
            "; ".join(_got(result, r) for r in first),
        )
    table.caption = _t("more_clusters", lang)
    return table


def _rankings(result: Result, lang: Lang, limit: int, clusters_shown: int) -> list[RenderableType]:
    units = result.units
    if "score" not in units.columns or not len(units):
        return []
    if units["score"].isna().all():
        return []
    shown = [c for c in ("id", "name", "cluster", "rank", "score", "level", "titles") if c in units]
    records = units[shown].to_dict("records")
    has_cluster = "cluster" in units.columns
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        cluster = r.get("cluster") if has_cluster else None
        groups["" if is_missing(cluster) else str(cluster)].append(r)
    clusters = sorted(groups, key=collation_key)
    ranked = {
        c: sorted(
            groups[c],
            key=lambda r: (is_missing(r.get("rank")), r.get("rank") or 0, str(r["id"])),
        )
        for c in clusters
    }
    if len(clusters) > clusters_shown:
        return [_leaders(result, ranked, lang)]
    out: list[RenderableType] = []
    for cluster in clusters:
        rows = ranked[cluster]
        heading = _t("ranking", lang, cluster=cluster) if cluster else _t("ranking_all", lang)
        table = _table(heading)
        table.add_column(_t("rank", lang), justify="right", no_wrap=True)
        table.add_column(_t("id", lang), no_wrap=True)
        table.add_column(_t("unit", lang), overflow="fold")
        table.add_column(_t("score", lang), justify="right", no_wrap=True)
        table.add_column(_t("level", lang), no_wrap=True)
        table.add_column(_t("got", lang), overflow="fold")
        for r in rows[:limit]:
            table.add_row(
                "" if is_missing(r.get("rank")) else str(int(r["rank"])),
                str(r["id"]),
                str(r.get("name") or ""),
                _score(r, lang),
                "" if is_missing(r.get("level")) else str(r["level"]),
                _got(result, r),
            )
        if len(rows) > limit:
            table.caption = _t("more_units", lang, n=len(rows) - limit)
        out.append(table)
    return out


def _names(result: Result, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The names of the `wanted` (scope, id) subjects."""
    names: dict[tuple[str, str], str] = {}
    for scope, frame in (("units", result.units), ("people", result.people)):
        ids = {sid for s, sid in wanted if s == scope}
        if ids and "name" in frame.columns:
            rows = frame[frame["id"].astype(str).isin(ids)]
            for sid, name in zip(rows["id"], rows["name"], strict=True):
                names[(scope, str(sid))] = "" if is_missing(name) else str(name)
    return names


def _ties(result: Result, lang: Lang, limit: int) -> RenderableType:
    d = result.decisions
    ties = d[d["status"] == "tie"]
    if not len(ties):
        return Text(_t("no_ties", lang), style="green")
    position = {tid: i for i, tid in enumerate(result.rules.titles)}
    awarded = d[d["status"] == "awarded"]
    taken = awarded.groupby(["title", "pool"], dropna=False).size().to_dict()
    pools: dict[tuple[str, str, Any], list[dict[str, Any]]] = defaultdict(list)
    for rec in ties.to_dict("records"):
        pool = None if is_missing(rec["pool"]) else str(rec["pool"])
        pools[(rec["for"], rec["title"], pool)].append(rec)
    table = _table(_t("ties", lang), title_style="bold yellow")
    table.add_column(_t("title", lang), overflow="fold")
    table.add_column(_t("pool", lang))
    table.add_column(_t("places", lang), justify="right", no_wrap=True)
    table.add_column(_t("left", lang), justify="right", no_wrap=True)
    table.add_column(_t("rank", lang), justify="right", no_wrap=True)
    table.add_column(_t("tied", lang), overflow="fold")
    keys = sorted(pools, key=lambda k: (k[0] != "units", position.get(k[1], 0), k[1], k[2] or ""))
    if len(keys) > limit:
        table.caption = _t("more_ties", lang, n=len(keys) - limit)
    names = _names(result, {(k[0], str(r["subject"])) for k in keys[:limit] for r in pools[k]})
    for key in keys[:limit]:
        scope, tid, pool = key
        recs = sorted(pools[key], key=lambda r: str(r["subject"]))
        places = recs[0]["places"]
        used = taken.get((tid, pool), 0) if pool is not None else _count_unpooled(awarded, tid)
        left = "" if is_missing(places) else str(int(places) - int(used))
        who = "; ".join(
            f"{r['subject']} {names.get((scope, str(r['subject'])), '')}".strip() for r in recs
        )
        table.add_row(
            _short(result.rules, tid),
            pool or "—",
            "" if is_missing(places) else str(int(places)),
            left,
            "" if is_missing(recs[0]["rank"]) else str(int(recs[0]["rank"])),
            who,
        )
    return table


def _count_unpooled(awarded: Any, tid: str) -> int:
    return int((awarded["title"] == tid).sum())


def _warnings(diagnostics: list[Diagnostic], lang: Lang, limit: int) -> list[RenderableType]:
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    line = _t(
        "warnings",
        lang,
        errors=counts[Severity.ERROR],
        warnings=counts[Severity.WARNING],
        infos=counts[Severity.INFO],
    )
    out: list[RenderableType] = [Text(line, style="yellow" if diagnostics else "green")]
    shown = [d for d in sorted_diagnostics(diagnostics) if d.severity is not Severity.INFO]
    for d in shown[:limit]:
        out.append(Text(f"  {d.render(lang)}"))
    if len(shown) > limit:
        out.append(Text(_t("more_warnings", lang, n=len(shown) - limit), style="dim"))
    return out


def render_summary(
    result: Result,
    *,
    lang: Lang | None = None,
    json_sha256: str | None = None,
    units_per_cluster: int = 20,
    clusters_shown: int = 12,
    tie_pools_shown: int = 30,
    warnings_shown: int = 5,
) -> RenderableType:
    """The run's summary: per title counts, each cluster's ranking (past `clusters_shown`
    clusters, the leader of each), ties for the council (the first `tie_pools_shown`
    pools), total prize money, warnings, the JSON's SHA-256. A province's terminal shows a
    screenful; the workbook holds everything."""
    lang = lang or result.lang
    parts: list[RenderableType] = [
        Text(_t("heading", lang, year=result.year, rules=result.provenance.rules_name), "bold"),
        Text(_t("counts", lang, units=len(result.units), people=len(result.people))),
        _titles_table(result, lang),
        *_rankings(result, lang, units_per_cluster, clusters_shown),
        _ties(result, lang, tie_pools_shown),
    ]
    total = result.total_money()
    pending = bool((result.decisions["status"] == "tie").any())
    money_line = _t(
        "total_money", lang, amount=fmt_money(total, lang), currency=labels.currency(lang)
    )
    parts.append(Text(money_line + (_t("money_pending", lang) if pending else ""), "bold"))
    parts += _warnings(result.diagnostics, lang, warnings_shown)
    if json_sha256:
        # one unbroken line for scripts (print with crop=False)
        parts.append(Text(_t("sha", lang, sha=json_sha256), no_wrap=True, overflow="ignore"))
    return Group(*parts)
