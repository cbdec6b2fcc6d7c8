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

/// A lost phone: the operator forgets the organiser's second factor, which
/// they set up anew at their next sign-in. An unknown name changes nothing.
#[test]
fn a_lost_second_factor_is_reset_on_the_server_machine() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let made = staff_add(
        &data,
        &["a-chan", "--role", "organiser", "--password-stdin"],
        "correct horse battery\n",
    );
    assert!(made.status.success(), "{}", text(&made.stderr));
    let name = FanName::new("a-chan").unwrap();
    {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let store = JsonStore::open(&data).unwrap();
            let shop = tiket::shop::Shop::open(
                store,
                tiket::domain::Festival::reference,
                tiket::shop::ShopOptions::default(),
            )
            .unwrap();
            let factor = tiket::domain::SecondFactor {
                secret: "JBSWY3DPEHPK3PXP".into(),
                recovery_hashes: Vec::new(),
            };
            shop.set_second_factor(&name, Some(factor)).await.unwrap();
            shop.close().await.unwrap();
        });
    }
    let reset = |who: &str| {
        Command::new(env!("CARGO_BIN_EXE_tiket"))
            .args(["staff", "reset-second-factor", who, "--data-dir"])
            .arg(&data)
            .env_remove("TIKET_DATA_DIR")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let unknown = reset("nobody");
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("there is no account named nobody"));
    let done = reset("a-chan");
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(text(&done.stdout).contains("set up a new one"));
    let last = records(&data)
        .into_iter()
        .rev()
        .find(|record| matches!(record, Record::SecondFactorSet { .. }));
    assert!(
        matches!(last, Some(Record::SecondFactorSet { factor: None, .. })),
        "{last:?}"
    );
    let again = reset("a-chan");
    assert!(text(&again.stdout).contains("nothing changed"));
}
