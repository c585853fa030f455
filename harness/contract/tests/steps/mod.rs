//! Step definitions, one module per domain concept (STYLE 2.5), and what they share.
//!
//! - [`http`]: raw HTTP, reusable by every platform folder (send, status, JSON at a
//!   pointer, headers, remembering values).
//! - [`sim`]: the `/__sim/` admin API (faults, clock, journal, reset, state, lifecycle).
//! - [`webhooks`]: a receiver inside the test process, and the delivery log.
//! - [`demo`]: starting the demo service; platform vocabulary only.
//! - [`magento`]: starting Magento, OAuth 1.0a signing and its deliberate mistakes, tokens.
//! - [`snipcart`]: starting Snipcart, its Basic keys, its webhook settings.
//! - [`printxpand`]: starting PrintXpand (OAuth as Magento's), its designer endpoint.
//! - [`tunetoo`]: starting Tunetoo, signing each request's body with the shop's secret.
//!
//! Shared here: the [`Sandbox`] a Background step starts, the [`Outcome`] of the last
//! call, the `{method}` and `{path}` parameters, `{name}` interpolation, and the one HTTP
//! client (every call bounded by [`HTTP_TIMEOUT`]).

pub(crate) mod demo;
pub(crate) mod http;
pub(crate) mod magento;
pub(crate) mod printxpand;
pub(crate) mod sim;
pub(crate) mod snipcart;
pub(crate) mod tunetoo;
pub(crate) mod webhooks;

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::OnceLock;
use std::time::Duration;

use anyhow::{anyhow, bail};
use cucumber::Parameter;
use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::ContractWorld;

/// Time limit of every HTTP call a step makes.
pub(crate) const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// What a step returns: an error fails the step with its message.
pub(crate) type StepResult = anyhow::Result<()>;

/// The one HTTP client of the run (its pool is shared by every scenario).
pub(crate) fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .timeout(HTTP_TIMEOUT)
            .connect_timeout(HTTP_TIMEOUT)
            .build()
            .expect("an HTTP client with default TLS settings")
    })
}

/// `credentials.{name}` of a `/__sim/info` answer.
pub(crate) fn credential(info: &Value, name: &str) -> anyhow::Result<String> {
    info["credentials"][name]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow!("no credentials.{name} in /__sim/info: {info}"))
}

/// `{method}`: an HTTP method in capitals.
#[derive(Debug, Parameter)]
#[param(name = "method", regex = "GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS")]
pub(crate) struct HttpMethod(pub(crate) Method);

impl FromStr for HttpMethod {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Method::from_bytes(s.as_bytes())
            .map(HttpMethod)
            .map_err(|e| format!("bad method {s:?}: {e}"))
    }
}

/// `{path}`: a path starting with `/`, query string allowed, no spaces.
#[derive(Debug, Parameter)]
#[param(name = "path", regex = r"/\S*")]
pub(crate) struct RequestPath(pub(crate) String);

impl FromStr for RequestPath {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(RequestPath(s.to_owned()))
    }
}

/// The instance a scenario talks to: started in-process, or a running `cartsim serve`.
#[derive(Debug)]
pub(crate) struct Sandbox {
    /// Platform name, as `/__sim/info` gives it.
    pub(crate) platform: &'static str,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub(crate) base_url: String,
    /// The header `Given I am authenticated` adds.
    pub(crate) auth: Option<(String, String)>,
    /// Keeps an in-process instance running; it shuts down when the scenario ends.
    pub(crate) _instance: Option<Instance>,
}

impl Sandbox {
    /// An in-process instance at `base_url`, kept running for the scenario.
    pub(crate) fn running(platform: &'static str, base_url: &str, instance: Instance) -> Self {
        Sandbox {
            platform,
            base_url: base_url.to_owned(),
            auth: None,
            _instance: Some(instance),
        }
    }
}

/// An in-process simulator, held for its lifetime.
#[derive(Debug)]
#[expect(
    dead_code,
    reason = "held, never read: dropping the handle shuts the instance down"
)]
pub(crate) enum Instance {
    /// The demo notes service.
    Demo(sim_demo::DemoHandle),
    /// A Magento store.
    Magento(sim_magento::MagentoHandle),
    /// A Snipcart store.
    Snipcart(sim_snipcart::SnipcartHandle),
    /// A PrintXpand store.
    PrintXpand(sim_printxpand::PrintXpandHandle),
    /// A Tunetoo shop.
    Tunetoo(sim_tunetoo::TunetooHandle),
}

/// A message: status line aside, what a response or a received webhook carries.
#[derive(Debug, Clone)]
pub(crate) struct Message {
    /// Headers.
    pub(crate) headers: HeaderMap,
    /// Body as text (lossy UTF-8).
    pub(crate) body: String,
}

impl Message {
    /// The body as JSON, or an error quoting it.
    pub(crate) fn json(&self) -> anyhow::Result<Value> {
        serde_json::from_str(&self.body)
            .map_err(|e| anyhow!("the body is not JSON ({e}): {:?}", self.body))
    }
}

/// What the last step looked at.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A response.
    Response {
        /// Status code.
        status: u16,
        /// Headers and body.
        message: Message,
    },
    /// No response: the connection failed, was dropped, or timed out.
    Failed {
        /// Whether the call hit [`HTTP_TIMEOUT`].
        timeout: bool,
        /// The whole error chain.
        error: String,
    },
    /// A webhook the scenario's receiver got (`When I look at received webhook …`).
    Webhook(Message),
}

impl Outcome {
    /// The headers and body, for responses and received webhooks.
    pub(crate) fn message(&self) -> anyhow::Result<&Message> {
        match self {
            Outcome::Response { message, .. } | Outcome::Webhook(message) => Ok(message),
            Outcome::Failed { error, .. } => bail!("the last call got no response: {error}"),
        }
    }
}

/// A request body.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    /// Sent as `application/json`.
    Json(Value),
    /// Sent as written (`application/json` unless the scenario set a content type).
    Raw(String),
}

/// `{name}` → the remembered value, for every `{identifier}` in `text`. Other braces
/// (JSON objects, globs like `{a,b}`) stay as written; an identifier nobody remembered
/// is an error, so a typo cannot pass silently.
pub(crate) fn interpolate(text: &str, named: &HashMap<String, String>) -> anyhow::Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let ident_len = after
            .char_indices()
            .find(|&(i, c)| !(c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit())))
            .map_or(after.len(), |(i, _)| i);
        if ident_len > 0 && after[ident_len..].starts_with('}') {
            let name = &after[..ident_len];
            let value = named.get(name).ok_or_else(|| {
                let mut known: Vec<_> = named.keys().collect();
                known.sort();
                anyhow!("nothing remembered as {{{name}}} (remembered: {known:?})")
            })?;
            out.push_str(value);
            rest = &after[ident_len + 1..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// How a remembered JSON value is interpolated: strings bare (so `"{id}"` and `/{id}`
/// both work), anything else as JSON text.
pub(crate) fn remembered(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The JSON value `expected` stands for: itself parsed as JSON when it parses, else a
/// JSON string.
pub(crate) fn expected_json(expected: &str) -> Value {
    serde_json::from_str(expected).unwrap_or_else(|_| Value::String(expected.to_owned()))
}

/// The docstring of a step, as Gherkin means it: the lines between the delimiters,
/// without the line break after the opening one or before the closing one (the parser
/// keeps both), or an error naming the step.
pub(crate) fn docstring(step: &cucumber::gherkin::Step) -> anyhow::Result<&str> {
    let raw = step
        .docstring
        .as_deref()
        .ok_or_else(|| anyhow!("step {:?} needs a docstring", step.value))?;
    let text = raw
        .strip_prefix("\r\n")
        .or_else(|| raw.strip_prefix('\n'))
        .unwrap_or(raw);
    let text = text.trim_end_matches([' ', '\t']);
    Ok(text
        .strip_suffix("\r\n")
        .or_else(|| text.strip_suffix('\n'))
        .unwrap_or(text))
}

impl ContractWorld {
    /// The running instance, or an error saying which step starts one.
    pub(crate) fn sandbox(&self) -> anyhow::Result<&Sandbox> {
        self.sandbox.as_ref().ok_or_else(|| {
            anyhow!("no simulator in this scenario: start one with a Background step such as `Given a demo simulator`")
        })
    }

    /// The last outcome, or an error.
    pub(crate) fn last(&self) -> anyhow::Result<&Outcome> {
        self.last
            .as_ref()
            .ok_or_else(|| anyhow!("no request has been sent yet in this scenario"))
    }

    /// The last outcome's headers and body.
    pub(crate) fn last_message(&self) -> anyhow::Result<&Message> {
        self.last()?.message()
    }

    /// The last outcome's body as JSON.
    pub(crate) fn last_json(&self) -> anyhow::Result<Value> {
        self.last_message()?.json()
    }

    /// Sends a request to the sandbox. `scenario_headers` adds the scenario's headers
    /// (platform calls); admin calls go without them. Never fails on a transport error:
    /// that is an [`Outcome::Failed`] for the scenario to judge.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Body>,
        scenario_headers: bool,
    ) -> anyhow::Result<Outcome> {
        let url = format!("{}{path}", self.sandbox()?.base_url);
        let method_text = method.as_str().to_owned();
        // The exact bytes sent: Tunetoo signs them.
        let bytes: Option<Vec<u8>> = match body {
            None => None,
            Some(Body::Json(v)) => Some(serde_json::to_vec(&v)?),
            Some(Body::Raw(text)) => Some(text.into_bytes()),
        };
        let mut req = client().request(method, &url);
        let mut has_content_type = false;
        if scenario_headers {
            for (k, v) in &self.headers {
                has_content_type |= k.eq_ignore_ascii_case("content-type");
                req = req.header(k, v);
            }
            if let Some(oauth) = self.oauth.as_ref().filter(|o| o.active) {
                req = req.header("authorization", oauth.header(&method_text, &url));
            }
            if let Some(shop) = self.tunetoo.as_ref().filter(|s| s.active) {
                for (k, v) in shop.headers(&method_text, bytes.as_deref().unwrap_or_default()) {
                    req = req.header(k, v);
                }
            }
        }
        if let Some(bytes) = bytes {
            if !has_content_type {
                req = req.header("content-type", "application/json");
            }
            req = req.body(bytes);
        }
        Ok(match req.send().await {
            Ok(resp) => {
                let status = resp.status().as_u16();
                let headers = resp.headers().clone();
                match resp.bytes().await {
                    Ok(bytes) => Outcome::Response {
                        status,
                        message: Message {
                            headers,
                            body: String::from_utf8_lossy(&bytes).into_owned(),
                        },
                    },
                    Err(e) => failed(&e),
                }
            }
            Err(e) => failed(&e),
        })
    }

    /// Under `serve`: the running simulator back to its fixture and its clock to the
    /// scenario's starting instant (`2025-07-21T20:49:08Z`), then `/__sim/info`, where
    /// its credentials are.
    pub(crate) async fn restart_served(&mut self) -> anyhow::Result<Value> {
        self.admin(Method::POST, "/__sim/reset", None).await?;
        self.admin(
            Method::PUT,
            "/__sim/clock",
            Some(serde_json::json!({ "now": "2025-07-21T20:49:08Z" })),
        )
        .await?;
        self.admin(Method::GET, "/__sim/info", None).await
    }

    /// An admin call that must succeed (2xx, JSON body); returns the JSON.
    pub(crate) async fn admin(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<Value> {
        let what = format!("{method} {path}");
        let outcome = self.call(method, path, body.map(Body::Json), false).await?;
        match outcome {
            Outcome::Response { status, message } if (200..300).contains(&status) => message
                .json()
                .map_err(|e| anyhow!("{what} answered {status}, but {e}")),
            Outcome::Response { status, message } => {
                bail!("{what} answered {status}: {}", message.body)
            }
            Outcome::Failed { error, .. } => bail!("{what} got no response: {error}"),
            Outcome::Webhook(_) => bail!("{what}: not an HTTP response"),
        }
    }
}

fn failed(e: &reqwest::Error) -> Outcome {
    use std::error::Error as _;
    let mut error = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        error.push_str(": ");
        error.push_str(&s.to_string());
        src = s.source();
    }
    Outcome::Failed {
        timeout: e.is_timeout(),
        error,
    }
}
