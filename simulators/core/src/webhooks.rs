//! Outbound webhooks: POST a JSON body to a URL, retry with exponential backoff, and
//! keep a log of every delivery and attempt.
//!
//! The platform decides what to send (event name, body, signature headers); this module
//! only delivers. The first attempt of each delivery goes out at once, on a task of its
//! own. Retries wait **on the simulator's [`Clock`]**:
//!
//! - The schedule is fixed by the first attempt: retry *n* falls due
//!   `base_delay · (2ⁿ − 1)` after it (1 s, 3 s, 7 s, 15 s with the default policy).
//! - With a **manual** clock a retry happens only when the clock is moved to or past
//!   its instant (`POST /__sim/clock/advance`, `PUT /__sim/clock`). A move past several
//!   retries makes every one of them, in due order (ties in the order they were queued),
//!   one at a time: deterministic.
//! - With a **system** clock a retry waits in real time for its instant, and an
//!   advance of the clock's offset brings it forward the same way (an advance past it
//!   makes it at once).
//!
//! Retries of all deliveries go through one queue, one attempt at a time, so a receiver
//! that hangs holds the retries behind it for up to `timeout`. Every attempt is stamped
//! with the clock's time when it is made. The log is bounded: the oldest finished
//! deliveries fall out first.
//!
//! Tests wait for deliveries with [`Webhooks::idle`] (the admin API with
//! `GET /__sim/webhooks?wait_ms=N`) instead of sleeping, and move a manual clock to make
//! retries happen.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use time::OffsetDateTime;
use tokio::sync::{Notify, watch};

use crate::clock::{Clock, ClockMode, rfc3339};

/// Delivery policy.
#[derive(Debug, Clone, Copy)]
pub struct WebhookConfig {
    /// Attempts in all, the first included (≥ 1).
    pub attempts: u32,
    /// Wait after the first failed attempt, by the simulator clock; doubled after each
    /// further failure.
    pub base_delay: Duration,
    /// Time limit of one attempt (real time: it bounds a network call).
    pub timeout: Duration,
    /// Deliveries the log keeps.
    pub log_capacity: usize,
}

impl Default for WebhookConfig {
    fn default() -> Self {
        Self {
            attempts: 5,
            base_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(10),
            log_capacity: 1_000,
        }
    }
}

/// One webhook to deliver.
#[derive(Debug, Clone)]
pub struct Outbound {
    /// Event name as the platform calls it (`order.status.changed`).
    pub event: String,
    /// Where to POST.
    pub url: String,
    /// Extra headers (signatures, event names); `content-type: application/json` is added
    /// unless given.
    pub headers: Vec<(String, String)>,
    /// Body bytes, sent as they are (platforms sign the raw body).
    pub body: Vec<u8>,
    /// The JSON answer the platform expects back, where it checks one (PrintXpand's
    /// designer callback wants `[{"response":"success"}]`): a 2xx answer whose body is
    /// other JSON, or not JSON, is a failed attempt. `None`: any 2xx answer will do.
    pub expect_json: Option<serde_json::Value>,
}

/// The most of a receiver's answer read to compare with [`Outbound::expect_json`].
const EXPECTED_BODY_LIMIT: usize = 64 * 1024;

/// One try.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attempt {
    /// When it was made, by the simulator's clock.
    pub at: String,
    /// Status the receiver answered, if it answered.
    pub status: Option<u16>,
    /// What went wrong, if the receiver did not answer 2xx.
    pub error: Option<String>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Still trying.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed.
    GaveUp,
}

/// A delivery as `GET /__sim/webhooks` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    /// Sequential id.
    pub id: u64,
    /// Event name.
    pub event: String,
    /// Target URL.
    pub url: String,
    /// Headers sent.
    pub headers: BTreeMap<String, String>,
    /// Body sent (UTF-8, lossy).
    pub body: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Every attempt so far.
    pub attempts: Vec<Attempt>,
    /// When the next retry falls due, by the simulator clock (RFC 3339); `null` unless
    /// one is queued.
    pub next_attempt_at: Option<String>,
}

/// A retry waiting for its instant.
#[derive(Debug)]
struct Retry {
    id: u64,
    out: Arc<Outbound>,
    /// Attempts made so far.
    made: u32,
    /// Wait after this retry, should it fail too.
    next_delay: Duration,
}

#[derive(Debug, Default)]
struct Inner {
    deliveries: VecDeque<Delivery>,
    next_id: u64,
    /// Queued retries by (due instant, order queued).
    retries: BTreeMap<(OffsetDateTime, u64), Retry>,
    next_retry: u64,
    /// First attempts on their way.
    first_attempts: usize,
    /// Whether the retry task runs, and whether it is making an attempt now.
    pump: bool,
    retrying: bool,
}

/// The dispatcher of one simulator; clones share the log and the retry queue.
#[derive(Debug, Clone)]
pub struct Webhooks {
    config: WebhookConfig,
    clock: Clock,
    // std Mutex: updated between attempts, never held across the HTTP call.
    inner: Arc<Mutex<Inner>>,
    // Bumped after every change that can end a wait in `idle`.
    changed: Arc<watch::Sender<()>>,
    // Wakes the retry task when a retry is queued.
    kick: Arc<Notify>,
}

fn client() -> &'static reqwest::Client {
    // One client (and one TLS root store) per process, built on first use: starting a
    // simulator must stay cheap.
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .user_agent(concat!("cartsim/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
    })
}

/// Longest single real-time sleep of the retry task; it then looks again (bounds the
/// wait whatever the due instant).
const MAX_NAP: Duration = Duration::from_secs(3600);

/// Undoes a piece of bookkeeping when dropped, so that a task that ends any way
/// (finished, panicked, cancelled with its runtime) leaves the counts right.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// Marks the retry task as gone unless it ended cleanly (which marks it itself, under
/// the same lock as the empty queue it saw).
struct PumpStopped {
    hooks: Webhooks,
    clean: bool,
}

impl Drop for PumpStopped {
    fn drop(&mut self) {
        if !self.clean {
            let mut inner = self.hooks.lock();
            inner.pump = false;
            inner.retrying = false;
            drop(inner);
            self.hooks.bump();
        }
    }
}

/// What the retry task does next.
enum Next {
    Stop,
    Wait(OffsetDateTime),
    Run(OffsetDateTime, Retry),
}

/// Sleeps `nap` of real time, or forever.
async fn nap_for(nap: Option<Duration>) {
    match nap {
        Some(d) => tokio::time::sleep(d).await,
        None => std::future::pending().await,
    }
}

impl Webhooks {
    /// A dispatcher with `config`, on `clock`.
    pub fn new(config: WebhookConfig, clock: Clock) -> Self {
        Self {
            config: WebhookConfig {
                attempts: config.attempts.max(1),
                ..config
            },
            clock,
            inner: Arc::new(Mutex::new(Inner::default())),
            changed: Arc::new(watch::channel(()).0),
            kick: Arc::new(Notify::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn bump(&self) {
        self.changed.send_replace(());
    }

    /// Queues a delivery and returns its id; the first attempt goes out at once, on a
    /// task of its own.
    ///
    /// Must be called inside a Tokio runtime (every handler is).
    pub fn send(&self, mut out: Outbound) -> u64 {
        if !out
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        {
            out.headers
                .push(("content-type".into(), "application/json".into()));
        }
        let id = {
            let mut inner = self.lock();
            inner.next_id += 1;
            let id = inner.next_id;
            if inner.deliveries.len() >= self.config.log_capacity.max(1) {
                // Drop the oldest finished delivery; if all are pending, the oldest.
                let at = inner
                    .deliveries
                    .iter()
                    .position(|d| d.state != DeliveryState::Pending)
                    .unwrap_or(0);
                inner.deliveries.remove(at);
            }
            inner.deliveries.push_back(Delivery {
                id,
                event: out.event.clone(),
                url: out.url.clone(),
                headers: out
                    .headers
                    .iter()
                    .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                    .collect(),
                body: String::from_utf8_lossy(&out.body).into_owned(),
                state: DeliveryState::Pending,
                attempts: Vec::new(),
                next_attempt_at: None,
            });
            inner.first_attempts += 1;
            id
        };
        self.bump();
        let this = self.clone();
        tokio::spawn(async move {
            let guard = this.clone();
            let _done = OnDrop(move || {
                guard.lock().first_attempts -= 1;
                guard.bump();
            });
            let out = Arc::new(out);
            let first_at = this.clock.now();
            let ok = this.attempt(id, &out, 1).await;
            if !ok {
                this.queue_retry(
                    first_at,
                    Retry {
                        id,
                        out,
                        made: 1,
                        next_delay: this.config.base_delay,
                    },
                );
            }
        });
        id
    }

    /// Makes attempt number `n` and logs it; `true` when delivered or when this was
    /// the last attempt (nothing more to do).
    async fn attempt(&self, id: u64, out: &Outbound, n: u32) -> bool {
        let at = rfc3339(self.clock.now());
        let mut req = client()
            .post(&out.url)
            .timeout(self.config.timeout)
            .body(out.body.clone());
        for (k, v) in &out.headers {
            req = req.header(k, v);
        }
        let (status, error) = match req.send().await {
            Ok(resp) if resp.status().is_success() => {
                let code = resp.status().as_u16();
                match &out.expect_json {
                    None => (Some(code), None),
                    Some(want) => (Some(code), unexpected_answer(resp, want).await),
                }
            }
            Ok(resp) => (
                Some(resp.status().as_u16()),
                Some(format!("receiver answered {}", resp.status().as_u16())),
            ),
            Err(e) => (None, Some(error_chain(&e))),
        };
        let done = error.is_none();
        let last = n >= self.config.attempts;
        self.update(id, |d| {
            d.attempts.push(Attempt { at, status, error });
            if done {
                d.state = DeliveryState::Delivered;
            } else if last {
                d.state = DeliveryState::GaveUp;
            }
        });
        done || last
    }

    /// Queues `retry` for `after + retry.next_delay`, or gives the delivery up when the
    /// clock cannot show that instant. Starts the retry task if it is not running.
    fn queue_retry(&self, after: OffsetDateTime, retry: Retry) {
        let due = time::Duration::try_from(retry.next_delay)
            .ok()
            .and_then(|d| after.checked_add(d));
        let start_pump = {
            let mut inner = self.lock();
            let delivery = inner.deliveries.iter_mut().find(|d| d.id == retry.id);
            match due {
                None => {
                    if let Some(d) = delivery {
                        d.state = DeliveryState::GaveUp;
                    }
                    None
                }
                Some(due) => {
                    if let Some(d) = delivery {
                        d.next_attempt_at = Some(rfc3339(due));
                    }
                    let seq = inner.next_retry;
                    inner.next_retry += 1;
                    inner.retries.insert((due, seq), retry);
                    Some(!std::mem::replace(&mut inner.pump, true))
                }
            }
        };
        match start_pump {
            Some(true) => {
                let this = self.clone();
                tokio::spawn(async move { this.pump().await });
            }
            Some(false) => self.kick.notify_one(),
            None => {}
        }
        self.bump();
    }

    /// The retry task: makes due retries one at a time, in due order, and otherwise
    /// waits for the clock to move (manual), for real time to pass (system), or for a
    /// retry to be queued. Ends when the queue is empty.
    async fn pump(self) {
        // Should the task end any other way than by an empty queue (its runtime going
        // away), the next queued retry starts a new one.
        let mut stopped = PumpStopped {
            hooks: self.clone(),
            clean: false,
        };
        loop {
            // Subscribe before reading the time: no move can fall in between.
            let mut moves = self.clock.changes();
            let kicked = self.kick.notified();
            let (now, mode) = self.clock.snapshot();
            let (due, mut retry) = match self.take_due(now) {
                Next::Stop => {
                    stopped.clean = true;
                    return;
                }
                Next::Wait(due) => {
                    let nap = match mode {
                        ClockMode::Manual => None,
                        ClockMode::System => Some(
                            Duration::try_from(due - now)
                                .unwrap_or(Duration::ZERO)
                                .min(MAX_NAP),
                        ),
                    };
                    tokio::select! {
                        _ = moves.changed() => {}
                        () = kicked => {}
                        () = nap_for(nap) => {}
                    }
                    continue;
                }
                Next::Run(due, retry) => (due, retry),
            };
            retry.made += 1;
            let finished = self.attempt(retry.id, &retry.out, retry.made).await;
            if !finished {
                // The next one falls due twice as long after this one's instant.
                let next_delay = retry.next_delay.saturating_mul(2);
                self.queue_retry(
                    due,
                    Retry {
                        next_delay,
                        ..retry
                    },
                );
            }
            self.lock().retrying = false;
            self.bump();
        }
    }

    /// Under one lock: the first queued retry if it is due at `now` (then marked as
    /// being made), or when the first falls due, or that the queue is empty (then the
    /// retry task is marked as gone).
    fn take_due(&self, now: OffsetDateTime) -> Next {
        let mut inner = self.lock();
        let Some(entry) = inner.retries.first_entry() else {
            inner.pump = false;
            return Next::Stop;
        };
        let (due, _) = *entry.key();
        if due > now {
            return Next::Wait(due);
        }
        let retry = entry.remove();
        inner.retrying = true;
        if let Some(d) = inner.deliveries.iter_mut().find(|d| d.id == retry.id) {
            d.next_attempt_at = None;
        }
        Next::Run(due, retry)
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Delivery)) {
        let mut inner = self.lock();
        if let Some(d) = inner.deliveries.iter_mut().find(|d| d.id == id) {
            f(d);
        }
    }

    /// Every delivery in the log, oldest first.
    pub fn log(&self) -> Vec<Delivery> {
        self.lock().deliveries.iter().cloned().collect()
    }

    /// Forgets finished deliveries (pending ones stay, so their attempts still land).
    pub fn clear(&self) {
        self.lock()
            .deliveries
            .retain(|d| d.state == DeliveryState::Pending);
    }

    /// Whether nothing is left to do until the clock moves: no attempt on its way, no
    /// retry due, and (on a system clock, where time moves by itself) no retry queued.
    pub fn is_idle(&self) -> bool {
        let (now, mode) = self.clock.snapshot();
        let inner = self.lock();
        inner.first_attempts == 0
            && !inner.retrying
            && match inner.retries.first_key_value() {
                None => true,
                Some((&(due, _), _)) => mode == ClockMode::Manual && due > now,
            }
    }

    /// Waits until [`Webhooks::is_idle`], for at most `limit`; `false` on time-out.
    ///
    /// With a manual clock, a delivery whose next retry is not due yet does not count:
    /// it stays `pending` until the clock is moved. With a system clock this waits for
    /// every queued retry.
    pub async fn idle(&self, limit: Duration) -> bool {
        tokio::time::timeout(limit, async {
            loop {
                let mut changed = self.changed.subscribe();
                let mut moves = self.clock.changes();
                if self.is_idle() {
                    return;
                }
                tokio::select! {
                    _ = changed.changed() => {}
                    _ = moves.changed() => {}
                }
            }
        })
        .await
        .is_ok()
    }
}

/// Why a 2xx answer is not the JSON `want`, or `None` when it is. At most
/// [`EXPECTED_BODY_LIMIT`] bytes are read.
async fn unexpected_answer(
    mut resp: reqwest::Response,
    want: &serde_json::Value,
) -> Option<String> {
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) if body.len() + chunk.len() <= EXPECTED_BODY_LIMIT => {
                body.extend_from_slice(&chunk);
            }
            Ok(Some(_)) => {
                return Some(format!(
                    "receiver's answer is over {EXPECTED_BODY_LIMIT} bytes"
                ));
            }
            Ok(None) => break,
            Err(e) => return Some(error_chain(&e)),
        }
    }
    match serde_json::from_slice::<serde_json::Value>(&body) {
        Ok(got) if &got == want => None,
        _ => Some(format!(
            "receiver answered {} instead of {want}",
            String::from_utf8_lossy(&body)
                .chars()
                .take(200)
                .collect::<String>()
        )),
    }
}

fn error_chain(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        src = s.source();
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use axum::{Router, http::StatusCode, routing::post};
    use time::macros::datetime;

    /// Generous bound for `idle`: it returns as soon as the deliveries settle.
    const SETTLE: Duration = Duration::from_secs(10);
    const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);

    struct Receiver {
        url: String,
        hits: Arc<AtomicUsize>,
        bodies: Arc<Mutex<Vec<String>>>,
        _task: tokio::task::JoinHandle<()>,
    }

    /// A receiver that answers 503 to its first `fail_first` requests, then 200.
    async fn receiver(fail_first: usize) -> Receiver {
        let hits = Arc::new(AtomicUsize::new(0));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let (h, b) = (hits.clone(), bodies.clone());
        let app = Router::new().route(
            "/hook",
            post(move |body: String| {
                let (h, b) = (h.clone(), b.clone());
                async move {
                    b.lock().unwrap().push(body);
                    if h.fetch_add(1, Ordering::SeqCst) < fail_first {
                        StatusCode::SERVICE_UNAVAILABLE
                    } else {
                        StatusCode::OK
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            url,
            hits,
            bodies,
            _task: task,
        }
    }

    /// Waits (on the dispatcher's change signal, never a sleep) until `done` holds.
    async fn until(hooks: &Webhooks, done: impl Fn(&Webhooks) -> bool) {
        let waited = tokio::time::timeout(SETTLE, async {
            loop {
                let mut changed = hooks.changed.subscribe();
                if done(hooks) {
                    return;
                }
                let _ = changed.changed().await;
            }
        })
        .await;
        assert!(waited.is_ok(), "condition not reached within {SETTLE:?}");
    }

    fn policy(attempts: u32) -> WebhookConfig {
        WebhookConfig {
            attempts,
            base_delay: Duration::from_secs(1),
            timeout: Duration::from_secs(5),
            log_capacity: 10,
        }
    }

    fn outbound(url: &str) -> Outbound {
        outbound_with(url, r#"{"ok":true}"#)
    }

    fn outbound_with(url: &str, body: &str) -> Outbound {
        Outbound {
            event: "thing.happened".into(),
            url: url.into(),
            headers: vec![("X-Signature".into(), "abc".into())],
            body: body.as_bytes().to_vec(),
            expect_json: None,
        }
    }

    fn stamps(d: &Delivery) -> Vec<(&str, Option<u16>)> {
        d.attempts
            .iter()
            .map(|a| (a.at.as_str(), a.status))
            .collect()
    }

    #[tokio::test]
    async fn an_expected_answer_must_match_for_the_delivery_to_count() {
        // The receiver answers 200 with the wrong JSON once, then the expected one.
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let app = Router::new().route(
            "/hook",
            post(move || {
                let h = h.clone();
                async move {
                    if h.fetch_add(1, Ordering::SeqCst) == 0 {
                        r#"[{"response":"error"}]"#
                    } else {
                        r#"[ {"response": "success"} ]"#
                    }
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let _task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let clock = Clock::manual(T0);
        let hooks = Webhooks::new(policy(3), clock.clone());
        let mut out = outbound(&url);
        out.expect_json = Some(serde_json::json!([{"response": "success"}]));
        hooks.send(out);
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::Pending);
        assert_eq!(d.attempts[0].status, Some(200));
        assert_eq!(
            d.attempts[0].error.as_deref(),
            Some(r#"receiver answered [{"response":"error"}] instead of [{"response":"success"}]"#)
        );
        clock.advance(Duration::from_secs(1));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::Delivered);
        assert_eq!(d.attempts[1].error, None);
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn retries_wait_for_the_manual_clock() {
        let rx = receiver(2).await;
        let clock = Clock::manual(T0);
        let hooks = Webhooks::new(policy(5), clock.clone());
        let id = hooks.send(outbound(&rx.url));
        // The first attempt goes out at once; the retry waits for the clock.
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.id, id);
        assert_eq!(d.state, DeliveryState::Pending);
        assert_eq!(stamps(d), [("2025-07-21T20:49:08Z", Some(503))]);
        assert_eq!(d.next_attempt_at.as_deref(), Some("2025-07-21T20:49:09Z"));
        assert_eq!(d.headers["x-signature"], "abc");
        assert_eq!(d.headers["content-type"], "application/json");

        // Not yet due: nothing happens.
        clock.advance(Duration::from_millis(999));
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(rx.hits.load(Ordering::SeqCst), 1);

        clock.advance(Duration::from_millis(1));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.attempts.len(), 2);
        // Retry 2 falls due 3 s after the first attempt.
        assert_eq!(d.next_attempt_at.as_deref(), Some("2025-07-21T20:49:11Z"));

        clock.advance(Duration::from_secs(2));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::Delivered);
        assert_eq!(
            stamps(d),
            [
                ("2025-07-21T20:49:08Z", Some(503)),
                ("2025-07-21T20:49:09Z", Some(503)),
                ("2025-07-21T20:49:11Z", Some(200)),
            ]
        );
        assert_eq!(d.next_attempt_at, None);
        assert_eq!(rx.hits.load(Ordering::SeqCst), 3);
        assert!(hooks.lock().retries.is_empty());
    }

    #[tokio::test]
    async fn one_clock_move_makes_every_retry_that_falls_due_in_order() {
        let rx = receiver(usize::MAX).await;
        let clock = Clock::manual(T0);
        let hooks = Webhooks::new(policy(3), clock.clone());
        hooks.send(outbound(&rx.url));
        assert!(hooks.idle(SETTLE).await);
        // Retries at +1 s and +3 s: one move past both.
        clock.advance(Duration::from_secs(3600));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::GaveUp);
        assert_eq!(d.attempts.len(), 3);
        assert_eq!(d.attempts[2].at, "2025-07-21T21:49:08Z");
        assert_eq!(
            d.attempts[2].error.as_deref(),
            Some("receiver answered 503")
        );
        assert_eq!(rx.hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn retries_of_several_deliveries_go_out_in_due_order() {
        let rx = receiver(usize::MAX).await;
        let clock = Clock::manual(T0);
        let hooks = Webhooks::new(policy(3), clock.clone());
        // a: first at T0, retries due at T0+1 s and T0+3 s.
        hooks.send(outbound_with(&rx.url, "a"));
        assert!(hooks.idle(SETTLE).await);
        clock.advance(Duration::from_millis(1500));
        assert!(hooks.idle(SETTLE).await);
        // b: first at T0+1.5 s, retries due at T0+2.5 s and T0+4.5 s. Its first retry is
        // queued after a's second, yet falls due before it.
        hooks.send(outbound_with(&rx.url, "b"));
        assert!(hooks.idle(SETTLE).await);
        clock.advance(Duration::from_secs(10));
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(*rx.bodies.lock().unwrap(), ["a", "a", "b", "b", "a", "b"]);
        assert!(
            hooks
                .log()
                .iter()
                .all(|d| d.state == DeliveryState::GaveUp && d.attempts.len() == 3)
        );
    }

    #[tokio::test]
    async fn a_system_clock_waits_in_real_time_and_an_advance_brings_retries_forward() {
        let rx = receiver(1).await;
        let clock = Clock::system();
        // A retry an hour away: only an advance of the clock can make it due in a test.
        let hooks = Webhooks::new(
            WebhookConfig {
                base_delay: Duration::from_secs(3600),
                ..policy(2)
            },
            clock.clone(),
        );
        hooks.send(outbound(&rx.url));
        until(&hooks, |h| h.log()[0].attempts.len() == 1).await;
        // On a system clock a queued retry is still work to wait for.
        assert!(!hooks.is_idle());
        clock.advance(Duration::from_secs(3600));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::Delivered);
        assert_eq!(d.attempts.len(), 2);
    }

    #[tokio::test]
    async fn a_short_real_time_backoff_on_a_system_clock_needs_no_help() {
        let rx = receiver(2).await;
        let hooks = Webhooks::new(
            WebhookConfig {
                base_delay: Duration::from_millis(1),
                ..policy(3)
            },
            Clock::system(),
        );
        hooks.send(outbound(&rx.url));
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(hooks.log()[0].state, DeliveryState::Delivered);
        assert_eq!(rx.hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn a_manual_clock_thawed_by_reset_lets_overdue_retries_go() {
        let rx = receiver(1).await;
        let clock = Clock::manual_unix(1_000_000_000); // 2001: long past in wall time
        let hooks = Webhooks::new(policy(2), clock.clone());
        hooks.send(outbound(&rx.url));
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(hooks.log()[0].state, DeliveryState::Pending);
        clock.reset_to(None);
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(hooks.log()[0].state, DeliveryState::Delivered);
    }

    #[tokio::test]
    async fn a_retry_past_the_end_of_time_gives_up() {
        let rx = receiver(usize::MAX).await;
        let clock = Clock::manual(datetime!(9999-12-31 23:59:59 UTC));
        let hooks = Webhooks::new(policy(5), clock);
        hooks.send(outbound(&rx.url));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::GaveUp);
        assert_eq!(d.attempts.len(), 1);
    }

    #[tokio::test]
    async fn records_connection_errors() {
        // Bind then drop a listener: nothing listens on that port any more.
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let clock = Clock::manual_unix(0);
        let hooks = Webhooks::new(policy(2), clock.clone());
        hooks.send(outbound(&format!("http://{addr}/hook")));
        assert!(hooks.idle(SETTLE).await);
        clock.advance(Duration::from_secs(1));
        assert!(hooks.idle(SETTLE).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::GaveUp);
        assert_eq!(d.attempts.len(), 2);
        assert!(
            d.attempts
                .iter()
                .all(|a| a.status.is_none() && a.error.is_some())
        );
    }

    #[tokio::test]
    async fn the_log_is_bounded() {
        let rx = receiver(0).await;
        let hooks = Webhooks::new(
            WebhookConfig {
                log_capacity: 3,
                ..policy(1)
            },
            Clock::manual_unix(0),
        );
        for _ in 0..5 {
            hooks.send(outbound(&rx.url));
            assert!(hooks.idle(SETTLE).await);
        }
        let ids: Vec<_> = hooks.log().iter().map(|d| d.id).collect();
        assert_eq!(ids, [3, 4, 5]);
        hooks.clear();
        assert!(hooks.log().is_empty());
    }

    #[tokio::test]
    async fn clear_keeps_pending_deliveries_and_their_retries() {
        let rx = receiver(1).await;
        let clock = Clock::manual(T0);
        let hooks = Webhooks::new(policy(2), clock.clone());
        hooks.send(outbound(&rx.url));
        assert!(hooks.idle(SETTLE).await);
        hooks.clear();
        assert_eq!(hooks.log().len(), 1);
        clock.advance(Duration::from_secs(1));
        assert!(hooks.idle(SETTLE).await);
        assert_eq!(hooks.log()[0].state, DeliveryState::Delivered);
    }
}
