//! `POST /V1/integration/admin/token` and `/V1/integration/customer/token`
//! (reference §2.2, §2.3).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use time::Duration;

use super::Ctx;
use crate::customers::TokenUser;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::state::{BearerToken, TokenOwner};

/// The 401 of a failed sign-in (wrong user, wrong password, inactive account).
pub const SIGN_IN_INCORRECT: &str = "The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.";
/// The 2FA refusal.
pub const USE_2FA: &str = "Please use the 2fa provider-specific endpoints to obtain a token.";

/// The username and password. Missing, `null` or empty ones are listed together in
/// one input exception: the framework refuses the first two, Magento's
/// `CredentialsValidator` the third (`strlen($username) == 0`), with the same message.
fn credentials(ctx: &Ctx<'_>) -> MResult<(String, String)> {
    let username = input::field(&ctx.body, "username");
    let password = input::field(&ctx.body, "password");
    let absent = |v: Option<&Value>| v.is_none_or(|v| v.as_str() == Some(""));
    let mut missing = Vec::new();
    if absent(username) {
        missing.push("username");
    }
    if absent(password) {
        missing.push("password");
    }
    if !missing.is_empty() {
        return Err(MagentoError::required_fields(&missing));
    }
    let username = input::to_string(username.unwrap_or(&Value::Null), "username")?;
    let password = input::to_string(password.unwrap_or(&Value::Null), "password")?;
    Ok((username, password))
}

/// A new token string: 32 `[a-z0-9]` characters before 2.4.4, a JWT from 2.4.4 on.
/// Deterministic (from the token counter), so tests can predict nothing about it but
/// its shape, and replays stay stable.
fn mint(ctx: &mut Ctx<'_>, owner: &TokenOwner) -> String {
    let serial = ctx.state.next.token;
    ctx.state.next.token += 1;
    let seed = format!("cartsim-token-{serial}-{owner:?}");
    let digest = Sha256::digest(seed.as_bytes());
    if ctx.state.is_244_or_later() {
        let (uid, utypid) = match owner {
            TokenOwner::Admin { user_id } => (*user_id, 2),
            TokenOwner::Customer { customer_id } => (*customer_id, 3),
        };
        let header = URL_SAFE_NO_PAD.encode(br#"{"kid":"1","alg":"HS256"}"#);
        let payload = URL_SAFE_NO_PAD.encode(
            json!({"uid": uid, "utypid": utypid, "iat": ctx.now.unix_timestamp(),
                   "exp": ctx.now.unix_timestamp() + 3600})
            .to_string(),
        );
        let sig = URL_SAFE_NO_PAD.encode(digest);
        format!("{header}.{payload}.{sig}")
    } else {
        digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
    }
}

/// `RequestThrottler::throttle`: a user name with `oauth/authentication_lock/
/// max_failures_count` failed token requests not yet expired is refused with the
/// sign-in 401, whatever the password.
fn throttle(ctx: &Ctx<'_>, user: TokenUser, name: &str) -> MResult<()> {
    let max = ctx.state.settings.token_max_failures;
    let failures = ctx
        .state
        .token_request_log
        .failures(user, name, ctx.now.unix_timestamp());
    if i64::try_from(failures).unwrap_or(i64::MAX) >= max {
        return Err(MagentoError::unauthorized(SIGN_IN_INCORRECT));
    }
    Ok(())
}

/// `RequestThrottler::logAuthenticationFailure`, then the sign-in 401.
fn refuse(ctx: &mut Ctx<'_>, user: TokenUser, name: &str) -> MagentoError {
    let timeout = ctx.state.settings.token_lock_timeout_secs;
    let now = ctx.now.unix_timestamp();
    ctx.state
        .token_request_log
        .log_failure(user, name, now, timeout);
    MagentoError::unauthorized(SIGN_IN_INCORRECT)
}

/// `POST /V1/integration/admin/token` → the token as a JSON string. The throttle
/// comes first; a failure is logged for the user name, a success clears its log.
pub fn admin_token(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let (username, password) = credentials(ctx)?;
    throttle(ctx, TokenUser::Admin, &username)?;
    let user = ctx
        .state
        .admins
        .iter()
        .find(|a| a.username.eq_ignore_ascii_case(&username) && a.is_active)
        .filter(|a| a.password == password)
        .map(|a| a.id);
    let Some(user) = user else {
        return Err(refuse(ctx, TokenUser::Admin, &username));
    };
    ctx.state
        .token_request_log
        .reset(TokenUser::Admin, &username);
    if ctx.state.settings.two_factor_auth {
        return Err(
            MagentoError::unauthorized(USE_2FA).named([("active_providers", json!(["google"]))])
        );
    }
    let hours = ctx.state.settings.admin_token_hours;
    Ok(issue(ctx, TokenOwner::Admin { user_id: user }, hours))
}

/// Mints a token for `owner`, valid `hours` by the clock, and keeps it.
fn issue(ctx: &mut Ctx<'_>, owner: TokenOwner, hours: i64) -> Value {
    let token = mint(ctx, &owner);
    // Past the last instant the clock can show, the token simply never expires.
    let expires_at = ctx
        .now
        .checked_add(Duration::hours(hours))
        .map_or(i64::MAX, |t| t.unix_timestamp());
    ctx.state.push_token(BearerToken {
        token: token.clone(),
        owner,
        expires_at,
        revoked: false,
    });
    Value::String(token)
}

/// `POST /V1/integration/customer/token` → the token as a JSON string
/// (`CustomerTokenService::createCustomerAccessToken`): the throttle, then
/// `AccountManagement::authenticate` for the e-mail (case-insensitive) and password of
/// a customer of the request's website ([`crate::customers::sign_in`]: the customer
/// lock-out). Every refusal — unknown e-mail, wrong password, an account without one,
/// a locked account even with the right password — is the same sign-in 401, logged
/// for the throttle; a success clears the log.
pub fn customer_token(ctx: &mut Ctx<'_>) -> MResult<Value> {
    let (username, password) = credentials(ctx)?;
    throttle(ctx, TokenUser::Customer, &username)?;
    let website = ctx.website_id();
    let now = ctx.now;
    let Ok(customer_id) = crate::customers::sign_in(ctx.state, &username, &password, website, now)
    else {
        return Err(refuse(ctx, TokenUser::Customer, &username));
    };
    ctx.state
        .token_request_log
        .reset(TokenUser::Customer, &username);
    let hours = ctx.state.settings.customer_token_hours;
    Ok(issue(ctx, TokenOwner::Customer { customer_id }, hours))
}
