//! `COVERAGE.md`'s "Every webapi.xml endpoint" inventory against the route table
//! (`src/routes.rs`), in both directions: every route the simulator serves is a `done`
//! row with the same ACL resources (or one of the few routes of modules the inventory
//! does not cover, [`OUTSIDE`]), and every `done` row is a served route.

use std::collections::{BTreeMap, BTreeSet};

use sim_magento::routes::ROUTES;

const COVERAGE: &str = include_str!("../COVERAGE.md");

/// The section's heading; the section runs to the next `## ` heading or the end.
const SECTION: &str = "## Every webapi.xml endpoint";

/// Every module that must keep its table, in the section's order.
const MODULES: &[&str] = &[
    "Magento_Catalog",
    "Magento_CatalogInventory",
    "Magento_ConfigurableProduct",
    "Magento_Customer",
    "Magento_Quote",
    "Magento_Checkout",
    "Magento_Sales",
    "Magento_InventoryApi",
    "Magento_InventorySalesApi",
    "Magento_InventoryCatalogApi",
    "Magento_InventoryLowQuantityNotificationApi",
    "Magento_InventorySourceSelectionApi",
    "Magento_InventoryDistanceBasedSourceSelectionApi",
    "Magento_InventoryExportStockApi",
    "Magento_InventoryInStorePickupApi",
    "Magento_InventoryInStorePickupSalesApi",
    "Magento_InventoryInStorePickupShippingApi",
];

/// Served routes that no module of the inventory declares: (method, path, why).
const OUTSIDE: &[(&str, &str, &str)] = &[
    ("GET", "/V1/store/storeViews", "Magento_Store's webapi.xml"),
    ("GET", "/V1/store/storeGroups", "Magento_Store's webapi.xml"),
    ("GET", "/V1/store/websites", "Magento_Store's webapi.xml"),
    (
        "GET",
        "/V1/store/storeConfigs",
        "Magento_Store's webapi.xml",
    ),
    ("GET", "/V1/modules", "Magento_Backend's webapi.xml"),
    (
        "POST",
        "/V1/integration/admin/token",
        "Magento_Integration's webapi.xml",
    ),
    (
        "POST",
        "/V1/integration/customer/token",
        "Magento_Integration's webapi.xml",
    ),
];

/// Served routes whose ACL resources differ from `webapi.xml`: findings reported in
/// COVERAGE.md, kept in the route table until someone decides. Each entry is
/// (method, path, the route table's resources); the inventory row keeps what
/// `webapi.xml` says. An entry that no longer differs fails the test: remove it.
type Mismatches<'a> = &'a [(&'a str, &'a str, &'a [&'a str])];

// The three found when the inventory was written (`GET /V1/orders/:id/comments` on
// `Magento_Sales::comment`, the custom option reads and delete on
// `Magento_Catalog::products`, `get-sources-assigned-to-stock-ordered-by-priority` on
// `Magento_InventoryApi::stock_source_link`) are fixed in the route table.
const KNOWN_ACL_MISMATCHES: Mismatches<'static> = &[];

/// One row of the inventory.
#[derive(Clone, Debug)]
struct Row {
    module: String,
    method: String,
    path: String,
    acl: Vec<String>,
    done: bool,
    line: usize,
}

/// One route of the table, as the checks see it.
#[derive(Clone, Debug)]
struct Served {
    method: String,
    path: String,
    acl: Vec<String>,
}

/// Leading and trailing slashes do not make another route: Magento's REST router
/// trims both before it compares (`/V1/orders/` is `/V1/orders`).
fn key(method: &str, path: &str) -> (String, String) {
    (method.to_owned(), path.trim_matches('/').to_owned())
}

fn unquote(cell: &str) -> &str {
    cell.trim().trim_matches('`')
}

/// The section's rows, or every problem found reading them.
fn parse(doc: &str) -> Result<Vec<Row>, Vec<String>> {
    let mut problems = Vec::new();
    let mut lines = doc.lines().enumerate();
    if !lines.by_ref().any(|(_, l)| l == SECTION) {
        return Err(vec![format!("no `{SECTION}` section")]);
    }
    let mut rows = Vec::new();
    let mut module: Option<String> = None;
    for (i, line) in lines {
        let n = i + 1;
        if line.starts_with("## ") {
            break;
        }
        if let Some(heading) = line.strip_prefix("### ") {
            module = heading.split_whitespace().next().map(str::to_owned);
            continue;
        }
        if !line.starts_with('|') || line.starts_with("| method ") || line.starts_with("|---") {
            continue;
        }
        let cells: Vec<&str> = line.split('|').collect();
        // A row `| a | b | c | d | e |` splits into seven pieces, empty at both ends.
        if cells.len() != 7 || !cells[0].is_empty() || !cells[6].trim().is_empty() {
            problems.push(format!("line {n}: not a five-column row: {line}"));
            continue;
        }
        let Some(module) = module.clone() else {
            problems.push(format!("line {n}: a row before any module heading"));
            continue;
        };
        let method = cells[1].trim();
        if !["GET", "POST", "PUT", "DELETE"].contains(&method) {
            problems.push(format!("line {n}: method {method:?}"));
        }
        let path = unquote(cells[2]);
        if path.is_empty() || !path.contains("V1/") {
            problems.push(format!("line {n}: path {path:?}"));
        }
        if !unquote(cells[3]).contains("::") {
            problems.push(format!("line {n}: service {:?}", cells[3].trim()));
        }
        let acl: Vec<String> = cells[4]
            .split(',')
            .map(|r| unquote(r).to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        if acl.is_empty() {
            problems.push(format!("line {n}: no ACL resource"));
        }
        let done = match cells[5].trim() {
            "done" => true,
            "not done" => false,
            other => {
                problems.push(format!("line {n}: status {other:?} (done or not done)"));
                false
            }
        };
        rows.push(Row {
            module,
            method: method.to_owned(),
            path: path.to_owned(),
            acl,
            done,
            line: n,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// The simulator's route table.
fn served() -> Vec<Served> {
    ROUTES
        .routes()
        .iter()
        .map(|r| Served {
            method: r.method.as_str().to_owned(),
            path: r.pattern.to_owned(),
            acl: r.resources.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect()
}

/// Every disagreement between the inventory and the route table.
fn check(rows: &[Row], served: &[Served], known_mismatches: Mismatches<'_>) -> Vec<String> {
    let mut problems = Vec::new();

    let modules: Vec<&str> = {
        let mut seen = Vec::new();
        for row in rows {
            if seen.last() != Some(&row.module.as_str()) {
                seen.push(row.module.as_str());
            }
        }
        seen
    };
    if modules != MODULES {
        problems.push(format!(
            "module tables {modules:?}, expected {MODULES:?} (each once, in that order)"
        ));
    }

    let mut inventory: BTreeMap<(String, String), &Row> = BTreeMap::new();
    for row in rows {
        if let Some(first) = inventory.insert(key(&row.method, &row.path), row) {
            problems.push(format!(
                "{} {} listed twice (lines {} and {})",
                row.method, row.path, first.line, row.line
            ));
        }
    }

    let outside: BTreeSet<(String, String)> = OUTSIDE.iter().map(|(m, p, _)| key(m, p)).collect();
    let known: BTreeMap<(String, String), &[&str]> = known_mismatches
        .iter()
        .map(|(m, p, acl)| (key(m, p), *acl))
        .collect();
    let table: BTreeMap<(String, String), &Served> = served
        .iter()
        .map(|s| (key(&s.method, &s.path), s))
        .collect();

    // (a) Every served route is a `done` row with the route's ACL resources.
    for route in served {
        let k = key(&route.method, &route.path);
        let row = inventory.get(&k);
        if outside.contains(&k) {
            if let Some(row) = row {
                problems.push(format!(
                    "{} {} is in the allow list but also in the inventory (line {})",
                    route.method, route.path, row.line
                ));
            }
            continue;
        }
        let Some(row) = row else {
            problems.push(format!(
                "{} {} is served but no inventory row has that method and path",
                route.method, route.path
            ));
            continue;
        };
        if !row.done {
            problems.push(format!(
                "{} {} is served but its row (line {}) says not done",
                route.method, route.path, row.line
            ));
        }
        match known.get(&k) {
            Some(expected) => {
                if route.acl != *expected {
                    problems.push(format!(
                        "{} {}: known mismatch lists {:?} but the route table says {:?}",
                        route.method, route.path, expected, route.acl
                    ));
                }
                if route.acl == row.acl {
                    problems.push(format!(
                        "{} {}: the route table now agrees with webapi.xml ({:?}); \
                         remove it from KNOWN_ACL_MISMATCHES and COVERAGE's findings",
                        route.method, route.path, row.acl
                    ));
                }
            }
            None => {
                if route.acl != row.acl {
                    problems.push(format!(
                        "{} {}: the route table requires {:?}, webapi.xml (line {}) {:?}",
                        route.method, route.path, route.acl, row.line, row.acl
                    ));
                }
            }
        }
    }

    // (b) Every `done` row is a served route.
    for row in rows.iter().filter(|r| r.done) {
        if !table.contains_key(&key(&row.method, &row.path)) {
            problems.push(format!(
                "{} {} (line {}) says done but the route table has no such route",
                row.method, row.path, row.line
            ));
        }
    }

    // The lists themselves name served routes.
    for (method, path, why) in OUTSIDE {
        if !table.contains_key(&key(method, path)) {
            problems.push(format!(
                "allow-listed {method} {path} ({why}) is not in the route table"
            ));
        }
    }
    for (method, path, _) in known_mismatches {
        if !table.contains_key(&key(method, path)) {
            problems.push(format!(
                "known mismatch {method} {path} is not in the route table"
            ));
        }
    }
    problems
}

fn inventory() -> Vec<Row> {
    match parse(COVERAGE) {
        Ok(rows) => rows,
        Err(problems) => panic!("COVERAGE.md:\n{}", problems.join("\n")),
    }
}

#[test]
fn the_inventory_and_the_route_table_agree() {
    let rows = inventory();
    let problems = check(&rows, &served(), KNOWN_ACL_MISMATCHES);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The section is the whole inventory, not a stub: every table has rows, and the
    // served routes it covers are all there.
    for module in MODULES {
        assert!(
            rows.iter().any(|r| r.module == *module),
            "no rows for {module}"
        );
    }
    let done = rows.iter().filter(|r| r.done).count();
    assert_eq!(done + OUTSIDE.len(), ROUTES.routes().len());
}

/// The checks fail on each kind of wrong inventory, so a passing run means something.
#[test]
fn a_wrong_inventory_fails() {
    let rows = inventory();
    let served = served();
    assert!(check(&rows, &served, KNOWN_ACL_MISMATCHES).is_empty());

    // A served route marked not done.
    let mut wrong = rows.clone();
    let i = wrong.iter().position(|r| r.done).expect("a done row");
    wrong[i].done = false;
    let problems = check(&wrong, &served, KNOWN_ACL_MISMATCHES);
    assert!(
        problems.iter().any(|p| p.contains("says not done")),
        "{problems:?}"
    );

    // A row marked done that nothing serves.
    let mut wrong = rows.clone();
    let i = wrong.iter().position(|r| !r.done).expect("a row not done");
    wrong[i].done = true;
    let problems = check(&wrong, &served, KNOWN_ACL_MISMATCHES);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("says done but the route table has no such route")),
        "{problems:?}"
    );

    // Another ACL resource on a served route's row.
    let mut wrong = rows.clone();
    let i = wrong
        .iter()
        .position(|r| {
            r.done
                && !KNOWN_ACL_MISMATCHES
                    .iter()
                    .any(|(m, p, _)| key(m, p) == key(&r.method, &r.path))
        })
        .expect("a done row without a known mismatch");
    wrong[i].acl = vec!["Magento_Backend::admin".to_owned()];
    let problems = check(&wrong, &served, KNOWN_ACL_MISMATCHES);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("the route table requires")),
        "{problems:?}"
    );

    // A served route missing from the inventory, and a path spelled otherwise.
    let mut wrong = rows.clone();
    let i = wrong
        .iter()
        .position(|r| r.done && r.path.contains(':'))
        .expect("a done row with a parameter");
    wrong[i].path = wrong[i].path.replace(':', ":x");
    let problems = check(&wrong, &served, KNOWN_ACL_MISMATCHES);
    assert!(
        problems.iter().any(|p| p.contains("no inventory row")),
        "{problems:?}"
    );

    // A duplicated row.
    let mut wrong = rows.clone();
    wrong.push(rows[0].clone());
    let problems = check(&wrong, &served, KNOWN_ACL_MISMATCHES);
    assert!(
        problems.iter().any(|p| p.contains("listed twice")),
        "{problems:?}"
    );

    // A known mismatch that the route table has fixed: a listed route whose ACL is
    // now the inventory's.
    let fixed = served.clone();
    let agreeing = fixed
        .iter()
        .find(|s| {
            rows.iter()
                .any(|r| r.done && key(&r.method, &r.path) == key(&s.method, &s.path))
        })
        .expect("a served route with a done row");
    let acl: Vec<&str> = agreeing.acl.iter().map(String::as_str).collect();
    let listed = [(
        agreeing.method.as_str(),
        agreeing.path.as_str(),
        acl.as_slice(),
    )];
    let problems = check(&rows, &fixed, &listed);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("remove it from KNOWN_ACL_MISMATCHES")),
        "{problems:?}"
    );
}

/// Rows the parser cannot read are refused, each with its line.
#[test]
fn malformed_rows_are_refused() {
    let doc = format!(
        "# x\n\n{SECTION}\n\n### Magento_Catalog (`x`)\n\n\
         | method | path | service::method | ACL resource(s) | status |\n|---|---|---|---|---|\n\
         | GET | `/V1/products` | `ProductRepositoryInterface::getList` | `Magento_Catalog::products` | maybe |\n\
         | FETCH | `/V1/products` | `ProductRepositoryInterface::getList` | `Magento_Catalog::products` | done |\n\
         | GET | `/V1/products` | `ProductRepositoryInterface::getList` | done |\n\n## Next\n\
         | GET | not | parsed | here | at all |\n"
    );
    let problems = parse(&doc).expect_err("malformed rows");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems[0].contains("status \"maybe\""), "{problems:?}");
    assert!(problems[1].contains("method \"FETCH\""), "{problems:?}");
    assert!(
        problems[2].contains("not a five-column row"),
        "{problems:?}"
    );
    assert!(parse("# no section\n").is_err());
}
