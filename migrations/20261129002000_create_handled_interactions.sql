-- The interactions this deployment has handled, by Discord's interaction id, so that a
-- delivery handled by one replica is refused by every other: a captured HTTP delivery stays
-- correctly signed for five minutes and could be replayed to another replica behind the load
-- balancer. Rows are kept an hour (well past those five minutes), then pruned in batches by
-- the scheduler.
CREATE TABLE handled_interactions (
    id          bigint PRIMARY KEY,
    handled_at  timestamptz NOT NULL
);

CREATE INDEX handled_interactions_age ON handled_interactions (handled_at);
