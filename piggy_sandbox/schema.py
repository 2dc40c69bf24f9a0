"""The sandbox's on-disk state: one SQLite file per generated account.

Every list table's integer `id` is its ordinal in `created_at` order (ties by id), so a page is a
range read on the primary key, never an OFFSET over millions of rows. Uuids, emails of nested
objects and display strings are derived when a record is served, so rows stay small.
"""

DDL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE shops (id INTEGER PRIMARY KEY, name TEXT, type TEXT, reference TEXT);
CREATE TABLE tiers (id INTEGER PRIMARY KEY, name TEXT, description TEXT, position INT,
    threshold INT);
CREATE TABLE rewards (id INTEGER PRIMARY KEY, title TEXT, reward_type TEXT, is_active INT,
    required_credits INT, description TEXT, pre_redeemable INT, expiration_duration INT,
    cost_price INT, stock INT, claim_limit INT, campaign TEXT, updated_at INT);
CREATE TABLE promotions (id INTEGER PRIMARY KEY, name TEXT, description TEXT, voucher_limit INT,
    limit_per_contact INT, expiration_duration INT, channel TEXT);
CREATE TABLE giftcard_programs (id INTEGER PRIMARY KEY, name TEXT, active INT);
CREATE TABLE contacts (id INTEGER PRIMARY KEY, created_at INT NOT NULL, updated_at INT NOT NULL,
    email TEXT, firstname TEXT, lastname TEXT, birthdate TEXT, status TEXT, tier_id INT,
    credit_balance INT NOT NULL, total_received INT NOT NULL, first_tx INT, last_tx INT,
    prepaid_balance INT NOT NULL, marketing INT NOT NULL, service INT NOT NULL,
    favorite_shop TEXT, member_number TEXT, deleted_at INT);
CREATE TABLE loyalty_tx (id INTEGER PRIMARY KEY, created_at INT NOT NULL, contact_id INT NOT NULL,
    shop_id INT NOT NULL, kind INT NOT NULL, credits INT NOT NULL, unit_value REAL,
    channel TEXT, identifier TEXT, campaign TEXT, reward_id INT, title TEXT, expires_at INT,
    collected INT, code TEXT, reversed_id INT);
CREATE TABLE prepaid_tx (id INTEGER PRIMARY KEY, created_at INT NOT NULL, contact_id INT NOT NULL,
    shop_id INT NOT NULL, amount INT NOT NULL, balance_after INT NOT NULL);
CREATE TABLE vouchers (id INTEGER PRIMARY KEY, created_at INT NOT NULL, promotion_id INT NOT NULL,
    contact_id INT, status TEXT NOT NULL, code TEXT NOT NULL, activation_date INT,
    expiration_date INT, redeemed_at INT);
CREATE TABLE giftcards (id INTEGER PRIMARY KEY, created_at INT NOT NULL, program_id INT NOT NULL,
    type TEXT, hash TEXT, expiration_date INT, active INT, amount INT NOT NULL);
CREATE TABLE giftcard_tx (id INTEGER PRIMARY KEY, created_at INT NOT NULL, giftcard_id INT NOT NULL,
    shop_id INT NOT NULL, amount INT NOT NULL, type TEXT, settled INT, has_uuid INT NOT NULL);
CREATE TABLE visits (id INTEGER PRIMARY KEY, created_at INT NOT NULL, contact_id INT NOT NULL,
    external_id TEXT, source TEXT, starts_at INT, ends_at INT);
CREATE TABLE referrals (id INTEGER PRIMARY KEY, created_at INT NOT NULL, referring_id INT NOT NULL,
    referred_id INT NOT NULL, status TEXT NOT NULL);
CREATE TABLE webhook_subscriptions (id INTEGER PRIMARY KEY, event_type TEXT NOT NULL,
    url TEXT NOT NULL, secret TEXT NOT NULL, name TEXT, status TEXT NOT NULL, created_at INT);
"""

INDEXES = """
CREATE INDEX contacts_created ON contacts (created_at);
CREATE INDEX contacts_email ON contacts (email);
CREATE INDEX contacts_deleted ON contacts (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX loyalty_created ON loyalty_tx (created_at);
CREATE INDEX loyalty_contact ON loyalty_tx (contact_id, id);
CREATE INDEX loyalty_shop ON loyalty_tx (shop_id, id);
CREATE INDEX loyalty_kind ON loyalty_tx (kind, id);
CREATE INDEX prepaid_contact ON prepaid_tx (contact_id, id);
CREATE INDEX prepaid_shop ON prepaid_tx (shop_id, id);
CREATE INDEX vouchers_contact ON vouchers (contact_id, id);
CREATE INDEX vouchers_promotion ON vouchers (promotion_id, id);
CREATE INDEX vouchers_status ON vouchers (status, id);
CREATE INDEX vouchers_code ON vouchers (code);
CREATE INDEX giftcard_tx_created ON giftcard_tx (created_at);
CREATE INDEX visits_contact ON visits (contact_id, id);
"""

LIST_TABLES = (
    "contacts", "loyalty_tx", "prepaid_tx", "vouchers", "giftcards", "giftcard_tx", "visits",
    "referrals",
)
