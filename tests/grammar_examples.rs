//! Runs every row of `grammars/<lang>/examples.toml`: phrase → expected slots.

use yoyaku::examples::{self, Example};
use yoyaku::extract::{extract, reported, Context, Source};
use yoyaku::grammar::Grammar;
use yoyaku::profile::Profile;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/grammars"))
}

fn profile(name: &str) -> Profile {
    let p = format!("{}/samples/{name}.toml", env!("CARGO_MANIFEST_DIR"));
    Profile::load(std::path::Path::new(&p)).unwrap()
}

fn check_language(lang: &str) {
    let g = Grammar::load_from(&root(), lang).unwrap();
    let rows = examples::load(&root(), lang).unwrap();
    assert!(rows.len() >= 20, "{lang}: the table should cover the rulebook");
    let mut failures = Vec::new();
    for e in &rows {
        let p = profile(e.profile.as_deref().unwrap());
        let now = chrono::NaiveDateTime::parse_from_str(e.now.as_deref().unwrap(), "%Y-%m-%dT%H:%M").unwrap();
        let source = if e.heard { Source::Heard } else { Source::Typed };
        let got = reported(&g, extract(&g, &e.text, &Context { source, now, profile: &p, call_date: None, expect: e.asked.as_deref() }));
        let mut got_json = serde_json::to_value(&got).unwrap();
        got_json["shift"] = serde_json::json!(got.shift);
        let want = expected(e);
        if got_json != want {
            failures.push(format!("{}\n   want {want}\n   got  {got_json}", e.text));
        }
    }
    assert!(failures.is_empty(), "{lang}: {} of {} rows differ:\n{}", failures.len(), rows.len(), failures.join("\n"));
}

fn expected(e: &Example) -> serde_json::Value {
    serde_json::json!({
        "intent": e.intent, "date": e.date, "time": e.time,
        "party_size": e.party_size, "name": e.name, "phone": e.phone, "shift": e.shift,
    })
}

#[test]
fn japanese_examples() {
    check_language("ja");
}

#[test]
fn english_examples() {
    check_language("en");
}

#[test]
fn every_language_folder_loads() {
    for entry in std::fs::read_dir(root()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_dir() {
            let lang = entry.file_name().to_string_lossy().to_string();
            Grammar::load_from(&root(), &lang).unwrap_or_else(|e| panic!("{lang}: {e:#}"));
        }
    }
}

#[test]
fn a_trunk_prefix_that_is_not_digits_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let en = dir.path().join("en");
    std::fs::create_dir(&en).unwrap();
    for f in std::fs::read_dir(root().join("en")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, en.join(f.file_name().unwrap())).unwrap();
    }
    let rules = std::fs::read_to_string(en.join("rules.toml")).unwrap();
    assert!(rules.contains("trunk_prefix = \"0\""));
    std::fs::write(en.join("rules.toml"), rules.replace("trunk_prefix = \"0\"", "trunk_prefix = \"o\"")).unwrap();
    let e = format!("{:#}", Grammar::load_from(dir.path(), "en").unwrap_err());
    assert!(e.contains("trunk_prefix") && e.contains("\"o\""), "{e}");
}
