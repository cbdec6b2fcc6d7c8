//! Staff: accounts with a role. An `organiser` runs festivals (and must
//! pass a second factor); `door` admits ticket holders. Roles are given and
//! taken as journal records; the rule kept here is that the last organiser
//! cannot be removed, so a shop is never left without anyone to run it.

use super::FanName;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// What a staff member may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Sets up festivals, watches and exports sales, manages staff.
    Organiser,
    /// Lets ticket holders in.
    Door,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Organiser, Role::Door];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Organiser => "organiser",
            Role::Door => "door",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An organiser's second factor: a TOTP secret (RFC 6238, base32) and the
/// hashes of its one-time recovery codes still unused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactor {
    pub secret: String,
    pub recovery_hashes: Vec<String>,
}

/// Why a role change was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    #[error("{0} is the last organiser; make someone else an organiser first")]
    LastOrganiser(String),
    #[error("{name} is not {role}")]
    NoSuchRole { name: String, role: Role },
}

/// Who has which role, and the organisers' second factors.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Staff {
    roles: BTreeMap<FanName, BTreeSet<Role>>,
    second_factors: BTreeMap<FanName, SecondFactor>,
}

impl Staff {
    pub fn roles_of(&self, name: &FanName) -> BTreeSet<Role> {
        self.roles.get(name).cloned().unwrap_or_default()
    }

    pub fn has(&self, name: &FanName, role: Role) -> bool {
        self.roles
            .get(name)
            .is_some_and(|roles| roles.contains(&role))
    }

    /// Everyone with a role, by name.
    pub fn members(&self) -> impl Iterator<Item = (&FanName, &BTreeSet<Role>)> {
        self.roles.iter().filter(|(_, roles)| !roles.is_empty())
    }

    /// Gives a role; `false` if they had it already.
    pub fn grant(&mut self, name: &FanName, role: Role) -> bool {
        self.roles.entry(name.clone()).or_default().insert(role)
    }

    /// Takes a role, unless it is the last organiser's.
    pub fn check_revoke(&self, name: &FanName, role: Role) -> Result<(), StaffError> {
        if !self.has(name, role) {
            return Err(StaffError::NoSuchRole {
                name: name.as_str().into(),
                role,
            });
        }
        let organisers = self
            .roles
            .values()
            .filter(|roles| roles.contains(&Role::Organiser))
            .count();
        if role == Role::Organiser && organisers <= 1 {
            return Err(StaffError::LastOrganiser(name.as_str().into()));
        }
        Ok(())
    }

    /// Takes a role (after [`check_revoke`](Self::check_revoke), or when
    /// replaying a saved record).
    pub fn revoke(&mut self, name: &FanName, role: Role) {
        if let Some(roles) = self.roles.get_mut(name) {
            roles.remove(&role);
        }
    }

    pub fn second_factor(&self, name: &FanName) -> Option<&SecondFactor> {
        self.second_factors.get(name)
    }

    /// Sets (or replaces) a second factor; returns the one it replaced.
    pub fn set_second_factor(
        &mut self,
        name: &FanName,
        factor: SecondFactor,
    ) -> Option<SecondFactor> {
        self.second_factors.insert(name.clone(), factor)
    }

    pub fn clear_second_factor(&mut self, name: &FanName) -> Option<SecondFactor> {
        self.second_factors.remove(name)
    }

    /// Crosses a recovery code off; `false` if it was not (or no longer) one.
    pub fn use_recovery_code(&mut self, name: &FanName, hash: &str) -> bool {
        let Some(factor) = self.second_factors.get_mut(name) else {
            return false;
        };
        let before = factor.recovery_hashes.len();
        factor.recovery_hashes.retain(|h| h != hash);
        factor.recovery_hashes.len() < before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> FanName {
        FanName::new(text).unwrap()
    }

    #[test]
    fn the_last_organiser_stays() {
        let mut staff = Staff::default();
        assert!(staff.grant(&name("a-chan"), Role::Organiser));
        assert!(!staff.grant(&name("a-chan"), Role::Organiser));
        assert_eq!(
            staff.check_revoke(&name("a-chan"), Role::Organiser),
            Err(StaffError::LastOrganiser("a-chan".into()))
        );
        staff.grant(&name("nodoka"), Role::Organiser);
        staff.grant(&name("door1"), Role::Door);
        assert_eq!(staff.check_revoke(&name("a-chan"), Role::Organiser), Ok(()));
        staff.revoke(&name("a-chan"), Role::Organiser);
        assert!(!staff.has(&name("a-chan"), Role::Organiser));
        assert!(staff.has(&name("door1"), Role::Door));
        assert!(matches!(
            staff.check_revoke(&name("door1"), Role::Organiser),
            Err(StaffError::NoSuchRole { .. })
        ));
        assert_eq!(staff.members().count(), 2);
    }

    #[test]
    fn a_recovery_code_works_once() {
        let mut staff = Staff::default();
        let factor = SecondFactor {
            secret: "JBSWY3DPEHPK3PXP".into(),
            recovery_hashes: vec!["h1".into(), "h2".into()],
        };
        staff.set_second_factor(&name("a-chan"), factor);
        assert!(staff.use_recovery_code(&name("a-chan"), "h1"));
        assert!(!staff.use_recovery_code(&name("a-chan"), "h1"));
        assert!(!staff.use_recovery_code(&name("other"), "h2"));
    }

    #[test]
    fn roles_read_and_write_as_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
