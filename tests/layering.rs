//! The code's layers point one way: each module imports only the modules its
//! row in [`ALLOWED`] names, so the pure rules never learn about the server or
//! the pages, and the pages never reach into the server.
//!
//! How it looks: every `.rs` file under `src/` is read as text; every
//! `crate::…` path (brace groups `crate::{a::X, b::{Y, Z}}` included, across
//! lines), every `super::…` / `self::…` path (resolved against the file's module
//! and any inline `mod x { … }` around it) and every path through a child
//! declared with `mod x;` is mapped to a *node*: the first segment of the path
//! (`domain`, `shop`, …), or the first two under `server` (`server::auth`,
//! `server::json_api`, …). Comments and string literals are blanked first. An
//! item of `lib.rs` (`crate::x`) is node `x`, which has no row, so a re-export
//! cannot hide an arrow. `src/main.rs` is node `main`; there `tiket::` counts as
//! `crate::`.
//!
//! - Edit the rules: the [`ALLOWED`] table right below (one row per node).
//! - Print every arrow of the tree:
//!   `cargo test --test layering -- --ignored --nocapture print_arrows`
//!   (set `TIKET_SRC=/some/checkout/src` to print another tree).
//! - Standalone, without the crate: `rustc --edition 2021 --test
//!   tests/layering.rs -o /tmp/layering && TIKET_SRC=src /tmp/layering
//!   --include-ignored --nocapture` (the file uses only the standard library).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Node → the nodes it may import. A node without a row may import nothing, so
/// a new top-level module needs a row on purpose. `"server::*"` means every
/// `server::…` node; `"*"` means anything. Arrows must point down: toward the
/// pure rules, never from them up to the server or the pages.
#[rustfmt::skip]
const ALLOWED: &[(&str, &[&str])] = &[
    // The pure rules of the festival: stages, prices, stock, fans.
    ("domain", &[]),
    // The one source of "now".
    ("clock", &[]),
    // URL paths and path tests, shared by the server and the pages.
    ("routes", &[]),
    // The translations (generated from locales/*.json by leptos_i18n; no file of its own).
    ("i18n", &[]),
    // Which language a request is answered in.
    ("language", &["i18n", "routes"]),
    // Date and time formatting, per locale.
    ("when", &["domain", "i18n"]),
    // Numbers and yen, per locale.
    ("numbers", &["domain", "i18n"]),
    // Message keys and the one function that makes a sentence in a language.
    ("messages", &["domain", "when", "i18n", "numbers"]),
    // Form transfer types shared by server functions and pages.
    ("forms", &["domain", "messages", "routes"]),
    // Persistence: the data folder.
    ("store", &["domain", "clock"]),
    // The running shop: sales, accounts, sessions.
    ("shop", &["domain", "store", "clock", "when"]),
    // Reads the replaced system's files into a fresh data folder.
    ("import", &["domain", "store", "clock"]),
    // A refusal becomes a status and a message key.
    ("refusal", &["domain", "shop", "server::auth", "messages", "forms", "routes"]),
    // Sign-up, sign-in, sessions.
    ("server::auth", &["domain", "shop", "clock", "server::device", "server::password_queue"]),
    // `tiket staff add`, `tiket import` into a shop's folder: the shop opened on a folder no server holds.
    ("server::commands", &["domain", "import", "shop", "store", "server::auth"]),
    // Staff access (roles, the organisers' second factor).
    ("server::staff", &["domain", "shop", "server::auth"]),
    // Browsers' signed device cookies (who signed in here before).
    ("server::device", &[]),
    // The bounded lanes where password checks wait for a thread.
    ("server::password_queue", &[]),
    // Whose request: the socket's peer, or X-Forwarded-For from a trusted proxy.
    ("server::client_addr", &[]),
    // Accepting connections: header timeout, caps per client and in all.
    ("server::connections", &["server::client_addr"]),
    // The state every handler shares.
    ("server::state", &["shop", "server::auth", "clock", "domain", "server::connections",
                        "server::stock_events"]),
    // `tiket serve`'s flags and environment.
    ("server::config", &["shop", "server::auth", "store", "clock", "domain", "server::client_addr",
                         "server::connections"]),
    // Prometheus metrics on their own address.
    ("server::prometheus", &[]),
    // Cross-site requests refused.
    ("server::same_origin", &["routes", "messages", "server::fallbacks"]),
    // Browser protections on every answer (CSP, nosniff, no-store).
    ("server::security_headers", &["routes", "messages", "server::fallbacks"]),
    // What wraps every request: ids, logs, compression, limits.
    ("server::layers", &["routes", "messages", "refusal", "server::fallbacks", "server::same_origin",
                         "server::security_headers"]),
    // Answers for what no route answers (404 under /api, 405), in the shape a path calls for.
    ("server::fallbacks", &["routes", "messages", "language"]),
    // Live stock as server-sent events.
    ("server::stock_events", &["domain", "shop", "routes", "server::state", "messages",
                               "server::fallbacks"]),
    // The JSON API: the shop's operations over HTTP.
    ("server::json_api", &["domain", "shop", "store", "clock", "routes", "refusal", "messages", "language",
                           "server::auth", "server::state", "server::layers", "server::fallbacks",
                           "server::client_addr", "server::same_origin", "server::staff"]),
    // Puts pages, JSON API and static files together (of `app`: the HTML shell and root component).
    ("server::router", &["app", "server::json_api", "server::stock_events", "server::layers", "server::fallbacks",
                         "server::state", "server::auth", "routes", "refusal", "messages", "shop",
                         "domain", "language"]),
    // Start-up: wires every server part to the store and the shop.
    ("server", &["server::*", "store", "shop", "domain", "clock", "import"]),
    // Server functions the pages call: the same shop and auth as the JSON API.
    ("server_fns", &["domain", "shop", "server::auth", "server::staff", "server::state", "server::client_addr", "refusal", "messages",
                     "forms", "routes", "when", "clock", "i18n", "language", "numbers"]),
    // The root component and the HTML shell.
    ("app", &["pages", "components", "server_fns", "forms", "routes", "messages", "i18n", "language"]),
    // One module per page.
    ("pages", &["components", "server_fns", "domain", "when", "forms", "routes", "messages", "i18n",
                "numbers", "language"]),
    // Pieces the pages share.
    ("components", &["domain", "when", "forms", "routes", "server_fns", "messages", "i18n", "numbers",
                     "language"]),
    // The binary: wires everything.
    ("main", &["*"]),
];

#[test]
fn layers_point_one_way() {
    let src = src_dir();
    let bad: Vec<String> = scan_tree(&src)
        .iter()
        .filter(|r| !allowed(&r.from, &r.to))
        .map(|r| {
            format!(
                "  src/{}:{}: {} imports {} ({})",
                r.file, r.line, r.from, r.to, r.path
            )
        })
        .collect();
    assert!(
        bad.is_empty(),
        "{} import(s) in {} break the layering. The rules are the ALLOWED table at the top \
         of tests/layering.rs (node -> nodes it may import); arrows must point down, toward \
         the domain. Move the code, or add the arrow to the table on purpose:\n{}",
        bad.len(),
        src.display(),
        bad.join("\n")
    );
}

#[test]
#[ignore = "prints the arrows; run with --ignored --nocapture"]
fn print_arrows() {
    let src = src_dir();
    let refs = scan_tree(&src);
    let mut edges: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in &refs {
        *edges.entry((r.from.as_str(), r.to.as_str())).or_default() += 1;
    }
    println!("arrows of {}:", src.display());
    let mut forbidden = 0;
    for ((from, to), n) in &edges {
        let mark = if allowed(from, to) { "" } else { "  FORBIDDEN" };
        forbidden += usize::from(!mark.is_empty());
        let s = if *n == 1 { "" } else { "s" };
        println!("{from} -> {to} ({n} reference{s}){mark}");
    }
    println!(
        "total: {} edges, {} references, {forbidden} forbidden edges",
        edges.len(),
        refs.len()
    );
}

#[test]
fn the_scanner_sees_the_real_tree() {
    let refs = scan_tree(&src_dir());
    let edges: BTreeSet<(&str, &str)> = refs
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    assert!(
        edges.len() >= 10,
        "only {} edges found: {edges:?}",
        edges.len()
    );
    assert!(
        edges.contains(&("shop", "domain")),
        "no shop -> domain in {edges:?}"
    );
}

#[test]
fn the_table_names_only_its_own_nodes() {
    let rows: Vec<&str> = ALLOWED.iter().map(|(node, _)| *node).collect();
    for (node, may) in ALLOWED {
        assert_eq!(
            rows.iter().filter(|r| *r == node).count(),
            1,
            "{node}: two rows"
        );
        for to in *may {
            let known = rows.contains(to) || *to == "*" || to.ends_with("::*");
            assert!(known, "{node} may import {to}, which has no row: a typo?");
        }
    }
}

/// One reference from a file to another node.
#[derive(Debug)]
struct Ref {
    file: String,
    line: usize,
    from: String,
    to: String,
    /// The referenced path, written from the crate root (`crate::shop::Shop`).
    path: String,
}

/// `server`'s children (`auth` for `src/server/auth.rs`): each is a node.
type ServerSubs = BTreeSet<String>;

/// `TIKET_SRC`, else the crate's `src` (or `./src` when compiled standalone).
fn src_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TIKET_SRC") {
        return PathBuf::from(dir);
    }
    match option_env!("CARGO_MANIFEST_DIR") {
        Some(root) => Path::new(root).join("src"),
        None => PathBuf::from("./src"),
    }
}

fn allowed(from: &str, to: &str) -> bool {
    let Some((_, may)) = ALLOWED.iter().find(|(node, _)| *node == from) else {
        return false;
    };
    may.iter().any(|p| {
        *p == to
            || *p == "*"
            || p.strip_suffix("::*").is_some_and(|pre| {
                to.strip_prefix(pre)
                    .is_some_and(|rest| rest.starts_with("::"))
            })
    })
}

fn scan_tree(src: &Path) -> Vec<Ref> {
    let mut files = Vec::new();
    collect_rs(src, &mut files);
    assert!(!files.is_empty(), "no .rs files under {}", src.display());
    let mut modules = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if let Some(module) = module_of(&rel) {
            let text = fs::read_to_string(&file).unwrap_or_else(|e| panic!("{rel}: {e}"));
            modules.push((rel, module, text));
        }
    }
    let subs = server_subs(modules.iter().map(|(_, m, _)| m.as_slice()));
    let mut refs = Vec::new();
    for (rel, module, text) in &modules {
        refs.extend(scan_file(rel, module, text, &subs));
    }
    refs
}

fn collect_rs(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect_rs(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a/b/c.rs` → `a::b::c`, `a/b/mod.rs` → `a::b`, `main.rs` → `main`, `lib.rs` → skipped.
fn module_of(rel: &str) -> Option<Vec<String>> {
    let mut segs: Vec<String> = rel
        .strip_suffix(".rs")?
        .split('/')
        .map(String::from)
        .collect();
    if segs == ["lib"] {
        return None;
    }
    if segs.len() > 1 && segs.last().is_some_and(|s| s == "mod") {
        segs.pop();
    }
    Some(segs)
}

fn server_subs<'a>(modules: impl Iterator<Item = &'a [String]>) -> ServerSubs {
    let in_server = modules.filter(|m| m.len() >= 2 && m[0] == "server");
    in_server.map(|m| m[1].clone()).collect()
}

fn node_of(path: &[String], server_subs: &ServerSubs) -> String {
    match path {
        [] => "crate".into(),
        [server, sub, ..] if server == "server" && server_subs.contains(sub) => {
            format!("server::{sub}")
        }
        [first, ..] => first.clone(),
    }
}

/// Every reference of one file (`module` is its module path) to another node.
fn scan_file(rel: &str, module: &[String], text: &str, subs: &ServerSubs) -> Vec<Ref> {
    let code = blank_comments_and_strings(text);
    let from = node_of(module, subs);
    let line_of = |at: usize| 1 + code[..at].iter().filter(|c| **c == '\n').count();
    let mut refs = Vec::new();
    for (path, at) in paths_in(module, &code) {
        let to = node_of(&path, subs);
        if to != from {
            let path = format!("crate::{}", path.join("::"));
            let (file, line, from) = (rel.to_string(), line_of(at), from.clone());
            refs.push(Ref {
                file,
                line,
                from,
                to,
                path,
            });
        }
    }
    refs
}

/// Every path (from the crate root) that `code` of module `module` names, with
/// its offset: `crate::`, `super::`, `self::`, a child declared with `mod x;`,
/// and `tiket::` in `main`.
fn paths_in(module: &[String], code: &[char]) -> Vec<(Vec<String>, usize)> {
    let children = declared_children(code);
    let mut found = Vec::new();
    let mut depth = 0usize;
    // Inline `mod x { … }` blocks around the cursor, with the depth inside them.
    let mut inline: Vec<(String, usize)> = Vec::new();
    let mut i = 0;
    while i < code.len() {
        let c = code[i];
        if c == '{' {
            depth += 1;
        } else if c == '}' {
            depth = depth.saturating_sub(1);
            while inline.last().is_some_and(|(_, d)| *d > depth) {
                inline.pop();
            }
        }
        if !is_ident(c) || (i > 0 && (is_ident(code[i - 1]) || code[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let word = ident_at(code, i);
        let after = i + word.len();
        if word == "mod" {
            let name_at = skip_ws(code, after);
            let name = ident_at(code, name_at);
            let next = skip_ws(code, name_at + name.len());
            if !name.is_empty() && code.get(next) == Some(&'{') {
                inline.push((name, depth + 1));
            }
            i = next;
            continue;
        }
        let here = || -> Vec<String> {
            let inner = inline.iter().map(|(m, _)| m.clone());
            module.iter().cloned().chain(inner).collect()
        };
        let (base, tail) = match word.as_str() {
            _ if !starts_with(code, after, "::") => (None, after),
            "crate" => (Some(Vec::new()), after + 2),
            "tiket" if module == ["main"] => (Some(Vec::new()), after + 2),
            "self" => (Some(here()), after + 2),
            "super" => {
                // A chain of `super::` climbs one module per link.
                let (mut up, mut j) = (here(), i);
                while ident_at(code, j) == "super" && starts_with(code, j + 5, "::") {
                    if up.pop().is_none() {
                        break;
                    }
                    j = skip_ws(code, j + 7);
                }
                // Above the crate root, or `use super::*;`: ignored.
                let ignored = ident_at(code, j) == "super" || code.get(j) == Some(&'*');
                (Some(up).filter(|_| !ignored), j + usize::from(ignored))
            }
            w if inline.is_empty() && children.contains(w) => (Some(here()), i),
            _ => (None, after),
        };
        // Unit tests beside the code may wire any layers together (a store
        // under the shop they test, say): the table is for the code itself.
        let in_tests = inline.iter().any(|(name, _)| name == "tests");
        match base {
            Some(base) => {
                let paths = parse_tree(code, tail, base, &mut i);
                if !in_tests {
                    found.extend(paths);
                }
            }
            None => i = tail,
        }
    }
    found
}

/// Parses `a::b::C`, `a::{b, c::{D, E}, self}`, `a::*` at `at`, below `prefix`.
/// Returns each full path with the offset where its last piece starts; sets
/// `end` to the first char after the tree.
fn parse_tree(
    code: &[char],
    at: usize,
    prefix: Vec<String>,
    end: &mut usize,
) -> Vec<(Vec<String>, usize)> {
    let mut out = Vec::new();
    let i = skip_ws(code, at);
    match code.get(i) {
        Some('{') => {
            let mut j = i + 1;
            loop {
                j = skip_ws(code, j);
                match code.get(j) {
                    Some('}') => {
                        j += 1;
                        break;
                    }
                    Some(',') => j += 1,
                    Some(ch) if is_ident(*ch) || *ch == '{' || *ch == '*' => {
                        out.extend(parse_tree(code, j, prefix.clone(), &mut j));
                    }
                    _ => break, // not a path: give up on this group
                }
            }
            *end = j;
        }
        Some('*') => {
            out.push((prefix, i));
            *end = i + 1;
        }
        _ => {
            let seg = ident_at(code, i);
            let after = i + seg.len();
            if seg.is_empty() {
                out.push((prefix, i)); // `crate::x::<T>` or `crate::x::mac!`
                *end = after.max(at + 1);
            } else if seg == "self" {
                out.push((prefix, i));
                *end = skip_alias(code, after);
            } else if starts_with(code, skip_ws(code, after), "::") {
                let mut path = prefix;
                path.push(seg);
                out.extend(parse_tree(code, skip_ws(code, after) + 2, path, end));
            } else {
                let mut path = prefix;
                path.push(seg);
                out.push((path, i));
                *end = skip_alias(code, after);
            }
        }
    }
    out
}

/// Past ` as Name` after a leaf of a `use` tree, if there is one.
fn skip_alias(code: &[char], at: usize) -> usize {
    let i = skip_ws(code, at);
    if ident_at(code, i) != "as" {
        return at;
    }
    let name_at = skip_ws(code, i + 2);
    name_at + ident_at(code, name_at).len()
}

/// The children this file declares with `mod x;` (paths through them are its own).
fn declared_children(code: &[char]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for i in 0..code.len() {
        if (i == 0 || !is_ident(code[i - 1])) && ident_at(code, i) == "mod" {
            let name_at = skip_ws(code, i + 3);
            let name = ident_at(code, name_at);
            if !name.is_empty() && code.get(skip_ws(code, name_at + name.len())) == Some(&';') {
                out.insert(name);
            }
        }
    }
    out
}

/// The text with comments and the insides of string and char literals replaced
/// by spaces; newlines stay, so offsets and line numbers still match.
fn blank_comments_and_strings(text: &str) -> Vec<char> {
    let mut c: Vec<char> = text.chars().collect();
    let blank = |c: &mut Vec<char>, from: usize, to: usize| {
        let to = to.min(c.len());
        for ch in &mut c[from..to] {
            if *ch != '\n' {
                *ch = ' ';
            }
        }
    };
    let mut i = 0;
    while i < c.len() {
        let prev_ident = i > 0 && is_ident(c[i - 1]);
        // `b'x'` is a byte literal, `ab'` is not a literal at all.
        let byte_prefix = i > 0 && c[i - 1] == 'b' && (i < 2 || !is_ident(c[i - 2]));
        if starts_with(&c, i, "//") {
            let end = c[i..]
                .iter()
                .position(|ch| *ch == '\n')
                .map_or(c.len(), |p| i + p);
            blank(&mut c, i, end);
            i = end;
        } else if starts_with(&c, i, "/*") {
            let (mut j, mut nest) = (i + 2, 1);
            while j < c.len() && nest > 0 {
                if starts_with(&c, j, "/*") {
                    nest += 1;
                    j += 1;
                } else if starts_with(&c, j, "*/") {
                    nest -= 1;
                    j += 1;
                }
                j += 1;
            }
            blank(&mut c, i, j);
            i = j;
        } else if !prev_ident
            && (starts_with(&c, i, "r#") || starts_with(&c, i, "r\"") || starts_with(&c, i, "br"))
        {
            let start = if c[i] == 'b' { i + 2 } else { i + 1 };
            let hashes = c[start..].iter().take_while(|ch| **ch == '#').count();
            if c.get(start + hashes) != Some(&'"') {
                i += 1; // `r#ident` or a plain identifier
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let mut j = start + hashes + 1;
            while j < c.len() && !starts_with(&c, j, &close) {
                j += 1;
            }
            blank(&mut c, start + hashes + 1, j);
            i = j + close.len();
        } else if c[i] == '"' {
            let mut j = i + 1;
            while j < c.len() && c[j] != '"' {
                j += if c[j] == '\\' { 2 } else { 1 };
            }
            blank(&mut c, i + 1, j);
            i = j + 1;
        } else if c[i] == '\'' && (!prev_ident || byte_prefix) {
            // A char literal ('x', '\n', '\u{1F600}'); otherwise a lifetime or label.
            let end = if c.get(i + 1) == Some(&'\\') {
                c[i + 2..]
                    .iter()
                    .position(|ch| *ch == '\'')
                    .map(|p| i + 2 + p)
            } else if c.get(i + 2) == Some(&'\'') {
                Some(i + 2)
            } else {
                None
            };
            match end {
                Some(end) => {
                    blank(&mut c, i + 1, end);
                    i = end + 1;
                }
                None => i += 1,
            }
        } else {
            i += 1;
        }
    }
    c
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_at(code: &[char], at: usize) -> String {
    code.get(at..)
        .unwrap_or(&[])
        .iter()
        .take_while(|c| is_ident(**c))
        .collect()
}

fn skip_ws(code: &[char], mut at: usize) -> usize {
    while code.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    at
}

fn starts_with(code: &[char], at: usize, s: &str) -> bool {
    let s: Vec<char> = s.chars().collect();
    code.get(at..at + s.len()) == Some(&s[..])
}

/// The scanner itself, so that it cannot silently see nothing.
mod scanner_tests {
    use super::*;

    /// (to-node, path, line) of every reference `text` makes from `module`.
    fn refs(module: &str, text: &str) -> Vec<(String, String, usize)> {
        let mods = "domain store shop server::auth server::json_api a::b::c main";
        let mods: Vec<Vec<String>> = (mods.split(' '))
            .map(|m| m.split("::").map(String::from).collect())
            .collect();
        let subs = server_subs(mods.iter().map(Vec::as_slice));
        let module: Vec<String> = module.split("::").map(String::from).collect();
        scan_file("x.rs", &module, text, &subs)
            .into_iter()
            .map(|r| (r.to, r.path, r.line))
            .collect()
    }

    fn nodes(module: &str, text: &str) -> Vec<String> {
        refs(module, text)
            .into_iter()
            .map(|(to, _, _)| to)
            .collect()
    }

    #[test]
    fn a_brace_group_over_several_lines_reaches_each_node() {
        let text = "use std::fmt;\nuse crate::{\n    domain::{A, B},\n    store::JsonStore,\n};\n";
        let found = refs("shop", text);
        let want = [
            ("domain", "crate::domain::A", 3),
            ("domain", "crate::domain::B", 3),
            ("store", "crate::store::JsonStore", 4),
        ];
        let want: Vec<_> = want
            .iter()
            .map(|(n, p, l)| (n.to_string(), p.to_string(), *l))
            .collect();
        assert_eq!(found, want);
    }

    #[test]
    fn super_climbs_from_the_files_module() {
        let paths = |module: &str, text: &str| -> Vec<String> {
            let module: Vec<String> = module.split("::").map(String::from).collect();
            let code = blank_comments_and_strings(text);
            paths_in(&module, &code)
                .into_iter()
                .map(|(p, _)| p.join("::"))
                .collect()
        };
        let text = "use super::x;\nfn f() { super::super::y::z(); self::w(); }";
        assert_eq!(paths("a::b::c", text), ["a::b::x", "a::y::z", "a::b::c::w"]);
        // A `mod.rs` file is its directory's module: in a/b/mod.rs super is `a`.
        assert_eq!(paths("a::b", "use super::x;"), ["a::x"]);
        assert_eq!(
            nodes("server::json_api::tickets", "use super::super::auth::Auth;"),
            ["server::auth"]
        );
        // In `server/json_api/mod.rs` (module server::json_api) super is `server`.
        assert_eq!(
            nodes("server::json_api", "fn f() { super::auth::check() }"),
            ["server::auth"]
        );
        // `use super::*;` and `super::` inside an inline `mod tests` stay in the file.
        assert!(nodes(
            "server::auth",
            "use super::*;\nmod tests { use super::*; use super::Auth; }"
        )
        .is_empty());
    }

    #[test]
    fn comments_and_strings_are_not_code() {
        let text = "// crate::shop\nlet x = 1; // crate::store::X\n/* crate::shop */\n/// [`S`](crate::shop::S)\n";
        assert!(nodes("domain", text).is_empty());
        let text = "let s = \"crate::shop\"; let r = r#\"crate::store\"#; let q = '\"'; use crate::store::X;";
        assert_eq!(nodes("domain", text), ["store"]);
    }

    #[test]
    fn references_to_the_own_node_are_ignored() {
        assert!(nodes(
            "shop::keyed",
            "use crate::shop::Shop; use crate::shop::{self, lock};"
        )
        .is_empty());
    }

    #[test]
    fn server_paths_map_to_two_segments() {
        assert_eq!(
            nodes("main", "use crate::server::json_api::ApiError;"),
            ["server::json_api"]
        );
        assert_eq!(nodes("domain", "crate::server::run(c)"), ["server"]);
        assert_eq!(nodes("main", "use tiket::store::JsonStore;"), ["store"]);
        // A child declared with `mod x;` is reached by its bare name.
        assert_eq!(
            nodes("server", "pub mod auth;\nuse auth::Auth;"),
            ["server::auth"]
        );
        // An item of lib.rs is a node of its own, which no row allows.
        assert_eq!(nodes("domain", "use crate::hydrate;"), ["hydrate"]);
    }
}
