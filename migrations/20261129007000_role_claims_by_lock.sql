-- A role change is claimed by a transaction-scoped advisory lock
-- (hashtextextended('member-role:<guild>:<user>:<role>', 0)), held while it is sent, instead
-- of a lease written into the row: the claim locks no row, so an assignment made meanwhile
-- never waits for Discord, and a dispatcher that dies gives its changes back at once, when
-- its connection closes, instead of when a lease runs out.
ALTER TABLE member_roles DROP COLUMN leased_until;
