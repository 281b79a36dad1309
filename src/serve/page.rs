//! The staff page: today's and upcoming reservations, every call with its
//! transcript, outcome, reason and recording, and counts by reason. Plain
//! server-rendered HTML (no scripts), built from the store's JSON shapes so it
//! does not depend on their Rust field types.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write;

pub const REASONS: [&str; 6] = ["book", "change", "cancel", "inquiry", "transferred", "incomplete"];

pub fn render<R: Serialize, C: Serialize>(business: &str, today: NaiveDate, reservations: &[R], calls: &[C]) -> String {
    let reservations: Vec<Value> = reservations.iter().filter_map(|r| serde_json::to_value(r).ok()).collect();
    let calls: Vec<Value> = calls.iter().filter_map(|c| serde_json::to_value(c).ok()).collect();
    let today_s = today.format("%Y-%m-%d").to_string();
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>{0} — yoyaku</title>\
         <style>body{{font-family:sans-serif;margin:1.5em;color:#222}}table{{border-collapse:collapse;margin-bottom:1.5em}}\
         td,th{{border:1px solid #bbb;padding:.3em .6em;text-align:left;vertical-align:top}}th{{background:#eee}}\
         .cancelled{{color:#999;text-decoration:line-through}}.today{{background:#fff7d6}}\
         .who-agent{{color:#256}}.who-caller{{color:#622}}ol{{margin:0;padding-left:1.2em}}</style></head><body>\
         <h1>{0}</h1><p>Today is <b>{1}</b>.</p>",
        esc(business),
        today_s
    );

    // Reservations from today on, in date/time order.
    let mut upcoming: Vec<&Value> = reservations.iter().filter(|r| str_of(r, "date") >= today_s).collect();
    upcoming.sort_by_key(|r| (str_of(r, "date"), str_of(r, "time")));
    let _ = write!(h, "<h2>Reservations (today and upcoming: {})</h2>", upcoming.len());
    h.push_str("<table id=\"reservations\"><tr><th>Date</th><th>Time</th><th>Party</th><th>Name</th><th>Phone</th><th>Status</th></tr>");
    for r in &upcoming {
        let status = str_of(r, "status");
        let class = if str_of(r, "date") == today_s { "today" } else { "" };
        let _ = write!(
            h,
            "<tr class=\"{class} {status}\"><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&str_of(r, "date")),
            esc(&str_of(r, "time")),
            esc(&str_of(r, "party_size")),
            esc(&str_of(r, "name")),
            esc(&str_of(r, "phone")),
            esc(&status)
        );
    }
    h.push_str("</table>");

    let mut counts: BTreeMap<String, usize> = REASONS.iter().map(|r| (r.to_string(), 0)).collect();
    for c in &calls {
        *counts.entry(str_of(c, "reason")).or_default() += 1;
    }
    let _ = write!(h, "<h2>Calls by reason ({})</h2><table id=\"reasons\"><tr>", calls.len());
    for r in REASONS {
        let _ = write!(h, "<th>{r}</th>");
    }
    h.push_str("</tr><tr>");
    for r in REASONS {
        let _ = write!(h, "<td>{}</td>", counts[r]);
    }
    h.push_str("</tr></table>");

    h.push_str("<h2>Calls</h2><table id=\"calls\"><tr><th>Started</th><th>Caller</th><th>Outcome</th><th>Reason</th><th>Transcript</th><th>Recording</th></tr>");
    for c in &calls {
        let transcript = transcript_of(c);
        let mut lines = String::new();
        for (who, text) in transcript {
            let _ = write!(lines, "<li class=\"who-{0}\"><b>{0}</b>: {1}</li>", esc(&who), esc(&text));
        }
        let rec = match c.get("recording_path").or(c.get("recording")).and_then(Value::as_str) {
            Some(path) => {
                let file = std::path::Path::new(path).file_name().and_then(|f| f.to_str()).unwrap_or("");
                format!("<audio controls preload=\"none\" src=\"/recordings/{0}\"></audio><br><a href=\"/recordings/{0}\">WAV</a>", esc(file))
            }
            None => "—".into(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><ol>{lines}</ol></td><td>{rec}</td></tr>",
            esc(&str_of(c, "started_at")),
            esc(&str_of(c, "caller_id")),
            esc(&str_of(c, "outcome")),
            esc(&str_of(c, "reason")),
        );
    }
    h.push_str("</table></body></html>");
    h
}

/// A field as display text ("" when missing or null).
fn str_of(v: &Value, key: &str) -> String {
    match v.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The transcript, stored either as a JSON array or as a JSON string holding one.
fn transcript_of(c: &Value) -> Vec<(String, String)> {
    let parsed;
    let list = match c.get("transcript") {
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
            &parsed
        }
        Some(v) => v,
        None => return Vec::new(),
    };
    list.as_array()
        .map(|a| a.iter().map(|t| (str_of(t, "who"), str_of(t, "text"))).collect())
        .unwrap_or_default()
}

pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn page_lists_upcoming_only_and_counts_reasons() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        let res = vec![
            json!({"id":1,"date":"2026-11-26","time":"19:00","party_size":2,"name":"Past","phone":"1","status":"booked"}),
            json!({"id":2,"date":"2026-11-27","time":"19:00","party_size":4,"name":"<b>田中</b>","phone":"2","status":"booked"}),
        ];
        let calls = vec![
            json!({"started_at":"2026-11-27T10:00:00","caller_id":null,"outcome":"booked","reason":"book",
                   "transcript":"[{\"who\":\"caller\",\"text\":\"予約したい\"}]","recording":null}),
            json!({"started_at":"2026-11-27T10:05:00","outcome":"transferred","reason":"transferred","transcript":[]}),
        ];
        let h = render("Test", today, &res, &calls);
        assert!(!h.contains("Past"));
        assert!(h.contains("&lt;b&gt;田中&lt;/b&gt;"), "names are escaped");
        assert!(h.contains("予約したい"));
        assert!(h.contains("<td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>0</td>"));
    }
}
