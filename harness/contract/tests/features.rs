//! The contract runner: every `features/**/*.feature` against the target chosen by
//! `CARTSIM_TARGET` (see `harness/contract/README.md`).
//!
//! - `inprocess` (default): each scenario starts its own simulator on `127.0.0.1:0`
//!   (lazily, from a Background step such as `Given a demo simulator`), with a manual
//!   clock, so scenarios run concurrently and every timestamp is predictable.
//! - `serve`: a running `cartsim serve`; each scenario resets it first, so scenarios run
//!   one at a time. Scenarios tagged `@inprocess` (they configure the instance) are left
//!   out.
//! - `live`: the real platforms. Scenarios tagged `@sim` or `@inprocess` are left out, and
//!   so is every feature of a platform without a live target — today that is all of
//!   them: `features/core/` runs through `sim-demo`, which fakes no real service.
//!
//! The run fails on any failed step and on any skipped step (an undefined step is a
//! skipped one), except in scenarios tagged `@allow.skipped`.

mod steps;

use std::collections::HashMap;
use std::process::ExitCode;
use std::sync::OnceLock;

use cucumber::tag::Ext as _;
use cucumber::writer::Stats as _;
use cucumber::{World, cli, gherkin};

use steps::webhooks::Receiver;
use steps::{Outcome, Sandbox};

/// Where the feature files live.
const FEATURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../features");

/// Feature folders (`features/<name>/`) that have a live target. `core` has none: it is
/// sim-core's own contract, played through the demo service, which fakes no real
/// service. A platform joins this list when its live credentials can be configured.
const LIVE_FOLDERS: &[&str] = &["magento", "printxpand", "tunetoo"];

/// Where scenarios run; chosen once per run by `CARTSIM_TARGET`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    /// A fresh simulator per scenario, inside this process, on an ephemeral port.
    InProcess,
    /// A running `cartsim serve` (base URLs from `CARTSIM_<PLATFORM>_URL`).
    Serve,
    /// The real platform (credentials from the environment).
    Live,
}

static TARGET: OnceLock<Target> = OnceLock::new();

impl Target {
    fn from_env() -> Result<Self, String> {
        match std::env::var("CARTSIM_TARGET") {
            Err(std::env::VarError::NotPresent) => Ok(Target::InProcess),
            Ok(v) => match v.as_str() {
                "" | "inprocess" => Ok(Target::InProcess),
                "serve" => Ok(Target::Serve),
                "live" => Ok(Target::Live),
                other => Err(format!(
                    "CARTSIM_TARGET must be inprocess, serve or live, got {other:?}"
                )),
            },
            Err(e) => Err(format!("CARTSIM_TARGET: {e}")),
        }
    }

    /// The target of this run.
    pub(crate) fn current() -> Self {
        *TARGET.get_or_init(|| Target::from_env().unwrap_or(Target::InProcess))
    }

    /// Whether a scenario can run against this target.
    fn accepts(
        self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
    ) -> bool {
        let has = |tag: &str| all_tags(feature, rule, scenario).any(|t| t == tag);
        match self {
            Target::InProcess => true,
            Target::Serve => !has("inprocess"),
            Target::Live => {
                !has("sim") && !has("inprocess") && LIVE_FOLDERS.contains(&folder(feature))
            }
        }
    }
}

fn all_tags<'a>(
    feature: &'a gherkin::Feature,
    rule: Option<&'a gherkin::Rule>,
    scenario: &'a gherkin::Scenario,
) -> impl Iterator<Item = &'a String> + Clone {
    feature
        .tags
        .iter()
        .chain(rule.into_iter().flat_map(|r| &r.tags))
        .chain(&scenario.tags)
}

/// `core` for `features/core/faults.feature`.
fn folder(feature: &gherkin::Feature) -> &str {
    feature
        .path
        .as_deref()
        .and_then(|p| p.parent())
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("")
}

/// The one World of the runner (STYLE 2.5): everything a scenario has seen and started.
#[derive(Debug, World)]
#[world(init = Self::new)]
pub(crate) struct ContractWorld {
    /// Where this scenario runs.
    pub(crate) target: Target,
    /// The instance under test, once a Background step has started (or found) it.
    pub(crate) sandbox: Option<Sandbox>,
    /// Headers sent with every platform request of this scenario (`Given I am
    /// authenticated`, `Given the request header …`).
    pub(crate) headers: Vec<(String, String)>,
    /// What the last call got (or the webhook being looked at).
    pub(crate) last: Option<Outcome>,
    /// Remembered values, interpolated as `{name}` into later paths, bodies and
    /// expectations. A Background step seeds `base_url`.
    pub(crate) named: HashMap<String, String>,
    /// A webhook receiver inside this process, when the scenario started one.
    pub(crate) receiver: Option<Receiver>,
    /// OAuth 1.0a signing of every platform request (`Given I am authenticated as the
    /// integration`), with the scenario's deliberate mistakes.
    pub(crate) oauth: Option<steps::magento::OAuthSigning>,
    /// Tunetoo's signing of every platform request (`Given I am authenticated as the
    /// shop`).
    pub(crate) tunetoo: Option<steps::tunetoo::ShopSigning>,
}

impl ContractWorld {
    fn new() -> Self {
        Self {
            target: Target::current(),
            sandbox: None,
            headers: Vec::new(),
            last: None,
            named: HashMap::new(),
            receiver: None,
            oauth: None,
            tunetoo: None,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let target = match Target::from_env() {
        Ok(t) => t,
        Err(e) => {
            eprintln!("contract: {e}");
            return ExitCode::FAILURE;
        }
    };
    let _ = TARGET.set(target);

    let mut opts = cli::Opts::<
        cucumber::parser::basic::Cli,
        cucumber::runner::basic::Cli,
        cucumber::writer::basic::Cli,
    >::parsed();
    // `--tags` and `--name` would replace the target's filter (cucumber applies either
    // the CLI filter or ours); take them out and apply them on top, so they can only
    // narrow what the target accepts.
    let tags = opts.tags_filter.take();
    let name = opts.re_filter.take();
    match target {
        Target::InProcess => {}
        // One shared server: scenarios must not interleave their resets.
        Target::Serve => opts.runner.concurrency = Some(1),
        Target::Live => eprintln!(
            "contract: CARTSIM_TARGET=live leaves out @sim and @inprocess scenarios and every \
             feature folder without a live target (live folders: {LIVE_FOLDERS:?}; \
             features/core/ runs through sim-demo, which has no live target)"
        ),
    }

    let writer = ContractWorld::cucumber()
        .fail_on_skipped()
        .with_cli(opts)
        .filter_run(FEATURES, move |feature, rule, scenario| {
            target.accepts(feature, rule, scenario)
                && tags
                    .as_ref()
                    .is_none_or(|t| t.eval(all_tags(feature, rule, scenario)))
                && name.as_ref().is_none_or(|re| re.is_match(&scenario.name))
        })
        .await;

    if writer.execution_has_failed() {
        eprintln!(
            "contract: {} failed step(s), {} skipped step(s), {} parsing error(s), {} hook error(s)",
            writer.failed_steps(),
            writer.skipped_steps(),
            writer.parsing_errors(),
            writer.hook_errors()
        );
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
