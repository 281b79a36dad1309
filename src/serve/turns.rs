//! Who gets the speech model next. Recognitions start in a pause, before anyone
//! knows the caller has finished; one whose turn has ended (the caller stayed
//! silent) is waited on by that caller, so it goes ahead of those still guessing.
//! Among equals, first come first served.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// At most `slots` recognitions at once, turns that have ended first.
pub struct TurnQueue {
    state: Mutex<State>,
}

struct State {
    free: usize,
    next: u64,
    waiting: Vec<Waiter>,
}

struct Waiter {
    seq: u64,
    ended: Arc<AtomicBool>,
    go: oneshot::Sender<()>,
}

/// A place on the model; dropping it lets the next recognition in.
pub struct Slot<'a>(&'a TurnQueue);

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.0.release();
    }
}

/// A wait in progress. Dropped before its place arrives (the task was cancelled),
/// it gives back a place handed over in the meantime.
struct Pending<'a> {
    queue: &'a TurnQueue,
    go: Option<oneshot::Receiver<()>>,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if let Some(mut go) = self.go.take() {
            go.close();
            if go.try_recv().is_ok() {
                self.queue.release();
            }
        }
    }
}

impl TurnQueue {
    pub fn new(slots: usize) -> TurnQueue {
        TurnQueue { state: Mutex::new(State { free: slots.max(1), next: 0, waiting: Vec::new() }) }
    }

    /// Waits for a place. `ended` may be set while waiting (the caller stayed
    /// silent): the wait then goes ahead of recognitions whose turn may go on.
    pub async fn enter(&self, ended: Arc<AtomicBool>) -> Slot<'_> {
        let go = {
            let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if s.free > 0 && s.waiting.is_empty() {
                s.free -= 1;
                return Slot(self);
            }
            let (tx, rx) = oneshot::channel();
            let seq = s.next;
            s.next += 1;
            s.waiting.push(Waiter { seq, ended, go: tx });
            rx
        };
        let mut pending = Pending { queue: self, go: Some(go) };
        // The sender is only dropped by `release` after handing over a place, or
        // with the queue itself; either way the place is ours to give back.
        let _ = pending.go.as_mut().expect("set above").await;
        pending.go = None;
        Slot(self)
    }

    fn release(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.free += 1;
        while s.free > 0 && !s.waiting.is_empty() {
            let pick = (0..s.waiting.len())
                .min_by_key(|&i| (!s.waiting[i].ended.load(Ordering::Relaxed), s.waiting[i].seq))
                .expect("not empty");
            let w = s.waiting.swap_remove(pick);
            // A waiter that gave up (its task was dropped) takes no place.
            if w.go.send(()).is_ok() {
                s.free -= 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn an_ended_turn_goes_ahead_of_earlier_guesses() {
        let q = Arc::new(TurnQueue::new(1));
        let busy = q.enter(Arc::new(AtomicBool::new(false))).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        let flags: Vec<Arc<AtomicBool>> = (0..3).map(|_| Arc::new(AtomicBool::new(false))).collect();
        for (i, ended) in flags.iter().enumerate() {
            let (q, order, ended) = (q.clone(), order.clone(), ended.clone());
            tasks.push(tokio::spawn(async move {
                let _slot = q.enter(ended).await;
                order.lock().unwrap().push(i);
            }));
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        // The last to ask has ended its turn meanwhile: it goes first, then the rest in order.
        flags[2].store(true, Ordering::Relaxed);
        drop(busy);
        for t in tasks {
            t.await.unwrap();
        }
        assert_eq!(*order.lock().unwrap(), [2, 0, 1]);
    }

    #[tokio::test]
    async fn a_waiter_that_gave_up_takes_no_place() {
        let q = Arc::new(TurnQueue::new(1));
        let busy = q.enter(Arc::new(AtomicBool::new(false))).await;
        let q2 = q.clone();
        let gave_up = tokio::spawn(async move {
            let _slot = q2.enter(Arc::new(AtomicBool::new(true))).await;
        });
        tokio::time::sleep(Duration::from_millis(5)).await;
        gave_up.abort();
        let _ = gave_up.await;
        drop(busy);
        let next = tokio::time::timeout(Duration::from_secs(1), q.enter(Arc::new(AtomicBool::new(false)))).await;
        assert!(next.is_ok(), "the place went to the waiter still there");
    }
}
