-- Webhooks in the Standard Webhooks format: the endpoints (each with its signing secret),
-- the events (written in the transaction that caused them), and one delivery per event and
-- endpoint listening for it, which the delivery workers claim like the notice outbox.

CREATE TABLE webhook_endpoints (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url         text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    -- the HMAC key (the base64 part of whsec_…); it signs every delivery, so it is kept
    secret      bytea NOT NULL CHECK (length(secret) BETWEEN 24 AND 64),
    -- the event types sent to it; NULL: every type (ping only by `webhooks test`)
    events      text[] CHECK (events IS NULL OR cardinality(events) >= 1),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE webhook_events (
    -- the webhook-id header, as msg_<hex>: the same on every attempt and every endpoint
    id           uuid PRIMARY KEY,
    type         text NOT NULL CHECK (type IN ('redemption.created', 'subscription.state_changed',
                                               'license.assigned', 'license.unassigned',
                                               'key.revoked', 'ping')),
    -- the body's `data`; never a key (only last five characters)
    data         jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id         uuid NOT NULL REFERENCES webhook_events (id),
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         integer NOT NULL DEFAULT 0,
    -- when it is due; while a worker sends it, the end of that worker's lease
    next_attempt_at  timestamptz NOT NULL,
    -- when this run of attempts began (the event, or a redelivery): it is given up
    -- webhooks.give_up_hours after it
    retry_from       timestamptz NOT NULL,
    -- the claim of the worker sending it now; an outcome is written only under it
    claim            uuid,
    last_status      integer,
    last_error       text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    UNIQUE (event_id, endpoint_id),
    CHECK ((state = 'pending') = (finished_at IS NULL))
);

CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (id) WHERE state = 'failed';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id);
