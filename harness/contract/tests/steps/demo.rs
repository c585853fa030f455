//! The demo notes service (`sim-demo`): starting it, or finding it under `cartsim serve`.
//! Everything else a demo scenario says goes through the generic steps.
//!
//! Every scenario starts at the same instant, [`T0`] (the fixture's own timestamps): an
//! in-process instance gets a manual clock there; a `serve` instance is reset and its
//! clock set there (`PUT /__sim/clock` turns its clock manual).

use std::time::Duration;

use anyhow::{anyhow, bail};
use cucumber::given;
use reqwest::Method;
use serde_json::json;
use sim_core::{Clock, CoreConfig, WebhookConfig};
use sim_demo::DemoSim;
use time::OffsetDateTime;
use time::macros::datetime;

use super::{Instance, Sandbox, StepResult};
use crate::{ContractWorld, Target};

/// The instant every demo scenario starts at.
pub(crate) const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);
/// `T0` as the admin API and the demo service write it.
pub(crate) const T0_TEXT: &str = "2025-07-21T20:49:08Z";

/// Where `cartsim serve` runs the demo service unless `CARTSIM_DEMO_URL` says otherwise.
const DEFAULT_SERVE_URL: &str = "http://127.0.0.1:8089";

/// Webhook deliveries of in-process instances: three attempts, 10 ms then 20 ms apart.
const WEBHOOKS: WebhookConfig = WebhookConfig {
    attempts: 3,
    base_delay: Duration::from_millis(10),
    timeout: Duration::from_secs(2),
    log_capacity: 100,
};

async fn start(w: &mut ContractWorld, body_limit: Option<usize>) -> StepResult {
    // A second start in one scenario replaces the first instance.
    w.sandbox = None;
    let sandbox = match w.target {
        Target::InProcess => {
            let config = CoreConfig {
                clock: Clock::manual(T0),
                body_limit: body_limit.unwrap_or(sim_core::app::DEFAULT_BODY_LIMIT),
                webhooks: WEBHOOKS,
                ..CoreConfig::default()
            };
            let handle = DemoSim::start_with(
                config,
                sim_demo::fixtures::default_state(),
                "127.0.0.1:0".parse()?,
            )
            .await?;
            Sandbox {
                platform: "demo",
                base_url: handle.base_url().to_owned(),
                auth: Some(("authorization".into(), format!("Bearer {}", handle.token()))),
                _instance: Some(Instance::Demo(handle)),
            }
        }
        Target::Serve => {
            if body_limit.is_some() {
                bail!("a body limit needs an in-process instance: tag the scenario @inprocess");
            }
            let url =
                std::env::var("CARTSIM_DEMO_URL").unwrap_or_else(|_| DEFAULT_SERVE_URL.to_owned());
            Sandbox {
                platform: "demo",
                base_url: url.trim_end_matches('/').to_owned(),
                auth: None,
                _instance: None,
            }
        }
        Target::Live => bail!("the demo service has no live target"),
    };
    w.named.insert("base_url".into(), sandbox.base_url.clone());
    w.sandbox = Some(sandbox);

    if w.target == Target::Serve {
        w.admin(Method::POST, "/__sim/reset", None).await?;
        w.admin(Method::PUT, "/__sim/clock", Some(json!({ "now": T0_TEXT })))
            .await?;
        let info = w.admin(Method::GET, "/__sim/info", None).await?;
        let token = info["credentials"]["token"]
            .as_str()
            .ok_or_else(|| anyhow!("no credentials.token in /__sim/info: {info}"))?
            .to_owned();
        if let Some(sandbox) = w.sandbox.as_mut() {
            sandbox.auth = Some(("authorization".into(), format!("Bearer {token}")));
        }
    }
    Ok(())
}

#[given("a demo simulator")]
async fn demo(w: &mut ContractWorld) -> StepResult {
    start(w, None).await
}

#[given(expr = "a demo simulator with a body limit of {int} bytes")]
async fn demo_with_body_limit(w: &mut ContractWorld, limit: usize) -> StepResult {
    start(w, Some(limit)).await
}
