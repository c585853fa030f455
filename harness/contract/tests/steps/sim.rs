//! Steps for the `/__sim/` admin API: faults, clock, journal, reset, state, lifecycle.
//! They all go through HTTP, so they work against `cartsim serve` as well as in-process.
//!
//! `Given` steps set things up and leave the last outcome alone; `When` steps make the
//! admin answer the last outcome, so the JSON steps of `http.rs` can look at it.

use anyhow::{anyhow, ensure};
use cucumber::gherkin::Step;
use cucumber::{given, then, when};
use reqwest::Method;
use serde_json::{Value, json};

use super::{Body, HttpMethod, RequestPath, StepResult, docstring, expected_json, interpolate};
use crate::ContractWorld;

async fn add_fault(w: &ContractWorld, spec: Value) -> StepResult {
    w.admin(Method::POST, "/__sim/faults", Some(spec)).await?;
    Ok(())
}

/// The body of a canned answer: JSON when it parses, else the text as is.
fn answer_body(text: &str) -> Value {
    expected_json(text.trim())
}

#[given(expr = "a fault for {method} {path} answering {int} with body:")]
async fn fault_with_body(
    w: &mut ContractWorld,
    method: HttpMethod,
    path: RequestPath,
    status: u16,
    step: &Step,
) -> StepResult {
    let body = answer_body(&interpolate(docstring(step)?, &w.named)?);
    add_fault(
        w,
        json!({"method": method.0.as_str(), "path": path.0, "status": status, "body": body, "times": 1}),
    )
    .await
}

#[given(expr = "a fault for {method} {path} answering {int} for {int} request(s)")]
async fn fault_times(
    w: &mut ContractWorld,
    method: HttpMethod,
    path: RequestPath,
    status: u16,
    times: u32,
) -> StepResult {
    add_fault(
        w,
        json!({"method": method.0.as_str(), "path": path.0, "status": status, "times": times}),
    )
    .await
}

#[given(expr = "a fault for {method} {path} dropping the connection")]
async fn fault_drop(w: &mut ContractWorld, method: HttpMethod, path: RequestPath) -> StepResult {
    add_fault(
        w,
        json!({"method": method.0.as_str(), "path": path.0, "drop": true, "times": 1}),
    )
    .await
}

#[given(expr = "a delay of {int} ms for {method} {path}")]
async fn fault_delay(
    w: &mut ContractWorld,
    ms: u64,
    method: HttpMethod,
    path: RequestPath,
) -> StepResult {
    add_fault(
        w,
        json!({"method": method.0.as_str(), "path": path.0, "delay_ms": ms, "times": 1}),
    )
    .await
}

/// Any rule, in the wire form of `POST /__sim/faults`.
#[given("a fault:")]
async fn fault_raw(w: &mut ContractWorld, step: &Step) -> StepResult {
    let text = interpolate(docstring(step)?, &w.named)?;
    let spec: Value =
        serde_json::from_str(&text).map_err(|e| anyhow!("the fault is not JSON: {e}"))?;
    add_fault(w, spec).await
}

#[given(expr = "the clock is set to {string}")]
async fn clock_set(w: &mut ContractWorld, at: String) -> StepResult {
    w.admin(Method::PUT, "/__sim/clock", Some(json!({ "now": at })))
        .await?;
    Ok(())
}

#[when(expr = "I advance the clock by {int} second(s)")]
async fn clock_advance(w: &mut ContractWorld, seconds: u64) -> StepResult {
    let outcome = w
        .call(
            Method::POST,
            "/__sim/clock/advance",
            Some(Body::Json(json!({ "seconds": seconds }))),
            false,
        )
        .await?;
    w.last = Some(outcome);
    Ok(())
}

#[then(expr = "the clock reads {string}")]
async fn clock_reads(w: &mut ContractWorld, want: String) -> StepResult {
    let want = interpolate(&want, &w.named)?;
    let clock = w.admin(Method::GET, "/__sim/clock", None).await?;
    ensure!(
        clock["now"] == want.as_str(),
        "expected the clock at {want}, it reads {}",
        clock["now"]
    );
    Ok(())
}

async fn journal_count(w: &ContractWorld, query: &str) -> anyhow::Result<usize> {
    let journal = w
        .admin(Method::GET, &format!("/__sim/requests{query}"), None)
        .await?;
    let listed = journal["requests"]
        .as_array()
        .ok_or_else(|| anyhow!("no requests array in {journal}"))?
        .len();
    ensure!(
        journal["count"] == listed,
        "journal count {} disagrees with the {listed} entries listed",
        journal["count"]
    );
    Ok(listed)
}

#[then(expr = "the journal has {int} request(s)")]
async fn journal_total(w: &mut ContractWorld, want: usize) -> StepResult {
    let n = journal_count(w, "").await?;
    ensure!(n == want, "expected {want} journaled requests, found {n}");
    Ok(())
}

#[then(expr = "the journal has {int} request(s) for {method} {path}")]
async fn journal_for(
    w: &mut ContractWorld,
    want: usize,
    method: HttpMethod,
    path: RequestPath,
) -> StepResult {
    let path = interpolate(&path.0, &w.named)?;
    let query = format!("?method={}&path={}", method.0.as_str(), query_escape(&path));
    let n = journal_count(w, &query).await?;
    ensure!(
        n == want,
        "expected {want} journaled requests for {} {path}, found {n}",
        method.0
    );
    Ok(())
}

/// Percent-encodes what a path pattern may hold that a query value cannot.
fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'*' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[when("I reset the simulator")]
async fn reset(w: &mut ContractWorld) -> StepResult {
    let outcome = w.call(Method::POST, "/__sim/reset", None, false).await?;
    w.last = Some(outcome);
    Ok(())
}

#[when(expr = "I export the state as {string}")]
async fn export_state(w: &mut ContractWorld, name: String) -> StepResult {
    let state = w.admin(Method::GET, "/__sim/state", None).await?;
    w.named.insert(name, state.to_string());
    Ok(())
}

#[when(expr = "I import the state {string}")]
async fn import_state(w: &mut ContractWorld, name: String) -> StepResult {
    let text = w
        .named
        .get(&name)
        .ok_or_else(|| anyhow!("no state exported as {name:?}"))?;
    let state: Value = serde_json::from_str(text)
        .map_err(|e| anyhow!("{name:?} does not hold a JSON state: {e}"))?;
    let answer = w.admin(Method::PUT, "/__sim/state", Some(state)).await?;
    ensure!(
        answer == json!({"imported": true}),
        "unexpected answer to the import: {answer}"
    );
    Ok(())
}

#[given(expr = "the lifecycle mode is {word}")]
async fn lifecycle_mode(w: &mut ContractWorld, mode: String) -> StepResult {
    let set = w
        .admin(
            Method::PUT,
            "/__sim/lifecycle",
            Some(json!({ "mode": mode })),
        )
        .await?;
    ensure!(set["mode"] == mode.as_str(), "mode not set: {set}");
    Ok(())
}

#[given(expr = "the lifecycle mode is timed with steps of {int} second(s)")]
async fn lifecycle_timed(w: &mut ContractWorld, step_seconds: u64) -> StepResult {
    let want = json!({"mode": "timed", "step_seconds": step_seconds});
    let set = w
        .admin(Method::PUT, "/__sim/lifecycle", Some(want.clone()))
        .await?;
    ensure!(set == want, "mode not set: {set}");
    Ok(())
}
