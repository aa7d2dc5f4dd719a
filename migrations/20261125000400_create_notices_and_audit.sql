-- The notice outbox (written in the same transaction as what caused a notice, delivered
-- exactly once), and the audit trail of refused key attempts that feeds the lockout.

CREATE TABLE notices (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         bigint NOT NULL,
    -- what the notice is about, unique so that nothing is announced twice
    -- (e.g. 'redemption:42', 'lifecycle:7:2027-01-31:30d', 'lockout:1:2:2026-11-25T14:02')
    dedupe_key       text NOT NULL UNIQUE,
    kind             text NOT NULL CHECK (kind IN ('redemption', 'lifecycle', 'lockout')),
    -- message id + arguments; rendered in the guild's locale when sent, never a key
    body             jsonb NOT NULL,
    -- Discord's message nonce (at most 25 characters)
    nonce            text NOT NULL UNIQUE CHECK (length(nonce) <= 25),
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_error       text,
    channel_id       bigint,
    message_id       bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz
);

CREATE INDEX notices_due ON notices (next_attempt_at) WHERE state = 'pending';

CREATE TABLE key_attempts (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id  bigint NOT NULL,
    user_id   bigint NOT NULL,
    -- at most the last five characters of what was typed; never a key
    tail      text CHECK (length(tail) <= 5),
    cause     text NOT NULL,
    at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX key_attempts_recent ON key_attempts (guild_id, user_id, at DESC);

CREATE TABLE lockouts (
    guild_id      bigint NOT NULL,
    user_id       bigint NOT NULL,
    locked_until  timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (guild_id, user_id)
);
