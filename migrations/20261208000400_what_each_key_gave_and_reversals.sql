-- Taking back what was sold (PRODUCT.md): what each redeemed key gave its subscription, the
-- `reversed` key state, and the reversal ledger (a refund adds an entry; nothing is edited).

-- 1. What each key gave: the seats it added (add-licenses, activate; 0 for extend) and the
--    days it added (its share of the redemption's pooled seat-time; the shares of one
--    redemption add up to the days it added; 0 for add-licenses). Written by the binary in
--    the redemption's statement. NULL only for a row written by a previous release during a
--    rolling upgrade; a reversal then counts the key's seats for add-licenses and activate
--    and 0 days (src/store/reversals.rs).
ALTER TABLE redemption_keys
    ADD COLUMN seats_given integer,
    ADD COLUMN days_given integer,
    ADD CONSTRAINT redemption_keys_given_check CHECK (seats_given >= 0 AND days_given >= 0);

-- Past redemptions, as well as the ledger allows. Seats: the key's seats (add-licenses,
-- activate), 0 (extend): exact. Days: the redemption's days are ends_after minus the date
-- its terms were counted from: the day it was redeemed for an activation; for an extension
-- the old end date, or the day it was redeemed when the subscription was disabled then
-- (more than 30 days past its end date: the default `lifecycle.expired_days`; a deployment
-- with other periods may share out a few days differently). Those days are shared out over
-- the keys in proportion to seats × days of each key's term counted from that date,
-- rounded down, and the days left over go one each to the keys with the largest
-- remainders (ties by position in the order): the same rule as the binary's (`share_days`
-- in src/domain/rules.rs), so the shares of each redemption add up to its days.
ALTER TABLE redemption_keys DISABLE TRIGGER redemption_keys_immutable;

WITH facts AS (
    SELECT rk.redemption_id, rk.key_id, rk.seats, rk.term_count, rk.term_unit, r.kind,
           coalesce(ok.position, 0) AS position,
           CASE
               WHEN r.kind = 'activate' THEN (r.redeemed_at AT TIME ZONE 'UTC')::date
               WHEN (r.redeemed_at AT TIME ZONE 'UTC')::date > r.ends_before + 30
                   THEN (r.redeemed_at AT TIME ZONE 'UTC')::date
               ELSE r.ends_before
           END AS base,
           r.ends_after
      FROM redemption_keys rk
      JOIN redemptions r ON r.id = rk.redemption_id
      LEFT JOIN order_keys ok ON ok.order_id = r.order_id AND ok.key_id = rk.key_id
     WHERE r.kind IN ('extend', 'activate')),
weighted AS (
    SELECT *,
           rk_seats::bigint * ((CASE term_unit
                                    WHEN 'm' THEN (base + make_interval(months => term_count))::date
                                    ELSE base + term_count
                                END) - base) AS weight,
           greatest(ends_after - base, 0)::bigint AS total
      FROM (SELECT facts.*, facts.seats AS rk_seats FROM facts) f),
shared AS (
    SELECT *,
           (total * weight) / nullif(sum(weight) OVER w, 0)::bigint AS floor_share,
           (total * weight) % nullif(sum(weight) OVER w, 0)::bigint AS remainder
      FROM weighted
    WINDOW w AS (PARTITION BY redemption_id)),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY redemption_id ORDER BY remainder DESC, position, key_id)
               AS nth,
           total - sum(coalesce(floor_share, 0)) OVER (PARTITION BY redemption_id) AS left_over
      FROM shared)
UPDATE redemption_keys rk
   SET days_given = (coalesce(ranked.floor_share, 0) + CASE WHEN ranked.nth <= ranked.left_over THEN 1 ELSE 0 END)::integer
  FROM ranked
 WHERE rk.redemption_id = ranked.redemption_id AND rk.key_id = ranked.key_id;

UPDATE redemption_keys rk
   SET seats_given = CASE WHEN r.kind = 'extend' THEN 0 ELSE rk.seats END,
       days_given = CASE WHEN r.kind = 'add-licenses' THEN 0 ELSE coalesce(rk.days_given, 0) END
  FROM redemptions r
 WHERE r.id = rk.redemption_id;

ALTER TABLE redemption_keys ENABLE TRIGGER redemption_keys_immutable;

-- 2. A reversed key: redeemed once, then taken back; never redeemable again.
ALTER TABLE product_keys
    ADD COLUMN reversed_at timestamptz,
    DROP CONSTRAINT product_keys_state_check,
    ADD CONSTRAINT product_keys_state_check
        CHECK (state IN ('available', 'redeemed', 'revoked', 'reversed')),
    -- The first migration's generated name is kept, so that this reads as the widening it is.
    DROP CONSTRAINT product_keys_check,
    ADD CONSTRAINT product_keys_check
        CHECK ((state IN ('redeemed', 'reversed')) = (redeemed_at IS NOT NULL)),
    ADD CONSTRAINT product_keys_reversed_check
        CHECK ((state = 'reversed') = (reversed_at IS NOT NULL));

-- A reversal can take a subscription's last seats: seats never go below 0.
ALTER TABLE subscriptions
    DROP CONSTRAINT subscriptions_seats_check,
    ADD CONSTRAINT subscriptions_seats_check CHECK (seats >= 0);
ALTER TABLE redemptions
    DROP CONSTRAINT redemptions_seats_before_check,
    ADD CONSTRAINT redemptions_seats_before_check CHECK (seats_before >= 0);

-- 3. The reversal ledger: one entry per reversed key, ever (the UNIQUE key is what makes a
--    second reversal change nothing), with before → after, the reason, and the members whose
--    licenses it released (the most recently assigned, when seats fell below assigned).
CREATE TABLE reversals (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    redemption_id    bigint NOT NULL REFERENCES redemptions (id),
    key_id           bigint NOT NULL UNIQUE REFERENCES product_keys (id),
    tail             text NOT NULL CHECK (tail ~ '^[BCDFGHJKMPQRTVWXY2346789]{5}$'),
    reason           text CHECK (length(reason) BETWEEN 1 AND 500),
    seats_before     integer NOT NULL,
    seats_after      integer NOT NULL CHECK (seats_after >= 0 AND seats_after <= seats_before),
    ends_before      date NOT NULL,
    ends_after       date NOT NULL CHECK (ends_after <= ends_before),
    released         bigint[] NOT NULL DEFAULT '{}',
    reversed_at      timestamptz NOT NULL,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id)
);

CREATE INDEX reversals_guild_time ON reversals (guild_id, reversed_at DESC, id DESC);

CREATE TRIGGER reversals_immutable BEFORE UPDATE OR DELETE ON reversals
    FOR EACH ROW EXECUTE FUNCTION refuse_ledger_change();

-- 4. A license released because a reversal left fewer seats than assigned: reason
--    `reversed`, by licensebot itself.
ALTER TABLE license_history
    DROP CONSTRAINT license_history_reason_check,
    ADD CONSTRAINT license_history_reason_check
        CHECK (reason IN ('admin', 'request', 'member-gone', 'subscription-deleted', 'reversed')),
    -- The generated names of the first migration are kept: these are widenings.
    DROP CONSTRAINT license_history_check,
    ADD CONSTRAINT license_history_check
        CHECK ((event = 'assigned' AND reason IN ('admin', 'request'))
            OR (event = 'unassigned'
                AND reason IN ('admin', 'member-gone', 'subscription-deleted', 'reversed'))),
    DROP CONSTRAINT license_history_check1,
    ADD CONSTRAINT license_history_check1
        CHECK ((actor_id IS NULL) = (reason IN ('member-gone', 'subscription-deleted', 'reversed')));

-- 5. The webhook events of taking back and of reminders.
ALTER TABLE webhook_events
    DROP CONSTRAINT webhook_events_type_check,
    ADD CONSTRAINT webhook_events_type_check
        CHECK (type IN ('redemption.created', 'redemption.reversed', 'subscription.state_changed',
                        'subscription.expiring', 'license.assigned', 'license.unassigned',
                        'key.revoked', 'ping'));
