//! The HTTP side of `serve` (axum): caller-ID registration and call state for
//! the Asterisk dialplan, the reservations API and the staff page behind the token.

use super::Shared;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use std::collections::HashMap;
use std::sync::Arc;
use uuid::Uuid;

const COOKIE: &str = "yoyaku_token";

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/calls", post(register_call))
        .route("/api/calls/{uuid}", get(call_state))
        .route("/api/calls/{uuid}/action", get(call_action))
        .route("/api/reservations", get(reservations))
        .route("/recordings/{file}", get(recording))
        .with_state(shared)
}

#[derive(serde::Deserialize)]
struct Register {
    uuid: String,
    caller_id: Option<String>,
}

async fn register_call(State(sh): State<Arc<Shared>>, body: Option<Json<Register>>) -> Response {
    let Some(Json(r)) = body else {
        return (StatusCode::BAD_REQUEST, "send JSON {\"uuid\":\"…\",\"caller_id\":\"…\"}\n").into_response();
    };
    let Ok(uuid) = Uuid::parse_str(r.uuid.trim()) else {
        return (StatusCode::BAD_REQUEST, "uuid is not a UUID\n").into_response();
    };
    // Keep digits only: dialplans hand over "+81 90-…" or "<0901…>" as well.
    let caller_id: String = r.caller_id.unwrap_or_default().chars().filter(|c| c.is_ascii_digit()).collect();
    if !caller_id.is_empty() {
        sh.calls.set_caller_id(uuid, caller_id);
    }
    StatusCode::NO_CONTENT.into_response()
}

async fn call_state(State(sh): State<Arc<Shared>>, Path(uuid): Path<String>) -> Response {
    match Uuid::parse_str(&uuid).ok().and_then(|u| sh.calls.state(&u)) {
        Some(s) => Json(s).into_response(),
        None => (StatusCode::NOT_FOUND, "no such call\n").into_response(),
    }
}

/// Plain text for the dialplan's CURL(): "transfer", "hangup" or "wait".
async fn call_action(State(sh): State<Arc<Shared>>, Path(uuid): Path<String>) -> Response {
    match Uuid::parse_str(&uuid).ok().and_then(|u| sh.calls.state(&u)) {
        Some(s) => s.action.into_response(),
        None => "hangup".into_response(),
    }
}

/// Bearer header, the staff page's cookie, or nothing.
fn authorized(sh: &Shared, headers: &HeaderMap) -> bool {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix(COOKIE).and_then(|r| r.strip_prefix('=')))
        .next();
    [bearer, cookie].into_iter().flatten().any(|t| same(t.trim(), &sh.token))
}

/// Compare without stopping at the first difference.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer")],
        "missing or wrong token: send Authorization: Bearer TOKEN, or open /?token=TOKEN\n",
    )
        .into_response()
}

async fn reservations(State(sh): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    if !authorized(&sh, &headers) {
        return unauthorized();
    }
    let s2 = sh.clone();
    match tokio::task::spawn_blocking(move || s2.store.lock().unwrap_or_else(|e| e.into_inner()).all()).await {
        Ok(Ok(all)) => Json(api_view(&all)).into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read reservations: {e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn page(
    State(sh): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    // "/?token=…" logs in: set the cookie and drop the token from the address bar.
    if let Some(t) = q.get("token") {
        if !same(t, &sh.token) {
            return unauthorized();
        }
        let cookie = format!("{COOKIE}={t}; HttpOnly; SameSite=Strict; Path=/");
        return ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response();
    }
    if !authorized(&sh, &headers) {
        return unauthorized();
    }
    let s2 = sh.clone();
    let data = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
        let store = s2.store.lock().unwrap_or_else(|e| e.into_inner());
        Ok((store.all()?, store.calls(200)?))
    })
    .await;
    match data {
        Ok(Ok((reservations, calls))) => {
            let today = sh.clock.now().date();
            let html = super::page::render(sh.profile.display_name(&sh.lang), today, &reservations, &calls);
            ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
        }
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the store: {e:#}\n")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

async fn recording(State(sh): State<Arc<Shared>>, headers: HeaderMap, Path(file): Path<String>) -> Response {
    if !authorized(&sh, &headers) {
        return unauthorized();
    }
    // Only "<uuid>.wav" names, so no path can escape the recordings folder.
    let ok = file.strip_suffix(".wav").is_some_and(|u| Uuid::parse_str(u).is_ok());
    let Some(dir) = sh.recordings.as_ref().filter(|_| ok) else {
        return (StatusCode::NOT_FOUND, "no such recording\n").into_response();
    };
    match tokio::fs::read(dir.join(&file)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "audio/wav")], bytes).into_response(),
        Err(_) => (StatusCode::NOT_FOUND, "no such recording\n").into_response(),
    }
}

/// Exactly the contract's keys: {"id","date","time","party_size","name","phone","status"}.
fn api_view<R: serde::Serialize>(all: &[R]) -> Vec<serde_json::Value> {
    const KEYS: [&str; 7] = ["id", "date", "time", "party_size", "name", "phone", "status"];
    all.iter()
        .filter_map(|r| serde_json::to_value(r).ok())
        .map(|v| KEYS.iter().map(|k| (k.to_string(), v.get(*k).cloned().unwrap_or_default())).collect())
        .collect()
}
