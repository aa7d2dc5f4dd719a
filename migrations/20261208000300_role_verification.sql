-- Drift repaired from Discord's own state: when licensebot last saw at Discord that the
-- member carries the role (read by the verifier, told by a member update, or confirmed by
-- Discord giving it). NULL: never. A holder is read again once this is older than
-- `roles.verify_hours`, and on each start of a process.
ALTER TABLE member_roles ADD COLUMN verified_at timestamptz;

-- The verifier's look for due holders: only what Discord has and licensebot wants.
CREATE INDEX member_roles_verify ON member_roles (verified_at NULLS FIRST)
    WHERE wanted AND applied;
