//! Drift between the role queue and Discord: what a member's roles, as Discord says they
//! are now, call for. Only roles linked to a subscription (and not halted) are looked at;
//! what licensebot wants of each is the queue's `wanted`, which every cause keeps true.

/// A member's linked role as the queue holds it: what licensebot wants, and what Discord
/// has as far as licensebot knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuedRole {
    pub role: u64,
    pub wanted: bool,
    pub applied: bool,
}

/// A change to queue because Discord's state drifted from the queue's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repair {
    /// A holder lacks the role licensebot gave them (taken away by hand): give it back.
    GiveBack(u64),
    /// A member carries a linked role licensebot does not want them to have (given by
    /// hand): take it away.
    TakeAway(u64),
}

/// What a look at a member's roles found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DriftCheck {
    pub repairs: Vec<Repair>,
    /// Roles licensebot wants the member to have, that Discord has, as the queue says:
    /// verified now.
    pub confirmed: Vec<u64>,
}

impl DriftCheck {
    pub fn given_back(&self) -> usize {
        self.repairs
            .iter()
            .filter(|r| matches!(r, Repair::GiveBack(_)))
            .count()
    }

    pub fn taken_away(&self) -> usize {
        self.repairs.len() - self.given_back()
    }
}

/// Compares the member's roles at Discord (`at_discord`) with the queue, for each of the
/// guild's `linked` roles. A change already pending (`wanted` ≠ `applied`) is left to the
/// queue: it is on its way, whatever Discord shows now.
pub fn check_drift(linked: &[u64], queued: &[QueuedRole], at_discord: &[u64]) -> DriftCheck {
    let mut check = DriftCheck::default();
    let mut linked = linked.to_vec();
    linked.sort_unstable();
    linked.dedup();
    for role in linked {
        let present = at_discord.contains(&role);
        let queue = queued.iter().find(|q| q.role == role);
        match queue.map(|q| (q.wanted, q.applied)) {
            Some((true, true)) if present => check.confirmed.push(role),
            Some((true, true)) => check.repairs.push(Repair::GiveBack(role)),
            // A change on its way.
            Some((true, false)) | Some((false, true)) => {}
            // Not wanted, and Discord has none as far as licensebot knows.
            Some((false, false)) | None if present => check.repairs.push(Repair::TakeAway(role)),
            Some((false, false)) | None => {}
        }
    }
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: u64 = 10;
    const B: u64 = 20;
    const UNLINKED: u64 = 30;

    fn q(role: u64, wanted: bool, applied: bool) -> QueuedRole {
        QueuedRole {
            role,
            wanted,
            applied,
        }
    }

    #[test]
    fn a_holders_role_taken_away_by_hand_is_given_back_and_one_still_there_is_confirmed() {
        let check = check_drift(&[A, B], &[q(A, true, true), q(B, true, true)], &[B]);
        assert_eq!(check.repairs, [Repair::GiveBack(A)]);
        assert_eq!(check.confirmed, [B]);
        assert_eq!((check.given_back(), check.taken_away()), (1, 0));
    }

    #[test]
    fn a_linked_role_given_by_hand_without_a_license_is_taken_away() {
        let none = check_drift(&[A], &[], &[A, UNLINKED]);
        assert_eq!(none.repairs, [Repair::TakeAway(A)]);
        let settled = check_drift(&[A], &[q(A, false, false)], &[A]);
        assert_eq!(settled.repairs, [Repair::TakeAway(A)]);
        assert_eq!(settled.taken_away(), 1);
    }

    #[test]
    fn a_change_on_its_way_and_a_role_not_linked_are_left_alone() {
        let check = check_drift(
            &[A, B],
            &[
                q(A, true, false),
                q(B, false, true),
                q(UNLINKED, true, true),
            ],
            &[B],
        );
        assert_eq!(check, DriftCheck::default());
    }

    #[test]
    fn nothing_is_found_when_discord_agrees_with_the_queue() {
        let check = check_drift(&[A, B, A], &[q(A, true, true)], &[A]);
        assert!(check.repairs.is_empty());
        assert_eq!(check.confirmed, [A]);
    }
}
