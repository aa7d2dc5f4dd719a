-- A member's requests in a guild, read under the member's lock whenever they ask: the cap
-- on open requests per server and the cooldown after a denied or expired request.
CREATE INDEX license_requests_member ON license_requests (guild_id, user_id, subscription_id);
