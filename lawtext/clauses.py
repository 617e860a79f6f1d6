"""Checks of a parsed clause list: numbers that make it unusable, and gaps worth a warning."""

from __future__ import annotations

from .records import ParsedClause


def validate_clause_numbers(parsed_clauses: list[ParsedClause]) -> list[str]:
    """Problems that make a clause list unusable: a number twice, or numbers going backwards."""
    problems = []
    seen: set[tuple[int, str]] = set()
    previous = 0
    for clause in parsed_clauses:
        key = (clause.number, clause.suffix)
        if key in seen:
            problems.append(f"{clause.label} 重复出现")
        seen.add(key)
        if clause.number < previous:
            problems.append(f"{clause.label} 出现在第{previous}条之后，条号顺序错误")
        previous = max(previous, clause.number)
    return problems


def clause_number_gaps(parsed_clauses: list[ParsedClause]) -> list[str]:
    """'第a条之后是第b条' for every number skipped between two clauses."""
    numbers = [c.number for c in parsed_clauses if not c.suffix]
    return [
        f"第{a}条之后是第{b}条" for a, b in zip(numbers, numbers[1:], strict=False) if b > a + 1
    ]
