//! PrintXpand (`sim-printxpand`): starting the extension's store (in-process, under
//! `cartsim serve`, or live) with its integration's OAuth signing (the Magento steps'
//! `Given I am authenticated as the integration`), and its product designer's endpoint.
//!
//! Every scenario starts at the Magento steps' `T0` on a manual clock.

use std::time::Duration;

use anyhow::{anyhow, bail, ensure};
use cucumber::{given, then};
use replay::{Exchange, Report, Transcript, no_tolerance};
use reqwest::Method;
use sim_core::{Clock, CoreConfig, WebhookConfig};
use sim_printxpand::PrintXpandSim;

use super::magento::{T0, install_signing, live, served};
use super::webhooks::{Receiver, install};
use super::{Body, Instance, Outcome, Sandbox, StepResult};
use crate::{ContractWorld, Target};

/// Where `cartsim serve` runs PrintXpand unless `CARTSIM_PRINTXPAND_URL` says otherwise.
const DEFAULT_SERVE_URL: &str = "http://127.0.0.1:8083";

/// Designer callbacks of in-process instances: three attempts, 10 ms then 20 ms apart.
const WEBHOOKS: WebhookConfig = WebhookConfig {
    attempts: 3,
    base_delay: Duration::from_millis(10),
    timeout: Duration::from_secs(2),
    log_capacity: 100,
};

#[given("a PrintXpand simulator")]
async fn printxpand(w: &mut ContractWorld) -> StepResult {
    w.sandbox = None;
    w.oauth = None;
    let (sandbox, signer) = match w.target {
        Target::InProcess => {
            let config = CoreConfig {
                clock: Clock::manual(T0),
                webhooks: WEBHOOKS,
                ..CoreConfig::default()
            };
            let handle = PrintXpandSim::start_with(
                config,
                sim_printxpand::fixtures::default_store(),
                "127.0.0.1:0".parse()?,
            )
            .await?;
            let (signer, url) = (handle.signer(), handle.base_url().to_owned());
            (
                Sandbox::running("printxpand", &url, Instance::PrintXpand(handle)),
                Some(signer),
            )
        }
        Target::Serve => (
            served("printxpand", "CARTSIM_PRINTXPAND_URL", DEFAULT_SERVE_URL),
            None,
        ),
        Target::Live => live("printxpand", "CARTSIM_PRINTXPAND")?,
    };
    install_signing(w, sandbox, signer).await
}

/// Sets one of the store's settings through `/__sim/settings`.
async fn set_setting(w: &mut ContractWorld, name: &str, value: serde_json::Value) -> StepResult {
    let mut settings = w.admin(Method::GET, "/__sim/settings", None).await?;
    let Some(fields) = settings.as_object_mut() else {
        return Err(anyhow!("/__sim/settings is not an object"));
    };
    fields.insert(name.to_owned(), value);
    w.admin(Method::PUT, "/__sim/settings", Some(settings))
        .await?;
    Ok(())
}

#[given(expr = "a product designer endpoint answering {string}")]
async fn designer(w: &mut ContractWorld, answer: String) -> StepResult {
    let receiver = Receiver::page("application/json", &answer).await?;
    let url = receiver.url.clone();
    install(w, receiver);
    set_setting(w, "designer_endpoint", url.into()).await
}

#[given("the store takes integration tokens as bearer tokens")]
async fn integration_as_bearer(w: &mut ContractWorld) -> StepResult {
    set_setting(w, "integration_as_bearer", true.into()).await
}

/// Where the workspace is (transcripts are named from it).
fn workspace_file(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// Replays every exchange, each on a fresh store (`POST /__sim/reset`) after the ones
/// its `after` names, signed as the scenario signs, and compares the answers.
#[then(expr = "every exchange of the transcript {string} gets its recorded answer")]
async fn replay_transcript(w: &mut ContractWorld, path: String) -> StepResult {
    let text = std::fs::read_to_string(workspace_file(&path))?;
    let t: Transcript = serde_json::from_str(&text)?;
    let mut report = Report::default();
    for (n, ex) in t.exchanges.iter().enumerate() {
        w.admin(Method::POST, "/__sim/reset", None).await?;
        for &before in &ex.after {
            let earlier = t
                .exchanges
                .get(before)
                .ok_or_else(|| anyhow!("#{n} is to follow #{before}, which is not there"))?;
            let (status, body) = send(w, earlier).await?;
            report.check(
                before,
                earlier,
                t.fidelity(earlier),
                status,
                &body,
                &no_tolerance,
            );
        }
        let (status, body) = send(w, ex).await?;
        report.check(n, ex, t.fidelity(ex), status, &body, &no_tolerance);
    }
    ensure!(
        report.failures().is_empty(),
        "{} of {} exchanges differ:\n{}",
        report.failures().len(),
        t.exchanges.len(),
        report.failures().join("\n")
    );
    Ok(())
}

/// Sends a recorded request with the scenario's headers and signing.
async fn send(w: &ContractWorld, ex: &Exchange) -> anyhow::Result<(u16, serde_json::Value)> {
    let method = Method::from_bytes(ex.request.method.as_bytes())?;
    let body = ex.request.body.clone().map(Body::Raw);
    match w.call(method, &ex.request.target, body, true).await? {
        Outcome::Response { status, message } => Ok((status, message.json()?)),
        other => bail!("{} {}: {other:?}", ex.request.method, ex.request.target),
    }
}
