"""The account's settings: shops, tiers, rewards, promotions and the fixed metadata lists.

These are small and mostly fixed, like a real account's configuration; the seed only varies
reward stock so that different seeds still exercise "out of stock".
"""

from __future__ import annotations

import random
import sqlite3

SHOPS = (
    ("Amsterdam Centrum", "physical", "AMS-01"),
    ("Utrecht Hoog Catharijne", "physical", "UTR-02"),
    ("Webshop", "online", "WEB-01"),
    ("Rotterdam Markthal", "physical", "RTM-03"),
)
TIERS = (
    ("Bronze", "Welcome to the club", 1, 0),
    ("Silver", "Earn 250 points in total", 2, 250),
    ("Gold", "Earn 1,000 points in total", 3, 1000),
    ("Platinum", "Earn 3,000 points in total", 4, 3000),
)
# title, type, required credits, cost price in major units, stocked, claim limit, category
REWARDS = (
    ("Free coffee", "PHYSICAL", 50, 0.45, False, None, "drinks"),
    ("Welcome gift", "PHYSICAL", 75, 1.5, False, 1, "onboarding"),
    ("5 euro voucher", "DIGITAL", 150, 5.0, False, None, "discount"),
    ("Tote bag", "PHYSICAL", 250, 3.2, True, None, "merchandise"),
    ("10 euro voucher", "DIGITAL", 300, 10.0, False, None, "discount"),
    ("Cinema tickets", "DIGITAL", 600, 14.0, True, None, "experience"),
    ("Wireless earbuds", "PHYSICAL", 1500, 39.0, True, None, "electronics"),
    ("Retired mug", "PHYSICAL", 400, None, False, None, "merchandise"),
)
PROMOTIONS = (
    ("Birthday treat", "A free treat in your birthday month", 1, 30),
    ("Spring sale", "20% off one purchase", 1, 14),
    ("Refer a friend", "10 euro off for you and a friend", 5, 60),
)
GIFTCARD_PROGRAMS = (("Gift card", 1), ("Corporate card", 1), ("Legacy card", 0))
UNITS = (
    {"name": "purchase_amount", "label": "Purchase amount", "prefix": "€", "is_default": True},
    {"name": "visits", "label": "Visits", "prefix": None, "is_default": False},
)
PERKS = (
    ("vip_lounge", "VIP lounge access", "boolean", []),
    ("discount_level", "Discount level", "select", ["5%", "10%", "15%"]),
)
SUBSCRIPTION_TYPES = (
    ("Marketing", "News, offers and promotions", "OPT_IN"),
    ("Service", "Account and order messages", "OPT_OUT"),
)
CONTACT_ATTRIBUTES = (
    ("firstname", "First name", "text", "text", "The contact's first name", False, False),
    ("lastname", "Last name", "text", "text", "The contact's last name", False, False),
    ("birthdate", "Birthdate", "date", "date", "Date of birth", False, False),
    ("favorite_shop", "Favourite shop", "text", "select", "Custom: preferred store", False, False),
    ("member_number", "Member number", "text", "text", "Custom: card number", True, False),
    ("loyalty_total_credits_received", "Credits received", "number", "number",
     "Lifetime credits", False, True),
)
LOYALTY_PROGRAM_NAME = "Piggy Points"


def currency_prefix(currency: str) -> str:
    return {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}.get(currency.upper(), currency.upper())


def write_catalog(db: sqlite3.Connection, rng: random.Random, scale: int, minor: int) -> None:
    """Insert the settings tables; stocked rewards get a seed-dependent, scale-sized stock."""
    db.executemany("INSERT INTO shops VALUES (?, ?, ?, ?)",
                   [(i, *shop) for i, shop in enumerate(SHOPS, 1)])
    db.executemany("INSERT INTO tiers VALUES (?, ?, ?, ?, ?)",
                   [(i, *tier) for i, tier in enumerate(TIERS, 1)])
    rows = []
    for i, (title, kind, credits, cost, stocked, limit, category) in enumerate(REWARDS, 1):
        stock = max(3, scale // 25 + rng.randrange(0, 5)) if stocked else None
        cost_cents = None if cost is None else round(cost * minor)
        active = 0 if title.startswith("Retired") else 1
        rows.append((i, title, kind, active, credits, f"Redeem for {title.lower()}", 0,
                     90 if kind == "DIGITAL" else None, cost_cents, stock, limit, category, None))
    db.executemany(f"INSERT INTO rewards VALUES ({', '.join('?' * 13)})", rows)
    db.executemany("INSERT INTO promotions VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [(i, name, desc, None if i == 1 else 1000 * i, per, days, "API")
                    for i, (name, desc, per, days) in enumerate(PROMOTIONS, 1)])
    db.executemany("INSERT INTO giftcard_programs VALUES (?, ?, ?)",
                   [(i, *program) for i, program in enumerate(GIFTCARD_PROGRAMS, 1)])


def tier_for(total_received: int) -> int | None:
    """Tiers follow lifetime credits; a contact that never earned has none yet."""
    if total_received <= 0:
        return None
    tier_id = 1
    for index, (_, _, _, threshold) in enumerate(TIERS, 1):
        if total_received >= threshold:
            tier_id = index
    return tier_id
