//! Which calls are live, the caller IDs the dialplan registered for calls about
//! to connect, and how each call ended (the dialplan reads it to transfer).

use anyhow::{bail, Result};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

/// Caller IDs for calls that never connect are forgotten after this long.
const CALLER_ID_TTL: Duration = Duration::from_secs(600);
/// Ended calls stay readable this long.
const ENDED_TTL: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, serde::Serialize)]
pub struct CallState {
    pub uuid: String,
    /// "active" or "ended".
    pub state: &'static str,
    pub transferred: bool,
    pub outcome: Option<String>,
    pub reason: Option<String>,
    /// What the dialplan should do next: "transfer" or "hangup" (or "wait" while active).
    pub action: &'static str,
    #[serde(skip)]
    pub at: Option<Instant>,
}

#[derive(Default)]
pub struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    caller_ids: HashMap<Uuid, (String, Instant)>,
    states: HashMap<Uuid, CallState>,
}

/// Held while a call runs; dropping it marks the call ended (even on error).
pub struct ActiveCall {
    registry: Arc<super::Shared>,
    pub uuid: Uuid,
    pub caller_id: Option<String>,
    ended: Option<(bool, String, String)>,
}

impl ActiveCall {
    pub fn finish(&mut self, transferred: bool, outcome: String, reason: String) {
        self.ended = Some((transferred, outcome, reason));
    }
}

impl Drop for ActiveCall {
    fn drop(&mut self) {
        let mut g = self.registry.calls.inner.lock().unwrap_or_else(|e| e.into_inner());
        let (transferred, outcome, reason) =
            self.ended.take().unwrap_or((false, "incomplete".into(), "incomplete".into()));
        g.states.insert(
            self.uuid,
            CallState {
                uuid: self.uuid.to_string(),
                state: "ended",
                transferred,
                outcome: Some(outcome),
                reason: Some(reason),
                action: if transferred { "transfer" } else { "hangup" },
                at: Some(Instant::now()),
            },
        );
    }
}

impl Registry {
    pub fn set_caller_id(&self, uuid: Uuid, caller_id: String) {
        let mut g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.caller_ids.retain(|_, (_, at)| at.elapsed() < CALLER_ID_TTL);
        g.caller_ids.insert(uuid, (caller_id, Instant::now()));
    }

    /// Mark `uuid` live; a second connection with a UUID that is still live is refused.
    pub fn claim(shared: &Arc<super::Shared>, uuid: Uuid) -> Result<ActiveCall> {
        let mut g = shared.calls.inner.lock().unwrap_or_else(|e| e.into_inner());
        if g.states.get(&uuid).is_some_and(|s| s.state == "active") {
            bail!("call {uuid} is already connected; refusing a second connection with the same UUID");
        }
        g.states.retain(|_, s| s.at.is_none_or(|t| t.elapsed() < ENDED_TTL));
        let caller_id = g.caller_ids.remove(&uuid).map(|(c, _)| c);
        g.states.insert(
            uuid,
            CallState {
                uuid: uuid.to_string(),
                state: "active",
                transferred: false,
                outcome: None,
                reason: None,
                action: "wait",
                at: None,
            },
        );
        Ok(ActiveCall { registry: shared.clone(), uuid, caller_id, ended: None })
    }

    pub fn state(&self, uuid: &Uuid) -> Option<CallState> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).states.get(uuid).cloned()
    }

    pub fn active_count(&self) -> usize {
        let g = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        g.states.values().filter(|s| s.state == "active").count()
    }
}
