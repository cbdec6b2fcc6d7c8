//! Generates the `i18n` module (the `Locale` enum, `t!`, `td_string!`, …)
//! from the translation files, `locales/<language>/<namespace>.json`, with leptos_i18n's
//! own parser and code generator. A build script rather than leptos_i18n's
//! `load_locales!` macro because the macro cannot turn on
//! `interpolate_display`, which lets a sentence with `{{ values }}` be made
//! as a `String` (the refusal sentences, attributes, button labels).
//!
//! The build fails on any warning of the parser: a key missing in one
//! language, a key one language has and English lacks, a plural form a
//! language does not use. `tests/locales.rs` checks the same, and that every
//! key is used.

use leptos_i18n_parser::parse_locales::{
    options::{Config, ParseOptions},
    parse_locales,
};
use std::path::PathBuf;

/// The languages tiket speaks; the first is the default.
const LOCALES: [&str; 3] = ["en-GB", "ja", "id"];

/// One file per part of the site, per language. Each namespace is its own
/// table in the binary, so the browser bundle carries only the ones the pages
/// use: `errors` (the refusal sentences) is the server's alone.
const NAMESPACES: [&str; 11] = [
    "site",
    "list",
    "card",
    "sale",
    "stage",
    "tickets",
    "account",
    "not_found",
    "console",
    "door",
    "errors",
];

fn main() {
    println!("cargo::rerun-if-changed=locales");
    for locale in LOCALES {
        for namespace in NAMESPACES {
            println!("cargo::rerun-if-changed=locales/{locale}/{namespace}.json");
        }
    }
    let manifest_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let config = Config::new(LOCALES[0])
        .and_then(|config| config.add_locales(&LOCALES[1..]))
        .and_then(|config| config.add_namespaces(NAMESPACES))
        .expect("the locale codes are valid")
        .parse_options(ParseOptions::new().interpolate_display(true));
    let parsed = match parse_locales(Some(manifest_dir), config) {
        Ok(parsed) => parsed,
        Err(error) => panic!("the translations in locales/ cannot be read: {error}"),
    };
    let warnings = parsed.diag.warnings();
    let errors = parsed.diag.errors();
    if !warnings.is_empty() || !errors.is_empty() {
        let all: Vec<String> = warnings
            .iter()
            .map(ToString::to_string)
            .chain(errors.iter().map(ToString::to_string))
            .collect();
        panic!(
            "the translations in locales/ need fixing:\n  {}",
            all.join("\n  ")
        );
    }
    let code = leptos_i18n_codegen::gen_code(&parsed, None, false, None, false)
        .unwrap_or_else(|error| panic!("the i18n module cannot be generated: {error}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("i18n.rs");
    std::fs::write(&out, code.to_string()).expect("OUT_DIR is writable");
}
