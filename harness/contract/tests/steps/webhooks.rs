//! Outbound webhooks: a receiver inside the test process, and the simulator's delivery
//! log (`GET /__sim/webhooks`).
//!
//! Deliveries run on the simulator's own tasks, so a scenario waits for them with
//! `When the webhook deliveries have settled`: one `GET /__sim/webhooks?wait_ms=…`,
//! which the simulator answers once nothing is left to do until its clock moves (the
//! retries wait on the simulator clock: a scenario advances it to make them happen).
//! No sleep, no poll.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, bail, ensure};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse as _;
use cucumber::{given, then, when};
use reqwest::Method;
use tokio::task::JoinHandle;

use super::{Message, Outcome, StepResult};
use crate::ContractWorld;

/// How long `When the webhook deliveries have settled` lets the simulator wait.
const SETTLE_MS: u64 = 10_000;

/// An HTTP server on `127.0.0.1:0` that records every request and answers a fixed
/// status. It stops when dropped.
#[derive(Debug)]
pub(crate) struct Receiver {
    /// Where to send webhooks (`http://127.0.0.1:PORT/hooks`).
    pub(crate) url: String,
    got: Arc<Mutex<Vec<Message>>>,
    task: Option<JoinHandle<()>>,
}

impl Receiver {
    async fn start(answer: StatusCode) -> anyhow::Result<Self> {
        Self::serving(answer, None).await
    }

    /// A receiver that answers `200` with this content type and body: a web page for a
    /// platform to fetch (Snipcart's crawler), which records each fetch.
    pub(crate) async fn page(content_type: &str, body: &str) -> anyhow::Result<Self> {
        Self::serving(
            StatusCode::OK,
            Some((content_type.to_owned(), body.to_owned())),
        )
        .await
    }

    async fn serving(
        answer: StatusCode,
        content: Option<(String, String)>,
    ) -> anyhow::Result<Self> {
        let got = Arc::new(Mutex::new(Vec::new()));
        let record = got.clone();
        let app = Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let record = record.clone();
            let content = content.clone();
            async move {
                record
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(Message {
                        headers,
                        body: String::from_utf8_lossy(&body).into_owned(),
                    });
                match content {
                    Some((content_type, body)) => (
                        answer,
                        [(axum::http::header::CONTENT_TYPE, content_type)],
                        body,
                    )
                        .into_response(),
                    None => answer.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hooks", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self {
            url,
            got,
            task: Some(task),
        })
    }

    /// A URL nothing listens on: a port bound, read and released at once.
    async fn down() -> anyhow::Result<Self> {
        let addr = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await?
            .local_addr()?;
        Ok(Self {
            url: format!("http://{addr}/hooks"),
            got: Arc::default(),
            task: None,
        })
    }

    pub(crate) fn received(&self) -> Vec<Message> {
        self.got.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

pub(crate) fn install(w: &mut ContractWorld, receiver: Receiver) {
    w.named.insert("receiver_url".into(), receiver.url.clone());
    w.receiver = Some(receiver);
}

#[given("a webhook receiver")]
async fn receiver(w: &mut ContractWorld) -> StepResult {
    install(w, Receiver::start(StatusCode::OK).await?);
    Ok(())
}

#[given(expr = "a webhook receiver answering {int}")]
async fn receiver_answering(w: &mut ContractWorld, status: u16) -> StepResult {
    let status = StatusCode::from_u16(status)?;
    install(w, Receiver::start(status).await?);
    Ok(())
}

#[given("a webhook receiver that is down")]
async fn receiver_down(w: &mut ContractWorld) -> StepResult {
    install(w, Receiver::down().await?);
    Ok(())
}

#[when("the webhook deliveries have settled")]
async fn settled(w: &mut ContractWorld) -> StepResult {
    let path = format!("/__sim/webhooks?wait_ms={SETTLE_MS}");
    let outcome = w.call(Method::GET, &path, None, false).await?;
    let log = outcome.message()?.json()?;
    if log["settled"] != true {
        bail!(
            "webhook deliveries not settled after {:?}: {log}",
            Duration::from_millis(SETTLE_MS)
        );
    }
    log["deliveries"]
        .as_array()
        .ok_or_else(|| anyhow!("no deliveries array in {log}"))?;
    w.last = Some(outcome);
    Ok(())
}

#[then(expr = "the receiver got {int} webhook(s)")]
fn receiver_got(w: &mut ContractWorld, want: usize) -> StepResult {
    let receiver = w
        .receiver
        .as_ref()
        .ok_or_else(|| anyhow!("no webhook receiver in this scenario"))?;
    let got = receiver.received();
    ensure!(
        got.len() == want,
        "expected {want} webhooks, the receiver got {}: {:?}",
        got.len(),
        got.iter().map(|m| &m.body).collect::<Vec<_>>()
    );
    Ok(())
}

#[when(expr = "I look at received webhook {int}")]
fn look_at(w: &mut ContractWorld, n: usize) -> StepResult {
    let receiver = w
        .receiver
        .as_ref()
        .ok_or_else(|| anyhow!("no webhook receiver in this scenario"))?;
    let got = receiver.received();
    let message = n
        .checked_sub(1)
        .and_then(|i| got.get(i))
        .cloned()
        .ok_or_else(|| anyhow!("webhook {n} not received (got {})", got.len()))?;
    w.last = Some(Outcome::Webhook(message));
    Ok(())
}
