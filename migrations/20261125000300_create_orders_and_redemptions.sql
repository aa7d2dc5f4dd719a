-- Orders (pending redemptions, kept in Postgres so any process can finish them after a
-- restart) and redemptions, the immutable ledger.

CREATE TABLE orders (
    id               uuid PRIMARY KEY,
    guild_id         bigint NOT NULL,
    user_id          bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('add-licenses', 'extend')),
    state            text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'redeemed', 'cancelled', 'expired')),
    locale           text NOT NULL DEFAULT 'en-US',
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    closed_at        timestamptz,
    -- the review message, so an expired order's buttons can be disabled even after a restart;
    -- cleared when the order closes (interaction tokens live 15 minutes)
    application_id   bigint,
    review_token     text,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id),
    CHECK ((state = 'open') = (closed_at IS NULL)),
    CHECK (expires_at > created_at)
);

CREATE INDEX orders_open_expiry ON orders (expires_at) WHERE state = 'open';
CREATE INDEX orders_guild_user ON orders (guild_id, user_id);

CREATE TABLE order_keys (
    order_id  uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    key_id    bigint NOT NULL REFERENCES product_keys (id),
    position  smallint NOT NULL CHECK (position BETWEEN 1 AND 10),
    PRIMARY KEY (order_id, key_id),
    UNIQUE (order_id, position)
);

CREATE INDEX order_keys_key ON order_keys (key_id);

CREATE TABLE redemptions (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id         uuid NOT NULL UNIQUE REFERENCES orders (id),
    guild_id         bigint NOT NULL,
    user_id          bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('add-licenses', 'extend')),
    seats_before     integer NOT NULL CHECK (seats_before > 0),
    seats_after      integer NOT NULL CHECK (seats_after >= seats_before),
    ends_before      date NOT NULL,
    ends_after       date NOT NULL CHECK (ends_after >= ends_before),
    key_count        smallint NOT NULL CHECK (key_count BETWEEN 1 AND 10),
    redeemed_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id)
);

CREATE INDEX redemptions_guild_time ON redemptions (guild_id, redeemed_at DESC, id DESC);

-- A key can be linked to at most one redemption, ever.
CREATE TABLE redemption_keys (
    redemption_id  bigint NOT NULL REFERENCES redemptions (id),
    key_id         bigint NOT NULL UNIQUE REFERENCES product_keys (id),
    seats          integer NOT NULL CHECK (seats > 0),
    term_count     integer NOT NULL CHECK (term_count > 0),
    term_unit      text NOT NULL CHECK (term_unit IN ('m', 'd')),
    PRIMARY KEY (redemption_id, key_id)
);

-- The ledger is immutable.
CREATE FUNCTION refuse_ledger_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the redemption ledger is immutable (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER redemptions_immutable BEFORE UPDATE OR DELETE ON redemptions
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
CREATE TRIGGER redemption_keys_immutable BEFORE UPDATE OR DELETE ON redemption_keys
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();
