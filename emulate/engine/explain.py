"""Sentences of the explanations, in Vietnamese or English.

Values are displayed the way an officer writes them: decimal comma in Vietnamese, shares as
percentages, levels by code, yes/no for booleans, "(trống)" for a blank.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any

from emulate.diagnostics import Lang
from emulate.rules.context import Share
from emulate.rules.model import Quota, RuleSet, Scope

TEXT: dict[str, dict[Lang, str]] = {
    "pass": {"vi": "✓", "en": "✓"},
    "fail": {"vi": "✗", "en": "✗"},
    "blank": {"vi": "(trống)", "en": "(blank)"},
    "yes": {"vi": "có", "en": "yes"},
    "no": {"vi": "không", "en": "no"},
    "in_quota": {
        "vi": "Hạng {rank}/{places} suất{pool}: trong chỉ tiêu",
        "en": "Rank {rank} of {places} places{pool}: within the quota",
    },
    "over_quota": {
        "vi": "Hạng {rank}/{places} suất{pool}: ngoài chỉ tiêu",
        "en": "Rank {rank} of {places} places{pool}: over the quota",
    },
    "tie": {
        "vi": "Hạng {rank}/{places} suất{pool}, cùng thứ hạng với {others}: "
        "bằng nhau tại ngưỡng chỉ tiêu, Hội đồng quyết định",
        "en": "Rank {rank} of {places} places{pool}, equal with {others}: "
        "a tie at the quota's cut line, for the council to decide",
    },
    "pool": {"vi": " ({per} {value})", "en": " ({per} {value})"},
    "quota_rule": {
        "vi": "Chỉ tiêu: {rule}; cơ sở tính {base} → {places} suất",
        "en": "Quota: {rule}; base {base} → {places} places",
    },
    "superseded": {
        "vi": "Đã được đề nghị {higher} (hình thức cao hơn cùng nhóm; một thành tích "
        "chỉ một hình thức khen thưởng)",
        "en": "Recommended for {higher} instead (higher in the same group; one achievement, "
        "one form of commendation)",
    },
    "pending": {
        "vi": "Còn chờ Hội đồng quyết định {title} (đang bằng nhau tại ngưỡng)",
        "en": "Pending the council's decision on {title} (a tie at the cut line)",
    },
    "pending_members": {
        "vi": "Còn chờ Hội đồng quyết định {title} của thành viên: {who}",
        "en": "Pending the council's decision on {title} for members: {who}",
    },
    "money": {
        "vi": "Tiền thưởng: {coef} × {base} = {raw} → làm tròn lên {amount} đồng",
        "en": "Prize money: {coef} × {base} = {raw} → rounded up to {amount} VND",
    },
    "money_none": {
        "vi": "Không chi tiền thưởng {title}: cùng kỳ đã chi cho danh hiệu cao hơn {higher} "
        "(NĐ 152/2025 Điều 49.5)",
        "en": "No prize money for {title}: the higher title {higher} of the same period is paid "
        "(Decree 152/2025 Art 49.5)",
    },
    "bonus_capped": {
        "vi": "Điểm thưởng vượt mức tối đa {cap}; chỉ tính {cap}",
        "en": "Bonus above its maximum {cap}; only {cap} counts",
    },
    "achievement_level": {"vi": "{level} năm {year}", "en": "{level} in {year}"},
    "achievement_streak": {
        "vi": "{n:02d} năm liên tục {what} {start}–{end}",
        "en": "{n:02d} consecutive years {what} {start}–{end}",
    },
    "achievement_points": {
        "vi": "{score} điểm, xếp thứ {rank}{where}",
        "en": "{score} points, ranked {rank}{where}",
    },
}


def say(key: str, lang: Lang, **params: Any) -> str:
    return TEXT[key][lang].format(**params)


def number(value: Decimal | int, lang: Lang) -> str:
    """Plain notation, no exponent, no trailing zeros; decimal comma in Vietnamese."""
    text = format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", ",") if lang == "vi" else text


def money(value: Decimal | int, lang: Lang) -> str:
    """Whole đồng with thousands separators: 2.340.000 (vi), 2,340,000 (en)."""
    text = f"{int(value):,}"
    return text.replace(",", ".") if lang == "vi" else text


def display(value: Any, lang: Lang) -> str:
    """One value as an officer reads it."""
    if value is None or (isinstance(value, float) and value != value):
        return say("blank", lang)
    if isinstance(value, bool):
        return say("yes" if value else "no", lang)
    if isinstance(value, Share):
        percent = Decimal(value.numerator * 100) / Decimal(value.denominator)
        return number(percent.quantize(Decimal("0.01")), lang) + "%"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return number(value.numerator, lang)
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return number(exact.quantize(Decimal("0.0001")), lang)
    if isinstance(value, Decimal | int):
        return number(value, lang)
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "item"):  # numpy scalars
        return display(value.item(), lang)
    return str(value)


def describe_quota(quota: Quota, rules: RuleSet, scope: Scope, lang: Lang) -> str:
    """One line: "15% của LĐTT, mỗi đơn vị, làm tròn xuống, tối thiểu 1"."""
    vi = lang == "vi"
    if quota.share is not None:
        base = quota.of
        if base in rules.titles:
            base = rules.titles[base].short or base
        if base is None:
            base = "số đủ điều kiện" if vi else "the eligible"
        size = f"{number(quota.share * 100, lang)}% {'của' if vi else 'of'} {base}"
    else:
        size = f"{quota.count} {'suất' if vi else 'places'}"
    parts = [size]
    if quota.per:
        per = per_label(quota.per, rules, scope, lang)
        parts.append(f"mỗi {per}" if vi else f"per {per}")
    if quota.share is not None:
        rounding = {
            "down": ("làm tròn xuống", "rounded down"),
            "nearest": ("làm tròn gần nhất", "rounded to nearest"),
            "up": ("làm tròn lên", "rounded up"),
        }[quota.round]
        parts.append(rounding[0 if vi else 1])
    if quota.at_least:
        parts.append(f"{'tối thiểu' if vi else 'at least'} {quota.at_least}")
    return ", ".join(parts)


def per_label(per: str, rules: RuleSet, scope: Scope, lang: Lang) -> str:
    """How a quota's `per` field reads in a sentence: "đơn vị", "cụm, khối thi đua"."""
    if per == "unit":
        return "đơn vị" if lang == "vi" else "unit"
    spec = rules.fields(scope).get(per)
    return spec.header.lower() if spec is not None and lang == "vi" else per
