//! Snipcart (`sim-snipcart`): starting it, or finding it under `cartsim serve`, and the
//! storefront and dashboard actions a scenario needs (webhook URLs, checkouts).
//!
//! Every scenario starts at [`T0`] on a manual clock. The scenario's requests carry
//! `Accept: application/json`, as the docs require; `Given I am authenticated` adds the
//! Test secret key as HTTP Basic (`KEY:`), `Given I am authenticated with the Live key`
//! the Live one.

use std::time::Duration;

use anyhow::{anyhow, bail, ensure};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use cucumber::gherkin::Step;
use cucumber::{given, then};
use reqwest::Method;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig, WebhookConfig};
use sim_snipcart::SnipcartSim;
use time::OffsetDateTime;
use time::macros::datetime;

use super::webhooks::{Receiver, install};
use super::{Instance, Sandbox, StepResult, credential};
use crate::{ContractWorld, Target};

/// The instant every Snipcart scenario starts at.
pub(crate) const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);

/// Where `cartsim serve` runs Snipcart unless `CARTSIM_SNIPCART_URL` says otherwise.
const DEFAULT_SERVE_URL: &str = "http://127.0.0.1:8082";

/// Webhook deliveries of in-process instances: three attempts, 10 ms then 20 ms apart.
const WEBHOOKS: WebhookConfig = WebhookConfig {
    attempts: 3,
    base_delay: Duration::from_millis(10),
    timeout: Duration::from_secs(2),
    log_capacity: 100,
};

fn basic(key: &str) -> (String, String) {
    (
        "authorization".into(),
        format!("Basic {}", BASE64.encode(format!("{key}:"))),
    )
}

#[given("a Snipcart simulator")]
async fn snipcart(w: &mut ContractWorld) -> StepResult {
    w.sandbox = None;
    let sandbox = match w.target {
        Target::InProcess => {
            let config = CoreConfig {
                clock: Clock::manual(T0),
                webhooks: WEBHOOKS,
                ..CoreConfig::default()
            };
            let handle = SnipcartSim::start_with(
                config,
                sim_snipcart::fixtures::default_state(),
                "127.0.0.1:0".parse()?,
            )
            .await?;
            w.named.insert("live_key".into(), handle.live_key());
            w.named.insert("test_key".into(), handle.test_key());
            Sandbox {
                platform: "snipcart",
                base_url: handle.base_url().to_owned(),
                auth: Some(basic(&handle.test_key())),
                _instance: Some(Instance::Snipcart(handle)),
            }
        }
        Target::Serve => {
            let url = std::env::var("CARTSIM_SNIPCART_URL")
                .unwrap_or_else(|_| DEFAULT_SERVE_URL.to_owned());
            Sandbox {
                platform: "snipcart",
                base_url: url.trim_end_matches('/').to_owned(),
                auth: None,
                _instance: None,
            }
        }
        Target::Live => bail!("Snipcart has no live target configured"),
    };
    w.named.insert("base_url".into(), sandbox.base_url.clone());
    w.sandbox = Some(sandbox);
    w.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("accept"));
    w.headers.push(("Accept".into(), "application/json".into()));

    if w.target == Target::Serve {
        let info = w.restart_served().await?;
        let (test, live) = (
            credential(&info, "test_secret_key")?,
            credential(&info, "live_secret_key")?,
        );
        w.named.insert("test_key".into(), test.clone());
        w.named.insert("live_key".into(), live);
        if let Some(sandbox) = w.sandbox.as_mut() {
            sandbox.auth = Some(basic(&test));
        }
    }
    Ok(())
}

#[given("I am authenticated with the Live key")]
fn live_key(w: &mut ContractWorld) -> StepResult {
    let key = w.named.get("live_key").cloned().ok_or_else(|| {
        anyhow!("no Live key: start the scenario with `Given a Snipcart simulator`")
    })?;
    let (name, value) = basic(&key);
    w.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
    w.headers.push((name, value));
    Ok(())
}

#[given("Snipcart sends its webhooks to the receiver")]
async fn webhooks_to_receiver(w: &mut ContractWorld) -> StepResult {
    let url = w
        .receiver
        .as_ref()
        .map(|r| r.url.clone())
        .ok_or_else(|| anyhow!("start a receiver first: `Given a webhook receiver`"))?;
    let mut settings: Value = w.admin(Method::GET, "/__sim/settings", None).await?;
    settings["webhookUrls"] = json!([url]);
    w.admin(Method::PUT, "/__sim/settings", Some(settings))
        .await?;
    Ok(())
}

/// A web page on `127.0.0.1` for the crawler: `{page_url}` (it is the scenario's
/// receiver, so `the receiver got … webhook(s)` and `I look at received webhook …`
/// show the crawler's requests).
#[given(expr = "a web page with content type {string}:")]
async fn web_page(w: &mut ContractWorld, content_type: String, step: &Step) -> StepResult {
    let body = super::interpolate(super::docstring(step)?, &w.named)?;
    let page = Receiver::page(&content_type, &body).await?;
    w.named.insert("page_url".into(), page.url.clone());
    install(w, page);
    Ok(())
}

#[then(expr = "the page was fetched {int} time(s)")]
fn page_fetched(w: &mut ContractWorld, want: usize) -> StepResult {
    let got = w
        .receiver
        .as_ref()
        .ok_or_else(|| anyhow!("no web page in this scenario"))?
        .received()
        .len();
    ensure!(
        got == want,
        "the page was fetched {got} times, expected {want}"
    );
    Ok(())
}
