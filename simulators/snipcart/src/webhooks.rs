//! Outgoing webhooks: the envelope `{eventName, mode, createdOn, content}` (plus the
//! event's extra keys), one POST per configured URL, each with its own
//! `X-Snipcart-RequestToken` (reference §8). Built under the state lock (the token is
//! issued there); sent by core's dispatcher after the lock is released.

use serde::Serialize;
use serde_json::{Map, Value};
use sim_core::Outbound;
use time::OffsetDateTime;

use crate::dates;
use crate::state::{Mode, State};

/// The header every outgoing Snipcart request carries.
pub const TOKEN_HEADER: &str = "X-Snipcart-RequestToken";

/// The envelope of `event`: written straight to bytes (amounts keep their scale).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope<'a, T: Serialize> {
    /// `order.completed`, …
    pub event_name: &'a str,
    /// The data's mode.
    pub mode: Mode,
    /// When the event happened.
    pub created_on: String,
    /// The event's extra keys (`from`, `to`, `trackingNumber`…).
    #[serde(flatten)]
    pub extra: &'a Map<String, Value>,
    /// The order, refund, notification or customer.
    pub content: &'a T,
}

impl State {
    /// The deliveries of `event` to every configured webhook URL, each with a fresh
    /// request token (issued here, so `/requestvalidation/{token}` knows it).
    pub fn webhook<T: Serialize>(
        &mut self,
        event: &str,
        mode: Mode,
        now: OffsetDateTime,
        content: &T,
        extra: &Map<String, Value>,
    ) -> Vec<Outbound> {
        let envelope = Envelope {
            event_name: event,
            mode,
            created_on: dates::format(now),
            extra,
            content,
        };
        let body = serde_json::to_vec(&envelope).unwrap_or_default();
        let urls = self.settings.webhook_urls.clone();
        urls.into_iter()
            .map(|url| {
                let token = self.guid();
                self.request_tokens
                    .issue(token.clone(), url.clone(), mode, now);
                Outbound {
                    event: event.to_owned(),
                    url,
                    headers: vec![
                        (TOKEN_HEADER.to_owned(), token),
                        (
                            "Content-Type".to_owned(),
                            "application/json; charset=utf-8".to_owned(),
                        ),
                        ("User-Agent".to_owned(), "Snipcart/1.0".to_owned()),
                    ],
                    body: body.clone(),
                    expect_json: None,
                }
            })
            .collect()
    }

    /// A token for a call the simulator makes itself (crawler, shipping rates, taxes).
    pub fn call_token(&mut self, resource: &str, mode: Mode, now: OffsetDateTime) -> String {
        let token = self.guid();
        self.request_tokens
            .issue(token.clone(), resource.to_owned(), mode, now);
        token
    }
}
