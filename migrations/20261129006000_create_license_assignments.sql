-- Licenses assigned to members: who holds a seat of which subscription, the history of every
-- assignment and unassignment, the role linked to a subscription, the durable queue of the
-- role changes that follow, and the requests members make for a license.

-- One seat of a subscription held by one member. At most one per member and subscription;
-- "assigned ≤ seats" is checked under the subscription's row lock by the assigning
-- transaction (every insert and delete here happens under that lock).
CREATE TABLE license_assignments (
    guild_id         bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    user_id          bigint NOT NULL,
    assigned_by      bigint NOT NULL,
    assigned_at      timestamptz NOT NULL,
    -- how the member came by it: an admin assigned it, or approved their request
    via              text NOT NULL CHECK (via IN ('admin', 'request')),
    PRIMARY KEY (subscription_id, user_id),
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id)
);

CREATE INDEX license_assignments_member ON license_assignments (guild_id, user_id);
CREATE INDEX license_assignments_newest ON license_assignments (subscription_id, assigned_at DESC, user_id);

-- Every assignment and unassignment, kept: who (actor; NULL when licensebot itself released
-- the license), whom (user), when, and why. Append-only.
CREATE TABLE license_history (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    guild_id         bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    user_id          bigint NOT NULL,
    event            text NOT NULL CHECK (event IN ('assigned', 'unassigned')),
    actor_id         bigint,
    reason           text NOT NULL
        CHECK (reason IN ('admin', 'request', 'member-gone', 'subscription-deleted')),
    at               timestamptz NOT NULL,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id),
    CHECK ((event = 'assigned' AND reason IN ('admin', 'request'))
        OR (event = 'unassigned' AND reason IN ('admin', 'member-gone', 'subscription-deleted'))),
    CHECK ((actor_id IS NULL) = (reason IN ('member-gone', 'subscription-deleted')))
);

CREATE INDEX license_history_subscription ON license_history (guild_id, subscription_id, user_id, id);

CREATE FUNCTION refuse_license_history_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the license history is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER license_history_append_only BEFORE UPDATE OR DELETE ON license_history
    FOR EACH ROW EXECUTE FUNCTION refuse_license_history_change();

-- The Discord role linked to a subscription (/settings license-role): its holders carry it
-- while the subscription grants access (active or expired). licensebot touches no other role.
CREATE TABLE license_roles (
    subscription_id  bigint PRIMARY KEY,
    guild_id         bigint NOT NULL,
    role_id          bigint NOT NULL,
    linked_by        bigint NOT NULL,
    linked_at        timestamptz NOT NULL,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id)
);

CREATE INDEX license_roles_role ON license_roles (guild_id, role_id);

-- Roles Discord refused to let licensebot change (Missing Permissions, an unknown role):
-- reported once to the notice channel, and not tried again until a link sets the role again.
CREATE TABLE license_role_halts (
    guild_id   bigint NOT NULL,
    role_id    bigint NOT NULL,
    -- Discord's JSON error code and message, e.g. 50013 Missing Permissions
    error      text NOT NULL,
    halted_at  timestamptz NOT NULL,
    PRIMARY KEY (guild_id, role_id)
);

-- The durable queue of role changes. One row per member and linked role: `wanted` is what
-- licensebot wants (written in the transaction that caused the change: an assignment, an
-- unassignment, an approved request, a lifecycle state change, an extension, a link
-- change), `applied` what Discord last confirmed. A row whose two differ is a pending
-- change; a dispatcher claims it (FOR UPDATE SKIP LOCKED plus a lease), sends the
-- idempotent PUT or DELETE, and records what Discord now has.
CREATE TABLE member_roles (
    guild_id         bigint NOT NULL,
    user_id          bigint NOT NULL,
    role_id          bigint NOT NULL,
    wanted           boolean NOT NULL,
    applied          boolean NOT NULL DEFAULT false,
    changed_at       timestamptz NOT NULL,
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    leased_until     timestamptz,
    last_error       text,
    PRIMARY KEY (guild_id, user_id, role_id)
);

CREATE INDEX member_roles_pending ON member_roles (next_attempt_at) WHERE wanted <> applied;
CREATE INDEX member_roles_role ON member_roles (guild_id, role_id);

-- A member's request for a license, posted in the notice channel with Approve / Deny
-- buttons (its message is the notice `license-request:<id>`). One open request per member
-- and subscription; open requests expire after 7 days.
CREATE TABLE license_requests (
    id               uuid PRIMARY KEY,
    guild_id         bigint NOT NULL,
    subscription_id  bigint NOT NULL,
    user_id          bigint NOT NULL,
    -- the member's language, for the direct message that tells them the decision
    locale           text NOT NULL DEFAULT 'en-US',
    state            text NOT NULL DEFAULT 'open'
        CHECK (state IN ('open', 'approved', 'denied', 'expired')),
    created_at       timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL,
    decided_by       bigint,
    decided_at       timestamptz,
    FOREIGN KEY (guild_id, subscription_id) REFERENCES subscriptions (guild_id, id),
    CHECK ((state = 'open') = (decided_at IS NULL)),
    CHECK ((state IN ('approved', 'denied')) = (decided_by IS NOT NULL)),
    CHECK (expires_at > created_at)
);

CREATE UNIQUE INDEX license_requests_one_open ON license_requests (subscription_id, user_id)
    WHERE state = 'open';
CREATE INDEX license_requests_open_expiry ON license_requests (expires_at) WHERE state = 'open';

-- Notices about licenses (a request to decide, the last free license assigned, a member
-- who left, a role Discord refused, a decision told to the member by direct message).
ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check
    CHECK (kind IN ('redemption', 'lifecycle', 'lockout', 'license'));
