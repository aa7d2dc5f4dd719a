-- The shop's API: bearer tokens (stored as SHA-256 digests, like keys: a token is never
-- stored) and the Idempotency-Key of each mint, so a replayed mint gets its batch back,
-- never the keys again.

CREATE TABLE api_tokens (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    digest        bytea NOT NULL UNIQUE CHECK (length(digest) = 32),
    scopes        text[] NOT NULL CHECK (cardinality(scopes) >= 1),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- written at most once a minute per token
    last_used_at  timestamptz,
    revoked_at    timestamptz
);

-- A name names one live token; a revoked token's name may be given to a new one.
CREATE UNIQUE INDEX api_tokens_live_name ON api_tokens (name) WHERE revoked_at IS NULL;

-- POST /v1/keys with an Idempotency-Key header: the batch it minted, for 24 hours.
CREATE TABLE api_idempotency_keys (
    key         text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 255),
    batch       text NOT NULL,
    token_id    bigint NOT NULL REFERENCES api_tokens (id),
    created_at  timestamptz NOT NULL
);

CREATE INDEX api_idempotency_keys_age ON api_idempotency_keys (created_at);
