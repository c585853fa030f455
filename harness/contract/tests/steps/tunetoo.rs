//! Tunetoo (`sim-tunetoo`): starting a shop (in-process, under `cartsim serve`, or
//! live), signing every request as the docs' PHP recipe does (`X-TUNETOO-API-KEY`, and
//! `X-TUNETOO-SIGNATURE` over the exact body bytes sent, `[]` for GET and DELETE), and
//! checking the signature of a received webhook.
//!
//! Every scenario starts at the Magento steps' `T0` on a manual clock.

use std::time::Duration;

use anyhow::{anyhow, ensure};
use cucumber::{given, then};
use reqwest::Method;
use sim_core::{Clock, CoreConfig, WebhookConfig};
use sim_tunetoo::TunetooSim;
use sim_tunetoo::auth::{self, KEY_HEADER, SIGNATURE_HEADER};

use super::magento::{T0, served};
use super::{Instance, Outcome, Sandbox, StepResult, credential};
use crate::{ContractWorld, Target};

/// Where `cartsim serve` runs Tunetoo unless `CARTSIM_TUNETOO_URL` says otherwise.
const DEFAULT_SERVE_URL: &str = "http://127.0.0.1:8084";

/// Webhook deliveries of in-process instances: three attempts, 10 ms then 20 ms apart.
const WEBHOOKS: WebhookConfig = WebhookConfig {
    attempts: 3,
    base_delay: Duration::from_millis(10),
    timeout: Duration::from_secs(2),
    log_capacity: 100,
};

/// The shop's key and secret, and whether requests are signed now.
#[derive(Debug)]
pub(crate) struct ShopSigning {
    api_key: String,
    secret: String,
    /// `Given I am authenticated as the shop`.
    pub(crate) active: bool,
}

impl ShopSigning {
    /// The two headers of a `method` request whose body is `body`.
    pub(crate) fn headers(&self, method: &str, body: &[u8]) -> [(&'static str, String); 2] {
        let message = if method == "POST" {
            body
        } else {
            auth::EMPTY_MESSAGE
        };
        [
            (KEY_HEADER, self.api_key.clone()),
            (SIGNATURE_HEADER, auth::sign(&self.secret, message)),
        ]
    }
}

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow!("CARTSIM_TARGET=live needs {name}"))
}

#[given("a Tunetoo simulator")]
async fn tunetoo(w: &mut ContractWorld) -> StepResult {
    w.sandbox = None;
    w.tunetoo = None;
    let (sandbox, keys) = match w.target {
        Target::InProcess => {
            let config = CoreConfig {
                clock: Clock::manual(T0),
                webhooks: WEBHOOKS,
                ..CoreConfig::default()
            };
            let handle = TunetooSim::start_with(
                config,
                sim_tunetoo::fixtures::default_state(),
                "127.0.0.1:0".parse()?,
            )
            .await?;
            let url = handle.base_url().to_owned();
            (
                Sandbox::running("tunetoo", &url, Instance::Tunetoo(handle)),
                None,
            )
        }
        Target::Serve => (
            served("tunetoo", "CARTSIM_TUNETOO_URL", DEFAULT_SERVE_URL),
            None,
        ),
        Target::Live => {
            let url = env("CARTSIM_TUNETOO_URL")?;
            let sandbox = Sandbox {
                platform: "tunetoo",
                base_url: url.trim_end_matches('/').to_owned(),
                auth: None,
                _instance: None,
            };
            let keys = (
                env("CARTSIM_TUNETOO_API_KEY")?,
                env("CARTSIM_TUNETOO_SECRET")?,
            );
            (sandbox, Some(keys))
        }
    };
    w.named.insert("base_url".into(), sandbox.base_url.clone());
    w.sandbox = Some(sandbox);
    let (api_key, secret) = match keys {
        Some(k) => k,
        None => {
            let info = if w.target == Target::Serve {
                w.restart_served().await?
            } else {
                w.admin(Method::GET, "/__sim/info", None).await?
            };
            (credential(&info, "api_key")?, credential(&info, "secret")?)
        }
    };
    w.named.insert("api_key".into(), api_key.clone());
    w.tunetoo = Some(ShopSigning {
        api_key,
        secret,
        active: false,
    });
    Ok(())
}

#[given("I am authenticated as the shop")]
fn as_shop(w: &mut ContractWorld) -> StepResult {
    w.tunetoo
        .as_mut()
        .ok_or_else(|| anyhow!("start a Tunetoo simulator first"))?
        .active = true;
    Ok(())
}

#[then("the webhook is signed with the shop's secret")]
fn webhook_signed(w: &mut ContractWorld) -> StepResult {
    let shop = w
        .tunetoo
        .as_ref()
        .ok_or_else(|| anyhow!("start a Tunetoo simulator first"))?;
    let Some(Outcome::Webhook(message)) = &w.last else {
        return Err(anyhow!("look at a received webhook first"));
    };
    let signature = message
        .headers
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow!("the webhook has no {SIGNATURE_HEADER}"))?;
    ensure!(
        auth::verify(&shop.secret, message.body.as_bytes(), signature),
        "{SIGNATURE_HEADER} {signature} does not sign the body {}",
        message.body
    );
    Ok(())
}
