//! A door with no network: a signed pass checked on the device with the
//! festival's public key and the revoked tickets from the kit, the stages
//! this gate lets in, and what this device already let in. Short codes
//! carry no signature and cannot be checked here.

use crate::domain::{DoorPublicKey, TicketCode, UncheckedPass};
use crate::server_fns::door::DoorKitData;
use serde::{Deserialize, Serialize};

/// An admission this device made, remembered so it never admits a ticket twice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Admitted {
    /// The ticket's id.
    pub ticket: String,
    pub gate: String,
    /// `18:02:11`, the device's clock.
    pub time: String,
}

/// What the offline door answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Let in: the ticket's id and stage.
    Admit {
        ticket: String,
        stage: u32,
    },
    /// This device let it in before.
    AlreadyAdmitted {
        gate: String,
        time: String,
    },
    /// A ticket for another stage (the ticket's stage).
    WrongStage {
        stage: u32,
    },
    Cancelled,
    /// Forged, of another festival, or not a ticket code at all.
    NotValid,
    /// A short code: only the server knows it.
    Unchecked,
}

/// The offline door's rule, on what the device holds.
pub fn check(code: &str, kit: &DoorKitData, stages: &[u32], admitted: &[Admitted]) -> Verdict {
    let text = code.trim();
    let short = text
        .get(..6)
        .filter(|prefix| prefix.eq_ignore_ascii_case("TIKET:"))
        .map_or(text, |_| &text[6..]);
    if short.parse::<TicketCode>().is_ok() {
        return Verdict::Unchecked;
    }
    let Ok(pass) = text.parse::<UncheckedPass>() else {
        return Verdict::NotValid;
    };
    if pass.festival() != kit.number {
        return Verdict::NotValid;
    }
    let Ok(key) = kit.public_key.parse::<DoorPublicKey>() else {
        return Verdict::NotValid;
    };
    let Ok(claims) = key.verify(&pass) else {
        return Verdict::NotValid;
    };
    let ticket = claims.ticket.0.to_string();
    if kit.revoked.contains(&ticket) {
        return Verdict::Cancelled;
    }
    if !stages.contains(&claims.stage.0) {
        return Verdict::WrongStage {
            stage: claims.stage.0,
        };
    }
    let reentry = kit
        .stages
        .iter()
        .any(|s| s.id == claims.stage.0 && s.reentry);
    if let Some(first) = admitted.iter().find(|a| a.ticket == ticket) {
        if !reentry {
            return Verdict::AlreadyAdmitted {
                gate: first.gate.clone(),
                time: first.time.clone(),
            };
        }
    }
    Verdict::Admit {
        ticket,
        stage: claims.stage.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DoorKey, PassClaims, StageId, TicketId};
    use crate::server_fns::door::DoorStage;

    fn stage(id: u32, reentry: bool) -> DoorStage {
        DoorStage {
            id,
            name: format!("Stage {id}"),
            day: 1,
            date: String::new(),
            doors: String::new(),
            starts: String::new(),
            zone: "JST".into(),
            reentry,
        }
    }

    fn kit(key: &DoorKey) -> DoorKitData {
        DoorKitData {
            slug: "fes".into(),
            name: "Fes".into(),
            number: 3,
            public_key: key.public().to_string(),
            revoked: vec![],
            stages: vec![stage(1, false), stage(2, true)],
        }
    }

    fn pass(key: &DoorKey, ticket: u128, festival: u16, stage: u32) -> (String, String) {
        let id = TicketId(uuid::Uuid::from_u128(ticket));
        let claims = PassClaims {
            ticket: id,
            festival,
            stage: StageId(stage),
        };
        (key.sign(claims), id.0.to_string())
    }

    #[test]
    fn admits_a_signed_ticket_once() {
        let key = DoorKey::from_seed([7; 32]);
        let kit = kit(&key);
        let (code, id) = pass(&key, 1, 3, 1);
        let verdict = check(&code, &kit, &[1], &[]);
        assert_eq!(
            verdict,
            Verdict::Admit {
                ticket: id.clone(),
                stage: 1
            }
        );
        let admitted = [Admitted {
            ticket: id,
            gate: "Gate 2".into(),
            time: "18:02:11".into(),
        }];
        assert_eq!(
            check(&code.to_lowercase(), &kit, &[1], &admitted),
            Verdict::AlreadyAdmitted {
                gate: "Gate 2".into(),
                time: "18:02:11".into()
            }
        );
    }

    #[test]
    fn a_stage_with_reentry_admits_again() {
        let key = DoorKey::from_seed([7; 32]);
        let (code, id) = pass(&key, 1, 3, 2);
        let admitted = [Admitted {
            ticket: id.clone(),
            gate: "A".into(),
            time: "t".into(),
        }];
        assert_eq!(
            check(&code, &kit(&key), &[2], &admitted),
            Verdict::Admit {
                ticket: id,
                stage: 2
            }
        );
    }

    #[test]
    fn refuses_forged_revoked_wrong_stage_and_other_festivals() {
        let key = DoorKey::from_seed([7; 32]);
        let mut kit = kit(&key);
        let (code, id) = pass(&key, 1, 3, 1);
        // One character changed in the signature.
        let mut forged: Vec<char> = code.chars().collect();
        let last = forged.len() - 3;
        forged[last] = if forged[last] == 'A' { 'B' } else { 'A' };
        let forged: String = forged.into_iter().collect();
        assert_eq!(check(&forged, &kit, &[1], &[]), Verdict::NotValid);
        // Signed by another key.
        let (other, _) = pass(&DoorKey::from_seed([8; 32]), 1, 3, 1);
        assert_eq!(check(&other, &kit, &[1], &[]), Verdict::NotValid);
        // Another festival's number.
        let (elsewhere, _) = pass(&key, 1, 4, 1);
        assert_eq!(check(&elsewhere, &kit, &[1], &[]), Verdict::NotValid);
        assert_eq!(
            check(&code, &kit, &[2], &[]),
            Verdict::WrongStage { stage: 1 }
        );
        kit.revoked.push(id);
        assert_eq!(check(&code, &kit, &[1], &[]), Verdict::Cancelled);
    }

    #[test]
    fn short_codes_cannot_be_checked_offline() {
        let key = DoorKey::from_seed([7; 32]);
        let kit = kit(&key);
        assert_eq!(check("K7QX-M2PA", &kit, &[1], &[]), Verdict::Unchecked);
        assert_eq!(check("tiket:k7qxm2pa", &kit, &[1], &[]), Verdict::Unchecked);
        assert_eq!(check("hello", &kit, &[1], &[]), Verdict::NotValid);
        assert_eq!(check("", &kit, &[1], &[]), Verdict::NotValid);
    }
}
