-- Products (sellable plans) and their prepaid product keys.
-- A key is never stored: only the SHA-256 of its normalised form and its last five characters.

CREATE TABLE products (
    sku         text PRIMARY KEY CHECK (sku ~ '^[A-Z0-9][A-Z0-9_-]{0,63}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    max_seats   integer CHECK (max_seats > 0),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE product_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    digest       bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
    tail         text NOT NULL CHECK (tail ~ '^[BCDFGHJKMPQRTVWXY2346789]{5}$'),
    product_sku  text NOT NULL REFERENCES products (sku),
    seats        integer NOT NULL CHECK (seats > 0),
    term_count   integer NOT NULL CHECK (term_count > 0),
    term_unit    text NOT NULL CHECK (term_unit IN ('m', 'd')),
    expires_on   date,
    batch        text CHECK (length(batch) BETWEEN 1 AND 100),
    state        text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'redeemed', 'revoked')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    redeemed_at  timestamptz,
    revoked_at   timestamptz,
    CHECK ((state = 'redeemed') = (redeemed_at IS NOT NULL)),
    CHECK ((state = 'revoked') = (revoked_at IS NOT NULL))
);

CREATE INDEX product_keys_product ON product_keys (product_sku);
CREATE INDEX product_keys_batch ON product_keys (batch) WHERE batch IS NOT NULL;
