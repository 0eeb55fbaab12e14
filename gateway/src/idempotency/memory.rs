//! The in-memory records of one gateway process (the default store): a map of keys with
//! a queue of stored outcomes in the order they were stored, bounded in keys and bytes
//! (see the module documentation of `idempotency` for the rules).

use std::collections::hash_map::Entry as MapEntry;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::record::{Kept, Key};
use super::{Lookup, MAX_ENTRIES, MAX_STORED_BYTES, Waiter};

/// Bookkeeping bytes counted per stored outcome besides its body and key.
const ENTRY_OVERHEAD: usize = 160;

/// How a running request ended, as its waiters learn it.
#[derive(Debug, Clone)]
pub(super) enum Outcome {
    Kept(Arc<Kept>),
    /// Not an outcome (a 429: refused before it ran): the next request with the key runs.
    Released,
}

enum Slot {
    InFlight(watch::Receiver<Option<Outcome>>),
    Done(Arc<Kept>),
}

pub(super) struct Entry {
    /// Tells this entry from a later one under the same key.
    id: u64,
    fingerprint: u64,
    slot: Slot,
    /// Bytes counted against [`MAX_STORED_BYTES`] (0 while in flight).
    size: usize,
}

#[derive(Default)]
pub(super) struct Inner {
    pub(super) entries: HashMap<Arc<Key>, Entry>,
    /// Stored outcomes, oldest first: `(stored at, entry id, key)`.
    pub(super) queue: VecDeque<(Instant, u64, Arc<Key>)>,
    pub(super) stored_bytes: usize,
    next_id: u64,
}

impl Inner {
    /// Forgets stored outcomes older than `window` and keys beyond [`MAX_ENTRIES`], oldest
    /// first; beyond [`MAX_STORED_BYTES`] it drops the oldest bodies but keeps their keys,
    /// as [`Kept::NotRetained`], so that memory pressure never lets a key run twice.
    /// In-flight entries are never in the queue, so they are never evicted.
    fn expire(&mut self, now: Instant, window: Duration) {
        while let Some((stored_at, id, key)) = self.queue.pop_front() {
            let expired = now.duration_since(stored_at) >= window;
            let over_entries = self.entries.len() > MAX_ENTRIES;
            let over_bytes = self.stored_bytes > MAX_STORED_BYTES;
            if !expired && !over_entries && !over_bytes {
                self.queue.push_front((stored_at, id, key));
                break;
            }
            let MapEntry::Occupied(mut entry) = self.entries.entry(key.clone()) else {
                continue;
            };
            if entry.get().id != id {
                continue;
            }
            let has_body = matches!(&entry.get().slot, Slot::Done(kept) if kept.body_len() > 0);
            if !expired && !over_entries && has_body {
                // Over the byte budget only: keep the key, drop its body. It goes to the
                // back with its own time, and is forgotten when it reaches the front again
                // (so it is kept at least the window; the queue stays finite).
                let small = key.size() + ENTRY_OVERHEAD;
                self.stored_bytes -= entry.get().size;
                self.stored_bytes += small;
                let entry = entry.get_mut();
                entry.size = small;
                entry.slot = Slot::Done(Arc::new(Kept::NotRetained));
                self.queue.push_back((stored_at, id, key));
                continue;
            }
            self.stored_bytes -= entry.get().size;
            entry.remove();
        }
    }
}

/// Outcomes kept for replay, and the requests still running, in this process.
pub(crate) struct MemoryStore {
    window: Duration,
    inner: Mutex<Inner>,
}

impl MemoryStore {
    pub fn new(window: Duration) -> MemoryStore {
        MemoryStore {
            window,
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(super) fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every mutation leaves the map and queue consistent before it can panic (there is
        // nothing that panics in between), so a poisoned lock holds usable data.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn lookup(self: &Arc<Self>, key: Arc<Key>, fingerprint: u64) -> Lookup {
        let mut inner = self.lock();
        inner.expire(Instant::now(), self.window);
        if let Some(entry) = inner.entries.get(&key) {
            if entry.fingerprint != fingerprint {
                return Lookup::Reused;
            }
            return match &entry.slot {
                Slot::Done(kept) => Lookup::Replay(kept.clone()),
                Slot::InFlight(rx) => Lookup::Wait(Waiter::Here(rx.clone())),
            };
        }
        inner.next_id += 1;
        let id = inner.next_id;
        let (sender, rx) = watch::channel(None);
        inner.entries.insert(
            key.clone(),
            Entry {
                id,
                fingerprint,
                slot: Slot::InFlight(rx),
                size: 0,
            },
        );
        Lookup::Run(super::Ticket::Memory(Ticket {
            store: self.clone(),
            key,
            id,
            sender: Some(sender),
        }))
    }

    /// Ends the in-flight entry `id` of `key`: stores its outcome, or forgets the key
    /// (`None`: the request was refused before it ran).
    fn finish(&self, key: &Arc<Key>, id: u64, kept: Option<Kept>) -> Outcome {
        let mut inner = self.lock();
        let current = inner.entries.get(key).map(|e| e.id);
        if current != Some(id) {
            return Outcome::Released;
        }
        let Some(kept) = kept else {
            inner.entries.remove(key);
            return Outcome::Released;
        };
        let kept = Arc::new(kept);
        let size = kept.body_len() + key.size() + ENTRY_OVERHEAD;
        if let Some(entry) = inner.entries.get_mut(key) {
            entry.slot = Slot::Done(kept.clone());
            entry.size = size;
        }
        inner.stored_bytes += size;
        let now = Instant::now();
        inner.queue.push_back((now, id, key.clone()));
        inner.expire(now, self.window);
        Outcome::Kept(kept)
    }

    /// Number of entries, stored or in flight (for tests).
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

/// The right to run a keyed request. Finishing it stores the outcome (or releases the key)
/// and wakes the waiters; dropping it unfinished (a panic in the handler, after the
/// operation may have begun) stores [`Kept::InDoubt`], so a waiter never finds an
/// in-flight entry that nobody will finish, and the key never runs twice.
pub(super) struct Ticket {
    store: Arc<MemoryStore>,
    key: Arc<Key>,
    id: u64,
    sender: Option<watch::Sender<Option<Outcome>>>,
}

impl Ticket {
    pub(super) fn finish(mut self, kept: Kept) {
        self.end(Some(kept));
    }

    /// The request was refused before it ran (429): the key is free again.
    pub(super) fn release(mut self) {
        self.end(None);
    }

    fn end(&mut self, kept: Option<Kept>) {
        if let Some(sender) = self.sender.take() {
            let outcome = self.store.finish(&self.key, self.id, kept);
            sender.send_replace(Some(outcome));
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.end(Some(Kept::InDoubt));
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Bytes;
    use axum::http::StatusCode;

    use super::*;
    use crate::idempotency::MAX_RESPONSE_BYTES;

    fn key(name: &str) -> Arc<Key> {
        Arc::new(Key::new("t", "POST /tools/invoke", name))
    }

    fn stored(body: &'static str) -> Kept {
        Kept::Response {
            status: StatusCode::OK,
            content_type: None,
            body: Bytes::from_static(body.as_bytes()),
        }
    }

    fn run_ticket(store: &Arc<MemoryStore>, name: &str, fingerprint: u64) -> Ticket {
        match store.lookup(key(name), fingerprint) {
            Lookup::Run(super::super::Ticket::Memory(ticket)) => ticket,
            _ => panic!("expected to run {name}"),
        }
    }

    /// Not a check but a measurement, run by hand: what one new keyed request costs the
    /// store (lookup, then storing its response) with 10 and with 1,000,000 keys held
    /// (the store is then full, so each request also evicts the oldest); the small store
    /// grows by the 2,000 measured requests.
    /// `cargo test --workspace --all-features --release --lib store_cost -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement, run by hand"]
    fn store_cost_with_10_and_1m_keys_held() {
        const ROUNDS: usize = 2_000;
        for held in [10, MAX_ENTRIES] {
            let store = Arc::new(MemoryStore::new(Duration::from_secs(3600)));
            for i in 0..held {
                run_ticket(&store, &format!("held-{i}"), 1).finish(stored("x"));
            }
            let started = Instant::now();
            for i in 0..ROUNDS {
                run_ticket(&store, &format!("new-{i}"), 1).finish(stored("x"));
            }
            let per_request = started.elapsed().as_nanos() as f64 / ROUNDS as f64;
            println!("{held:>9} keys held: {per_request:.0} ns per new keyed request");
        }
    }

    #[test]
    fn stores_replays_and_refuses_another_body() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        let ticket = run_ticket(&store, "a", 1);
        assert!(matches!(store.lookup(key("a"), 1), Lookup::Wait(_)));
        assert!(matches!(store.lookup(key("a"), 2), Lookup::Reused));
        ticket.finish(stored("x"));
        assert!(matches!(store.lookup(key("a"), 1), Lookup::Replay(s) if s.body_len() == 1));
        assert!(matches!(store.lookup(key("a"), 2), Lookup::Reused));
    }

    #[test]
    fn a_server_error_is_an_outcome_and_is_kept() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        run_ticket(&store, "a", 1).finish(Kept::Response {
            status: StatusCode::BAD_GATEWAY,
            content_type: None,
            body: Bytes::from_static(b"{}"),
        });
        let Lookup::Replay(kept) = store.lookup(key("a"), 1) else {
            panic!("expected a replay");
        };
        assert_eq!(kept.replay().status(), StatusCode::BAD_GATEWAY);
    }

    #[test]
    fn a_dropped_ticket_leaves_the_key_in_doubt_and_wakes_waiters() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        let ticket = run_ticket(&store, "a", 1);
        let Lookup::Wait(Waiter::Here(rx)) = store.lookup(key("a"), 1) else {
            panic!("expected to wait");
        };
        drop(ticket);
        assert!(matches!(&*rx.borrow(), Some(Outcome::Kept(k)) if matches!(**k, Kept::InDoubt)));
        assert!(
            matches!(store.lookup(key("a"), 1), Lookup::Replay(k) if matches!(*k, Kept::InDoubt))
        );
    }

    #[test]
    fn a_released_ticket_frees_the_key() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        run_ticket(&store, "a", 1).release();
        assert_eq!(store.len(), 0);
        let _again = run_ticket(&store, "a", 1);
    }

    #[test]
    fn expired_outcomes_leave_from_the_front_of_the_queue() {
        let store = Arc::new(MemoryStore::new(Duration::ZERO));
        run_ticket(&store, "a", 1).finish(stored("x"));
        // A zero window: stored and expired at once, so the key runs again.
        let _again = run_ticket(&store, "a", 1);
        assert!(store.lock().queue.is_empty());
    }

    #[test]
    fn beyond_the_byte_budget_the_oldest_bodies_go_but_their_keys_stay() {
        let store = Arc::new(MemoryStore::new(Duration::from_secs(60)));
        let big = Bytes::from(vec![b'x'; MAX_RESPONSE_BYTES]);
        let count = MAX_STORED_BYTES / MAX_RESPONSE_BYTES + 2;
        for i in 0..count {
            run_ticket(&store, &i.to_string(), 1).finish(Kept::Response {
                status: StatusCode::OK,
                content_type: None,
                body: big.clone(),
            });
        }
        {
            let inner = store.lock();
            assert!(inner.stored_bytes <= MAX_STORED_BYTES);
            assert_eq!(inner.entries.len(), count);
            assert_eq!(inner.entries.len(), inner.queue.len());
        }
        assert!(
            matches!(store.lookup(key("0"), 1), Lookup::Replay(k) if matches!(*k, Kept::NotRetained))
        );
        let last = (count - 1).to_string();
        assert!(
            matches!(store.lookup(key(&last), 1), Lookup::Replay(k) if k.body_len() == MAX_RESPONSE_BYTES)
        );
    }
}
