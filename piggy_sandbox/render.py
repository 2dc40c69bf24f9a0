"""Rows to API records, exactly as the contract and docs/contract-assumptions.md shape them.

Nested objects (contact, shop, reward, tier) are looked up per page in one query each, so a page of
ledger rows costs a handful of indexed reads whatever its size.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from piggy_sandbox.catalog import SUBSCRIPTION_TYPES, UNITS, currency_prefix
from piggy_sandbox.ids import UuidCodec, iso, iso_z

CONTACT_COLUMNS = "*"
KIND_NAMES = ("credit_reception", "reward_reception", "digital_reward_reception")


class Renderer:
    """Builds records for one account; knows its uuids, currency and the settings tables."""

    def __init__(self, codec: UuidCodec, currency: str) -> None:
        self.codec = codec
        self.prefix = currency_prefix(currency)
        self._subscriptions = {(m, s): self._subscription_list(m, s)
                               for m in (0, 1) for s in (0, 1)}

    def uuid(self, kind: str, ident: int | None) -> str | None:
        return None if ident is None else self.codec.encode(kind, ident)

    def shops(self, db: sqlite3.Connection) -> dict[int, dict]:
        return {row["id"]: {"id": row["id"], "uuid": self.uuid("shop", row["id"]),
                            "type": row["type"], "name": row["name"]}
                for row in db.execute("SELECT * FROM shops")}

    def shop_record(self, row: sqlite3.Row) -> dict:
        return {"id": row["id"], "uuid": self.uuid("shop", row["id"]), "name": row["name"],
                "type": row["type"], "reference": row["reference"]}

    def tier(self, row: sqlite3.Row | None) -> dict | None:
        if row is None:
            return None
        return {"uuid": self.uuid("tier", row["id"]), "name": row["name"],
                "description": row["description"], "position": row["position"], "media": None}

    def tiers(self, db: sqlite3.Connection) -> dict[int, dict | None]:
        return {row["id"]: self.tier(row) for row in db.execute("SELECT * FROM tiers")}

    def subscriptions(self, marketing: int, service: int) -> list[dict]:
        """Four possible lists, built once: records share them and nothing mutates them."""
        return self._subscriptions[(int(bool(marketing)), int(bool(service)))]

    def _subscription_list(self, marketing: int, service: int) -> list[dict]:
        items = []
        for index, (name, description, strategy) in enumerate(SUBSCRIPTION_TYPES, 1):
            subscribed = bool(marketing if name == "Marketing" else service)
            status = "SUBSCRIBED" if subscribed else (
                "UNSUBSCRIBED" if strategy == "OPT_OUT" else "NOT_SUBSCRIBED")
            items.append({"subscription_type": self.subscription_type(index, name, description,
                                                                       strategy),
                          "is_subscribed": subscribed, "status": status})
        return items

    def subscription_type(self, index: int, name: str, description: str, strategy: str) -> dict:
        return {"uuid": self.uuid("subscription_type", index), "name": name,
                "description": description, "active": True, "strategy": strategy}

    def contact(self, row: sqlite3.Row, tiers: dict[int, dict | None]) -> dict:
        values = {
            "created_at": iso(row["created_at"]), "updated_at": iso(row["updated_at"]),
            "firstname": row["firstname"], "lastname": row["lastname"],
            "birthdate": row["birthdate"], "status": row["status"],
            "loyalty_total_credits_received": row["total_received"],
            "loyalty_first_transaction_date": iso(row["first_tx"]),
            "loyalty_last_transaction_date": iso(row["last_tx"]),
            "favorite_shop": row["favorite_shop"], "member_number": row["member_number"],
        }
        display = {key: "" if value is None else str(value) for key, value in values.items()}
        return {
            "id": row["id"], "uuid": self.uuid("contact", row["id"]), "email": row["email"],
            "tier": tiers.get(row["tier_id"]) if row["tier_id"] else None,
            "subscriptions": self.subscriptions(row["marketing"], row["service"]),
            "credit_balance": {"id": row["id"], "balance": row["credit_balance"]},
            "prepaid_balance": {"balance_in_cents": row["prepaid_balance"]},
            "current_values": values, "current_display_values": display,
        }

    def contacts_by_id(self, db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, sqlite3.Row]:
        wanted = sorted({i for i in ids if i is not None})
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        rows = db.execute(f"SELECT id, email, credit_balance FROM contacts WHERE id IN ({marks})",
                          wanted)
        return {row["id"]: row for row in rows}

    def nested_contact(self, row: sqlite3.Row | None, ident: int | None,
                       with_balance: bool = False) -> dict | None:
        if ident is None:
            return None
        nested = {"uuid": self.uuid("contact", ident), "email": row["email"] if row else None}
        if with_balance:
            nested["credit_balance"] = {"balance": row["credit_balance"] if row else 0}
        return nested

    def loyalty(self, db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
        contacts = self.contacts_by_id(db, (row["contact_id"] for row in rows))
        shops = self.shops(db)
        rewards = {r["id"]: r for r in db.execute("SELECT * FROM rewards")} if any(
            row["kind"] for row in rows) else {}
        return [self.loyalty_record(row, contacts, shops, rewards) for row in rows]

    def loyalty_record(self, row: sqlite3.Row, contacts: dict, shops: dict, rewards: dict) -> dict:
        contact = self.nested_contact(contacts.get(row["contact_id"]), row["contact_id"], True)
        base = {"uuid": self.uuid("loyalty", row["id"]), "type": KIND_NAMES[row["kind"]]}
        if row["kind"] == 0:
            unit = dict(UNITS[0], prefix=self.prefix) if row["unit_value"] is not None else None
            identifier = ({"value": row["identifier"], "name": "Member card", "active": True}
                          if row["identifier"] else None)
            base.update({"credits": row["credits"], "unit_value": row["unit_value"],
                         "unit": unit, "channel": row["channel"], "contact": contact,
                         "shop": shops.get(row["shop_id"]), "contact_identifier": identifier,
                         "created_at": iso(row["created_at"]),
                         "custom_campaign": row["campaign"]})
            if row["reversed_id"] is not None:
                base["reversed_uuid"] = self.uuid("loyalty", row["reversed_id"])
            return base
        reward = rewards.get(row["reward_id"])
        base.update({"title": row["title"], "credits": row["credits"],
                     "reward": self.nested_reward(reward),
                     "expires_at": iso(row["expires_at"]),
                     "has_been_collected": bool(row["collected"]), "contact": contact,
                     "shop": shops.get(row["shop_id"]), "created_at": iso(row["created_at"])})
        if row["kind"] == 2:
            base["digital_reward_code"] = {"code": row["code"]}
        return base

    def nested_reward(self, reward: sqlite3.Row | None) -> dict | None:
        if reward is None:
            return None
        return {"uuid": self.uuid("reward", reward["id"]), "title": reward["title"],
                "reward_type": reward["reward_type"],
                "required_credits": reward["required_credits"]}

    def reward(self, row: sqlite3.Row) -> dict:
        return {"uuid": self.uuid("reward", row["id"]), "title": row["title"],
                "reward_type": row["reward_type"], "is_active": bool(row["is_active"]),
                "required_credits": row["required_credits"], "description": row["description"],
                "media": None, "pre_redeemable": bool(row["pre_redeemable"]),
                "expiration_duration": row["expiration_duration"],
                "cost_price": row["cost_price"], "stock": row["stock"],
                "custom_category": row["campaign"]}

    def prepaid(self, db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[dict]:
        contacts = self.contacts_by_id(db, (row["contact_id"] for row in rows))
        shops = self.shops(db)
        return [{"uuid": self.uuid("prepaid", row["id"]), "amount_in_cents": row["amount"],
                 "prepaid_balance": {"balance_in_cents": row["balance_after"]},
                 "contact": self.nested_contact(contacts.get(row["contact_id"]),
                                                row["contact_id"]),
                 "shop": shops.get(row["shop_id"]), "created_at": iso_z(row["created_at"])}
                for row in rows]
