-- Suspend / resume a subscription (PRODUCT.md, "Taking back what was sold"): a chargeback, a
-- dispute, an unpaid invoice. While a subscription has a row here its state is `suspended`,
-- whatever its end date says: no access (license roles taken away, licenses kept), nothing
-- redeemed on it or assigned from it. Resume deletes the row. The end date never moves.
-- A table of its own, not a column, so that a previous release's queries keep working
-- during a rolling upgrade (it simply does not see suspensions).
CREATE TABLE subscription_suspensions (
    subscription_id  bigint PRIMARY KEY,
    guild_id         bigint NOT NULL,
    -- for the vendor's records and the webhook; never told in Discord
    reason           text CHECK (length(reason) BETWEEN 1 AND 500),
    suspended_at     timestamptz NOT NULL,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id)
);

CREATE INDEX subscription_suspensions_guild ON subscription_suspensions (guild_id);

-- Reconciling with the shop: a key's optional `reference` (the shop's order id, ≤ 100
-- characters, normalised like a batch label), set when it is minted or imported, carried in
-- redemption.created and redemption.reversed, and a filter of `GET /v1/keys`.
ALTER TABLE product_keys
    ADD COLUMN reference text CONSTRAINT product_keys_reference_check
        CHECK (length(reference) BETWEEN 1 AND 100);

CREATE INDEX product_keys_reference ON product_keys (reference) WHERE reference IS NOT NULL;
