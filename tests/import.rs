//! `tiket import` run as an operator would: the real binary on the files in
//! `tests/fixtures/seed/`, then the data folder read back through the store.
#![cfg(feature = "ssr")]

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tiket::domain::{StageId, TicketId};
use tiket::store::{JsonStore, Saved, Store};
use time::macros::datetime;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/seed")
        .join(name)
}

/// Runs `tiket import` on a stages and a tickets fixture into `data_dir`.
fn import(data_dir: &Path, tickets: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tiket"))
        .arg("import")
        .arg("--stages")
        .arg(fixture("stages.json"))
        .arg("--tickets")
        .arg(fixture(tickets))
        .arg("--data-dir")
        .arg(data_dir)
        .args(extra)
        .env_remove("TIKET_DATA_DIR")
        .env("RUST_LOG", "warn")
        .output()
        .expect("the tiket binary runs")
}

/// The fixtures are of March 2024, so the sale must open before then.
const PAST_SALE: &[&str] = &[
    "--sale-opens",
    "2024-03-01T12:00:00+09:00",
    "--timestamp-offset",
    "+09:00",
    "--festival-name",
    "hololive 5th fes. Capture the Moment",
];

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn load(data_dir: &Path) -> Option<Saved> {
    JsonStore::open(data_dir)
        .and_then(|mut store| store.load())
        .expect("the data folder reads back")
}

fn assert_refused(output: &Output, expected: &str) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.starts_with("tiket: ") && stderr.trim_end().lines().count() == 1,
        "one line starting with `tiket: `:\n{stderr}"
    );
    assert!(
        stderr.contains(expected),
        "should say {expected:?}:\n{stderr}"
    );
}

#[test]
fn imports_the_old_files_into_a_fresh_folder() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = import(&data, "tickets.csv", PAST_SALE);
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "stderr:\n{}", text(&output.stderr));
    for line in [
        "stage 1 \"Stage 1\": 3 imported, 1488 of 1491 left",
        "stage 3 \"Honeyworks Stage\": 2 imported, 0 of 2 left",
        "stage 4 \"Stage 3\": 0 imported, 1500 of 1500 left",
        "In all: 4 stages, 6 tickets imported, 4485 of 4491 left",
    ] {
        assert!(
            stdout.contains(line),
            "stdout should say {line:?}:\n{stdout}"
        );
    }

    let saved = load(&data).expect("the import set the folder up");
    let festival = &saved.festival;
    assert_eq!(festival.name, "hololive 5th fes. Capture the Moment");
    assert_eq!(festival.venue, tiket::import::DEFAULT_VENUE);
    let stock: Vec<(u32, u32)> = festival
        .stages
        .iter()
        .map(|s| (s.id.0, s.total_stock))
        .collect();
    assert_eq!(stock, [(1, 1491), (2, 1498), (3, 2), (4, 1500)]);
    for stage in &festival.stages {
        assert_eq!(stage.sale_opens, datetime!(2024-03-01 12:00 +9));
        assert_eq!(stage.sale_closes, stage.doors_open);
    }
    assert_eq!(
        festival.stages[0].doors_open,
        datetime!(2024-03-16 02:30 UTC)
    );

    assert_eq!(saved.records.len(), 6, "one record per ticket");
    let tickets: HashMap<TicketId, _> = saved.tickets().map(|t| (t.id, t)).collect();
    let first = tickets
        .values()
        .find(|t| t.id.to_string() == "36b2497e-a245-439e-adb0-4df37c031ed3")
        .expect("the ticket keeps its id");
    assert_eq!(first.stage, StageId(1));
    assert_eq!(first.owner.as_str(), "jovan");
    assert_eq!(
        first.bought_at,
        datetime!(2024-03-02 07:15:38.465795 +9),
        "read at the given offset"
    );
    let owners: HashSet<&str> = saved.tickets().map(|t| t.owner.as_str()).collect();
    let expected: HashSet<&str> =
        ["jovan", ",\"", "Pekora, fan", "ぺこらファン", "say \"hi\""].into();
    assert_eq!(owners, expected);
    let codes: HashSet<_> = saved.tickets().map(|t| t.code).collect();
    assert_eq!(codes.len(), 6, "every ticket has its own code");
}

#[test]
fn a_second_import_adds_a_draft_festival_and_the_same_tickets_twice_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(import(&data, "tickets.csv", PAST_SALE).status.success());
    let before = load(&data);

    // The same files again: the name's address is taken.
    let output = import(&data, "tickets.csv", PAST_SALE);
    assert_refused(&output, "choose another with --slug");
    assert_eq!(load(&data), before);
    // Under another address, the same tickets are already in the shop.
    let output = import(
        &data,
        "tickets.csv",
        &[PAST_SALE, &["--slug", "again"]].concat(),
    );
    assert_refused(&output, "appears twice");
    assert_eq!(load(&data), before);

    // New tickets: a festival of its own, its stages numbered after the others.
    let tickets = dir.path().join("more.csv");
    std::fs::write(
        &tickets,
        "ticket_id,stage_id,timestamp,username\n\
         9d1e7c3a-0000-4000-8000-000000000001,2,2024-03-02T07:15:38,mio\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tiket"))
        .args(["import", "--stages"])
        .arg(fixture("stages.json"))
        .arg("--tickets")
        .arg(&tickets)
        .arg("--data-dir")
        .arg(&data)
        .args(PAST_SALE)
        .args([
            "--slug",
            "jakarta",
            "--time-zone",
            "Asia/Jakarta",
            "--venue",
            "JIExpo",
        ])
        .env_remove("TIKET_DATA_DIR")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("/f/jakarta"),
        "{}",
        text(&output.stdout)
    );
    let saved = load(&data).unwrap();
    let replayed = saved
        .inventory(tiket::domain::BuyLimits::default())
        .unwrap()
        .inventory;
    let festivals = replayed.catalogue().festivals();
    assert_eq!(festivals.len(), 2);
    let jakarta = &festivals[1];
    assert_eq!(jakarta.state, tiket::domain::FestivalState::Draft);
    assert_eq!(jakarta.time_zone.as_str(), "Asia/Jakarta");
    let first_new = festivals[0].stages.len() as u32 + 1;
    assert_eq!(jakarta.stages[0].id, StageId(first_new));
    let mio = replayed
        .tickets()
        .iter()
        .find(|t| t.owner.as_str() == "mio")
        .expect("the new ticket");
    assert_eq!(
        mio.stage,
        StageId(first_new + 1),
        "stage_id 2 of the new files"
    );
    assert_eq!(mio.price, Some(jakarta.stages[1].price));
}

#[test]
fn a_bad_file_is_refused_with_its_line_and_writes_no_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = import(&data, "tickets-bad.csv", PAST_SALE);
    assert_refused(&output, "tickets-bad.csv:3: stage_id 9 is not a stage");
    assert!(!data.join("snapshot.json").exists());
    assert_eq!(load(&data), None);
}

#[test]
fn a_past_event_is_refused_without_a_sale_opening_time() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = import(&data, "tickets.csv", &[]);
    assert_refused(&output, "stages.json: stage #0 (stage_id 1): ");
    assert!(text(&output.stderr).contains("--sale-opens"));
    assert!(!data.join("snapshot.json").exists());
}

#[test]
fn the_data_folder_comes_from_tiket_data_dir_too() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("from-env");
    let output = Command::new(env!("CARGO_BIN_EXE_tiket"))
        .args(["import", "--stages"])
        .arg(fixture("stages.json"))
        .arg("--tickets")
        .arg(fixture("tickets.csv"))
        .args(PAST_SALE)
        .env("TIKET_DATA_DIR", &data)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the tiket binary runs");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(load(&data).map(|saved| saved.records.len()), Some(6));
}
