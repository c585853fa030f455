//! Magento: starting a store (in-process, under `cartsim serve`, or live), signing
//! requests with OAuth 1.0a the way an integration does, the deliberate mistakes the
//! auth scenarios need, and admin tokens. Everything else goes through the generic
//! steps, with paths such as `/rest/V1/products`.
//!
//! Every scenario starts at [`T0`], the seed trace's own time. OAuth timestamps are
//! `T0` unless a step moves them; nonces are fresh for every request unless a step pins
//! one.

use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{anyhow, bail};
use cucumber::given;
use oauth1_client::{SignatureMethod, Signer};
use reqwest::Method;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig};
use sim_magento::{MagentoSim, Options};
use time::OffsetDateTime;
use time::macros::datetime;

use super::{Instance, Sandbox, StepResult, client, credential};
use crate::{ContractWorld, Target};

/// The instant every Magento scenario starts at (the seed trace's first request).
pub(crate) const T0: OffsetDateTime = datetime!(2025-07-21 20:49:08 UTC);

/// Where `cartsim serve` runs Magento unless `CARTSIM_MAGENTO_URL` says otherwise.
const DEFAULT_SERVE_URL: &str = "http://127.0.0.1:8081";

/// How the scenario signs its platform requests: with `oauth1-client`, a signer that
/// shares no code with the simulator's verifier, so the contract holds for any
/// standard client.
#[derive(Debug)]
pub(crate) struct OAuthSigning {
    signer: Signer,
    /// Whether requests are signed now (`Given I am authenticated as the integration`).
    pub(crate) active: bool,
    /// A pinned nonce (`Given the OAuth nonce is …`), else a fresh one per request.
    nonce: Option<String>,
    /// The `oauth_timestamp` sent.
    timestamp: i64,
    /// Parameters overwritten after signing (`Given the OAuth parameter … is …`).
    overrides: Vec<(String, Option<String>)>,
    serial: AtomicU64,
}

impl OAuthSigning {
    /// The `Authorization` header for `method` `url`.
    pub(crate) fn header(&self, method: &str, url: &str) -> String {
        let nonce = self.nonce.clone().unwrap_or_else(|| {
            format!(
                "contract{:024}",
                self.serial.fetch_add(1, Ordering::Relaxed)
            )
        });
        let header = self
            .signer
            .authorization(method, url, None, &nonce, self.timestamp);
        if self.overrides.is_empty() {
            return header;
        }
        let params = header.strip_prefix("OAuth ").unwrap_or(&header);
        let mut pairs: Vec<(String, String)> = params
            .split(',')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim().to_owned(), v.to_owned()))
            .collect();
        for (name, value) in &self.overrides {
            pairs.retain(|(k, _)| k != name);
            if let Some(v) = value {
                pairs.push((name.clone(), format!("\"{v}\"")));
            }
        }
        let joined: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("OAuth {}", joined.join(","))
    }
}

fn env(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow!("CARTSIM_TARGET=live needs {name}"))
}

#[given("a Magento simulator")]
async fn magento(w: &mut ContractWorld) -> StepResult {
    w.sandbox = None;
    w.oauth = None;
    let (sandbox, signer) = match w.target {
        Target::InProcess => {
            let config = CoreConfig {
                clock: Clock::manual(T0),
                ..CoreConfig::default()
            };
            let handle = MagentoSim::start_with(
                config,
                sim_magento::fixtures::default_state(),
                Options::default(),
                "127.0.0.1:0".parse()?,
            )
            .await?;
            let (signer, url) = (handle.signer(), handle.base_url().to_owned());
            (
                Sandbox::running("magento", &url, Instance::Magento(handle)),
                Some(signer),
            )
        }
        Target::Serve => {
            let sandbox = served("magento", "CARTSIM_MAGENTO_URL", DEFAULT_SERVE_URL);
            (sandbox, None)
        }
        Target::Live => live("magento", "CARTSIM_MAGENTO")?,
    };
    install_signing(w, sandbox, signer).await
}

/// A live store's sandbox and signer, from `{prefix}_URL`, `{prefix}_CONSUMER_KEY`,
/// `{prefix}_CONSUMER_SECRET`, `{prefix}_ACCESS_TOKEN` and
/// `{prefix}_ACCESS_TOKEN_SECRET`.
pub(crate) fn live(
    platform: &'static str,
    prefix: &str,
) -> anyhow::Result<(Sandbox, Option<Signer>)> {
    let var = |name: &str| env(&format!("{prefix}_{name}"));
    let url = var("URL")?;
    let signer = Signer {
        consumer_key: var("CONSUMER_KEY")?,
        consumer_secret: var("CONSUMER_SECRET")?,
        token: var("ACCESS_TOKEN")?,
        token_secret: var("ACCESS_TOKEN_SECRET")?,
        method: SignatureMethod::HmacSha256,
    };
    let sandbox = Sandbox {
        platform,
        base_url: url.trim_end_matches('/').to_owned(),
        auth: None,
        _instance: None,
    };
    Ok((sandbox, Some(signer)))
}

/// Installs `sandbox` and the integration's OAuth signing (off until `Given I am
/// authenticated as the integration`). Without a `signer` (under `serve`) the store
/// goes back to its fixture, its clock to [`T0`], and the credentials come from
/// `/__sim/info`.
pub(crate) async fn install_signing(
    w: &mut ContractWorld,
    sandbox: Sandbox,
    signer: Option<Signer>,
) -> StepResult {
    w.named.insert("base_url".into(), sandbox.base_url.clone());
    w.sandbox = Some(sandbox);
    let signer = match signer {
        Some(s) => s,
        None => {
            // Under `serve`: back to the fixture, clock at T0, credentials from info.
            let info = w.restart_served().await?;
            Signer {
                consumer_key: credential(&info, "consumer_key")?,
                consumer_secret: credential(&info, "consumer_secret")?,
                token: credential(&info, "access_token")?,
                token_secret: credential(&info, "access_token_secret")?,
                method: SignatureMethod::HmacSha256,
            }
        }
    };
    #[allow(clippy::disallowed_methods, reason = "a live Magento checks wall time")]
    let timestamp = if w.target == Target::Live {
        OffsetDateTime::now_utc().unix_timestamp()
    } else {
        T0.unix_timestamp()
    };
    w.named
        .insert("consumer_key".into(), signer.consumer_key.clone());
    w.named.insert("access_token".into(), signer.token.clone());
    w.named
        .insert("consumer_secret".into(), signer.consumer_secret.clone());
    w.oauth = Some(OAuthSigning {
        signer,
        nonce: None,
        timestamp,
        overrides: Vec::new(),
        serial: AtomicU64::new(1),
        active: false,
    });
    Ok(())
}

/// The sandbox of a simulator under `cartsim serve`, at `$url_env` or `default_url`.
pub(crate) fn served(platform: &'static str, url_env: &str, default_url: &str) -> Sandbox {
    let url = std::env::var(url_env).unwrap_or_else(|_| default_url.to_owned());
    Sandbox {
        platform,
        base_url: url.trim_end_matches('/').to_owned(),
        auth: None,
        _instance: None,
    }
}

impl ContractWorld {
    fn signing(&mut self) -> anyhow::Result<&mut OAuthSigning> {
        self.oauth
            .as_mut()
            .ok_or_else(|| anyhow!("start a Magento simulator first (`Given a Magento simulator`)"))
    }
}

#[given("I am authenticated as the integration")]
fn as_integration(w: &mut ContractWorld) -> StepResult {
    w.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    w.signing()?.active = true;
    Ok(())
}

#[given(expr = "the OAuth nonce is {string}")]
fn pinned_nonce(w: &mut ContractWorld, nonce: String) -> StepResult {
    w.signing()?.nonce = Some(nonce);
    Ok(())
}

#[given(expr = "the OAuth timestamp is {int}")]
fn timestamp(w: &mut ContractWorld, ts: i64) -> StepResult {
    w.signing()?.timestamp = ts;
    Ok(())
}

#[given(expr = "the OAuth timestamp is {int} seconds ahead of the clock")]
fn timestamp_ahead(w: &mut ContractWorld, ahead: i64) -> StepResult {
    let now = T0.unix_timestamp();
    w.signing()?.timestamp = now + ahead;
    Ok(())
}

#[given(expr = "the OAuth signature method is {word}")]
fn signature_method(w: &mut ContractWorld, method: String) -> StepResult {
    let signing = w.signing()?;
    signing.signer.method = match method.as_str() {
        "HMAC-SHA1" => SignatureMethod::HmacSha1,
        "HMAC-SHA256" => SignatureMethod::HmacSha256,
        other => {
            // Not something a signer can compute: send it as written.
            signing
                .overrides
                .push(("oauth_signature_method".into(), Some(other.to_owned())));
            return Ok(());
        }
    };
    Ok(())
}

#[given(expr = "the consumer secret I sign with is {string}")]
fn wrong_consumer_secret(w: &mut ContractWorld, secret: String) -> StepResult {
    w.signing()?.signer.consumer_secret = secret;
    Ok(())
}

#[given(expr = "the OAuth parameter {word} is {string}")]
fn override_param(w: &mut ContractWorld, name: String, value: String) -> StepResult {
    let value = super::interpolate(&value, &w.named)?;
    w.signing()?.overrides.push((name, Some(value)));
    Ok(())
}

#[given(expr = "the OAuth parameter {word} is left out")]
fn drop_param(w: &mut ContractWorld, name: String) -> StepResult {
    w.signing()?.overrides.push((name, None));
    Ok(())
}

#[given("I have an admin token")]
async fn admin_token(w: &mut ContractWorld) -> StepResult {
    let (username, password) = match w.target {
        Target::Live => (
            env("CARTSIM_MAGENTO_ADMIN_USERNAME")?,
            env("CARTSIM_MAGENTO_ADMIN_PASSWORD")?,
        ),
        _ => {
            let info = w.admin(Method::GET, "/__sim/info", None).await?;
            (
                credential(&info, "admin_username")?,
                credential(&info, "admin_password")?,
            )
        }
    };
    sign_in(w, "admin", &username, &password).await
}

/// Gets a `kind` (`admin` or `customer`) token for the credentials and sends it as the
/// bearer of every later request (OAuth signing stops); remembers it as
/// `{kind}_token`.
async fn sign_in(w: &mut ContractWorld, kind: &str, username: &str, password: &str) -> StepResult {
    let url = format!("{}/rest/V1/integration/{kind}/token", w.sandbox()?.base_url);
    let resp = client()
        .post(&url)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await?;
    let status = resp.status();
    let body: Value = resp.json().await?;
    let Some(token) = body.as_str().filter(|_| status.is_success()) else {
        bail!("POST {url} answered {status}: {body}");
    };
    if let Some(o) = w.oauth.as_mut() {
        o.active = false;
    }
    w.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    w.headers
        .push(("Authorization".into(), format!("Bearer {token}")));
    w.named.insert(format!("{kind}_token"), token.to_owned());
    Ok(())
}

#[given(expr = "I am signed in as the customer {string} with password {string}")]
async fn customer_token(w: &mut ContractWorld, email: String, password: String) -> StepResult {
    sign_in(w, "customer", &email, &password).await
}
