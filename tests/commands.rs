//! `tiket staff add` run as an operator would: the real binary, on a
//! folder that does not exist yet, on one holding a shop, and on one a
//! running shop holds.
#![cfg(feature = "ssr")]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use tiket::domain::{BuyLimits, FanName, Role};
use tiket::store::Record;
use tiket::store::{JsonStore, Store};

fn staff_add(data_dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tiket"))
        .args(["staff", "add"])
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .env_remove("TIKET_DATA_DIR")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn records(data_dir: &Path) -> Vec<Record> {
    let saved = JsonStore::open(data_dir).unwrap().load().unwrap().unwrap();
    saved.records
}

#[test]
fn the_first_organiser_is_made_on_a_folder_that_does_not_exist_yet() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new-folder");
    let output = staff_add(
        &data,
        &["a-chan", "--role", "organiser", "--password-stdin"],
        "correct horse battery\n",
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("second factor"));
    let saved = JsonStore::open(&data).unwrap().load().unwrap().unwrap();
    let festival = saved.inventory(BuyLimits::default()).unwrap().inventory;
    assert_eq!(
        festival.catalogue().festivals().len(),
        1,
        "set up with the reference festival"
    );
    let granted = saved.records.iter().any(|record| {
        matches!(record, Record::RoleGranted { name, role: Role::Organiser, by: None, .. }
            if *name == FanName::new("a-chan").unwrap())
    });
    assert!(granted, "{:?}", saved.records);

    // Again, with another role: the account stays, the role is added.
    let output = staff_add(&data, &["a-chan", "--role", "door", "--password-stdin"], "");
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("password are unchanged"));
    let registered = records(&data)
        .iter()
        .filter(|record| matches!(record, Record::Registered { .. }))
        .count();
    assert_eq!(registered, 1);
}

#[test]
fn bad_input_is_refused_in_one_line_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let cases: [(&[&str], &str, &str); 4] = [
        (
            &["kanata", "--role", "organiser", "--password-stdin"],
            "short\n",
            "at least 8 characters",
        ),
        (
            &["kanata", "--role", "boss", "--password-stdin"],
            "",
            "is not a role",
        ),
        (
            &["", "--role", "door", "--password-stdin"],
            "",
            "the user name is empty",
        ),
        (&["kanata", "--role", "door"], "", "--password-stdin"),
    ];
    for (args, stdin, expected) in cases {
        let output = staff_add(&data, args, stdin);
        assert!(!output.status.success());
        let stderr = text(&output.stderr);
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let any_account = data.exists()
        && records(&data)
            .iter()
            .any(|record| matches!(record, Record::Registered { .. }));
    assert!(!any_account);
}

#[test]
fn a_folder_a_running_shop_holds_is_not_touched() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let _held = JsonStore::open(&data).unwrap();
    let output = staff_add(
        &data,
        &["kanata", "--role", "organiser", "--password-stdin"],
        "correct horse battery\n",
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("a running tiket server holds") && stderr.contains("console"),
        "{stderr}"
    );
}
