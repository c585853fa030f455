//! Properties of searchCriteria (`sim_magento::search`), end to end from the query
//! string (`sim_magento::phpquery`):
//!
//! - on random rows and random criteria (both spellings, every condition type, sorts,
//!   paging) the page and the total equal what a deliberately naive reference computes
//!   here: keep a row when every non-empty group has a matching filter, sort stably,
//!   slice;
//! - the echo is the criteria as sent, and binding the echo gives the criteria back;
//! - no query string makes parsing, binding or evaluation panic.

use std::cmp::Ordering;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};
use sim_magento::phpquery::parse_query;
use sim_magento::search::{self, Field, SearchCriteria};

// ---------------------------------------------------------------------------
// Data

#[derive(Debug, Clone)]
struct Row {
    sku: String,
    price: f64,
    qty: Option<f64>,
    name: Option<String>,
    tags: Vec<String>,
}

const FIELDS: &[&str] = &["sku", "price", "qty", "name", "tags", "nope"];
const CONDITIONS: &[&str] = &[
    "eq", "neq", "like", "nlike", "in", "nin", "null", "notnull", "gt", "lt", "gteq", "lteq",
    "moreq", "from", "to", "finset", "nfinset", "fulltext", "EQ", "bogus", "", "0",
];
const VALUES: &[&str] = &[
    "", "tee", "TEE", "tee ", "t%", "%e%", "_ee", "ws12", "WS12", "10", "9", "2.5", "22", "1,2",
    "12,x", "abc", " 5", "100%", "a\\%b", "a\\_b", "%", "x", "1", "0",
];
/// Tag values, also used as filter values so that list columns get hits.
const TAGS: &[&str] = &["1", "2", "12", "x", ""];
const DIRECTIONS: &[&str] = &["asc", "ASC", "desc", "DESC", "Asc"];

const SKUS: &[&str] = &[
    "WS12", "ws12", "MH01", "24-MB01", "10", "9", "a_b", "a%b", "x ", "a\\b",
];
const PRICES: &[f64] = &[0.0, 1.0, 2.5, 10.0, 22.0, 100.0];
const QTYS: &[f64] = &[0.0, 1.0, 5.0, 50.0];
const NAMES: &[&str] = &["tee", "tee ", "duffle", "bag 100%", "9", "a_b"];

/// `base` with the letters whose position is set in `upper` (cycled) upper-cased.
fn cased(base: &str, upper: &[bool]) -> String {
    base.chars()
        .zip(upper.iter().cycle())
        .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
        .collect()
}

fn row() -> impl Strategy<Value = Row> {
    (
        select(SKUS),
        select(PRICES),
        proptest::option::of(select(QTYS)),
        proptest::option::of((select(NAMES), proptest::collection::vec(any::<bool>(), 8))),
        proptest::collection::vec(select(TAGS), 0..4),
    )
        .prop_map(|(sku, price, qty, name, tags)| Row {
            sku: sku.to_owned(),
            price,
            qty,
            name: name.map(|(base, upper)| cased(base, &upper)),
            tags: tags.into_iter().map(str::to_owned).collect(),
        })
}

fn column<'a>(r: &'a Row, f: &str) -> Field<'a> {
    match f {
        "sku" => Field::text(&r.sku),
        "price" => Field::Num(r.price),
        "qty" => r.qty.map_or(Field::Missing, Field::Num),
        "name" => r.name.as_deref().map_or(Field::Missing, Field::text),
        "tags" => Field::List(r.tags.clone()),
        _ => Field::Missing,
    }
}

/// Criteria as generated (what the client means), independently of the crate's types.
#[derive(Debug, Clone)]
struct Spec {
    top_snake: bool,
    groups_snake: bool,
    sorts_snake: bool,
    paging_snake: bool,
    groups: Vec<Vec<FilterSpec>>,
    sorts: Vec<(Option<&'static str>, Option<&'static str>)>,
    page_size: Option<i64>,
    current_page: Option<i64>,
}

#[derive(Debug, Clone)]
struct FilterSpec {
    field: Option<&'static str>,
    value: Option<&'static str>,
    condition: Option<&'static str>,
    snake: bool,
}

/// Values that hit the rows of one column more often than the generic pool.
fn values_for(field: Option<&'static str>) -> Vec<&'static str> {
    match field {
        Some("sku") => vec![
            "WS12", "ws12%", "a\\%b", "a\\_b", "a_b", "a%b", "10", "9", "x", "x ", "%2%", "MH01",
            "WS12, x", "a\\\\b", "10.0", "9.5",
        ],
        Some("name") => vec![
            "tee",
            "TEE ",
            "%tee%",
            "_ee",
            "9",
            "bag 100\\%",
            "%100\\%",
            "a\\_b",
            "duffle",
        ],
        Some("price" | "qty") => vec!["0", "1", "2.5", "10", "22", "100", " 5", "1,2", "abc", "9"],
        _ => TAGS
            .iter()
            .copied()
            .chain(["1,2", "12,x", "1, 2"])
            .collect(),
    }
}

fn filter_spec() -> impl Strategy<Value = FilterSpec> {
    prop_oneof![9 => select(FIELDS).prop_map(Some), 1 => Just(None)].prop_flat_map(|field| {
        (
            prop_oneof![
                5 => select(VALUES).prop_map(Some),
                4 => select(values_for(field)).prop_map(Some),
                1 => Just(None)
            ],
            prop_oneof![2 => Just(None), 8 => select(CONDITIONS).prop_map(Some)],
            any::<bool>(),
        )
            .prop_map(move |(value, condition, snake)| FilterSpec {
                field,
                value,
                condition,
                snake,
            })
    })
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        any::<[bool; 4]>(),
        proptest::collection::vec(proptest::collection::vec(filter_spec(), 0..4), 0..4),
        proptest::collection::vec(
            (
                prop_oneof![9 => select(FIELDS).prop_map(Some), 1 => Just(None)],
                proptest::option::of(select(DIRECTIONS)),
            ),
            0..3,
        ),
        proptest::option::of(select(vec![0, 1, 2, 3, -1])),
        proptest::option::of(select(vec![0, 1, 2, 3, -2])),
    )
        .prop_map(|(snake, groups, sorts, page_size, current_page)| Spec {
            top_snake: snake[0],
            groups_snake: snake[1],
            sorts_snake: snake[2],
            paging_snake: snake[3],
            groups,
            sorts,
            page_size,
            current_page,
        })
}

// ---------------------------------------------------------------------------
// The query string

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query(spec: &Spec) -> String {
    let top = if spec.top_snake {
        "search_criteria"
    } else {
        "searchCriteria"
    };
    let groups = if spec.groups_snake {
        "filter_groups"
    } else {
        "filterGroups"
    };
    let sorts = if spec.sorts_snake {
        "sort_orders"
    } else {
        "sortOrders"
    };
    let (size, page) = if spec.paging_snake {
        ("page_size", "current_page")
    } else {
        ("pageSize", "currentPage")
    };
    let mut pairs = Vec::new();
    for (g, filters) in spec.groups.iter().enumerate() {
        if filters.is_empty() {
            pairs.push(format!("{top}[{groups}][{g}]="));
        }
        for (f, filter) in filters.iter().enumerate() {
            let at = format!("{top}[{groups}][{g}][filters][{f}]");
            let before = pairs.len();
            if let Some(field) = filter.field {
                pairs.push(format!("{at}[field]={}", encode(field)));
            }
            if let Some(value) = filter.value {
                pairs.push(format!("{at}[value]={}", encode(value)));
            }
            if let Some(c) = filter.condition {
                let key = if filter.snake {
                    "condition_type"
                } else {
                    "conditionType"
                };
                pairs.push(format!("{at}[{key}]={}", encode(c)));
            }
            if pairs.len() == before {
                pairs.push(format!("{at}="));
            }
        }
    }
    for (s, (field, direction)) in spec.sorts.iter().enumerate() {
        let at = format!("{top}[{sorts}][{s}]");
        match (field, direction) {
            (None, None) => pairs.push(format!("{at}=")),
            _ => {
                if let Some(field) = field {
                    pairs.push(format!("{at}[field]={}", encode(field)));
                }
                if let Some(direction) = direction {
                    pairs.push(format!("{at}[direction]={}", encode(direction)));
                }
            }
        }
    }
    if let Some(n) = spec.page_size {
        pairs.push(format!("{top}[{size}]={n}"));
    }
    if let Some(n) = spec.current_page {
        pairs.push(format!("{top}[{page}]={n}"));
    }
    if pairs.is_empty() {
        pairs.push(format!("{top}=0"));
    }
    pairs.join("&")
}

// ---------------------------------------------------------------------------
// The naive reference

#[derive(Debug, Clone)]
enum Cell {
    Null,
    Num(f64),
    Str(String),
    List(Vec<String>),
}

fn cell(r: &Row, f: &str) -> Cell {
    match f {
        "sku" => Cell::Str(r.sku.clone()),
        "price" => Cell::Num(r.price),
        "qty" => r.qty.map_or(Cell::Null, Cell::Num),
        "name" => r.name.clone().map_or(Cell::Null, Cell::Str),
        "tags" => Cell::List(r.tags.clone()),
        _ => Cell::Null,
    }
}

/// Case-folded, trailing spaces dropped.
fn fold(s: &str) -> String {
    s.trim_end_matches(' ').to_lowercase()
}

/// A string that is a number and nothing else.
fn number(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit() || ".+-eE".contains(c)) {
        return None;
    }
    t.parse().ok()
}

/// MySQL's string → number: the longest numeric prefix, else 0.
fn prefix_number(s: &str) -> f64 {
    let t: Vec<char> = s.trim_start().chars().collect();
    (1..=t.len())
        .rev()
        .find_map(|n| number(&t[..n].iter().collect::<String>()))
        .unwrap_or(0.0)
}

fn text(c: &Cell) -> String {
    match c {
        Cell::Null => String::new(),
        Cell::Num(n) if n.fract() == 0.0 => format!("{}", *n as i64),
        Cell::Num(n) => format!("{n}"),
        Cell::Str(s) => s.clone(),
        Cell::List(items) => items.join(","),
    }
}

fn str_cmp(a: &str, b: &str) -> Ordering {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Less),
        _ => fold(a).cmp(&fold(b)),
    }
}

fn equals(c: &Cell, v: &str) -> bool {
    match c {
        Cell::Null => false,
        Cell::Num(n) => *n == prefix_number(v),
        Cell::Str(s) => str_cmp(s, v).is_eq(),
        Cell::List(items) => items.iter().any(|s| str_cmp(s, v).is_eq()),
    }
}

fn compare(c: &Cell, v: &str) -> Ordering {
    match c {
        Cell::Num(n) => n.partial_cmp(&prefix_number(v)).unwrap_or(Ordering::Less),
        other => str_cmp(&text(other), v),
    }
}

fn like(t: &[char], p: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('%') => (0..=t.len()).any(|i| like(&t[i..], &p[1..])),
        Some('_') => !t.is_empty() && like(&t[1..], &p[1..]),
        Some('\\') if p.len() > 1 => t.first() == Some(&p[1]) && like(&t[1..], &p[2..]),
        Some(c) => t.first() == Some(c) && like(&t[1..], &p[1..]),
    }
}

fn like_text(c: &Cell, pattern: &str) -> bool {
    let t: Vec<char> = text(c).to_lowercase().chars().collect();
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    like(&t, &p)
}

fn in_set(c: &Cell, v: &str) -> bool {
    if v.contains(',') {
        return false;
    }
    let members: Vec<String> = match c {
        Cell::List(items) => items.clone(),
        other if text(other).is_empty() => vec![],
        other => text(other).split(',').map(str::to_owned).collect(),
    };
    members.iter().any(|m| fold(m) == fold(v))
}

fn holds(filter: &FilterSpec, row: &Row) -> bool {
    let c = cell(row, filter.field.unwrap_or(""));
    let v = filter.value.unwrap_or("");
    let condition = match filter.condition {
        None | Some("") | Some("0") => "eq",
        Some(c) => c,
    };
    if matches!(c, Cell::Null) {
        return condition == "null";
    }
    match condition {
        "null" => false,
        "notnull" => true,
        "neq" => !equals(&c, v),
        "like" => like_text(&c, v),
        "nlike" => !like_text(&c, v),
        "fulltext" => like_text(&c, &format!("%{v}%")),
        "in" => v.split(',').any(|x| equals(&c, x)),
        "nin" => !v.split(',').any(|x| equals(&c, x)),
        "gt" => compare(&c, v).is_gt(),
        "lt" => compare(&c, v).is_lt(),
        "gteq" | "from" => compare(&c, v).is_ge(),
        "lteq" | "to" => compare(&c, v).is_le(),
        "finset" => in_set(&c, v),
        "nfinset" => !in_set(&c, v),
        _ => equals(&c, v),
    }
}

fn sort_key(c: &Cell) -> (u8, f64, String) {
    match c {
        Cell::Null => (0, 0.0, String::new()),
        Cell::Num(n) => (1, *n, String::new()),
        other => (2, 0.0, fold(&text(other))),
    }
}

/// Indices of the page and the total, computed the simple way.
fn reference(rows: &[Row], spec: &Spec) -> (Vec<usize>, usize) {
    let mut hits: Vec<usize> = (0..rows.len())
        .filter(|&i| {
            spec.groups
                .iter()
                .all(|g| g.is_empty() || g.iter().any(|f| holds(f, &rows[i])))
        })
        .collect();
    let total = hits.len();
    hits.sort_by(|&a, &b| {
        for (field, direction) in &spec.sorts {
            let Some(field) = field else { continue };
            let (ka, kb) = (
                sort_key(&cell(&rows[a], field)),
                sort_key(&cell(&rows[b], field)),
            );
            let o =
                ka.0.cmp(&kb.0)
                    .then(ka.1.partial_cmp(&kb.1).unwrap_or(Ordering::Equal))
                    .then(ka.2.cmp(&kb.2));
            let asc = direction.is_some_and(|d| d.eq_ignore_ascii_case("asc"));
            let o = if asc { o } else { o.reverse() };
            if o.is_ne() {
                return o;
            }
        }
        Ordering::Equal
    });
    let Some(size) = spec.page_size.filter(|&s| s != 0) else {
        return (hits, total);
    };
    let size = if size < 0 { 1 } else { size as usize };
    let page = spec.current_page.filter(|&p| p > 0).unwrap_or(1) as usize;
    let page = hits
        .into_iter()
        .skip((page - 1) * size)
        .take(size)
        .collect();
    (page, total)
}

/// The echo Magento would render for `spec`.
fn expected_echo(spec: &Spec) -> Value {
    let mut out = Map::new();
    let groups: Vec<Value> = spec
        .groups
        .iter()
        .map(|g| {
            let filters: Vec<Value> = g
                .iter()
                .map(|f| {
                    let value = match (f.condition, f.value) {
                        (Some("fulltext"), v) => Some(format!("%{}%", v.unwrap_or(""))),
                        (_, v) => v.map(str::to_owned),
                    };
                    let mut m = Map::new();
                    m.insert("field".into(), json!(f.field));
                    m.insert("value".into(), json!(value));
                    if let Some(c) = f.condition {
                        m.insert("condition_type".into(), json!(c));
                    }
                    Value::Object(m)
                })
                .collect();
            json!({ "filters": filters })
        })
        .collect();
    out.insert("filter_groups".into(), Value::Array(groups));
    if !spec.sorts.is_empty() {
        let sorts: Vec<Value> = spec
            .sorts
            .iter()
            .map(|(f, d)| json!({"field": f, "direction": d.map(str::to_ascii_uppercase)}))
            .collect();
        out.insert("sort_orders".into(), Value::Array(sorts));
    }
    if let Some(n) = spec.page_size {
        out.insert("page_size".into(), json!(n));
    }
    if let Some(n) = spec.current_page {
        out.insert("current_page".into(), json!(n));
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------
// Properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn evaluation_agrees_with_the_naive_reference(
        rows in proptest::collection::vec(row(), 0..9),
        spec in spec(),
    ) {
        let q = query(&spec);
        let criteria = search::from_query(&parse_query(&q), true)
            .map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        let (page, total) = criteria
            .apply(&rows, column)
            .map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        let got: Vec<usize> = page
            .iter()
            .filter_map(|r| rows.iter().position(|x| std::ptr::eq(x, *r)))
            .collect();
        let (want, want_total) = reference(&rows, &spec);
        prop_assert_eq!(total, want_total, "total for {}", q);
        prop_assert_eq!(got, want, "page for {}", q);
    }

    #[test]
    fn the_echo_is_what_was_sent_and_binds_back(spec in spec()) {
        let q = query(&spec);
        let criteria = search::from_query(&parse_query(&q), true)
            .map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        let echo = criteria.echo();
        prop_assert_eq!(&echo, &expected_echo(&spec), "echo for {}", q);
        let envelope = search::result(vec![json!(1)], &criteria, 7);
        prop_assert_eq!(
            envelope,
            json!({"items": [1], "search_criteria": echo.clone(), "total_count": 7})
        );
        let fulltext = spec
            .groups
            .iter()
            .flatten()
            .any(|f| f.condition == Some("fulltext"));
        if !fulltext {
            prop_assert_eq!(SearchCriteria::from_value(&echo).ok(), Some(criteria));
        }
    }

    #[test]
    fn no_query_string_panics(
        q in "(search(C|_c)riteria|filter_?[gG]roups|filters|field|value|condition_?[tT]ype|sort_?[oO]rders|direction|page_?[sS]ize|current_?[pP]age|0|1|-1|asc|regexp|like|in|finset|%25|%5B|%5D|%|\\[|\\]|=|&|\\+|\\.| |a|_|,|\\\\){0,40}",
        rows in proptest::collection::vec(row(), 0..4),
    ) {
        let parsed = parse_query(&q);
        prop_assert!(parsed.is_object());
        for required in [true, false] {
            if let Ok(criteria) = search::from_query(&parsed, required) {
                let _ = criteria.apply(&rows, column);
                let _ = criteria.echo();
            }
        }
    }

    #[test]
    fn arbitrary_bytes_parse(q in "\\PC{0,80}") {
        let parsed = parse_query(&q);
        prop_assert!(parsed.is_object());
        let _ = search::from_query(&parsed, false);
    }
}

/// Rows covering every pool value, with NULLs and case variants.
fn fixed_rows() -> Vec<Row> {
    let tag_sets: [&[&str]; 6] = [
        &[],
        &["1"],
        &["1", "2"],
        &["12", "x"],
        &[""],
        &["2", "12", "x"],
    ];
    (0..60)
        .map(|i| Row {
            sku: SKUS[i % SKUS.len()].to_owned(),
            price: PRICES[i % PRICES.len()],
            qty: (i % 5 != 0).then(|| QTYS[i % QTYS.len()]),
            name: (i % 7 != 0).then(|| {
                cased(
                    NAMES[i % NAMES.len()],
                    &[i % 2 == 0, i % 3 == 0, i % 4 == 0],
                )
            }),
            tags: tag_sets[i % tag_sets.len()]
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
        })
        .collect()
}

/// Every field × condition type × value as a single filter, on fixed rows: the
/// exhaustive complement of the random combinations above.
#[test]
fn every_single_filter_agrees_with_the_reference() {
    let rows = fixed_rows();
    let mut values: Vec<Option<&'static str>> = vec![None];
    for field in FIELDS {
        values.extend(
            VALUES
                .iter()
                .chain(&values_for(Some(field)))
                .map(|v| Some(*v)),
        );
    }
    values.sort_unstable();
    values.dedup();
    let fields: Vec<Option<&'static str>> = FIELDS.iter().map(|f| Some(*f)).chain([None]).collect();
    let conditions: Vec<Option<&'static str>> =
        CONDITIONS.iter().map(|c| Some(*c)).chain([None]).collect();
    let mut checked = 0;
    for field in &fields {
        for condition in &conditions {
            for value in &values {
                let spec = Spec {
                    top_snake: false,
                    groups_snake: true,
                    sorts_snake: false,
                    paging_snake: false,
                    groups: vec![vec![FilterSpec {
                        field: *field,
                        value: *value,
                        condition: *condition,
                        snake: true,
                    }]],
                    sorts: vec![],
                    page_size: None,
                    current_page: None,
                };
                let q = query(&spec);
                let criteria = search::from_query(&parse_query(&q), true).expect(&q);
                let (page, total) = criteria.apply(&rows, column).expect(&q);
                let got: Vec<usize> = page
                    .iter()
                    .filter_map(|r| rows.iter().position(|x| std::ptr::eq(x, *r)))
                    .collect();
                let (want, want_total) = reference(&rows, &spec);
                assert_eq!((got, total), (want, want_total), "{q}");
                checked += 1;
            }
        }
    }
    assert!(checked > 5000, "{checked}");
}
