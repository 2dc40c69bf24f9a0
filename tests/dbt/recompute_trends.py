"""Redemption trends recomputed in plain Python from the raw ledger, by DECISIONS.md "Trend"."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from recompute import Account, day


def trend_labels(account: Account) -> dict[tuple[str | None, date], tuple[int, str | None]]:
    """(reward or None for all, week) -> (redemptions, label): 4 weeks against the 4 before, in
    whole counts; the as-of week is partial and unlabelled; active rewards have a series."""
    weekly: dict[tuple[str | None, date], int] = defaultdict(int)
    for _, _, kind, _, _, _, _, reward, at in account.ledger:
        when = day(at)
        if kind != "credit_reception" and when <= account.as_of:
            week = when - timedelta(days=when.weekday())
            weekly[(reward, week)] += 1
            weekly[(None, week)] += 1
    if not weekly:
        return {}
    last = account.as_of - timedelta(days=account.as_of.weekday())
    weeks = [min(week for _, week in weekly)]
    while weeks[-1] < last:
        weeks.append(weeks[-1] + timedelta(days=7))
    series = {None} | {reward for reward, _ in weekly} | {
        uuid for uuid, (_, active, _) in account.rewards.items() if active}
    labels = {}
    for reward in series:
        counts = [weekly.get((reward, week), 0) for week in weeks]
        for index, week in enumerate(weeks):
            labels[(reward, week)] = (counts[index], label(counts[:index + 1], week == last))
    return labels


def label(counts: list[int], partial: bool) -> str | None:
    if partial:
        return None
    current, previous = sum(counts[-4:]), sum(counts[-8:-4])
    if len(counts) < 8 or sum(counts[-8:]) < 4:
        return "flat"
    if previous == 0 or current * 10 >= previous * 11:
        return "rising"
    return "falling" if current * 10 <= previous * 9 else "flat"
