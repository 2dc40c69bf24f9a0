"""The marts' numbers recomputed in plain Python from the raw tables, by the definitions in
DECISIONS.md and not by the SQL, so a disagreement means one of the two misreads the definition.

`Account` reads the raw tables once; the functions below each recompute one mart's figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

MINOR_UNITS = 100  # EUR, the sandbox's currency
DASHBOARD = "BUSINESS_DASHBOARD"


def day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(UTC).date()


def month(value: date) -> date:
    return value.replace(day=1)


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


@dataclass
class Account:
    """The raw tables a loyalty analyst would start from, as plain Python values."""

    as_of: date
    ledger: list[tuple] = field(default_factory=list)
    events: list[tuple[str, date, bool]] = field(default_factory=list)
    cashback_credits: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    versions: dict[str, list[tuple]] = field(default_factory=lambda: defaultdict(list))
    rewards: dict[str, tuple] = field(default_factory=dict)

    @classmethod
    def read(cls, query, raw: str, as_of: date) -> Account:
        account = cls(as_of)
        account.ledger = query(
            f"select uuid, contact_uuid, type, credits, unit_value, channel, reversed_uuid,"
            f" reward_uuid, created_at from {raw}.loyalty_transactions order by created_at, uuid")
        account._read_events(query, raw)
        for contact, amount in query(
                f"select contact_uuid, amount_in_cents from {raw}.prepaid_transactions"):
            account.cashback_credits[contact] += max(amount, 0)
        for uuid, *version in query(
                f"select uuid, created_at, updated_at, tier_uuid, tier_name, tier_position,"
                f" _dlt_valid_from, _dlt_valid_to from {raw}.contacts order by _dlt_valid_from"):
            account.versions[uuid].append(tuple(version))
        account.rewards = {uuid: (title, active, cost) for uuid, title, active, cost in query(
            f"select uuid, title, is_active, cost_price_cents from {raw}.rewards")}
        return account

    def _read_events(self, query, raw: str) -> None:
        """(contact, day, member-initiated) for everything that happened on an account."""
        for _, contact, kind, credits, unit_value, channel, reversed_id, _, at in self.ledger:
            self.events.append((contact, day(at), is_member_initiated(
                kind, credits, unit_value, channel, reversed_id)))
        for contact, at in query(f"select contact_uuid, redeemed_at from {raw}.vouchers"
                                 " where redeemed_at is not null and contact_uuid is not null"):
            self.events.append((contact, day(at), True))
        for contact, at in query(f"select contact_uuid, coalesce(starts_at, created_at)"
                                 f" from {raw}.visits"):
            self.events.append((contact, day(at), True))
        for contact, at, amount in query(f"select contact_uuid, created_at, amount_in_cents"
                                         f" from {raw}.prepaid_transactions"):
            self.events.append((contact, day(at), amount < 0))

    def is_deleted(self, contact: str) -> bool:
        """Deleted: no open scd2 version, or never seen by a sweep at all."""
        return all(version[-1] is not None for version in self.versions.get(contact, []))

    def created(self, contact: str) -> date | None:
        return day(self.versions[contact][-1][0]) if contact in self.versions else None

    def members(self) -> set[str]:
        return set(self.versions) | {contact for contact, _, _ in self.events}


def is_member_initiated(kind: str, credits: int, unit_value, channel: str | None,
                        reversed_id: str | None) -> bool:
    """DECISIONS.md "Member-initiated": rewards, purchases, member-facing channels."""
    if kind != "credit_reception":
        return True
    if channel == "REVERSAL" or reversed_id or credits < 0:
        return False
    return unit_value is not None or (channel or "") != DASHBOARD


def activity(account: Account) -> dict[str, dict]:
    """First and last member-initiated day, active months and first day of anything."""
    found: dict[str, dict] = defaultdict(lambda: {"days": [], "months": set(), "seen": []})
    for contact, when, by_member in account.events:
        if when is None or when > account.as_of:
            continue
        found[contact]["seen"].append(when)
        if by_member:
            found[contact]["days"].append(when)
            found[contact]["months"].add(month(when))
    return found


def redemption_days(account: Account, query, raw: str) -> dict[str, list[date]]:
    """Days each member redeemed a reward or a voucher, up to the as-of day."""
    found: dict[str, list[date]] = defaultdict(list)
    rewards = [(row[1], day(row[8])) for row in account.ledger if row[2] != "credit_reception"]
    vouchers = [(contact, day(at)) for contact, at in query(
        f"select contact_uuid, redeemed_at from {raw}.vouchers where redeemed_at is not null")]
    for contact, when in rewards + vouchers:
        if contact and when <= account.as_of:
            found[contact].append(when)
    return found


def cohorts(account: Account) -> dict[tuple[str, date, int], tuple[int, int]]:
    """(basis, cohort month, months since) -> (cohort size, active members), no gaps."""
    acted = activity(account)
    starts: dict[str, dict[str, date]] = {"signup": {}, "first_activity": {}}
    for contact in account.members():
        seen = acted[contact]["seen"] if contact in acted else []
        signup = account.created(contact) or (min(seen) if seen else None)
        if signup:
            starts["signup"][contact] = month(signup)
        if contact in acted and acted[contact]["days"]:
            starts["first_activity"][contact] = month(min(acted[contact]["days"]))
    last = month(account.as_of)
    grid = {}
    for basis, members in starts.items():
        sizes: dict[date, int] = defaultdict(int)
        active: dict[tuple[date, date], int] = defaultdict(int)
        for contact, start in members.items():
            sizes[start] += 1
            for active_month in acted.get(contact, {}).get("months", ()):
                active[(start, active_month)] += active_month >= start
        for start, size in sizes.items():
            for offset in range(months_between(start, last) + 1):
                grid[(basis, start, offset)] = (size, active[(start, add_months(start, offset))])
    return grid


def add_months(start: date, months: int) -> date:
    total = start.month - 1 + months
    return date(start.year + total // 12, total % 12 + 1, 1)


def purchase_values(account: Account) -> dict[str, int]:
    """Purchase amounts of the credit receptions that carry one and were not reversed."""
    reversed_ids = {row[6] for row in account.ledger if row[6]}
    value: dict[str, int] = defaultdict(int)
    for uuid, contact, kind, credits, unit_value, channel, reversed_id, _, _ in account.ledger:
        if (kind == "credit_reception" and credits >= 0 and not reversed_id
                and channel != "REVERSAL" and uuid not in reversed_ids and unit_value is not None):
            value[contact] += round(unit_value * MINOR_UNITS)
    return value


def net_values(account: Account) -> dict[str, int]:
    """Purchase value - cashback credited - cost of the rewards received (current cost price)."""
    net = defaultdict(int, purchase_values(account))
    for _, contact, kind, _, _, _, _, reward, _ in account.ledger:
        if kind != "credit_reception":
            net[contact] -= account.rewards.get(reward, (None, None, 0))[2] or 0
    for contact, cents in account.cashback_credits.items():
        net[contact] -= cents
    return net


def ltv(account: Account) -> dict[str, dict]:
    """Net value, never-active bucket, deciles with shared ties and the 12-month projection."""
    acted, net = activity(account), net_values(account)
    curve = pooled_curve(cohorts(account))
    result = {}
    for contact in account.members():
        days = acted[contact]["days"] if contact in acted else []
        months = len(acted[contact]["months"]) if contact in acted else 0
        start = month(min(days)) if days else account.created(contact)
        ahead = sum(curve.get(months_between(start, account.as_of) + k, curve["tail"])
                    for k in range(1, 13)) if start else 0
        projected = round(net[contact] / months * ahead) if months else 0
        result[contact] = {"net": net[contact], "never_active": not days, "decile": None,
                           "projected": None if account.is_deleted(contact) else projected}
    ranked = sorted(value["net"] for value in result.values() if not value["never_active"])
    first_rank: dict[int, int] = {}
    for position, value in enumerate(ranked, 1):
        first_rank.setdefault(value, position)
    for value in result.values():
        if not value["never_active"]:
            value["decile"] = 1 + 10 * (first_rank[value["net"]] - 1) // len(ranked)
    return result


def pooled_curve(grid: dict[tuple[str, date, int], tuple[int, int]]) -> dict:
    """Months since first activity -> active members / cohort size, all cohorts pooled."""
    sizes: dict[int, int] = defaultdict(int)
    active: dict[int, int] = defaultdict(int)
    for (basis, _, offset), (size, members) in grid.items():
        if basis == "first_activity":
            sizes[offset] += size
            active[offset] += members
    curve: dict = {offset: active[offset] / sizes[offset] for offset in sizes}
    curve["tail"] = curve[max(sizes)]
    return curve


def tier_changes(account: Account) -> dict[tuple, int]:
    """(change month, from tier, to tier, direction) -> changes, dated by the contact."""
    counts: dict[tuple, int] = defaultdict(int)
    for versions in account.versions.values():
        for before, after in zip(versions, versions[1:], strict=False):
            if before[2] == after[2]:
                continue
            when = day(after[1] or after[5])
            if before[2] is None:
                direction = "joined"
            elif (after[4] if after[4] is not None else -1) > before[4]:
                direction = "upgrade"
            else:
                direction = "downgrade"
            counts[(month(when), before[3] or "(none)", after[3] or "(none)", direction)] += 1
    return dict(counts)

