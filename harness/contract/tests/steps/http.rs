//! Raw HTTP steps, the same for every platform folder.
//!
//! Paths, bodies and expectations may hold `{name}` for a remembered value (see
//! [`interpolate`]). `Then the JSON at {string} is {string}` takes a JSON pointer
//! (`/items/0/id`; `""` is the whole body) and compares as JSON when the expected text
//! parses as JSON (`2`, `null`, `"2"`, `[1]`), else as a string (`draft`).
//! `Then the JSON at {string} contains {string}` looks for a substring in a string, or
//! for an element (compared the same way) in an array.

use anyhow::{anyhow, bail, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use serde_json::Value;

use super::{
    Body, HttpMethod, Outcome, RequestPath, StepResult, docstring, expected_json, interpolate,
    remembered,
};
use crate::ContractWorld;

#[given(expr = "the request header {string} is {string}")]
fn request_header(w: &mut ContractWorld, name: String, value: String) -> StepResult {
    let value = interpolate(&value, &w.named)?;
    w.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
    w.headers.push((name, value));
    Ok(())
}

#[given("I am authenticated")]
fn authenticated(w: &mut ContractWorld) -> StepResult {
    let sandbox = w.sandbox()?;
    let (name, value) = sandbox
        .auth
        .clone()
        .ok_or_else(|| anyhow!("{} has no header-based authentication", sandbox.platform))?;
    w.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(&name));
    w.headers.push((name, value));
    Ok(())
}

#[when(expr = "I send {method} {path}")]
async fn send(w: &mut ContractWorld, method: HttpMethod, path: RequestPath) -> StepResult {
    let path = interpolate(&path.0, &w.named)?;
    w.last = Some(w.call(method.0, &path, None, true).await?);
    Ok(())
}

#[when(expr = "I send {method} {path} with body:")]
async fn send_with_body(
    w: &mut ContractWorld,
    method: HttpMethod,
    path: RequestPath,
    step: &Step,
) -> StepResult {
    let path = interpolate(&path.0, &w.named)?;
    let body = interpolate(docstring(step)?, &w.named)?;
    w.last = Some(w.call(method.0, &path, Some(Body::Raw(body)), true).await?);
    Ok(())
}

#[then(expr = "the status is {int}")]
fn status(w: &mut ContractWorld, want: u16) -> StepResult {
    match w.last()? {
        Outcome::Response { status, message } => {
            ensure!(
                *status == want,
                "expected status {want}, got {status} with body {}",
                message.body
            );
            Ok(())
        }
        Outcome::Failed { error, .. } => bail!("expected status {want}, got no response: {error}"),
        Outcome::Webhook(_) => bail!("the last thing looked at is a received webhook"),
    }
}

#[then("the connection is dropped")]
fn dropped(w: &mut ContractWorld) -> StepResult {
    match w.last()? {
        Outcome::Failed { timeout: false, .. } => Ok(()),
        Outcome::Failed { error, .. } => {
            bail!("expected a dropped connection, got a time-out: {error}")
        }
        Outcome::Response { status, .. } => {
            bail!("expected a dropped connection, got status {status}")
        }
        Outcome::Webhook(_) => bail!("the last thing looked at is a received webhook"),
    }
}

/// The value at `pointer` in the last body.
fn at(w: &ContractWorld, pointer: &str) -> anyhow::Result<(Value, Option<Value>)> {
    let doc = w.last_json()?;
    let found = doc.pointer(pointer).cloned();
    Ok((doc, found))
}

#[then(expr = "the JSON at {string} is {string}")]
fn json_at_is(w: &mut ContractWorld, pointer: String, expected: String) -> StepResult {
    let expected = expected_json(&interpolate(&expected, &w.named)?);
    let (doc, found) = at(w, &pointer)?;
    match found {
        Some(actual) if actual == expected => Ok(()),
        Some(actual) => bail!("at {pointer:?}: expected {expected}, got {actual}\nin {doc:#}"),
        None => bail!("at {pointer:?}: expected {expected}, found nothing\nin {doc:#}"),
    }
}

#[then(expr = "the JSON at {string} is absent")]
fn json_at_absent(w: &mut ContractWorld, pointer: String) -> StepResult {
    let (doc, found) = at(w, &pointer)?;
    match found {
        None => Ok(()),
        Some(v) => bail!("at {pointer:?}: expected nothing, got {v}\nin {doc:#}"),
    }
}

#[then(expr = "the JSON at {string} has {int} item(s)")]
fn json_at_len(w: &mut ContractWorld, pointer: String, want: usize) -> StepResult {
    let (doc, found) = at(w, &pointer)?;
    let len = match &found {
        Some(Value::Array(a)) => a.len(),
        Some(Value::Object(o)) => o.len(),
        Some(v) => bail!("at {pointer:?}: expected an array or object, got {v}"),
        None => bail!("at {pointer:?}: found nothing\nin {doc:#}"),
    };
    ensure!(
        len == want,
        "at {pointer:?}: expected {want} items, got {len}\nin {doc:#}"
    );
    Ok(())
}

#[then(expr = "the JSON at {string} contains {string}")]
fn json_at_contains(w: &mut ContractWorld, pointer: String, needle: String) -> StepResult {
    let needle = interpolate(&needle, &w.named)?;
    let (doc, found) = at(w, &pointer)?;
    match found {
        Some(Value::String(s)) if s.contains(&needle) => Ok(()),
        Some(Value::Array(items)) if items.contains(&expected_json(&needle)) => Ok(()),
        Some(v @ Value::Array(_)) => {
            bail!("at {pointer:?}: expected an array holding {needle}, got {v}")
        }
        Some(v) => bail!("at {pointer:?}: expected a string containing {needle:?}, got {v}"),
        None => bail!("at {pointer:?}: found nothing\nin {doc:#}"),
    }
}

#[then("the body is JSON:")]
fn body_is_json(w: &mut ContractWorld, step: &Step) -> StepResult {
    let text = interpolate(docstring(step)?, &w.named)?;
    let expected: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("the expected body is not JSON: {e}"))?;
    let actual = w.last_json()?;
    ensure!(
        actual == expected,
        "expected body {expected:#}\ngot {actual:#}"
    );
    Ok(())
}

#[then(expr = "the body is {string}")]
fn body_is_text(w: &mut ContractWorld, expected: String) -> StepResult {
    let expected = interpolate(&expected, &w.named)?;
    let body = &w.last_message()?.body;
    ensure!(
        *body == expected,
        "expected the body {expected:?}, got {body:?}"
    );
    Ok(())
}

#[then(expr = "the body is empty")]
fn body_is_empty(w: &mut ContractWorld) -> StepResult {
    let body = &w.last_message()?.body;
    ensure!(body.is_empty(), "expected an empty body, got {body:?}");
    Ok(())
}

#[then(expr = "the header {string} is {string}")]
fn header_is(w: &mut ContractWorld, name: String, expected: String) -> StepResult {
    let expected = interpolate(&expected, &w.named)?;
    let headers = &w.last_message()?.headers;
    let values: Vec<_> = headers
        .get_all(name.as_str())
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    ensure!(
        values == [expected.as_str()],
        "header {name:?}: expected {expected:?}, got {values:?}"
    );
    Ok(())
}

#[when(expr = "I remember the header {string} as {string}")]
#[then(expr = "I remember the header {string} as {string}")]
fn remember_header(w: &mut ContractWorld, header: String, name: String) -> StepResult {
    let value = w
        .last_message()?
        .headers
        .get(header.as_str())
        .ok_or_else(|| anyhow!("no header {header:?} in the last message"))?
        .to_str()
        .map_err(|e| anyhow!("header {header:?} is not text: {e}"))?
        .to_owned();
    w.named.insert(name, value);
    Ok(())
}

#[when(expr = "I remember the JSON at {string} as {string}")]
#[then(expr = "I remember the JSON at {string} as {string}")]
fn remember(w: &mut ContractWorld, pointer: String, name: String) -> StepResult {
    let (doc, found) = at(w, &pointer)?;
    let value = found.ok_or_else(|| anyhow!("at {pointer:?}: found nothing\nin {doc:#}"))?;
    w.named.insert(name, remembered(&value));
    Ok(())
}
