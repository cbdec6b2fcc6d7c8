//! The translation files, `locales/<language>/<namespace>.json`, hold the same keys, and
//! every key is used: a key missing in one language, or left behind when its
//! text was removed from the code, fails here (build.rs fails earlier on a
//! missing or surplus key; this names the unused ones too).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const LANGUAGES: [&str; 3] = ["en-GB", "ja", "id"];
const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every key of a language as a dotted path (`namespace.key`), plural forms
/// folded into their key.
fn keys(language: &str) -> BTreeSet<String> {
    let dir = root().join("locales").join(language);
    let mut keys = BTreeSet::new();
    let files = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}"));
    for path in files.flatten().map(|entry| entry.path()) {
        let Some(namespace) = path.file_stem().and_then(|stem| stem.to_str()) else {
            continue;
        };
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let json: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        collect(&json, namespace.to_owned(), &mut keys);
    }
    keys
}

fn collect(value: &serde_json::Value, prefix: String, keys: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, value) in map {
                let path = match prefix.is_empty() {
                    true => key.clone(),
                    false => format!("{prefix}.{key}"),
                };
                collect(value, path, keys);
            }
        }
        _ => {
            let folded = PLURAL_FORMS
                .iter()
                .find_map(|form| prefix.strip_suffix(&format!("_{form}")))
                .unwrap_or(&prefix);
            keys.insert(folded.to_owned());
        }
    }
}

fn sources(dir: &Path, text: &mut String) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            sources(&path, text);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            text.push_str(&std::fs::read_to_string(&path).expect("a source file is readable"));
            text.push('\n');
        }
    }
}

#[test]
fn every_language_has_every_key() {
    let english = keys("en-GB");
    for language in &LANGUAGES[1..] {
        let theirs = keys(language);
        let missing: Vec<_> = english.difference(&theirs).collect();
        let extra: Vec<_> = theirs.difference(&english).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "locales/{language}/: missing {missing:?}, not in English {extra:?}"
        );
    }
}

#[test]
fn every_key_is_used() {
    let mut code = String::new();
    sources(&root().join("src"), &mut code);
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let unused: Vec<String> = keys("en-GB")
        .into_iter()
        .filter(|key| {
            !code.match_indices(key.as_str()).any(|(at, _)| {
                let before = code[..at].chars().next_back();
                let after = code[at + key.len()..].chars().next();
                !before.is_some_and(|c| is_ident(c) || c == '.') && !after.is_some_and(is_ident)
            })
        })
        .collect();
    assert!(
        unused.is_empty(),
        "keys no code uses (remove them from every language in locales/): {unused:?}"
    );
}
