//! Outbound webhooks: POST a JSON body to a URL, retry with exponential backoff, and
//! keep a log of every delivery and attempt.
//!
//! The platform decides what to send (event name, body, signature headers); this module
//! only delivers. Each delivery runs on its own task; the attempt timestamps come from
//! the simulator's [`Clock`], the waits between attempts are real time (a simulator
//! that wants them short configures a short `base_delay`). The log is bounded: the
//! oldest finished deliveries fall out first.
//!
//! Tests wait for outstanding deliveries with [`Webhooks::idle`] instead of sleeping.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::clock::{Clock, rfc3339};

/// Delivery policy.
#[derive(Debug, Clone, Copy)]
pub struct WebhookConfig {
    /// Attempts in all, the first included (≥ 1).
    pub attempts: u32,
    /// Wait after the first failed attempt; doubled after each further failure.
    pub base_delay: Duration,
    /// Time limit of one attempt.
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
}

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
}

#[derive(Debug, Default)]
struct Log {
    deliveries: VecDeque<Delivery>,
    next_id: u64,
}

/// The dispatcher of one simulator; clones share the log.
#[derive(Debug, Clone)]
pub struct Webhooks {
    config: WebhookConfig,
    clock: Clock,
    // std Mutex: updated between attempts, never held across the HTTP call.
    log: Arc<Mutex<Log>>,
    in_flight: Arc<watch::Sender<usize>>,
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

impl Webhooks {
    /// A dispatcher with `config`, stamping attempts with `clock`.
    pub fn new(config: WebhookConfig, clock: Clock) -> Self {
        Self {
            config: WebhookConfig {
                attempts: config.attempts.max(1),
                ..config
            },
            clock,
            log: Arc::new(Mutex::new(Log::default())),
            in_flight: Arc::new(watch::channel(0).0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues a delivery and returns its id; it runs on a task of its own.
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
            let mut log = self.lock();
            log.next_id += 1;
            let id = log.next_id;
            if log.deliveries.len() >= self.config.log_capacity.max(1) {
                // Drop the oldest finished delivery; if all are pending, the oldest.
                let at = log
                    .deliveries
                    .iter()
                    .position(|d| d.state != DeliveryState::Pending)
                    .unwrap_or(0);
                log.deliveries.remove(at);
            }
            log.deliveries.push_back(Delivery {
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
            });
            id
        };
        self.in_flight.send_modify(|n| *n += 1);
        let this = self.clone();
        tokio::spawn(async move {
            this.deliver(id, out).await;
            this.in_flight.send_modify(|n| *n -= 1);
        });
        id
    }

    async fn deliver(&self, id: u64, out: Outbound) {
        let mut delay = self.config.base_delay;
        for n in 1..=self.config.attempts {
            let at = rfc3339(self.clock.now());
            let mut req = client()
                .post(&out.url)
                .timeout(self.config.timeout)
                .body(out.body.clone());
            for (k, v) in &out.headers {
                req = req.header(k, v);
            }
            let (status, error) = match req.send().await {
                Ok(resp) if resp.status().is_success() => (Some(resp.status().as_u16()), None),
                Ok(resp) => (
                    Some(resp.status().as_u16()),
                    Some(format!("receiver answered {}", resp.status().as_u16())),
                ),
                Err(e) => (None, Some(error_chain(&e))),
            };
            let done = error.is_none();
            let last = n == self.config.attempts;
            self.update(id, |d| {
                d.attempts.push(Attempt { at, status, error });
                if done {
                    d.state = DeliveryState::Delivered;
                } else if last {
                    d.state = DeliveryState::GaveUp;
                }
            });
            if done || last {
                return;
            }
            tokio::time::sleep(delay).await;
            delay = delay.saturating_mul(2);
        }
    }

    fn update(&self, id: u64, f: impl FnOnce(&mut Delivery)) {
        let mut log = self.lock();
        if let Some(d) = log.deliveries.iter_mut().find(|d| d.id == id) {
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

    /// Waits until no delivery is pending, for at most `limit`; `false` on time-out.
    pub async fn idle(&self, limit: Duration) -> bool {
        let mut rx = self.in_flight.subscribe();
        tokio::time::timeout(limit, rx.wait_for(|n| *n == 0))
            .await
            .is_ok()
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

    async fn receiver(
        fail_first: usize,
    ) -> (String, Arc<AtomicUsize>, tokio::task::JoinHandle<()>) {
        let hits = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let app = Router::new().route(
            "/hook",
            post(move |body: String| {
                let h = h.clone();
                async move {
                    let n = h.fetch_add(1, Ordering::SeqCst);
                    assert_eq!(body, r#"{"ok":true}"#);
                    if n < fail_first {
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
        (url, hits, task)
    }

    fn fast(attempts: u32) -> WebhookConfig {
        WebhookConfig {
            attempts,
            base_delay: Duration::from_millis(1),
            timeout: Duration::from_secs(5),
            log_capacity: 10,
        }
    }

    fn outbound(url: &str) -> Outbound {
        Outbound {
            event: "thing.happened".into(),
            url: url.into(),
            headers: vec![("X-Signature".into(), "abc".into())],
            body: br#"{"ok":true}"#.to_vec(),
        }
    }

    #[tokio::test]
    async fn retries_until_delivered() {
        let (url, hits, _srv) = receiver(2).await;
        let hooks = Webhooks::new(fast(5), Clock::manual_unix(1_700_000_000));
        let id = hooks.send(outbound(&url));
        assert!(hooks.idle(Duration::from_secs(10)).await);
        let log = hooks.log();
        assert_eq!(log[0].id, id);
        assert_eq!(log[0].state, DeliveryState::Delivered);
        let statuses: Vec<_> = log[0].attempts.iter().map(|a| a.status).collect();
        assert_eq!(statuses, [Some(503), Some(503), Some(200)]);
        assert_eq!(log[0].attempts[0].at, "2023-11-14T22:13:20Z");
        assert_eq!(log[0].headers["x-signature"], "abc");
        assert_eq!(log[0].headers["content-type"], "application/json");
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn gives_up_after_the_last_attempt() {
        let (url, hits, _srv) = receiver(usize::MAX).await;
        let hooks = Webhooks::new(fast(3), Clock::manual_unix(0));
        hooks.send(outbound(&url));
        assert!(hooks.idle(Duration::from_secs(10)).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::GaveUp);
        assert_eq!(d.attempts.len(), 3);
        assert_eq!(
            d.attempts[2].error.as_deref(),
            Some("receiver answered 503")
        );
        assert_eq!(hits.load(Ordering::SeqCst), 3);
    }

    #[tokio::test]
    async fn records_connection_errors() {
        // Bind then drop a listener: nothing listens on that port any more.
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap()
            .local_addr()
            .unwrap();
        let hooks = Webhooks::new(fast(2), Clock::manual_unix(0));
        hooks.send(outbound(&format!("http://{addr}/hook")));
        assert!(hooks.idle(Duration::from_secs(10)).await);
        let d = &hooks.log()[0];
        assert_eq!(d.state, DeliveryState::GaveUp);
        assert!(
            d.attempts
                .iter()
                .all(|a| a.status.is_none() && a.error.is_some())
        );
    }

    #[tokio::test]
    async fn the_log_is_bounded() {
        let (url, _hits, _srv) = receiver(0).await;
        let hooks = Webhooks::new(
            WebhookConfig {
                log_capacity: 3,
                ..fast(1)
            },
            Clock::manual_unix(0),
        );
        for _ in 0..5 {
            hooks.send(outbound(&url));
            assert!(hooks.idle(Duration::from_secs(10)).await);
        }
        let ids: Vec<_> = hooks.log().iter().map(|d| d.id).collect();
        assert_eq!(ids, [3, 4, 5]);
        hooks.clear();
        assert!(hooks.log().is_empty());
    }
}
