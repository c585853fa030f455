//! Hot paths of the Magento simulator, measured in-process through the router (no
//! sockets, except for the start bench): OAuth 1.0a and bearer product GETs, product
//! save, searchCriteria `eq`/`like`/`in` with sort and paging over 10k and 100k
//! products (with the import that seeds them), a guest checkout, the in-process start
//! and `POST /__sim/reset`.
//!
//! `cargo bench -p sim-magento` runs them all in a few minutes; a name filter runs
//! fewer (`cargo bench -p sim-magento -- catalog_100k`). BENCHMARKS.md has the figures
//! and the targets they are read against.
//!
//! Environment:
//! - `CARTSIM_BENCH_IMPORT_SECS` (default 30): wall-time budget of the REST import that
//!   seeds the catalogue benches. Products the import does not create in time are put
//!   in with one `PUT /__sim/state`, so the search benches still run over the full
//!   catalogue; the import line says so.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Method, Request, StatusCode, header};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sim_core::{Clock, CoreConfig, SimCore};
use sim_magento::{Magento, MagentoSim, Options, fixtures};
use tower::ServiceExt;

/// The host every in-process request names (and OAuth signs).
const HOST: &str = "localhost";
/// 2025-07-21T20:49:08Z, the trace's start: the manual clock's instant and the OAuth
/// timestamp (Magento refuses only timestamps more than 600 s ahead).
const START_UNIX: i64 = 1_753_130_948;
/// The admin of the seed fixture (README).
const ADMIN: (&str, &str) = ("admin", "cartsim-admin-1");

// ---------------------------------------------------------------------------
// OAuth 1.0a signing: the one place the benches sign. The signer may move to its own
// crate; only this block needs to follow it.

struct OAuthClient {
    signer: sim_magento::oauth1_client::Signer,
}

impl OAuthClient {
    fn new(magento: &Magento) -> Self {
        Self {
            signer: magento.signer(),
        }
    }

    /// The `Authorization` header for a body-less request (HMAC-SHA256).
    fn authorization(&self, method: &str, url: &str, nonce: &str, timestamp: i64) -> String {
        self.signer
            .authorization(method, url, None, nonce, timestamp)
    }
}

// ---------------------------------------------------------------------------
// The rig: one simulator, its router, and an admin bearer token.

struct Rig {
    rt: tokio::runtime::Runtime,
    router: Router,
    magento: Arc<Magento>,
    token: String,
    /// Catalogue products `cat-000000…` in the store (see [`Rig::seed`]).
    seeded: usize,
    /// Import seconds so far, over the router and by state import.
    import_secs: f64,
}

impl Rig {
    /// The seed fixture on a manual clock, journal on (its default size).
    fn new() -> Self {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("tokio runtime");
        let core = SimCore::new(CoreConfig {
            clock: Clock::manual_unix(START_UNIX),
            ..CoreConfig::default()
        });
        let (app, magento) = sim_magento::app(core, fixtures::default_state(), Options::default());
        let mut rig = Self {
            rt,
            router: app.into_router(),
            magento,
            token: String::new(),
            seeded: 0,
            import_secs: 0.0,
        };
        let (status, token) = rig.call(
            Method::POST,
            "/rest/V1/integration/admin/token",
            None,
            Some(json!({"username": ADMIN.0, "password": ADMIN.1})),
        );
        assert_eq!(status, StatusCode::OK, "admin token: {token}");
        rig.token = token.as_str().expect("a token string").to_owned();
        rig
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<&Value>,
    ) -> Request<Body> {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST);
        if let Some(auth) = auth {
            req = req.header(header::AUTHORIZATION, auth);
        }
        match body {
            Some(body) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(body).expect("json"))),
            None => req.body(Body::empty()),
        }
        .expect("request")
    }

    /// A request with the admin bearer token.
    fn admin(&self, method: Method, path: &str, body: Option<&Value>) -> Request<Body> {
        let bearer = format!("Bearer {}", self.token);
        self.request(method, path, Some(&bearer), body)
    }

    /// Sends `req` through the router and reads the whole body.
    fn send(&self, req: Request<Body>) -> (StatusCode, Bytes) {
        let router = self.router.clone();
        self.rt.block_on(async move {
            let resp = router.oneshot(req).await.expect("infallible");
            let status = resp.status();
            let body = resp.into_body().collect().await.expect("body").to_bytes();
            (status, body)
        })
    }

    /// `send` with a JSON body in and out (`auth` is a whole `Authorization` value).
    fn call(
        &self,
        method: Method,
        path: &str,
        auth: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let (status, bytes) = self.send(self.request(method, path, auth, body.as_ref()));
        let value = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {bytes:?}"))
        };
        (status, value)
    }

    /// `call` with the admin token; panics unless 200.
    fn ok(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let bearer = format!("Bearer {}", self.token);
        let (status, value) = self.call(method.clone(), path, Some(&bearer), body);
        assert_eq!(status, StatusCode::OK, "{method} {path}: {value}");
        value
    }

    /// Ensures catalogue products `cat-000000` … `cat-{n-1}` exist, POSTing them over
    /// the router (the REST import) within the `CARTSIM_BENCH_IMPORT_SECS` budget and
    /// putting in the rest by state import. Prints the import's cost.
    fn seed(&mut self, n: usize) {
        if self.seeded >= n {
            return;
        }
        let budget = Duration::from_secs_f64(import_budget_secs());
        let from = self.seeded;
        let chunk = (n / 10).max(1);
        let started = Instant::now();
        let mut chunk_start = Instant::now();
        let mut rates = Vec::new();
        while self.seeded < n && started.elapsed() < budget {
            let i = self.seeded;
            let req = self.admin(Method::POST, "/rest/V1/products", Some(&new_product(i)));
            let (status, body) = self.send(req);
            assert_eq!(status, StatusCode::OK, "POST product {i}: {body:?}");
            self.seeded += 1;
            if self.seeded % chunk == 0 {
                rates.push(chunk as f64 / chunk_start.elapsed().as_secs_f64());
                chunk_start = Instant::now();
            }
        }
        let rest_secs = started.elapsed().as_secs_f64();
        let over_rest = self.seeded - from;
        let rates: Vec<String> = rates.iter().map(|r| format!("{r:.0}")).collect();
        eprintln!(
            "import over the router: products {from}→{} in {rest_secs:.2} s ({:.0}/s); \
             per {chunk}-product chunk (req/s): [{}]",
            self.seeded,
            over_rest as f64 / rest_secs.max(1e-9),
            rates.join(", ")
        );
        self.import_secs += rest_secs;
        if self.seeded < n {
            let started = Instant::now();
            self.top_up(n);
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "import budget of {:.0} s spent at {} products (set CARTSIM_BENCH_IMPORT_SECS to \
                 wait longer); {} more put in by PUT /__sim/state in {secs:.2} s",
                budget.as_secs_f64(),
                from + over_rest,
                n - from - over_rest
            );
        } else {
            eprintln!(
                "import of {n} products over the router: {:.2} s in all",
                self.import_secs
            );
        }
    }

    /// Puts products `seeded..n` in with one state import, cloned from product 0.
    fn top_up(&mut self, n: usize) {
        let mut state = self.ok(Method::GET, "/__sim/state", None);
        let products = state["products"].as_object_mut().expect("products");
        let template = products
            .values()
            .find(|p| p["sku"] == sku(0))
            .cloned()
            .expect("product cat-000000 was imported over REST");
        let mut next = state["next"]["product_id"]
            .as_u64()
            .expect("next.product_id");
        let products = state["products"].as_object_mut().expect("products");
        for i in self.seeded..n {
            let mut p = template.clone();
            let name = product_name(i);
            p["id"] = json!(next);
            p["sku"] = json!(sku(i));
            p["name"] = json!(name);
            p["price"] = json!(price(i));
            p["stock_item"]["item_id"] = json!(next);
            p["stock_item"]["product_id"] = json!(next);
            for attr in p["custom_attributes"].as_array_mut().into_iter().flatten() {
                if attr["attribute_code"] == "url_key" {
                    attr["value"] = json!(url_key(&name));
                }
            }
            products.insert(next.to_string(), p);
            next += 1;
        }
        state["next"]["product_id"] = json!(next);
        self.ok(Method::PUT, "/__sim/state", Some(state));
        self.seeded = n;
    }
}

fn import_budget_secs() -> f64 {
    std::env::var("CARTSIM_BENCH_IMPORT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(30.0)
}

const COLOURS: [&str; 8] = [
    "Blue", "Red", "Green", "Black", "White", "Grey", "Yellow", "Pink",
];
const KINDS: [&str; 8] = [
    "Tee", "Hoodie", "Cap", "Mug", "Bag", "Sock", "Scarf", "Poster",
];

fn sku(i: usize) -> String {
    format!("cat-{i:06}")
}

/// `Blue Tee 12`: one product in 8 is blue, one in 64 a blue tee.
fn product_name(i: usize) -> String {
    format!("{} {} {i}", COLOURS[i % 8], KINDS[(i / 8) % 8])
}

fn price(i: usize) -> f64 {
    10.0 + ((i * 37) % 1000) as f64 / 10.0
}

fn url_key(name: &str) -> String {
    name.to_ascii_lowercase().replace(' ', "-")
}

fn new_product(i: usize) -> Value {
    json!({"product": {
        "sku": sku(i), "name": product_name(i), "price": price(i),
        "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4, "weight": 1
    }})
}

/// `searchCriteria` query string from `(name, value)` pairs, brackets percent-encoded.
fn criteria(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "searchCriteria{}={}",
                k.replace('[', "%5B").replace(']', "%5D"),
                v.replace('%', "%25")
                    .replace(' ', "%20")
                    .replace(',', "%2C")
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

// ---------------------------------------------------------------------------
// Benches

/// Product GET on a one-product store: OAuth 1.0a (HMAC-SHA256, a new nonce each
/// time) against a bearer token.
fn auth(c: &mut Criterion) {
    let rig = Rig::new();
    rig.ok(Method::POST, "/rest/V1/products", Some(new_product(0)));
    let path = format!("/rest/V1/products/{}", sku(0));
    let url = format!("http://{HOST}{path}");
    let oauth = OAuthClient::new(&rig.magento);
    let mut group = c.benchmark_group("auth");

    let mut nonce = 0u64;
    group.bench_function("product_get_oauth_hmac_sha256", |b| {
        b.iter_batched(
            || {
                nonce += 1;
                let auth = oauth.authorization("GET", &url, &format!("bench{nonce:x}"), START_UNIX);
                rig.request(Method::GET, &path, Some(&auth), None)
            },
            |req| {
                let (status, body) = rig.send(req);
                assert_eq!(status, StatusCode::OK, "{body:?}");
                body
            },
            BatchSize::SmallInput,
        );
    });

    group.bench_function("product_get_bearer", |b| {
        b.iter_batched(
            || rig.admin(Method::GET, &path, None),
            |req| {
                let (status, body) = rig.send(req);
                assert_eq!(status, StatusCode::OK, "{body:?}");
                body
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

/// Saves of a new SKU on a store of `rig.seeded` products: each save is timed alone and
/// then deleted (untimed), so the store keeps its size for the whole bench.
fn bench_save(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    rig: &Rig,
) {
    let mut serial = 0u64;
    group.bench_function("product_save_new_sku", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                serial += 1;
                let sku = format!("save-{serial:08}");
                let body = json!({"product": {
                    "sku": sku, "name": format!("Saved {serial}"), "price": 9.5,
                    "attribute_set_id": 4, "type_id": "simple", "status": 1, "visibility": 4
                }});
                let req = rig.admin(Method::POST, "/rest/V1/products", Some(&body));
                let started = Instant::now();
                let (status, out) = rig.send(req);
                spent += started.elapsed();
                assert_eq!(status, StatusCode::OK, "{out:?}");
                let (status, out) =
                    rig.send(rig.admin(Method::DELETE, &format!("/rest/V1/products/{sku}"), None));
                assert_eq!(status, StatusCode::OK, "{out:?}");
            }
            spent
        });
    });
}

/// The catalogue of `n` products: the import that makes it (printed), then product
/// GET and save and the three searches over it.
fn catalog_at(c: &mut Criterion, rig: &mut Rig, name: &str, n: usize) {
    let mut group = c.benchmark_group(name);
    if n >= 100_000 {
        group.sample_size(10);
    }
    let mid = sku(n / 2);
    let get = format!("/rest/V1/products/{mid}");
    let eq = format!(
        "/rest/V1/products?{}",
        criteria(&[
            ("[filter_groups][0][filters][0][field]", "sku"),
            ("[filter_groups][0][filters][0][value]", &mid),
            ("[filter_groups][0][filters][0][condition_type]", "eq"),
        ])
    );
    let like = format!(
        "/rest/V1/products?{}",
        criteria(&[
            ("[filter_groups][0][filters][0][field]", "name"),
            ("[filter_groups][0][filters][0][value]", "%Blue%"),
            ("[filter_groups][0][filters][0][condition_type]", "like"),
            ("[sortOrders][0][field]", "name"),
            ("[sortOrders][0][direction]", "ASC"),
            ("[pageSize]", "20"),
            ("[currentPage]", "1"),
        ])
    );
    let some: Vec<String> = (1..=5).map(|k| sku(k * n / 6)).collect();
    let some = some.join(",");
    let within = format!(
        "/rest/V1/products?{}",
        criteria(&[
            ("[filter_groups][0][filters][0][field]", "sku"),
            ("[filter_groups][0][filters][0][value]", &some),
            ("[filter_groups][0][filters][0][condition_type]", "in"),
            ("[sortOrders][0][field]", "price"),
            ("[sortOrders][0][direction]", "DESC"),
            ("[pageSize]", "2"),
            ("[currentPage]", "2"),
        ])
    );
    // The expected hits, checked once before timing anything.
    let expect = [(&eq, 1), (&like, n.div_ceil(8)), (&within, 5)];

    let mut checked = false;
    let mut ready = |rig: &mut Rig| {
        rig.seed(n);
        if !checked {
            for (path, total) in expect {
                let found = rig.ok(Method::GET, path, None);
                assert_eq!(found["total_count"], json!(total), "{path}");
            }
            checked = true;
        }
    };

    for (id, path) in [
        ("product_get_bearer", &get),
        ("search_eq_sku", &eq),
        ("search_like_name_sorted_page_of_20", &like),
        ("search_in_5_skus_sorted_paged", &within),
    ] {
        group.bench_function(id, |b| {
            ready(rig);
            b.iter_batched(
                || rig.admin(Method::GET, path, None),
                |req| {
                    let (status, body) = rig.send(req);
                    assert_eq!(status, StatusCode::OK, "{body:?}");
                    body
                },
                BatchSize::SmallInput,
            );
        });
    }
    // Seeded only when one of the benches above ran (a name filter may skip them).
    if rig.seeded >= n {
        bench_save(&mut group, rig);
    }
    group.finish();
}

fn catalog(c: &mut Criterion) {
    let mut rig = Rig::new();
    {
        let mut group = c.benchmark_group("catalog_empty");
        bench_save(&mut group, &rig);
        group.finish();
    }
    catalog_at(c, &mut rig, "catalog_10k", 10_000);
    catalog_at(c, &mut rig, "catalog_100k", 100_000);
}

fn address() -> Value {
    json!({"firstname": "Jane", "lastname": "Doe", "street": ["123 Oak Ave"], "city": "Purchase",
           "region": "New York", "region_id": 43, "region_code": "NY", "postcode": "10577",
           "country_id": "US", "telephone": "512-555-1111", "email": "jdoe@example.com"})
}

/// A whole guest checkout, four calls as a storefront makes them (tests/checkout.rs):
/// cart, item, shipping information, payment information (the order is placed).
fn checkout(c: &mut Criterion) {
    let rig = Rig::new();
    rig.ok(
        Method::POST,
        "/rest/V1/products",
        Some(json!({"product": {"sku": "tee", "name": "Tee", "price": 22, "weight": 1.5}})),
    );
    rig.ok(
        Method::POST,
        "/rest/V1/inventory/source-items",
        Some(json!({"sourceItems": [{"sku": "tee", "source_code": "ua-warehouse", "quantity": 1.0e9, "status": 1}]})),
    );
    let shipping = json!({"addressInformation": {"shipping_address": address(), "billing_address": address(),
        "shipping_carrier_code": "flatrate", "shipping_method_code": "flatrate"}});
    let payment = json!({"email": "jdoe@example.com", "paymentMethod": {"method": "checkmo"}});
    let anon = |method: Method, path: &str, body: Option<Value>| {
        let (status, value) = rig.call(method, path, None, body);
        assert_eq!(status, StatusCode::OK, "{path}: {value}");
        value
    };
    let mut group = c.benchmark_group("checkout");
    group.bench_function("guest_cart_item_shipping_payment", |b| {
        b.iter(|| {
            let cart = anon(Method::POST, "/rest/V1/guest-carts", None);
            let cart = cart.as_str().expect("masked id");
            let base = format!("/rest/V1/guest-carts/{cart}");
            anon(
                Method::POST,
                &format!("{base}/items"),
                Some(json!({"cartItem": {"sku": "tee", "qty": 1, "quote_id": cart}})),
            );
            anon(
                Method::POST,
                &format!("{base}/shipping-information"),
                Some(shipping.clone()),
            );
            anon(
                Method::POST,
                &format!("{base}/payment-information"),
                Some(payment.clone()),
            )
        });
    });
    group.finish();
}

/// What a test pays to get a simulator: `MagentoSim::start_with` on 127.0.0.1:0 (the
/// embedded fixture parsed, the port bound, the server spawned) and a first HTTP
/// request answered over loopback; and `POST /__sim/reset` through the router.
fn lifecycle(c: &mut Criterion) {
    let mut group = c.benchmark_group("lifecycle");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("tokio runtime");
    group.bench_function("start_and_first_request", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let handle = rt
                    .block_on(MagentoSim::start_with(
                        CoreConfig::default(),
                        fixtures::default_state(),
                        Options::default(),
                        SocketAddr::from(([127, 0, 0, 1], 0)),
                    ))
                    .expect("simulator starts");
                let answer = first_request(&handle);
                spent += started.elapsed();
                assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
                rt.block_on(handle.shutdown()).expect("shutdown");
            }
            spent
        });
    });

    let rig = Rig::new();
    group.bench_function("reset", |b| {
        b.iter_batched(
            || rig.request(Method::POST, "/__sim/reset", None, None),
            |req| {
                let (status, body) = rig.send(req);
                assert_eq!(status, StatusCode::OK, "{body:?}");
                body
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

/// `GET /__sim/info` over a plain blocking socket (the server runs on the runtime's
/// worker); the answer's head and body.
fn first_request(handle: &sim_magento::MagentoHandle) -> String {
    use std::io::{Read, Write};
    let addr = handle.base_url().trim_start_matches("http://").to_owned();
    let mut stream = std::net::TcpStream::connect(&addr).expect("connect");
    write!(
        stream,
        "GET /__sim/info HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read");
    answer
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = auth, lifecycle, checkout, catalog
}
criterion_main!(benches);
