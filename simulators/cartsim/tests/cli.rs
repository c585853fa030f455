//! The `cartsim` binary, run as a user runs it: flags, env twins, the banner on stdout,
//! one-line errors on stderr, and a clean exit on SIGTERM. Loopback only; every wait
//! is bounded.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long the binary may take to print its banner or to exit.
const PATIENCE: Duration = Duration::from_secs(15);

/// A `cartsim` process started by a test; killed on drop if still running.
struct Cartsim {
    child: Child,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
}

/// Starts `cartsim ARGS` with `envs`, in an empty working directory (so no
/// `./fixtures` is picked up) and without any inherited `CARTSIM_*` or `RUST_LOG`.
fn cartsim(args: &[&str], envs: &[(&str, &str)], cwd: &Path) -> Cartsim {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cartsim"));
    cmd.args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("RUST_LOG");
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("CARTSIM_") {
            cmd.env_remove(key);
        }
    }
    // These tests exercise the binary through the demo service; the Magento test below
    // opts in with an explicit `--only`.
    cmd.env("CARTSIM_ONLY", "demo");
    cmd.envs(envs.iter().copied());
    let mut child = cmd.spawn().expect("the cartsim binary starts");

    let stdout = child.stdout.take().expect("stdout is piped");
    let lines = read_lines(stdout);
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let stderr = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    Cartsim {
        child,
        lines,
        stderr: Some(stderr),
    }
}

/// Stdout, line by line, on a channel (so reads can time out).
fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

impl Cartsim {
    /// The next stdout line; panics after [`PATIENCE`] or when stdout closes.
    fn next_line(&mut self) -> String {
        match self.lines.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => panic!("no line on stdout within {PATIENCE:?}"),
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.wait();
                panic!(
                    "stdout closed before a line; exit {status}, stderr: {}",
                    self.stderr()
                )
            }
        }
    }

    /// Waits for the exit, polling a bounded number of times.
    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "cartsim still running after {PATIENCE:?}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and waits for the exit.
    fn terminate(&mut self) -> ExitStatus {
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
        self.wait()
    }

    /// Everything written on stderr; call after the exit.
    fn stderr(&mut self) -> String {
        self.stderr
            .take()
            .map(|h| h.join().expect("stderr reader"))
            .unwrap_or_default()
    }

    /// Stdout lines written so far (after the exit: all of them).
    fn rest_of_stdout(&mut self) -> Vec<String> {
        self.lines.try_iter().collect()
    }
}

impl Drop for Cartsim {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("cartsim-cli-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("temp dir");
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A banner line split into name, base URL and the rest (credentials).
fn fields(line: &str) -> (String, String, Vec<String>) {
    let mut parts = line.split_whitespace().map(str::to_owned);
    let name = parts.next().unwrap_or_default();
    let url = parts.next().unwrap_or_default();
    (name, url, parts.collect())
}

fn port_of(url: &str) -> u16 {
    url.rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {url:?}"))
}

/// `GET url` with a bounded timeout: status and JSON body.
fn get_json(url: &str) -> (u16, Value) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .expect("client");
        let resp = client.get(url).send().await.expect("request");
        let status = resp.status().as_u16();
        (status, resp.json().await.expect("JSON body"))
    })
}

/// Exactly one non-empty line on stderr, returned.
fn one_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "expected one line on stderr, got {stderr:?}"
    );
    lines[0]
}

#[test]
fn serve_prints_the_bound_port_answers_info_and_stops_on_sigterm() {
    let cwd = TempDir::new("serve");
    let mut sim = cartsim(&["serve", "--demo-port", "0"], &[], &cwd.0);

    let (name, url, creds) = fields(&sim.next_line());
    assert_eq!(name, "demo");
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_ne!(port_of(&url), 0);
    assert_eq!(creds, ["token=demo-token"]);

    let (status, info) = get_json(&format!("{url}/__sim/info"));
    assert_eq!(status, 200);
    assert_eq!(info["platform"], "demo");
    assert_eq!(info["base_url"], url.as_str());
    assert_eq!(info["credentials"]["token"], "demo-token");

    let status = sim.terminate();
    assert!(status.success(), "exit {status}");
    assert_eq!(
        one_line(&sim.stderr()),
        "cartsim: SIGTERM received, shutting down"
    );
}

#[test]
fn a_taken_port_fails_with_one_line_naming_the_address() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let cwd = TempDir::new("taken");
    let mut sim = cartsim(
        &["serve", "--demo-port", &addr.port().to_string()],
        &[],
        &cwd.0,
    );

    let status = sim.wait();
    assert!(!status.success(), "exit {status}");
    let stderr = sim.stderr();
    assert_eq!(
        one_line(&stderr),
        format!("cartsim: cannot listen on {addr} for demo: address already in use")
    );
    assert!(sim.rest_of_stdout().is_empty());
}

#[test]
fn a_bad_fixture_fails_with_one_line_naming_the_file() {
    let fixtures = TempDir::new("badfixture");
    std::fs::create_dir_all(fixtures.0.join("demo")).expect("mkdir");
    let file = fixtures.0.join("demo").join("seed.json");
    std::fs::write(&file, "{").expect("write");
    let dir = fixtures.0.to_str().expect("utf-8 path");
    let mut sim = cartsim(
        &["serve", "--demo-port", "0", "--fixtures", dir],
        &[],
        &fixtures.0,
    );

    let status = sim.wait();
    assert!(!status.success(), "exit {status}");
    let stderr = sim.stderr();
    let line = one_line(&stderr);
    assert!(
        line.starts_with("cartsim: cannot start demo: invalid demo fixture"),
        "{line}"
    );
    assert!(line.contains(&file.display().to_string()), "{line}");
}

#[test]
fn an_unknown_simulator_in_only_fails_listing_the_known_names() {
    let cwd = TempDir::new("only");
    let mut sim = cartsim(&["serve", "--only", "nosuch"], &[], &cwd.0);

    let status = sim.wait();
    assert!(!status.success(), "exit {status}");
    assert_eq!(
        one_line(&sim.stderr()),
        r#"cartsim: unknown simulator "nosuch" in --only (known: magento, snipcart, printxpand, tunetoo, demo)"#
    );
}

#[test]
fn port_flags_have_env_twins() {
    let cwd = TempDir::new("env");
    let mut sim = cartsim(&["serve"], &[("CARTSIM_DEMO_PORT", "0")], &cwd.0);

    let (name, url, _) = fields(&sim.next_line());
    assert_eq!(name, "demo");
    // Without the env twin the demo would be on its default port, 8089.
    let port = port_of(&url);
    assert!(port != 0 && port != 8089, "{url}");

    assert!(sim.terminate().success());
}

#[test]
fn only_has_an_env_twin_too() {
    let cwd = TempDir::new("env-only");
    let mut sim = cartsim(
        &["serve", "--demo-port", "0"],
        &[("CARTSIM_ONLY", "demo,nosuch")],
        &cwd.0,
    );

    assert!(!sim.wait().success());
    assert!(one_line(&sim.stderr()).contains(r#""nosuch""#));
}

#[test]
fn a_fixtures_dir_is_read_when_given() {
    let fixtures = TempDir::new("goodfixture");
    std::fs::create_dir_all(fixtures.0.join("demo")).expect("mkdir");
    std::fs::write(
        fixtures.0.join("demo").join("seed.json"),
        r#"{"token": "from-the-dir", "next_note_id": 1, "notes": []}"#,
    )
    .expect("write");
    let dir = fixtures.0.to_str().expect("utf-8 path");
    let mut sim = cartsim(
        &["serve", "--demo-port", "0", "--fixtures", dir],
        &[],
        &fixtures.0,
    );

    let (_, url, creds) = fields(&sim.next_line());
    assert_eq!(creds, ["token=from-the-dir"]);
    let (_, info) = get_json(&format!("{url}/__sim/info"));
    assert_eq!(info["credentials"]["token"], "from-the-dir");

    assert!(sim.terminate().success());
}

#[test]
fn serve_runs_magento_under_its_install_prefix() {
    let cwd = TempDir::new("magento");
    let mut sim = cartsim(
        &[
            "serve",
            "--only",
            "magento",
            "--magento-port",
            "0",
            "--magento-base-path",
            "/magento-2.4.0",
        ],
        &[],
        &cwd.0,
    );

    let (name, url, creds) = fields(&sim.next_line());
    assert_eq!(name, "magento");
    assert!(
        creds.contains(&"consumer_key=0uhhig77uio82511tzfvv3ffidovtmif".to_owned()),
        "{creds:?}"
    );
    let (status, info) = get_json(&format!("{url}/__sim/info"));
    assert_eq!(status, 200);
    assert_eq!(info["platform"], "magento");
    assert_eq!(info["version"], "2.4.0");
    // Unsigned: Magento's ACL refusal, under the prefix; without it, no route.
    let (status, body) = get_json(&format!("{url}/magento-2.4.0/rest/V1/store/storeViews"));
    assert_eq!(status, 401);
    assert_eq!(
        body["message"],
        "The consumer isn't authorized to access %resources."
    );
    let (status, body) = get_json(&format!("{url}/rest/V1/store/storeViews"));
    assert_eq!(status, 404);
    assert_eq!(body["message"], "Request does not match any route.");

    assert!(sim.terminate().success());
}

#[test]
fn journal_bytes_has_an_env_twin() {
    let cwd = TempDir::new("env-journal-bytes");
    // A budget of one byte: only the newest entry is ever kept.
    let mut sim = cartsim(
        &["serve", "--demo-port", "0"],
        &[("CARTSIM_JOURNAL_BYTES", "1")],
        &cwd.0,
    );
    let (_, url, _) = fields(&sim.next_line());
    for path in ["/first", "/second"] {
        let (status, _) = get_json(&format!("{url}{path}"));
        assert_eq!(status, 404);
    }
    let (status, journal) = get_json(&format!("{url}/__sim/requests"));
    assert_eq!(status, 200);
    assert_eq!(journal["count"], 1, "{journal}");
    assert_eq!(journal["requests"][0]["path"], "/second");
    assert_eq!(journal["requests"][0]["seq"], 2);
    assert!(sim.terminate().success());
}

#[test]
fn serve_runs_printxpand_with_its_integration_on_the_banner() {
    let cwd = TempDir::new("printxpand");
    let args = ["serve", "--only", "printxpand", "--printxpand-port", "0"];
    let mut sim = cartsim(&args, &[], &cwd.0);
    let (name, url, creds) = fields(&sim.next_line());
    assert_eq!(name, "printxpand");
    assert!(
        creds.contains(&"consumer_key=px7kq2m9c4t8w1z6r3y5v0b8n2d4f6h1".to_owned()),
        "{creds:?}"
    );
    let (status, info) = get_json(&format!("{url}/__sim/info"));
    assert_eq!(
        (status, info["platform"].as_str()),
        (200, Some("printxpand"))
    );
    // An unsigned request is a guest's: Magento's ACL refusal. (GET is the seed's
    // "GET/POST" order endpoint.)
    let (status, body) = get_json(&format!("{url}/V1/order/create/"));
    assert_eq!(
        (status, &body["parameters"]["resources"]),
        (401, &json!("Magento_Sales::create"))
    );
    assert!(sim.terminate().success());
}

#[test]
fn serve_runs_tunetoo_with_the_docs_key_on_the_banner() {
    let cwd = TempDir::new("tunetoo");
    let args = ["serve", "--only", "tunetoo", "--tunetoo-port", "0"];
    let mut sim = cartsim(&args, &[], &cwd.0);
    let (name, url, creds) = fields(&sim.next_line());
    assert_eq!(name, "tunetoo");
    assert_eq!(
        creds,
        [
            "api_key=31938dd85ab5a2bfce57e9eexample",
            "secret=bc69152203689725a73fc45example"
        ]
    );
    // No signature: the docs' 401.
    let (status, body) = get_json(&format!("{url}/v1/orders"));
    assert_eq!(
        (status, body),
        (
            401,
            json!({"code": "error", "message": "Unauthorized", "data": {"status": 401}})
        )
    );
    assert!(sim.terminate().success());
}
