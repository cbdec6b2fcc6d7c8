//! What an import brought in, stage by stage: [`ImportSummary`], which
//! `tiket import` prints when it is done.

use crate::domain::StageId;
use crate::store::Saved;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// What an import brought in, stage by stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportSummary {
    pub data_dir: PathBuf,
    pub festival: String,
    pub venue: String,
    pub stages: Vec<StageSummary>,
}

/// One stage after the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageSummary {
    pub id: StageId,
    pub name: String,
    /// Tickets imported for this stage.
    pub imported: u32,
    pub total_stock: u32,
    pub remaining: u32,
}

impl ImportSummary {
    /// The summary of what `saved` holds, once written to `data_dir`.
    pub fn of(saved: &Saved, data_dir: &Path) -> Self {
        let mut imported: HashMap<StageId, u32> = HashMap::new();
        for ticket in saved.tickets() {
            *imported.entry(ticket.stage).or_default() += 1;
        }
        let stages = saved
            .festival
            .stages
            .iter()
            .map(|stage| {
                let imported = imported.get(&stage.id).copied().unwrap_or(0);
                StageSummary {
                    id: stage.id,
                    name: stage.name.clone(),
                    imported,
                    total_stock: stage.total_stock,
                    remaining: stage.total_stock.saturating_sub(imported),
                }
            })
            .collect();
        ImportSummary {
            data_dir: data_dir.to_path_buf(),
            festival: saved.festival.name.clone(),
            venue: saved.festival.venue.clone(),
            stages,
        }
    }

    pub fn tickets(&self) -> u64 {
        self.stages.iter().map(|s| u64::from(s.imported)).sum()
    }
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Imported {:?} ({}) into {}:",
            self.festival,
            self.venue,
            self.data_dir.display()
        )?;
        for stage in &self.stages {
            writeln!(
                f,
                "  stage {} {:?}: {} imported, {} of {} left",
                stage.id, stage.name, stage.imported, stage.remaining, stage.total_stock
            )?;
        }
        let total: u64 = self.stages.iter().map(|s| u64::from(s.total_stock)).sum();
        let remaining: u64 = self.stages.iter().map(|s| u64::from(s.remaining)).sum();
        write!(
            f,
            "In all: {} stages, {} tickets imported, {remaining} of {total} left",
            self.stages.len(),
            self.tickets()
        )
    }
}
