-- Whether an endpoint may be sent to private and loopback addresses: `webhooks add` now
-- refuses them unless given --allow-private (and refuses link-local and cloud-metadata
-- targets, and URLs with credentials, always). A host name is checked against the addresses
-- it resolves to when each delivery is sent, under this flag.
--
-- Existing rows were added before the rule, when any address was accepted: they keep
-- working as they were added (true), but like every endpoint they are never sent to a
-- link-local or metadata address. The default is dropped again, so every endpoint
-- added from now on says which it is. A URL stored before with credentials in it
-- (user:pass@) keeps them (its receiver may need them), but `webhooks list` no longer
-- shows them.
ALTER TABLE webhook_endpoints ADD COLUMN allow_private boolean NOT NULL DEFAULT true;
ALTER TABLE webhook_endpoints ALTER COLUMN allow_private DROP DEFAULT;
