"""Deterministic people and purchases: names, emails, spend, shared by generation and activity."""

from __future__ import annotations

import math
import random
import unicodedata

FIRST_NAMES = (
    "Anna", "Bram", "Chloe", "Daan", "Emma", "Finn", "Greta", "Hugo", "Isa", "Jesse", "Julia",
    "Lars", "Lotte", "Milan", "Noah", "Olivia", "Pim", "Roos", "Sem", "Sophie", "Tess", "Thijs",
    "Yara", "Zoe", "Luca", "Mila", "Sanne", "Ruben", "Fleur", "Jasper",
)
LAST_NAMES = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
    "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
    "van Leeuwen", "Dekker", "Brouwer", "O'Neill", "Müller", "García", "Kowalski",
)
STATUSES = ("active", "active", "active", "active", "active", "active", "pending", "blocked")
CHANNELS = ("WOOCOMMERCE", "KIOSK", "KIOSK", "API", "API", "BUSINESS_DASHBOARD")
CAMPAIGNS = (None, None, None, "double_points", "summer", "app_launch")
CREDITS_PER_MAJOR_UNIT = 1
CASHBACK_PERCENT = 2


def person(rng: random.Random, contact_id: int) -> tuple[str, str, str, str]:
    """(firstname, lastname, email, birthdate); the id in the email keeps it unique."""
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    birth = f"{rng.randrange(1950, 2007)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
    return first, last, f"{handle(first)}.{handle(last)}.{contact_id}@example.com", birth


def handle(name: str) -> str:
    """A name as it appears in an email: lower case ASCII, no spaces or apostrophes."""
    plain = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in plain if ch.isascii() and ch not in " '")


def purchase_cents(rng: random.Random, minor: int) -> int:
    """A basket in minor units: log-normal, so most are small and a few are large."""
    major = min(2000.0, math.exp(rng.gauss(3.1, 0.8)))
    return max(minor, round(major * minor))


def credits_for(amount_minor: int, minor: int) -> int:
    """Earn rule of the default unit: points per whole major unit (per 100 for zero-decimal)."""
    per_unit = minor if minor > 1 else 100
    return (amount_minor // per_unit) * CREDITS_PER_MAJOR_UNIT


def cashback_for(amount_minor: int) -> int:
    return amount_minor * CASHBACK_PERCENT // 100


def member_number(contact_id: int) -> str:
    return f"PGY{contact_id:09d}"
