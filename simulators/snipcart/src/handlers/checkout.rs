//! `POST /__sim/checkout`: a storefront checkout, with the merchant's checkout-time
//! webhooks (`shippingrates.fetch`, `taxes.calculate`) called between two locks.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use sim_core::{AdminError, AdminJson};

use crate::checkout::{self, Call, CheckoutInput, External, Refusal};
use crate::discounts::Problem;
use crate::orders::{Order, OrderJson};
use crate::state::Mode;
use crate::webhooks::{Envelope, TOKEN_HEADER};
use crate::{Snipcart, json_response};

/// Most bytes read of a merchant's answer.
const MAX_ANSWER: usize = 1 << 20;

fn refusal(r: Refusal) -> Response {
    match r {
        Refusal::Bad(e) => AdminError::bad_request(e).into_response(),
        Refusal::Refused(problems) => {
            let first = problems.first().map(|(_, m)| m.clone()).unwrap_or_default();
            let errors: Vec<Value> = problems
                .into_iter()
                .map(|(key, message)| json!({"key": key, "message": message}))
                .collect();
            let body = json!({"error": format!("checkout refused: {first}"), "errors": errors});
            json_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                serde_json::to_vec(&body).unwrap_or_default().into(),
            )
        }
    }
}

fn client() -> &'static reqwest::Client {
    static CLIENT: OnceLock<reqwest::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_else(|_| reqwest::Client::new())
    })
}

/// POSTs the envelope of `call` about `draft`; the answer's JSON, or the refusal.
async fn post(
    call: &Call,
    mode: Mode,
    now: time::OffsetDateTime,
    draft: &Order,
    timeout: Duration,
) -> Result<Value, Vec<Problem>> {
    let body = serde_json::to_vec(&Envelope {
        event_name: call.event,
        mode,
        created_on: crate::dates::format(now),
        extra: &Map::new(),
        content: &OrderJson::of(draft),
    })
    .unwrap_or_default();
    let failed = |why: String| checkout::call_failed(call.event, &why);
    let mut res = client()
        .post(&call.url)
        .timeout(timeout)
        .header(TOKEN_HEADER, &call.token)
        .header("Content-Type", "application/json; charset=utf-8")
        .header("Accept", "application/json")
        .header("User-Agent", "Snipcart/1.0")
        .body(body)
        .send()
        .await
        .map_err(|e| {
            failed(if e.is_timeout() {
                format!("no answer within {} ms", timeout.as_millis())
            } else {
                "the endpoint could not be reached".to_owned()
            })
        })?;
    if !res.status().is_success() {
        return Err(failed(format!("the endpoint answered {}", res.status())));
    }
    let mut bytes = Vec::new();
    loop {
        match res.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > MAX_ANSWER {
                    return Err(failed("the answer is larger than 1 MiB".to_owned()));
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(e) => {
                return Err(failed(if e.is_timeout() {
                    format!("no answer within {} ms", timeout.as_millis())
                } else {
                    "the answer was cut short".to_owned()
                }));
            }
        }
    }
    crate::json::parse(&bytes, true).map_err(|e| failed(format!("the answer is not JSON ({e})")))
}

pub(crate) async fn checkout(
    State(s): State<Arc<Snipcart>>,
    body: Result<AdminJson<CheckoutInput>, AdminError>,
) -> Response {
    let input = match body {
        Ok(AdminJson(input)) => input,
        Err(e) => return e.into_response(),
    };
    let mode = match input.check() {
        Ok(mode) => mode,
        Err(r) => return refusal(r),
    };
    let now = s.core().clock.now();
    if input.complete == Some(false) {
        let cart = checkout::abandon(&mut s.lock(), mode, &input, now);
        return match cart {
            Ok(cart) => json_response(
                StatusCode::OK,
                serde_json::to_vec(&cart).unwrap_or_default().into(),
            ),
            Err(r) => refusal(r),
        };
    }
    let prepared = {
        let mut state = s.lock();
        let timeout = state.settings.checkout_webhook_timeout_ms;
        checkout::prepare(&mut state, mode, &input, now).map(|p| (p, timeout))
    };
    let (mut prepared, timeout) = match prepared {
        Ok(p) => p,
        Err(r) => return refusal(r),
    };
    // The merchant's webhooks, outside the lock: shipping first, so the taxes see the
    // chosen rate.
    let timeout = Duration::from_millis(timeout);
    let mut external = External::default();
    for call in &prepared.calls {
        let answer = match post(call, mode, now, &prepared.draft, timeout).await {
            Ok(a) => a,
            Err(p) => return refusal(Refusal::Refused(p)),
        };
        if call.event == "shippingrates.fetch" {
            match checkout::read_rates(&answer, input.shipping_rate_user_defined_id.as_deref()) {
                Ok(rate) => {
                    checkout::with_rate(&mut prepared.draft, &rate);
                    external.rate = Some(rate);
                }
                Err(p) => return refusal(Refusal::Refused(p)),
            }
        } else {
            match checkout::read_taxes(&answer) {
                Ok(taxes) => external.taxes = Some(taxes),
                Err(p) => return refusal(Refusal::Refused(p)),
            }
        }
    }
    let now = s.core().clock.now();
    let committed = {
        let mut state = s.lock();
        checkout::commit(&mut state, mode, &input, &prepared.ids, &external, now)
    };
    match committed {
        Ok((order, outbound)) => {
            s.send(outbound);
            json_response(
                StatusCode::OK,
                serde_json::to_vec(&OrderJson::of(&order))
                    .unwrap_or_default()
                    .into(),
            )
        }
        Err(r) => refusal(r),
    }
}
