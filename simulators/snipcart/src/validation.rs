//! Request tokens: every request Snipcart makes (webhooks, crawler, shipping and taxes
//! calls) carries `X-Snipcart-RequestToken`; the receiver checks it with
//! `GET /api/requestvalidation/{token}`: `200` once, within an hour of issue, and `404`
//! for an unknown, used or expired token (reference §8).

use std::collections::{HashMap, VecDeque};

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::dates;
use crate::state::Mode;

/// How long a token validates.
pub const TOKEN_TTL: Duration = Duration::hours(1);

/// Most tokens kept; the oldest go first past it (they would have expired anyway
/// unless more than this many calls went out within an hour).
pub const MAX_TOKENS: usize = 100_000;

/// One issued token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IssuedToken {
    /// The token.
    pub token: String,
    /// What the call was for: the URL it went to.
    pub resource: String,
    /// The mode of the data it carried.
    pub mode: Mode,
    /// When it was issued.
    #[serde(with = "dates::dotnet")]
    pub issued_at: OffsetDateTime,
}

/// Tokens not yet validated, oldest first, indexed by value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RequestTokens {
    queue: VecDeque<IssuedToken>,
    #[serde(skip)]
    live: HashMap<String, usize>,
    // Tokens removed from the front since the index was built (positions shift).
    #[serde(skip)]
    front: usize,
}

impl RequestTokens {
    /// Remembers `token`, issued at `now`; drops expired ones (and the oldest past
    /// [`MAX_TOKENS`]).
    pub fn issue(&mut self, token: String, resource: String, mode: Mode, now: OffsetDateTime) {
        self.expire(now);
        while self.queue.len() >= MAX_TOKENS {
            self.pop_front();
        }
        let at = self.front + self.queue.len();
        self.live.insert(token.clone(), at);
        self.queue.push_back(IssuedToken {
            token,
            resource,
            mode,
            issued_at: now,
        });
    }

    /// Validates `token` for a caller of `mode`: the token when it was issued for
    /// that mode less than [`TOKEN_TTL`] ago and not validated before; it is then used.
    pub fn validate(
        &mut self,
        token: &str,
        mode: Mode,
        now: OffsetDateTime,
    ) -> Option<IssuedToken> {
        self.expire(now);
        let at = *self.live.get(token)?;
        let slot = self.queue.get_mut(at - self.front)?;
        if slot.mode != mode {
            return None;
        }
        let issued = slot.clone();
        self.live.remove(token);
        // Tombstone: emptied in place, dropped when it reaches the front.
        slot.token.clear();
        Some(issued)
    }

    fn expire(&mut self, now: OffsetDateTime) {
        while self.queue.front().is_some_and(|t| {
            t.token.is_empty()
                || t.issued_at
                    .checked_add(TOKEN_TTL)
                    .is_none_or(|end| end <= now)
        }) {
            self.pop_front();
        }
    }

    fn pop_front(&mut self) {
        if let Some(t) = self.queue.pop_front() {
            if !t.token.is_empty() {
                self.live.remove(&t.token);
            }
            self.front += 1;
        }
    }

    /// Rebuilds the index after an import; `Err` on a token given twice.
    pub fn reindex(&mut self) -> Result<(), String> {
        self.queue.retain(|t| !t.token.is_empty());
        self.front = 0;
        self.live.clear();
        for (i, t) in self.queue.iter().enumerate() {
            if self.live.insert(t.token.clone(), i).is_some() {
                return Err(format!("token {} is given twice", t.token));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_token_validates_once_within_the_hour_for_its_mode() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let mut tokens = RequestTokens::default();
        tokens.issue("a".into(), "http://x/hook".into(), Mode::Test, t0);
        tokens.issue("b".into(), "http://x/hook".into(), Mode::Test, t0);
        tokens.issue(
            "c".into(),
            "http://x/hook".into(),
            Mode::Test,
            t0 + Duration::minutes(30),
        );
        assert!(tokens.validate("a", Mode::Live, t0).is_none(), "other mode");
        assert_eq!(
            tokens.validate("a", Mode::Test, t0).unwrap().resource,
            "http://x/hook"
        );
        assert!(tokens.validate("a", Mode::Test, t0).is_none(), "used");
        assert!(tokens.validate("zz", Mode::Test, t0).is_none(), "unknown");
        let late = t0 + Duration::minutes(60);
        assert!(tokens.validate("b", Mode::Test, late).is_none(), "expired");
        assert!(
            tokens.validate("c", Mode::Test, late).is_some(),
            "30 minutes old"
        );
        tokens.reindex().unwrap();
        assert!(tokens.queue.is_empty());
    }

    #[test]
    fn the_index_follows_the_queue_past_the_cap() {
        let t0 = datetime!(2026-01-01 0:00 UTC);
        let mut tokens = RequestTokens::default();
        for i in 0..(MAX_TOKENS + 10) {
            tokens.issue(format!("t{i}"), String::new(), Mode::Test, t0);
        }
        assert_eq!(tokens.queue.len(), MAX_TOKENS);
        assert!(tokens.validate("t0", Mode::Test, t0).is_none(), "dropped");
        let last = format!("t{}", MAX_TOKENS + 9);
        assert!(tokens.validate(&last, Mode::Test, t0).is_some());
        assert!(tokens.validate("t10", Mode::Test, t0).is_some());
    }
}
