-- An Idempotency-Key belongs to the API token that sent it: another token's mint with the
-- same key is a new request (until now a key was global, and another token got 409 naming
-- the first token's batch). Each claim also keeps the SHA-256 of the request that made it,
-- in a canonical form (product, seats, term, count, batch, expiry, as the mint reads them),
-- so that a replay with another body is refused (422 idempotency-mismatch) instead of being
-- answered with the first request's batch.
--
-- Existing rows keep their token (always stored) and move to the per-token key as they
-- are: a key was unique across tokens, so it is unique per token. They have no digest
-- (NULL): a replay of one is answered as before (409 and its batch, whatever the body)
-- until it lapses, 24 hours after its mint.
ALTER TABLE api_idempotency_keys
    ADD COLUMN request_digest bytea
        CONSTRAINT api_idempotency_keys_request_digest_check
        CHECK (request_digest IS NULL OR length(request_digest) = 32);

ALTER TABLE api_idempotency_keys DROP CONSTRAINT api_idempotency_keys_pkey;
ALTER TABLE api_idempotency_keys
    ADD CONSTRAINT api_idempotency_keys_pkey PRIMARY KEY (token_id, key);
