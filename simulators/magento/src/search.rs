//! searchCriteria: binding, evaluation and the `search_criteria` echo (reference §3).
//!
//! A handler reads the criteria with [`from_query`], evaluates them over its rows with
//! [`SearchCriteria::apply`] (giving a [`Field`] per row and column), and renders the
//! envelope with [`result`]:
//!
//! ```
//! use sim_magento::phpquery::parse_query;
//! use sim_magento::search::{self, Field};
//!
//! let query = parse_query("searchCriteria[filter_groups][0][filters][0][field]=stock_id\
//!     &searchCriteria[filter_groups][0][filters][0][value]=1,2\
//!     &searchCriteria[filter_groups][0][filters][0][condition_type]=in");
//! let criteria = search::from_query(&query, true).unwrap();
//! let rows = [1.0, 2.0, 3.0];
//! let (page, total) = criteria
//!     .apply(&rows, |id, field| match field {
//!         "stock_id" => Field::Num(*id),
//!         _ => Field::Missing,
//!     })
//!     .unwrap();
//! let items = page.into_iter().map(|id| serde_json::json!({"stock_id": id})).collect();
//! assert_eq!(
//!     search::result(items, &criteria, total).to_string(),
//!     r#"{"items":[{"stock_id":1.0},{"stock_id":2.0}],"search_criteria":{"filter_groups":[{"filters":[{"field":"stock_id","value":"1,2","condition_type":"in"}]}]},"total_count":2}"#
//! );
//! ```
//!
//! # Binding (Magento's `ServiceInputProcessor`)
//!
//! - Property names are normalised the way Magento finds a getter: `ucwords($key, '_')`
//!   with the `_` removed, compared case-sensitively. So `filter_groups`,
//!   `filterGroups` and `Filter_Groups` are one property, `filtergroups` is not. When a
//!   property is given under two spellings the later one wins.
//! - A property the interface does not have (`searchCriteria[foo]=1`) is a PHP
//!   `LogicException`: a **500** whose message is the developer-mode text
//!   (`Property "Foo" does not have accessor method "getFoo" in class "…"`). Handlers
//!   turn any 500 into the masked production body with its report id.
//! - A non-array `searchCriteria` (`searchCriteria=0`, `searchCriteria=`) is an empty
//!   criteria, and so is a non-array at any object level (a scalar filter group is a
//!   group without filters). A scalar where a list is expected (`filter_groups=x`)
//!   is an empty list; `sort_orders=x` is no sort orders.
//! - Scalars are converted as PHP's `TypeProcessor` does: `field`, `value`,
//!   `condition_type` and `direction` are strings (numbers as PHP prints them, `true`
//!   is `"1"`, `false` is `""`); an array there is the rendered 400
//!   `Error occurred during "value" processing. The "array" value's type is invalid.
//!   The "string" type was expected. Verify and try again.` `pageSize` and
//!   `currentPage` are ints: a PHP numeric string (`"5"`, `" 5"`, `"2.9"` → 2,
//!   `"1e2"` → 100; out-of-range values saturate) or a JSON number; anything else
//!   (`"abc"`, `""`, `true`, an array) is the same rendered 400 with the `"int"` type
//!   and the property name as the client spelled it. A JSON `null` counts as absent.
//! - `direction` is upper-cased (ASCII) and must then be `ASC` or `DESC`, else 400
//!   [`SORT_DIRECTION`] with parameters `["ASC","DESC"]`. Leading or trailing blanks
//!   are not trimmed.
//!
//! # Evaluation (Magento's `FilterProcessor`, `Mysql::prepareSqlCondition`, MySQL)
//!
//! - Filters in a group are OR-ed, groups are AND-ed; a group without filters does not
//!   filter. A missing or PHP-falsy `condition_type` (`""`, `"0"`) means `eq`.
//! - Condition types are case-sensitive, as in Magento. Supported: `eq`, `neq`,
//!   `like`, `nlike`, `in`, `nin`, `null`, `notnull`, `gt`, `lt`, `gteq`, `lteq`,
//!   `from` (= `gteq`), `to` (= `lteq`), `finset`, `nfinset`, `fulltext` (rewritten to
//!   `like %value%`, and the echoed value is that rewritten value because Magento
//!   mutates the filter), and the rarer keys of the SQL layer's map: `regexp`
//!   (MySQL 8 / ICU flavour, case-insensitive, see below), `seq`/`sneq` (`null`/
//!   `notnull` for an empty value, else `eq`/`neq`), `ntoa` (`INET_NTOA(field) LIKE
//!   value`) and `is` (always an SQL syntax error: a 500).
//! - **Any other condition type is `eq`**: `prepareSqlCondition` finds no known key in
//!   `[$type => $value]`, treats the array as a list of OR-ed conditions and compares
//!   the value with `=`. That includes `moreq` (in Adobe's docs, but only the
//!   filesystem collection knows it, not the SQL adapter) and upper-case spellings such
//!   as `EQ` or `LIKE`.
//! - A missing `value` compares as the empty string (PDO quotes PHP `null` as `''`).
//! - NULL ([`Field::Missing`]) matches `null` only; every other condition is SQL
//!   UNKNOWN for it, including the negative ones (`neq`, `nin`, `nlike`, `nfinset`).
//! - Comparing with a [`Field::Num`] column converts the value as MySQL does: the
//!   longest numeric prefix after leading blanks, `0` without one (`"1,2"` → 1,
//!   `" 2"` → 2, `"abc"` → 0).
//! - Comparing with a [`Field::Str`] column is numeric when both sides are numbers
//!   (`"89.950000"` vs `"100"`, for decimals kept as strings), otherwise a string
//!   comparison in MySQL's default `*_general_ci` collation: case-insensitive,
//!   trailing spaces ignored (also for `gt`/`lt`).
//! - `like` patterns use `%`, `_` and `\` as the escape (a trailing `\` is literal);
//!   case-insensitive; trailing spaces count. A number is matched through its decimal
//!   text (`10`, `2.5`: a DECIMAL column's scale, `10.0000`, is not known here).
//! - `in`/`nin` split the value on `,` without trimming. `in` is an OR of `eq`, `nin`
//!   an AND of `neq`.
//! - `finset` is `FIND_IN_SET(value, column)`: the column's text split on `,`; a value
//!   containing a comma never matches; an empty column contains nothing.
//! - [`Field::List`] is a set-valued column (`category_ids`, a multiselect): `eq`/`in`
//!   match when any element equals, `neq`/`nin` when none does, `finset` tests
//!   membership; the other conditions see the elements joined with `,` (the stored
//!   multiselect text). A list is never NULL.
//! - A filter without `field` reads the column `""` from the row accessor (Magento
//!   would fail with an SQL error). Unknown columns are the accessor's business
//!   (typically [`Field::Missing`]; Magento would answer 500).
//! - `regexp` supports literals, `.`, `^`, `$`, `[...]` (ranges, `^`, `[:alpha:]`
//!   style names, `\d\w\s`), `(...)`, `(?:...)`, `|`, `*`, `+`, `?`, `{m}`, `{m,}`,
//!   `{m,n}`, `\d \D \w \W \s \S \n \t \r`; it matches anywhere in the text,
//!   case-insensitively, in linear time. An empty or invalid pattern is MySQL's error
//!   3685 (a 500).
//!
//! # Sorting and paging (`SortingProcessor`, `Collection`, `Zend_Db_Select::limitPage`)
//!
//! - Sort orders apply in order; only `ASC` sorts ascending, a missing direction is
//!   descending. A sort order without `field` is skipped. The sort is stable and with
//!   no sort orders rows keep the caller's order.
//! - NULLs sort first ascending (last descending); numbers sort numerically and strings
//!   in collation order (case-insensitive, trailing spaces ignored; unlike the filters
//!   a string column of numbers sorts as text, as MySQL does). Should a column mix
//!   kinds, numbers come before strings.
//! - No `pageSize`, or `0`: every row (Magento 2.4.0 without web-API input limits; use
//!   [`SearchCriteria::with_default_page_size`] for the builds that default to 20). A
//!   negative `pageSize` is one row per page (`limitPage` clamps it), but is echoed as
//!   sent. A missing, zero or negative `currentPage` is page 1; `currentPage` is
//!   ignored without a page size. A page past the end is empty and `total_count` still
//!   counts every match.
//!
//! # The echo
//!
//! `search_criteria` renders every getter as Magento's `DataObjectProcessor` does:
//! `filter_groups` always (possibly `[]`, a group always with its `filters`);
//! `sort_orders`, `page_size`, `current_page` and a filter's `condition_type` only when
//! set (their getters are nullable); a filter's `field` and `value` and a sort order's
//! `field` and `direction` always, as `null` when not sent (their getters are declared
//! `string`, and non-nullable getters are rendered even when null). Values echo as
//! strings, directions upper-cased, condition types as sent.

use std::borrow::Cow;
use std::cmp::Ordering;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use crate::errors::{MResult, MagentoError};
use crate::input;

/// 400 when a sort direction is neither `ASC` nor `DESC` (parameters `["ASC","DESC"]`).
pub const SORT_DIRECTION: &str =
    "The sort order has to be specified as %1 for ascending order or %2 for descending order.";

const CRITERIA_CLASS: &str = "Magento\\Framework\\Api\\SearchCriteriaInterface";
const GROUP_CLASS: &str = "Magento\\Framework\\Api\\Search\\FilterGroup";
const FILTER_CLASS: &str = "Magento\\Framework\\Api\\Filter";
const SORT_CLASS: &str = "Magento\\Framework\\Api\\SortOrder";

/// A bound `searchCriteria` argument.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchCriteria {
    /// AND-ed groups of OR-ed filters.
    pub filter_groups: Vec<FilterGroup>,
    /// `None` when the client sent none (and then not echoed).
    pub sort_orders: Option<Vec<SortOrder>>,
    /// As sent (PHP int); `None`/`0` = no limit, negative = 1 row per page.
    pub page_size: Option<i64>,
    /// As sent (PHP int); `None`, `0` or negative = page 1.
    pub current_page: Option<i64>,
}

/// Filters that are OR-ed together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FilterGroup {
    /// The filters; none means the group does not filter.
    pub filters: Vec<Filter>,
}

/// One condition on one column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Column; `None` when not sent (echoed as `null`).
    pub field: Option<String>,
    /// Operand as sent; `None` when not sent (echoed as `null`, compared as `""`).
    pub value: Option<String>,
    /// Condition type as sent; `None` (or PHP-falsy) means `eq`.
    pub condition_type: Option<String>,
}

/// One `ORDER BY` term.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortOrder {
    /// Column; `None` (echoed as `null`) skips this sort order.
    pub field: Option<String>,
    /// `ASC` or `DESC` (upper-cased when bound); `None` sorts descending.
    pub direction: Option<String>,
}

/// The value of one column of one row, as the SQL layer would see it. Text borrows
/// from the row where it can ([`Field::text`]), so reading a column copies nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Field<'a> {
    /// SQL NULL: an unset attribute, an unknown column.
    Missing,
    /// A text column (or a decimal the store keeps as text).
    Str(Cow<'a, str>),
    /// A numeric column.
    Num(f64),
    /// A set-valued column: `category_ids`, a multiselect attribute.
    List(Vec<String>),
}

impl<'a> Field<'a> {
    /// A text column borrowed from the row.
    pub fn text(s: &'a str) -> Self {
        Field::Str(Cow::Borrowed(s))
    }
}

impl SearchCriteria {
    /// Binds the value of the `searchCriteria` argument: a [`crate::phpquery`] nested
    /// object or a JSON body object (JSON arrays are PHP arrays too). A non-array value
    /// (`"0"`, `""`, a number) is an empty criteria. See the module documentation for
    /// spellings, conversions and errors (400 for bad types and sort directions, 500
    /// for unknown properties).
    pub fn from_value(v: &Value) -> MResult<Self> {
        let mut criteria = Self::default();
        for (key, value) in entries(v).unwrap_or_default() {
            match property(&key).as_str() {
                "FilterGroups" => criteria.filter_groups = groups(value)?,
                "SortOrders" => criteria.sort_orders = sort_orders(value)?,
                "PageSize" => criteria.page_size = php_int(value, &key)?,
                "CurrentPage" => criteria.current_page = php_int(value, &key)?,
                other => return Err(unknown_property(other, CRITERIA_CLASS)),
            }
        }
        Ok(criteria)
    }

    /// The criteria with `page_size` set to `size` when the client sent none: what
    /// Magento builds with a default page size do (2.4.1–2.4.3, or web-API input limits
    /// enabled). The default page size is then applied and echoed.
    #[must_use]
    pub fn with_default_page_size(mut self, size: i64) -> Self {
        if self.page_size.is_none() {
            self.page_size = Some(size);
        }
        self
    }

    /// The `search_criteria` echo exactly as Magento renders it: snake_case keys in
    /// getter order, `filter_groups` always, the nullable parts only when set, values
    /// as strings (see the module documentation).
    pub fn echo(&self) -> Value {
        let mut out = Map::new();
        out.insert(
            "filter_groups".into(),
            Value::Array(
                self.filter_groups
                    .iter()
                    .map(|g| {
                        json!({"filters": g.filters.iter().map(Filter::echo).collect::<Vec<_>>()})
                    })
                    .collect(),
            ),
        );
        if let Some(sorts) = &self.sort_orders {
            out.insert(
                "sort_orders".into(),
                Value::Array(
                    sorts
                        .iter()
                        .map(|s| json!({"field": s.field, "direction": s.direction}))
                        .collect(),
                ),
            );
        }
        if let Some(size) = self.page_size {
            out.insert("page_size".into(), Value::from(size));
        }
        if let Some(page) = self.current_page {
            out.insert("current_page".into(), Value::from(page));
        }
        Value::Object(out)
    }

    /// The columns the filters and sort orders read (a filter without `field` reads
    /// `""`; a sort order without one is skipped).
    pub fn columns(&self) -> Vec<&str> {
        let filters = self
            .filter_groups
            .iter()
            .flat_map(|g| &g.filters)
            .map(|f| f.field.as_deref().unwrap_or(""));
        let sorts = self
            .sort_orders
            .iter()
            .flatten()
            .filter_map(|s| s.field.as_deref());
        filters.chain(sorts).collect()
    }

    /// Filters `rows` (OR within a group, AND across groups), sorts them (stable) and
    /// cuts out the requested page. `field(row, column)` reads one column of a row.
    /// Returns the page and the number of matching rows. Fails only for condition
    /// types that are SQL errors in Magento (`is`, a bad `regexp`): a 500.
    pub fn apply<'a, T>(
        &self,
        rows: &'a [T],
        field: impl Fn(&'a T, &str) -> Field<'a>,
    ) -> MResult<(Vec<&'a T>, usize)> {
        let groups = self
            .filter_groups
            .iter()
            .map(|g| {
                g.filters
                    .iter()
                    .map(|f| Ok((f.field.as_deref().unwrap_or(""), Test::compile(f)?)))
                    .collect::<MResult<Vec<_>>>()
            })
            .collect::<MResult<Vec<_>>>()?;
        let sorts: Vec<(&str, bool)> = self
            .sort_orders
            .iter()
            .flatten()
            .filter_map(|s| Some((s.field.as_deref()?, s.direction.as_deref() == Some("ASC"))))
            .collect();

        // One pass over the rows: each hit's sort keys are read while its row is in
        // cache (flat: `sorts.len()` keys per hit).
        let mut hits: Vec<&'a T> = Vec::new();
        let mut keys: Vec<SortKey<'a>> = Vec::new();
        for row in rows {
            let hit = groups.iter().all(|group| {
                group.is_empty()
                    || group
                        .iter()
                        .any(|(column, test)| test.matches(&field(row, column)))
            });
            if hit {
                hits.push(row);
                keys.extend(
                    sorts
                        .iter()
                        .map(|(column, _)| SortKey::of(field(row, column))),
                );
            }
        }
        let total = hits.len();
        let (start, end) = self.page_bounds(total);
        if sorts.is_empty() {
            hits.truncate(end);
            hits.drain(..start);
            return Ok((hits, total));
        }

        // Hits by position, compared by their keys; ties keep row order (what a stable
        // sort gives), so the order is total and only the requested page's rows need
        // sorting — select the first `end`, then sort just those.
        let n = sorts.len();
        let by_keys = |i: &usize, j: &usize| {
            keys[i * n..(i + 1) * n]
                .iter()
                .zip(&keys[j * n..(j + 1) * n])
                .zip(&sorts)
                .map(|((x, y), (_, asc))| {
                    let o = x.order(y);
                    if *asc { o } else { o.reverse() }
                })
                .find(|o| o.is_ne())
                .unwrap_or_else(|| i.cmp(j))
        };
        let mut order: Vec<usize> = (0..total).collect();
        if end < order.len() {
            if end == 0 {
                order.clear();
            } else {
                order.select_nth_unstable_by(end - 1, by_keys);
                order.truncate(end);
            }
        }
        order.sort_unstable_by(by_keys);
        let page = order
            .get(start..)
            .unwrap_or_default()
            .iter()
            .map(|&i| hits[i])
            .collect();
        Ok((page, total))
    }

    /// `[start, end)` of the requested page among `total` sorted matches.
    fn page_bounds(&self, total: usize) -> (usize, usize) {
        let size: u64 = match self.page_size {
            None | Some(0) => return (0, total),
            Some(n) => u64::try_from(n).unwrap_or(1),
        };
        let page = self
            .current_page
            .and_then(|p| u64::try_from(p).ok())
            .filter(|&p| p > 0)
            .unwrap_or(1);
        let start = (page - 1).saturating_mul(size);
        let start = usize::try_from(start).unwrap_or(usize::MAX).min(total);
        let end = start
            .saturating_add(usize::try_from(size).unwrap_or(usize::MAX))
            .min(total);
        (start, end)
    }
}

impl Filter {
    fn echo(&self) -> Value {
        let mut out = Map::new();
        out.insert("field".into(), json!(self.field));
        let value = if self.condition_type.as_deref() == Some("fulltext") {
            Some(format!("%{}%", self.value.as_deref().unwrap_or("")))
        } else {
            self.value.clone()
        };
        out.insert("value".into(), json!(value));
        if let Some(ct) = &self.condition_type {
            out.insert("condition_type".into(), Value::String(ct.clone()));
        }
        Value::Object(out)
    }
}

/// Reads `searchCriteria` (or `search_criteria`) from a [`crate::phpquery`] query.
/// Missing (or JSON `null`): 400 `"%fieldName" is required` for `searchCriteria` when
/// `required`, an empty criteria otherwise.
pub fn from_query(query: &Value, required: bool) -> MResult<SearchCriteria> {
    let given = ["searchCriteria", "search_criteria"]
        .into_iter()
        .find_map(|k| query.get(k).filter(|v| !v.is_null()));
    match given {
        Some(v) => SearchCriteria::from_value(v),
        None if required => Err(MagentoError::required("searchCriteria")),
        None => Ok(SearchCriteria::default()),
    }
}

/// The search-results envelope: `{"items": [...], "search_criteria": echo,
/// "total_count": n}`.
pub fn result(items: Vec<Value>, criteria: &SearchCriteria, total: usize) -> Value {
    json!({
        "items": items,
        "search_criteria": criteria.echo(),
        "total_count": total,
    })
}

// ---------------------------------------------------------------------------
// Binding helpers

/// `SimpleDataObjectConverter::snakeCaseToUpperCamelCase`: `ucwords($key, '_')`
/// without the underscores.
fn property(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = true;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else {
            out.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        }
    }
    out
}

/// The pairs of a PHP array (a JSON object, or a JSON array keyed `"0"`, `"1"`…);
/// `None` for scalars and `null`.
fn entries(v: &Value) -> Option<Vec<(String, &Value)>> {
    match v {
        Value::Object(map) => Some(map.iter().map(|(k, v)| (k.clone(), v)).collect()),
        Value::Array(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        ),
        _ => None,
    }
}

/// PHP's `LogicException` for a property without getter: a 500 (developer-mode text).
fn unknown_property(property: &str, class: &str) -> MagentoError {
    MagentoError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        format!(
            "Property \"{property}\" does not have accessor method \"get{property}\" in class \"{class}\"."
        ),
    )
}

fn groups(v: &Value) -> MResult<Vec<FilterGroup>> {
    entries(v)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, g)| {
            let mut group = FilterGroup::default();
            for (key, value) in entries(g).unwrap_or_default() {
                match property(&key).as_str() {
                    "Filters" => {
                        group.filters = entries(value)
                            .unwrap_or_default()
                            .into_iter()
                            .map(|(_, f)| filter(f))
                            .collect::<MResult<_>>()?;
                    }
                    other => return Err(unknown_property(other, GROUP_CLASS)),
                }
            }
            Ok(group)
        })
        .collect()
}

fn filter(v: &Value) -> MResult<Filter> {
    let mut filter = Filter::default();
    for (key, value) in entries(v).unwrap_or_default() {
        match property(&key).as_str() {
            "Field" => filter.field = php_string(value, &key)?,
            "Value" => filter.value = php_string(value, &key)?,
            "ConditionType" => filter.condition_type = php_string(value, &key)?,
            other => return Err(unknown_property(other, FILTER_CLASS)),
        }
    }
    Ok(filter)
}

fn sort_orders(v: &Value) -> MResult<Option<Vec<SortOrder>>> {
    let Some(items) = entries(v) else {
        return Ok(None);
    };
    items
        .into_iter()
        .map(|(_, s)| {
            let mut sort = SortOrder::default();
            for (key, value) in entries(s).unwrap_or_default() {
                match property(&key).as_str() {
                    "Field" => sort.field = php_string(value, &key)?,
                    "Direction" => {
                        sort.direction = php_string(value, &key)?
                            .map(|d| d.to_ascii_uppercase())
                            .map(|d| {
                                if d == "ASC" || d == "DESC" {
                                    Ok(d)
                                } else {
                                    Err(MagentoError::bad_request(SORT_DIRECTION)
                                        .positional([json!("ASC"), json!("DESC")]))
                                }
                            })
                            .transpose()?;
                    }
                    other => return Err(unknown_property(other, SORT_CLASS)),
                }
            }
            Ok(sort)
        })
        .collect::<MResult<Vec<_>>>()
        .map(Some)
}

/// A `string` property as PHP's `settype` makes it.
fn php_string(v: &Value, key: &str) -> MResult<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => Ok(Some(if *b { "1" } else { "" }.to_owned())),
        Value::Number(n) => Ok(Some(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(u)) => u.to_string(),
            _ => number_text(n.as_f64().unwrap_or(0.0)),
        })),
        Value::Array(_) | Value::Object(_) => Err(input::type_error(key, v, "string")),
    }
}

/// An `int` property: `is_numeric` then `settype($v, 'int')`.
fn php_int(v: &Value, key: &str) -> MResult<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => Ok(Some(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i,
            (None, Some(_)) => i64::MAX,
            _ => n.as_f64().map_or(0, |f| f as i64),
        })),
        Value::String(s) => php_numeric_int(s)
            .map(Some)
            .ok_or_else(|| input::type_error(key, v, "int")),
        Value::Bool(b) => Err(input::type_error(
            key,
            &Value::String(if *b { "1" } else { "" }.to_owned()),
            "int",
        )),
        Value::Array(_) | Value::Object(_) => Err(input::type_error(key, v, "int")),
    }
}

fn is_php_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Length of the number at the start of `s` (`[+-]?(d+(.d*)?|.d+)([eE][+-]?d+)?`)
/// and whether it is an integer literal; `None` without digits.
fn number_prefix(s: &str) -> Option<(usize, bool)> {
    let b = s.as_bytes();
    let digits = |mut i: usize| {
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i > start)
    };
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let (after_int, has_int) = digits(i);
    i = after_int;
    let mut integer = true;
    let mut has_frac = false;
    if b.get(i) == Some(&b'.') {
        let (after_frac, frac) = digits(i + 1);
        if has_int || frac {
            i = after_frac;
            has_frac = frac;
            integer = false;
        }
    }
    if !has_int && !has_frac {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(b.get(i + 1), Some(b'+' | b'-')));
        let (after_exp, exp) = digits(i + 1 + sign);
        if exp {
            i = after_exp;
            integer = false;
        }
    }
    Some((i, integer))
}

/// PHP 8 `is_numeric` + `(int)`: blanks around, saturating.
fn php_numeric_int(s: &str) -> Option<i64> {
    let t = s.trim_matches(is_php_blank);
    let (len, integer) = number_prefix(t)?;
    if len != t.len() {
        return None;
    }
    if integer {
        Some(t.parse::<i128>().map_or_else(
            |_| {
                if t.starts_with('-') {
                    i64::MIN
                } else {
                    i64::MAX
                }
            },
            |i| i64::try_from(i).unwrap_or(if i < 0 { i64::MIN } else { i64::MAX }),
        ))
    } else {
        t.parse::<f64>().ok().map(|f| f as i64)
    }
}

// ---------------------------------------------------------------------------
// MySQL semantics

/// MySQL's string → number conversion: the numeric prefix after leading blanks, 0
/// without one.
fn mysql_number(s: &str) -> f64 {
    let t = s.trim_start_matches(is_php_blank);
    number_prefix(t)
        .and_then(|(len, _)| t.get(..len))
        .and_then(|p| p.parse::<f64>().ok())
        .unwrap_or(0.0)
}

/// `s` when it is entirely a number (blanks around allowed).
fn strict_number(s: &str) -> Option<f64> {
    let t = s.trim_matches(is_php_blank);
    match number_prefix(t) {
        Some((len, _)) if len == t.len() => t.parse::<f64>().ok(),
        _ => None,
    }
}

/// A number's decimal text (`10`, `2.5`).
fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Case folding of the `*_general_ci` collations (simple lower-casing).
fn fold(c: char) -> char {
    if c.is_ascii() {
        c.to_ascii_lowercase()
    } else {
        c.to_lowercase().next().unwrap_or(c)
    }
}

/// `collate(a).cmp(&collate(b))` without building either: ASCII bytes are folded in
/// place, the rest from the first non-ASCII byte on is folded by character.
fn collation_order(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_end_matches(' '), b.trim_end_matches(' '));
    let (x, y) = (a.as_bytes(), b.as_bytes());
    let mut i = 0;
    while let (Some(&p), Some(&q)) = (x.get(i), y.get(i)) {
        if !p.is_ascii() || !q.is_ascii() {
            break;
        }
        let o = p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase());
        if o.is_ne() {
            return o;
        }
        i += 1;
    }
    // Every byte before `i` is ASCII on both sides, so `i` is a character boundary.
    let (a, b) = (a.get(i..).unwrap_or(""), b.get(i..).unwrap_or(""));
    a.chars().map(fold).cmp(b.chars().map(fold))
}

/// `collate(a)` compared with an already collated `key`, without building the former
/// (ASCII bytes folded in place, as in [`collation_order`]).
fn collate_cmp(a: &str, key: &str) -> Ordering {
    let a = a.trim_end_matches(' ');
    let (x, y) = (a.as_bytes(), key.as_bytes());
    let mut i = 0;
    while let (Some(&p), Some(&q)) = (x.get(i), y.get(i)) {
        if !p.is_ascii() || !q.is_ascii() {
            break;
        }
        let o = p.to_ascii_lowercase().cmp(&q);
        if o.is_ne() {
            return o;
        }
        i += 1;
    }
    let (a, key) = (a.get(i..).unwrap_or(""), key.get(i..).unwrap_or(""));
    a.chars().map(fold).cmp(key.chars())
}

/// A filter value, with the forms the comparisons need worked out once per search
/// instead of once per row.
#[derive(Debug)]
struct Operand {
    /// The value when it is entirely a number.
    strict: Option<f64>,
    /// MySQL's numeric reading (the number prefix, else 0).
    loose: f64,
    /// The collation key.
    key: String,
}

impl Operand {
    fn new(text: String) -> Self {
        Self {
            strict: strict_number(&text),
            loose: mysql_number(&text),
            key: collate(&text),
        }
    }
}

/// The collation key: folded, trailing spaces dropped (PAD SPACE).
fn collate(s: &str) -> String {
    s.trim_end_matches(' ').chars().map(fold).collect()
}

/// `a <=> b` as MySQL compares a column with a string: as numbers when both are
/// entirely numbers, else by the collation.
fn str_cmp_op(a: &str, b: &Operand) -> Option<Ordering> {
    // Only a numeric value can make it a numeric comparison: skip reading the column
    // as a number otherwise.
    match b.strict.and_then(|y| Some((strict_number(a)?, y))) {
        Some((x, y)) => x.partial_cmp(&y),
        None => Some(collate_cmp(a, &b.key)),
    }
}

fn str_eq(a: &str, b: &Operand) -> bool {
    str_cmp_op(a, b) == Some(Ordering::Equal)
}

/// The column as SQL text (a list as its stored comma-joined text).
/// Runs `f` on the column's text, borrowing it where the column is text already.
fn with_text<R>(v: &Field<'_>, f: impl FnOnce(&str) -> R) -> R {
    match v {
        Field::Str(s) => f(s),
        other => f(&text(other)),
    }
}

fn text(v: &Field<'_>) -> String {
    match v {
        Field::Missing => String::new(),
        Field::Str(s) => s.to_string(),
        Field::Num(n) => number_text(*n),
        Field::List(items) => items.join(","),
    }
}

/// `column = value` (for a list: any element equals).
fn eq(v: &Field<'_>, value: &Operand) -> bool {
    match v {
        Field::Missing => false,
        Field::Num(n) => *n == value.loose,
        Field::Str(s) => str_eq(s, value),
        Field::List(items) => items.iter().any(|s| str_eq(s, value)),
    }
}

/// `column <=> value` for `gt`/`lt`/`gteq`/`lteq`; `None` for NULL.
fn compare(v: &Field<'_>, value: &Operand) -> Option<Ordering> {
    match v {
        Field::Missing => None,
        Field::Num(n) => n.partial_cmp(&value.loose),
        Field::Str(s) => str_cmp_op(s, value),
        Field::List(items) => str_cmp_op(&items.join(","), value),
    }
}

/// `FIND_IN_SET(value, column) > 0` for a non-NULL column.
fn find_in_set(v: &Field<'_>, value: &str) -> bool {
    if value.contains(',') {
        return false;
    }
    let key = collate(value);
    match v {
        Field::Missing => false,
        Field::List(items) => items.iter().any(|s| collate(s) == key),
        other => {
            let set = text(other);
            !set.is_empty() && set.split(',').any(|s| collate(s) == key)
        }
    }
}

/// `INET_NTOA(column)`; `None` (NULL) out of the IPv4 range.
fn inet_ntoa(v: &Field<'_>) -> Option<String> {
    let n = match v {
        Field::Missing => return None,
        Field::Num(n) => *n,
        other => mysql_number(&text(other)),
    }
    .round();
    if !(0.0..=f64::from(u32::MAX)).contains(&n) {
        return None;
    }
    let ip = n as u32;
    Some(std::net::Ipv4Addr::from(ip).to_string())
}

/// A compiled `LIKE` pattern: the runs of `_` and (folded) literals between its `%`s.
#[derive(Debug)]
struct Like {
    /// The runs; `segments.len() - 1` is the number of `%` (so there is always one).
    segments: Vec<Vec<LikeTok>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum LikeTok {
    One,
    Lit(char),
}

impl Like {
    fn new(pattern: &str) -> Self {
        let mut segments = vec![Vec::new()];
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            let tok = match c {
                '%' => {
                    segments.push(Vec::new());
                    continue;
                }
                '_' => LikeTok::One,
                '\\' => LikeTok::Lit(fold(chars.next().unwrap_or('\\'))),
                c => LikeTok::Lit(fold(c)),
            };
            if let Some(last) = segments.last_mut() {
                last.push(tok);
            }
        }
        Self { segments }
    }

    /// Whether the whole of `text` matches. ASCII text (the common case) is matched in
    /// place, folding byte by byte; other text is folded into a buffer first.
    fn matches(&self, text: &str) -> bool {
        if text.is_ascii() {
            self.matches_folded(text.as_bytes(), |b, c| {
                char::from(b.to_ascii_lowercase()) == c
            })
        } else {
            let folded: Vec<char> = text.chars().map(fold).collect();
            self.matches_folded(&folded, |t, c| t == c)
        }
    }

    /// [`Like::matches`] over the text's characters, `same(t, c)` telling whether text
    /// character `t` folds to `c`. The first run is anchored at the start, the last at
    /// the end, and each run between is taken at its leftmost place after the previous
    /// one (leftmost is never worse, since every `_` and literal takes exactly one
    /// character): linear in the text for each run.
    fn matches_folded<C: Copy>(&self, text: &[C], same: impl Fn(C, char) -> bool) -> bool {
        let at = |seg: &[LikeTok], pos: usize| {
            text.get(pos..pos + seg.len()).is_some_and(|t| {
                seg.iter().zip(t).all(|(tok, &c)| match tok {
                    LikeTok::One => true,
                    LikeTok::Lit(l) => same(c, *l),
                })
            })
        };
        let (first, rest) = match self.segments.split_first() {
            Some(split) => split,
            None => return text.is_empty(),
        };
        let Some((last, middle)) = rest.split_last() else {
            // No `%`: the whole text, one character per token.
            return text.len() == first.len() && at(first, 0);
        };
        if first.len() + last.len() > text.len()
            || !at(first, 0)
            || !at(last, text.len() - last.len())
        {
            return false;
        }
        let end = text.len() - last.len();
        let mut pos = first.len();
        for seg in middle {
            match (pos..)
                .take_while(|&p| p + seg.len() <= end)
                .find(|&p| at(seg, p))
            {
                Some(p) => pos = p + seg.len(),
                None => return false,
            }
        }
        true
    }
}

/// A filter compiled for evaluation.
#[derive(Debug)]
enum Test {
    Eq(Operand),
    Neq(Operand),
    In(Vec<Operand>),
    Nin(Vec<Operand>),
    Like(Like),
    Nlike(Like),
    Null,
    NotNull,
    Cmp(Operand, fn(Ordering) -> bool),
    Finset(String),
    Nfinset(String),
    Regexp(regexp::Regex),
    Ntoa(Like),
}

impl Test {
    fn compile(f: &Filter) -> MResult<Self> {
        // PDO quotes a PHP null as ''.
        let value = f.value.clone().unwrap_or_default();
        // `$filter->getConditionType() ?: 'eq'`: "" and "0" are falsy.
        let condition = f
            .condition_type
            .as_deref()
            .filter(|c| !c.is_empty() && *c != "0")
            .unwrap_or("eq");
        let split = |v: &str| v.split(',').map(|x| Operand::new(x.to_owned())).collect();
        Ok(match condition {
            "neq" => Test::Neq(Operand::new(value)),
            "like" => Test::Like(Like::new(&value)),
            "nlike" => Test::Nlike(Like::new(&value)),
            "fulltext" => Test::Like(Like::new(&format!("%{value}%"))),
            "in" => Test::In(split(&value)),
            "nin" => Test::Nin(split(&value)),
            "null" => Test::Null,
            "notnull" => Test::NotNull,
            "gt" => Test::Cmp(Operand::new(value), Ordering::is_gt),
            "lt" => Test::Cmp(Operand::new(value), Ordering::is_lt),
            "gteq" | "from" => Test::Cmp(Operand::new(value), Ordering::is_ge),
            "lteq" | "to" => Test::Cmp(Operand::new(value), Ordering::is_le),
            "finset" => Test::Finset(value),
            "nfinset" => Test::Nfinset(value),
            "seq" if value.is_empty() => Test::Null,
            "sneq" if value.is_empty() => Test::NotNull,
            "sneq" => Test::Neq(Operand::new(value)),
            "regexp" => Test::Regexp(regexp::Regex::new(&value)?),
            "ntoa" => Test::Ntoa(Like::new(&value)),
            "is" => return Err(sql_error(SQL_SYNTAX)),
            // `eq`, `seq` with a value, and every unknown type (see the module docs).
            _ => Test::Eq(Operand::new(value)),
        })
    }

    /// SQL truth of the condition for one column value (UNKNOWN counts as false).
    fn matches(&self, v: &Field<'_>) -> bool {
        if matches!(v, Field::Missing) {
            return matches!(self, Test::Null);
        }
        match self {
            Test::Null => false,
            Test::NotNull => true,
            Test::Eq(x) => eq(v, x),
            Test::Neq(x) => !eq(v, x),
            Test::In(xs) => xs.iter().any(|x| eq(v, x)),
            Test::Nin(xs) => !xs.iter().any(|x| eq(v, x)),
            Test::Like(p) => with_text(v, |t| p.matches(t)),
            Test::Nlike(p) => !with_text(v, |t| p.matches(t)),
            Test::Cmp(x, holds) => compare(v, x).is_some_and(holds),
            Test::Finset(x) => find_in_set(v, x),
            Test::Nfinset(x) => !find_in_set(v, x),
            Test::Regexp(r) => r.is_match(&text(v)),
            Test::Ntoa(p) => inet_ntoa(v).is_some_and(|ip| p.matches(&ip)),
        }
    }
}

const SQL_SYNTAX: &str = "SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use";
const SQL_REGEXP: &str =
    "SQLSTATE[HY000]: General error: 3685 Illegal argument to a regular expression.";

/// A database error: a 500 (developer-mode text; handlers mask it).
fn sql_error(message: &str) -> MagentoError {
    MagentoError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
}

/// A sort key in MySQL's `ORDER BY` order: NULL, numbers, strings (in collation
/// order, compared without building their collation keys).
#[derive(Debug, Clone)]
enum SortKey<'a> {
    Null,
    Num(f64),
    Text(Cow<'a, str>),
}

impl<'a> SortKey<'a> {
    fn of(v: Field<'a>) -> Self {
        match v {
            Field::Missing => SortKey::Null,
            Field::Num(n) => SortKey::Num(n),
            Field::Str(s) => SortKey::Text(s),
            Field::List(items) => SortKey::Text(Cow::Owned(items.join(","))),
        }
    }

    fn rank(&self) -> u8 {
        match self {
            SortKey::Null => 0,
            SortKey::Num(_) => 1,
            SortKey::Text(_) => 2,
        }
    }

    /// A total order (so sorting never sees an inconsistent comparator).
    fn order(&self, other: &Self) -> Ordering {
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => a.total_cmp(b),
            (SortKey::Text(a), SortKey::Text(b)) => collation_order(a, b),
            _ => self.rank().cmp(&other.rank()),
        }
    }
}

/// MySQL 8 `REGEXP` (ICU), the common subset, as a Pike VM: linear time, no recursion
/// while matching.
mod regexp {
    use super::{SQL_REGEXP, fold, sql_error};
    use crate::errors::MResult;

    /// Compiled programs larger than this are refused (as a too-complex pattern).
    const MAX_INSTS: usize = 20_000;
    /// Group nesting limit.
    const MAX_DEPTH: usize = 50;
    /// Largest `{m,n}` bound.
    const MAX_REPEAT: u32 = 1000;

    #[derive(Debug, Clone, Copy)]
    enum Item {
        Range(char, char),
        Digit,
        Word,
        Space,
        Alpha,
        Alnum,
        Upper,
        Lower,
        Punct,
        Xdigit,
        Not(&'static Item),
    }

    impl Item {
        fn has(&self, c: char) -> bool {
            match self {
                Item::Range(lo, hi) => (*lo..=*hi).contains(&c),
                Item::Digit => c.is_ascii_digit(),
                Item::Word => c.is_alphanumeric() || c == '_',
                Item::Space => c.is_whitespace(),
                Item::Alpha => c.is_alphabetic(),
                Item::Alnum => c.is_alphanumeric(),
                Item::Upper => c.is_uppercase(),
                Item::Lower => c.is_lowercase(),
                Item::Punct => c.is_ascii_punctuation(),
                Item::Xdigit => c.is_ascii_hexdigit(),
                Item::Not(inner) => !inner.has(c),
            }
        }
    }

    #[derive(Debug, Clone)]
    struct Class {
        negated: bool,
        items: Vec<Item>,
    }

    impl Class {
        fn has(&self, c: char) -> bool {
            let upper = c.to_uppercase().next().unwrap_or(c);
            let hit = self
                .items
                .iter()
                .any(|i| i.has(c) || i.has(fold(c)) || i.has(upper));
            hit != self.negated
        }
    }

    #[derive(Debug)]
    enum Ast {
        Char(char),
        Any,
        Class(Class),
        Bol,
        Eol,
        Cat(Vec<Ast>),
        Alt(Vec<Ast>),
        Rep(Box<Ast>, u32, Option<u32>),
    }

    #[derive(Debug, Clone)]
    enum Inst {
        Char(char),
        Any,
        Class(Class),
        Split(usize, usize),
        Jmp(usize),
        Bol,
        Eol,
        Match,
    }

    /// A compiled pattern.
    #[derive(Debug)]
    pub(super) struct Regex {
        prog: Vec<Inst>,
    }

    struct Parser {
        chars: Vec<char>,
        pos: usize,
        depth: usize,
    }

    type Parsed<T> = Result<T, ()>;

    static DIGIT: Item = Item::Digit;
    static WORD: Item = Item::Word;
    static SPACE: Item = Item::Space;

    impl Parser {
        fn peek(&self) -> Option<char> {
            self.chars.get(self.pos).copied()
        }

        fn next(&mut self) -> Parsed<char> {
            let c = self.peek().ok_or(())?;
            self.pos += 1;
            Ok(c)
        }

        fn alt(&mut self) -> Parsed<Ast> {
            let mut branches = vec![self.seq()?];
            while self.peek() == Some('|') {
                self.pos += 1;
                branches.push(self.seq()?);
            }
            Ok(if branches.len() == 1 {
                branches.pop().ok_or(())?
            } else {
                Ast::Alt(branches)
            })
        }

        fn seq(&mut self) -> Parsed<Ast> {
            let mut items = Vec::new();
            while let Some(c) = self.peek() {
                if c == '|' || c == ')' {
                    break;
                }
                let atom = self.atom()?;
                items.push(self.quantified(atom)?);
            }
            Ok(Ast::Cat(items))
        }

        fn atom(&mut self) -> Parsed<Ast> {
            match self.next()? {
                '(' => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(());
                    }
                    if self.peek() == Some('?') {
                        self.pos += 1;
                        if self.next()? != ':' {
                            return Err(());
                        }
                    }
                    let inner = self.alt()?;
                    if self.next()? != ')' {
                        return Err(());
                    }
                    self.depth -= 1;
                    Ok(inner)
                }
                '[' => self.class().map(Ast::Class),
                '.' => Ok(Ast::Any),
                '^' => Ok(Ast::Bol),
                '$' => Ok(Ast::Eol),
                '\\' => self.escape(),
                '*' | '+' | '?' | '{' => Err(()),
                c => Ok(Ast::Char(fold(c))),
            }
        }

        fn escape(&mut self) -> Parsed<Ast> {
            let class = |negated, item| {
                Ok(Ast::Class(Class {
                    negated,
                    items: vec![item],
                }))
            };
            match self.next()? {
                'd' => class(false, Item::Digit),
                'D' => class(true, Item::Digit),
                'w' => class(false, Item::Word),
                'W' => class(true, Item::Word),
                's' => class(false, Item::Space),
                'S' => class(true, Item::Space),
                'n' => Ok(Ast::Char('\n')),
                't' => Ok(Ast::Char('\t')),
                'r' => Ok(Ast::Char('\r')),
                c if c.is_ascii_alphanumeric() => Err(()),
                c => Ok(Ast::Char(fold(c))),
            }
        }

        fn class(&mut self) -> Parsed<Class> {
            let negated = self.peek() == Some('^');
            if negated {
                self.pos += 1;
            }
            let mut items = Vec::new();
            let mut first = true;
            loop {
                let c = self.next()?;
                match c {
                    ']' if !first => break,
                    '[' if self.peek() == Some(':') => {
                        let rest: String = self.chars[self.pos..].iter().collect();
                        let end = rest.get(1..).and_then(|r| r.find(":]")).ok_or(())? + 1;
                        let name = &rest[1..end];
                        self.pos += rest[..end + 2].chars().count();
                        items.push(match name {
                            "alpha" => Item::Alpha,
                            "digit" => Item::Digit,
                            "alnum" => Item::Alnum,
                            "space" => Item::Space,
                            "upper" => Item::Upper,
                            "lower" => Item::Lower,
                            "punct" => Item::Punct,
                            "xdigit" => Item::Xdigit,
                            _ => return Err(()),
                        });
                    }
                    '\\' => items.push(match self.next()? {
                        'd' => Item::Digit,
                        'D' => Item::Not(&DIGIT),
                        'w' => Item::Word,
                        'W' => Item::Not(&WORD),
                        's' => Item::Space,
                        'S' => Item::Not(&SPACE),
                        'n' => Item::Range('\n', '\n'),
                        't' => Item::Range('\t', '\t'),
                        'r' => Item::Range('\r', '\r'),
                        e if e.is_ascii_alphanumeric() => return Err(()),
                        e => Item::Range(e, e),
                    }),
                    lo => {
                        let is_range = self.peek() == Some('-')
                            && self.chars.get(self.pos + 1).is_some_and(|&h| h != ']');
                        if is_range {
                            self.pos += 1;
                            let hi = self.next()?;
                            if hi < lo {
                                return Err(());
                            }
                            items.push(Item::Range(lo, hi));
                        } else {
                            items.push(Item::Range(lo, lo));
                        }
                    }
                }
                first = false;
            }
            Ok(Class { negated, items })
        }

        fn quantified(&mut self, mut atom: Ast) -> Parsed<Ast> {
            let mut stacked = 0;
            loop {
                let (min, max) = match self.peek() {
                    Some('*') => {
                        self.pos += 1;
                        (0, None)
                    }
                    Some('+') => {
                        self.pos += 1;
                        (1, None)
                    }
                    Some('?') => {
                        self.pos += 1;
                        (0, Some(1))
                    }
                    Some('{') => {
                        self.pos += 1;
                        self.interval()?
                    }
                    _ => return Ok(atom),
                };
                stacked += 1;
                if stacked > 3 {
                    return Err(());
                }
                atom = Ast::Rep(Box::new(atom), min, max);
            }
        }

        fn number(&mut self) -> Option<u32> {
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            digits.parse().ok()
        }

        fn interval(&mut self) -> Parsed<(u32, Option<u32>)> {
            let min = self.number().ok_or(())?;
            let max = if self.peek() == Some(',') {
                self.pos += 1;
                self.number()
            } else {
                Some(min)
            };
            if self.next()? != '}'
                || min > MAX_REPEAT
                || max.is_some_and(|m| m < min || m > MAX_REPEAT)
            {
                return Err(());
            }
            Ok((min, max))
        }
    }

    fn emit(ast: &Ast, prog: &mut Vec<Inst>) -> Parsed<()> {
        if prog.len() > MAX_INSTS {
            return Err(());
        }
        match ast {
            Ast::Char(c) => prog.push(Inst::Char(*c)),
            Ast::Any => prog.push(Inst::Any),
            Ast::Class(c) => prog.push(Inst::Class(c.clone())),
            Ast::Bol => prog.push(Inst::Bol),
            Ast::Eol => prog.push(Inst::Eol),
            Ast::Cat(items) => {
                for item in items {
                    emit(item, prog)?;
                }
            }
            Ast::Alt(branches) => {
                let mut jumps = Vec::new();
                for (i, branch) in branches.iter().enumerate() {
                    if i + 1 < branches.len() {
                        let split = prog.len();
                        prog.push(Inst::Split(split + 1, 0));
                        emit(branch, prog)?;
                        jumps.push(prog.len());
                        prog.push(Inst::Jmp(0));
                        prog[split] = Inst::Split(split + 1, prog.len());
                    } else {
                        emit(branch, prog)?;
                    }
                }
                let end = prog.len();
                for j in jumps {
                    prog[j] = Inst::Jmp(end);
                }
            }
            Ast::Rep(inner, min, max) => {
                for _ in 0..*min {
                    emit(inner, prog)?;
                }
                match max {
                    None => {
                        let split = prog.len();
                        prog.push(Inst::Split(split + 1, 0));
                        emit(inner, prog)?;
                        prog.push(Inst::Jmp(split));
                        prog[split] = Inst::Split(split + 1, prog.len());
                    }
                    Some(max) => {
                        let mut splits = Vec::new();
                        for _ in *min..*max {
                            splits.push(prog.len());
                            prog.push(Inst::Split(prog.len() + 1, 0));
                            emit(inner, prog)?;
                        }
                        let end = prog.len();
                        for s in splits {
                            prog[s] = Inst::Split(s + 1, end);
                        }
                    }
                }
            }
        }
        if prog.len() > MAX_INSTS {
            return Err(());
        }
        Ok(())
    }

    impl Regex {
        /// Compiles `pattern`; an empty or unsupported pattern is MySQL's error 3685.
        pub(super) fn new(pattern: &str) -> MResult<Self> {
            let compile = || -> Parsed<Vec<Inst>> {
                let mut parser = Parser {
                    chars: pattern.chars().collect(),
                    pos: 0,
                    depth: 0,
                };
                if parser.chars.is_empty() {
                    return Err(());
                }
                let ast = parser.alt()?;
                if parser.pos != parser.chars.len() {
                    return Err(()); // an unmatched ')'
                }
                let mut prog = Vec::new();
                emit(&ast, &mut prog)?;
                prog.push(Inst::Match);
                Ok(prog)
            };
            compile()
                .map(|prog| Self { prog })
                .map_err(|()| sql_error(SQL_REGEXP))
        }

        /// Adds the thread at `pc` and its ε-closure at position `at`; true once the
        /// closure reaches `Match`.
        fn add(
            &self,
            list: &mut Vec<usize>,
            seen: &mut [usize],
            pc: usize,
            at: usize,
            len: usize,
        ) -> bool {
            let mut stack = vec![pc];
            while let Some(pc) = stack.pop() {
                let Some(inst) = self.prog.get(pc) else {
                    continue;
                };
                if seen[pc] == at {
                    continue;
                }
                seen[pc] = at;
                match inst {
                    Inst::Match => return true,
                    Inst::Jmp(t) => stack.push(*t),
                    Inst::Split(a, b) => {
                        stack.push(*b);
                        stack.push(*a);
                    }
                    Inst::Bol => {
                        if at == 0 {
                            stack.push(pc + 1);
                        }
                    }
                    Inst::Eol => {
                        if at == len {
                            stack.push(pc + 1);
                        }
                    }
                    Inst::Char(_) | Inst::Any | Inst::Class(_) => list.push(pc),
                }
            }
            false
        }

        /// Whether the pattern matches anywhere in `text`.
        pub(super) fn is_match(&self, text: &str) -> bool {
            let chars: Vec<char> = text.chars().collect();
            let len = chars.len();
            let mut seen = vec![usize::MAX; self.prog.len()];
            let mut current = Vec::new();
            for at in 0..=len {
                if self.add(&mut current, &mut seen, 0, at, len) {
                    return true;
                }
                let Some(&c) = chars.get(at) else {
                    break;
                };
                let mut next = Vec::new();
                for &pc in &current {
                    let step = match &self.prog[pc] {
                        Inst::Char(x) => fold(c) == *x,
                        Inst::Any => c != '\n' && c != '\r',
                        Inst::Class(class) => class.has(c),
                        _ => false,
                    };
                    if step && self.add(&mut next, &mut seen, pc + 1, at + 1, len) {
                        return true;
                    }
                }
                current = next;
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::phpquery::parse_query;

    fn criteria(query: &str) -> SearchCriteria {
        from_query(&parse_query(query), true).unwrap()
    }

    #[derive(Debug)]
    struct Row {
        sku: &'static str,
        price: Option<f64>,
        name: Option<&'static str>,
        tags: Vec<&'static str>,
    }

    fn rows() -> Vec<Row> {
        vec![
            Row {
                sku: "WS12-M",
                price: Some(22.0),
                name: Some("Radiant Tee"),
                tags: vec!["11", "12"],
            },
            Row {
                sku: "ws12-l",
                price: Some(22.5),
                name: Some("radiant tee "),
                tags: vec!["12"],
            },
            Row {
                sku: "MH01",
                price: Some(52.0),
                name: None,
                tags: vec![],
            },
            Row {
                sku: "24-MB01",
                price: None,
                name: Some("Joust_Duffle 100%"),
                tags: vec!["3"],
            },
            Row {
                sku: "10",
                price: Some(0.0),
                name: Some("9"),
                tags: vec!["1,2"],
            },
        ]
    }

    fn column<'a>(r: &'a Row, f: &str) -> Field<'a> {
        match f {
            "sku" => Field::text(r.sku),
            "price" => r.price.map_or(Field::Missing, Field::Num),
            "name" => r.name.map_or(Field::Missing, Field::text),
            "tags" => Field::List(r.tags.iter().map(|t| (*t).to_owned()).collect()),
            _ => Field::Missing,
        }
    }

    /// SKUs matched by one filter `field <ct> value` (ct omitted when `None`).
    fn skus(field: &str, ct: Option<&str>, value: &str) -> Vec<&'static str> {
        let c = SearchCriteria {
            filter_groups: vec![FilterGroup {
                filters: vec![Filter {
                    field: Some(field.to_owned()),
                    value: Some(value.to_owned()),
                    condition_type: ct.map(str::to_owned),
                }],
            }],
            ..SearchCriteria::default()
        };
        let rows = rows();
        let (page, _) = c.apply(&rows, column).unwrap();
        page.into_iter().map(|r| r.sku).collect()
    }

    fn query_skus(query: &str) -> (Vec<&'static str>, usize) {
        let rows = rows();
        let (page, total) = criteria(query).apply(&rows, column).unwrap();
        (page.into_iter().map(|r| r.sku).collect(), total)
    }

    // --- the seed ------------------------------------------------------------

    #[test]
    fn echo_of_the_seed_links_search() {
        let c = criteria(
            "searchCriteria[filter_groups][0][filters][0][field]=stock_id&searchCriteria[filter_groups][0][filters][0][value]=1,2&searchCriteria[filter_groups][0][filters][0][condition_type]=in",
        );
        assert_eq!(
            c.echo().to_string(),
            r#"{"filter_groups":[{"filters":[{"field":"stock_id","value":"1,2","condition_type":"in"}]}]}"#
        );
        let links = [(1.0, "default"), (2.0, "ua"), (2.0, "us"), (3.0, "x")];
        let (page, total) = c
            .apply(&links, |l, f| match f {
                "stock_id" => Field::Num(l.0),
                _ => Field::Missing,
            })
            .unwrap();
        assert_eq!(total, 3);
        assert_eq!(page.len(), 3);
        assert_eq!(
            result(vec![], &c, total).to_string(),
            r#"{"items":[],"search_criteria":{"filter_groups":[{"filters":[{"field":"stock_id","value":"1,2","condition_type":"in"}]}]},"total_count":3}"#
        );
    }

    #[test]
    fn echo_of_the_seed_products_search_in_camel_case() {
        let c = criteria(
            "searchCriteria[pageSize]=1&searchCriteria[currentPage]=1&searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=test-001&searchCriteria[filterGroups][0][filters][0][condition_type]=eq",
        );
        assert_eq!(
            result(vec![], &c, 0).to_string(),
            r#"{"items":[],"search_criteria":{"filter_groups":[{"filters":[{"field":"sku","value":"test-001","condition_type":"eq"}]}],"page_size":1,"current_page":1},"total_count":0}"#
        );
    }

    #[test]
    fn trivial_and_missing_criteria() {
        for q in [
            "searchCriteria=0",
            "searchCriteria=",
            "search_criteria=1",
            "searchCriteria[]",
        ] {
            let c = from_query(&parse_query(q), true);
            if q == "searchCriteria[]" {
                // `searchCriteria[]` is the array ["" ] → property "0": no getter.
                assert_eq!(c.unwrap_err().status, StatusCode::INTERNAL_SERVER_ERROR);
                continue;
            }
            let c = c.unwrap();
            assert_eq!(c, SearchCriteria::default());
            assert_eq!(c.echo().to_string(), r#"{"filter_groups":[]}"#);
        }
        assert_eq!(
            from_query(&parse_query("foo=1"), true).unwrap_err().body(),
            json!({"message": "\"%fieldName\" is required. Enter and try again.",
                   "parameters": {"fieldName": "searchCriteria"}})
        );
        assert_eq!(
            from_query(&parse_query("foo=1"), false).unwrap(),
            SearchCriteria::default()
        );
        assert_eq!(
            from_query(&json!({"searchCriteria": null}), false).unwrap(),
            SearchCriteria::default()
        );
        let (page, total) = query_skus("searchCriteria=0");
        assert_eq!((page.len(), total), (5, 5));
    }

    // --- binding -------------------------------------------------------------

    #[test]
    fn every_key_under_both_spellings() {
        let snake = criteria(
            "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=x&searchCriteria[filter_groups][0][filters][0][condition_type]=like&searchCriteria[sort_orders][0][field]=price&searchCriteria[sort_orders][0][direction]=asc&searchCriteria[page_size]=2&searchCriteria[current_page]=3",
        );
        let camel = criteria(
            "searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=x&searchCriteria[filterGroups][0][filters][0][conditionType]=like&searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=asc&searchCriteria[pageSize]=2&searchCriteria[currentPage]=3",
        );
        assert_eq!(snake, camel);
        assert_eq!(snake.page_size, Some(2));
        assert_eq!(snake.current_page, Some(3));
        assert_eq!(
            snake.echo(),
            json!({
                "filter_groups": [{"filters": [{"field": "sku", "value": "x", "condition_type": "like"}]}],
                "sort_orders": [{"field": "price", "direction": "ASC"}],
                "page_size": 2,
                "current_page": 3
            })
        );
        // ucwords spellings: `Page_Size`, `page__size` work; `pagesize` does not.
        assert_eq!(criteria("searchCriteria[Page_Size]=4").page_size, Some(4));
        assert_eq!(criteria("searchCriteria[page__size]=4").page_size, Some(4));
        let err = from_query(&parse_query("searchCriteria[pagesize]=4"), true).unwrap_err();
        assert_eq!(err.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            err.message,
            "Property \"Pagesize\" does not have accessor method \"getPagesize\" in class \"Magento\\Framework\\Api\\SearchCriteriaInterface\"."
        );
        // The later spelling wins.
        assert_eq!(
            criteria("searchCriteria[pageSize]=4&searchCriteria[page_size]=5").page_size,
            Some(5)
        );
    }

    #[test]
    fn json_bodies_bind_too() {
        let body = json!({"searchCriteria": {
            "filterGroups": [{"filters": [{"field": "price", "value": 22, "conditionType": "gt"}]}],
            "sortOrders": [{"field": "sku", "direction": "desc"}],
            "pageSize": 10.7,
            "currentPage": "1"
        }});
        let c = from_query(&body, true).unwrap();
        assert_eq!(c.filter_groups[0].filters[0].value.as_deref(), Some("22"));
        assert_eq!(c.page_size, Some(10));
        assert_eq!(c.current_page, Some(1));
        assert_eq!(
            c.sort_orders.as_ref().unwrap()[0].direction.as_deref(),
            Some("DESC")
        );
        let value = |v: Value| {
            from_query(
                &json!({"searchCriteria": {"filter_groups": [{"filters": [{"value": v}]}]}}),
                true,
            )
            .map(|c| c.filter_groups[0].filters[0].value.clone())
        };
        assert_eq!(value(json!(true)).unwrap().as_deref(), Some("1"));
        assert_eq!(value(json!(false)).unwrap().as_deref(), Some(""));
        assert_eq!(value(json!(2.5)).unwrap().as_deref(), Some("2.5"));
        assert_eq!(value(json!(null)).unwrap(), None);
        assert_eq!(
            value(json!(["a"])).unwrap_err().body(),
            json!({"message": "Error occurred during \"value\" processing. The \"array\" value's type is invalid. The \"string\" type was expected. Verify and try again."})
        );
    }

    #[test]
    fn non_integer_page_numbers_are_type_errors() {
        let err = from_query(&parse_query("searchCriteria[pageSize]=abc"), true).unwrap_err();
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(
            err.body(),
            json!({"message": "Error occurred during \"pageSize\" processing. The \"abc\" value's type is invalid. The \"int\" type was expected. Verify and try again."})
        );
        let err = from_query(&parse_query("searchCriteria[current_page]="), true).unwrap_err();
        assert!(
            err.message
                .starts_with("Error occurred during \"current_page\" processing. The \"\" value's")
        );
        let err = from_query(&parse_query("searchCriteria[pageSize][]=1"), true).unwrap_err();
        assert!(
            err.message
                .contains("The \"array\" value's type is invalid. The \"int\" type")
        );
        let err = from_query(&json!({"searchCriteria": {"pageSize": true}}), true).unwrap_err();
        assert!(err.message.contains("The \"1\" value's type is invalid"));
        for (raw, want) in [
            (" 5", 5),
            ("5 ", 5),
            ("+5", 5),
            ("2.9", 2),
            ("-2.9", -2),
            ("1e2", 100),
            (".5", 0),
            ("-3", -3),
            ("99999999999999999999", i64::MAX),
            ("-99999999999999999999", i64::MIN),
            ("1e300", i64::MAX),
        ] {
            assert_eq!(
                criteria(&format!(
                    "searchCriteria[pageSize]={}",
                    raw.replace('+', "%2B")
                ))
                .page_size,
                Some(want),
                "{raw}"
            );
        }
        for bad in ["0x1A", "1,5", "1.2.3", "e5", ".", "-", "5a", "1e"] {
            assert!(
                from_query(
                    &parse_query(&format!("searchCriteria[pageSize]={bad}")),
                    true
                )
                .is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn sort_directions() {
        let dir = |d: &str| {
            from_query(&parse_query(&format!("searchCriteria[sortOrders][0][field]=sku&searchCriteria[sortOrders][0][direction]={d}")), true)
                .map(|c| c.sort_orders.unwrap()[0].direction.clone())
        };
        assert_eq!(dir("asc").unwrap().as_deref(), Some("ASC"));
        assert_eq!(dir("Desc").unwrap().as_deref(), Some("DESC"));
        for bad in ["up", "+asc", "ascending", ""] {
            assert_eq!(
                dir(bad).unwrap_err().body(),
                json!({"message": SORT_DIRECTION, "parameters": ["ASC", "DESC"]}),
                "{bad}"
            );
        }
    }

    #[test]
    fn unknown_properties_are_500s_at_every_level() {
        for (q, class, prop) in [
            ("searchCriteria[foo]=1", CRITERIA_CLASS, "Foo"),
            (
                "searchCriteria[filter_groups][0][bar]=1",
                GROUP_CLASS,
                "Bar",
            ),
            (
                "searchCriteria[filter_groups][0][filters][0][condition]=eq",
                FILTER_CLASS,
                "Condition",
            ),
            ("searchCriteria[sort_orders][0][dir]=ASC", SORT_CLASS, "Dir"),
        ] {
            let err = from_query(&parse_query(q), true).unwrap_err();
            assert_eq!(err.status, StatusCode::INTERNAL_SERVER_ERROR);
            assert_eq!(
                err.message,
                format!(
                    "Property \"{prop}\" does not have accessor method \"get{prop}\" in class \"{class}\"."
                )
            );
        }
    }

    #[test]
    fn scalars_where_arrays_are_expected() {
        let c = criteria("searchCriteria[filter_groups]=x&searchCriteria[sort_orders]=y");
        assert_eq!(c.echo(), json!({"filter_groups": []}));
        let c = criteria(
            "searchCriteria[filter_groups][0]=x&searchCriteria[filter_groups][1][filters]=y&searchCriteria[filter_groups][2][filters][0]=z&searchCriteria[sort_orders][0]=w",
        );
        assert_eq!(
            c.echo(),
            json!({
                "filter_groups": [
                    {"filters": []},
                    {"filters": []},
                    {"filters": [{"field": null, "value": null}]}
                ],
                "sort_orders": [{"field": null, "direction": null}]
            })
        );
        // Empty groups do not filter; a filter without field or value matches
        // nothing here (column "" is NULL).
        let rows = rows();
        let (page, total) = c.apply(&rows, column).unwrap();
        assert_eq!((page.len(), total), (0, 0));
        let c = criteria("searchCriteria[filter_groups][0]=x&searchCriteria[sort_orders][0]=w");
        assert_eq!(c.apply(&rows, column).unwrap().1, 5);
    }

    #[test]
    fn echo_omits_only_nullable_parts() {
        let c = criteria(
            "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[sort_orders][0][field]=sku&searchCriteria[current_page]=-2",
        );
        assert_eq!(
            c.echo().to_string(),
            r#"{"filter_groups":[{"filters":[{"field":"sku","value":null}]}],"sort_orders":[{"field":"sku","direction":null}],"current_page":-2}"#
        );
        let c = criteria(
            "searchCriteria[filter_groups][0][filters][0][value]=tee&searchCriteria[filter_groups][0][filters][0][field]=name&searchCriteria[filter_groups][0][filters][0][condition_type]=fulltext",
        );
        assert_eq!(
            c.echo(),
            json!({"filter_groups": [{"filters": [{"field": "name", "value": "%tee%", "condition_type": "fulltext"}]}]})
        );
    }

    // --- condition types -----------------------------------------------------

    #[test]
    fn eq_is_the_default_and_case_and_trailing_space_insensitive() {
        assert_eq!(skus("sku", None, "ws12-m"), ["WS12-M"]);
        assert_eq!(skus("sku", Some("eq"), "WS12-M  "), ["WS12-M"]);
        assert_eq!(skus("sku", Some(""), "mh01"), ["MH01"]);
        assert_eq!(skus("sku", Some("0"), "mh01"), ["MH01"]);
        assert_eq!(skus("sku", Some("eq"), " mh01"), Vec::<&str>::new());
        assert_eq!(
            skus("name", Some("eq"), "RADIANT TEE"),
            ["WS12-M", "ws12-l"]
        );
        // Numbers: MySQL's conversion of the operand.
        assert_eq!(skus("price", Some("eq"), "22"), ["WS12-M"]);
        assert_eq!(skus("price", Some("eq"), "22.50"), ["ws12-l"]);
        assert_eq!(skus("price", Some("eq"), "abc"), ["10"]);
        assert_eq!(skus("price", Some("eq"), " 52,5"), ["MH01"]);
        // Numeric strings compare as numbers.
        assert_eq!(skus("sku", Some("eq"), "10.0"), ["10"]);
        assert_eq!(skus("name", Some("eq"), "9e0"), ["10"]);
        // A missing value is '', which MySQL compares with a number as 0.
        let c = criteria("searchCriteria[filter_groups][0][filters][0][field]=price");
        assert_eq!(c.apply(&rows(), column).unwrap().1, 1);
        let c = criteria("searchCriteria[filter_groups][0][filters][0][field]=name");
        assert_eq!(c.apply(&rows(), column).unwrap().1, 0);
        let c = criteria(
            "searchCriteria[filter_groups][0][filters][0][field]=price&searchCriteria[filter_groups][0][filters][0][condition_type]=lteq",
        );
        assert_eq!(c.apply(&rows(), column).unwrap().1, 1);
    }

    #[test]
    fn neq_never_matches_null() {
        assert_eq!(skus("name", Some("neq"), "radiant tee"), ["24-MB01", "10"]);
        assert_eq!(skus("price", Some("neq"), "22"), ["ws12-l", "MH01", "10"]);
    }

    #[test]
    fn like_and_nlike() {
        assert_eq!(skus("sku", Some("like"), "ws12%"), ["WS12-M", "ws12-l"]);
        assert_eq!(skus("sku", Some("like"), "ws12"), Vec::<&str>::new());
        assert_eq!(skus("sku", Some("like"), "_H01"), ["MH01"]);
        assert_eq!(
            skus("sku", Some("like"), "%-%"),
            ["WS12-M", "ws12-l", "24-MB01"]
        );
        assert_eq!(skus("name", Some("like"), "%\\_%"), ["24-MB01"]);
        assert_eq!(skus("name", Some("like"), "%100\\%"), ["24-MB01"]);
        assert_eq!(skus("name", Some("like"), "%tee"), ["WS12-M"]);
        assert_eq!(skus("name", Some("like"), "%tee_"), ["ws12-l"]);
        assert_eq!(skus("price", Some("like"), "22%"), ["WS12-M", "ws12-l"]);
        assert_eq!(skus("price", Some("like"), "22.5"), ["ws12-l"]);
        assert_eq!(skus("tags", Some("like"), "11,%"), ["WS12-M"]);
        assert_eq!(skus("name", Some("nlike"), "radiant%"), ["24-MB01", "10"]);
        assert_eq!(skus("name", Some("fulltext"), "DUFF"), ["24-MB01"]);
        assert!(Like::new("a\\").matches("A\\"));
        assert!(Like::new("%a%b%c").matches("xxaxxbxxbxc"));
        assert!(!Like::new("%a%b%c").matches("xxaxxbxxbxcd"));
        assert!(Like::new("").matches(""));
        assert!(!Like::new("").matches("x"));
        assert!(Like::new("%%").matches(""));
    }

    /// Texts and patterns for the LIKE and collation checks: ASCII and not, trailing
    /// spaces, a character whose lower case is ASCII (KELVIN SIGN), one whose lower
    /// case is longer (İ), wildcards and escapes in the text.
    const TEXTS: &[&str] = &[
        "",
        " ",
        "a",
        "A ",
        "Blue Tee 12",
        "blue tee 12  ",
        "ÉTÉ bleu",
        "été",
        "Été",
        "ete",
        "\u{212A}elvin",
        "kelvin",
        "İstanbul",
        "istanbul",
        "a_b%c\\",
        "xxaxxbxxbxc",
        "Zoë",
        "zoe",
    ];
    const PATTERNS: &[&str] = &[
        "",
        "%",
        "%%",
        "_",
        "__",
        "%_",
        "_%_",
        "%blue%",
        "BLUE%",
        "%12",
        "%12 ",
        "%12%",
        "%été%",
        "%É_É%",
        "_t_",
        "k%",
        "%\u{212A}%",
        "i%",
        "_stanbul",
        "%\\%%",
        "%\\_%",
        "a\\",
        "%\\\\",
        "%a%b%c",
        "%a%b%c%",
        "%x%x%",
        "zo_",
        "%Ë",
    ];

    /// LIKE by backtracking over folded characters: the definition, slowly.
    fn naive_like(text: &[char], pattern: &[Option<Option<char>>]) -> bool {
        // `None` is `%`, `Some(None)` is `_`, `Some(Some(c))` a literal.
        match pattern.split_first() {
            None => text.is_empty(),
            Some((None, rest)) => (0..=text.len()).any(|i| naive_like(&text[i..], rest)),
            Some((Some(tok), rest)) => text
                .split_first()
                .is_some_and(|(c, t)| tok.is_none_or(|l| l == *c) && naive_like(t, rest)),
        }
    }

    fn naive_tokens(pattern: &str) -> Vec<Option<Option<char>>> {
        let mut out = Vec::new();
        let mut chars = pattern.chars();
        while let Some(c) = chars.next() {
            out.push(match c {
                '%' => None,
                '_' => Some(None),
                '\\' => Some(Some(fold(chars.next().unwrap_or('\\')))),
                c => Some(Some(fold(c))),
            });
        }
        out
    }

    #[test]
    fn like_agrees_with_a_backtracking_reference() {
        let mut hits = 0;
        for pattern in PATTERNS {
            let like = Like::new(pattern);
            let tokens = naive_tokens(pattern);
            for text in TEXTS {
                let folded: Vec<char> = text.chars().map(fold).collect();
                let expected = naive_like(&folded, &tokens);
                assert_eq!(like.matches(text), expected, "{text:?} LIKE {pattern:?}");
                hits += usize::from(expected);
            }
        }
        assert!(hits > 50, "the table exercises matches too ({hits})");
        // Non-ASCII text is matched by character, case-insensitively.
        assert!(Like::new("%été%").matches("ÉTÉ bleu"));
        assert!(Like::new("_t_").matches("été"));
        assert!(!Like::new("__").matches("é"));
        assert!(Like::new("%\\\\").matches("a_b%c\\"));
    }

    #[test]
    fn collation_order_is_the_order_of_collation_keys() {
        let mut unequal = 0;
        for a in TEXTS.iter().chain(PATTERNS) {
            for b in TEXTS.iter().chain(PATTERNS) {
                let expected = collate(a).cmp(&collate(b));
                assert_eq!(collation_order(a, b), expected, "{a:?} vs {b:?}");
                assert_eq!(collate_cmp(a, &collate(b)), expected, "{a:?} vs key {b:?}");
                unequal += usize::from(expected.is_ne());
            }
        }
        assert!(unequal > 100);
        assert_eq!(collation_order("été ", "ÉTÉ"), Ordering::Equal);
        assert_eq!(collation_order("Zoë", "zoe"), Ordering::Greater);
        assert_eq!(collation_order("a", "A "), Ordering::Equal);
        assert_eq!(collation_order("ab", "a"), Ordering::Greater);
    }

    #[test]
    fn non_ascii_text_sorts_and_filters_by_collation() {
        let names = [
            "Zoë",
            "été",
            "zoe",
            "Ete",
            "ÉTÉ ",
            "eta",
            "Émile",
            "\u{212A}elvin",
            "kelvin",
        ];
        let rows: Vec<&str> = names.to_vec();
        let c = criteria(
            "searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=ASC&searchCriteria[pageSize]=4&searchCriteria[currentPage]=2",
        );
        let (page, total) = c.apply(&rows, |n, _| Field::text(n)).unwrap();
        assert_eq!(total, names.len());
        // eta, ete, kelvin, kelvin (KELVIN SIGN folds to k; ties keep row order), zoe,
        // zoë, émile, été, été.
        assert_eq!(page, [&"zoe", &"Zoë", &"Émile", &"été"]);
        let mut reference = rows.clone();
        reference.sort_by_key(|n| collate(n));
        let (all, _) = criteria(
            "searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=ASC",
        )
        .apply(&rows, |n, _| Field::text(n))
        .unwrap();
        assert_eq!(all.into_iter().copied().collect::<Vec<_>>(), reference);
        let (hits, total) = criteria(
            "searchCriteria[filter_groups][0][filters][0][field]=name&searchCriteria[filter_groups][0][filters][0][value]=%25T%C3%89%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like",
        )
        .apply(&rows, |n, _| Field::text(n))
        .unwrap();
        assert_eq!((hits, total), (vec![&"été", &"ÉTÉ "], 2));
    }

    #[test]
    fn in_and_nin_split_without_trimming() {
        assert_eq!(skus("sku", Some("in"), "mh01,10"), ["MH01", "10"]);
        assert_eq!(skus("sku", Some("in"), "mh01, 10"), ["MH01", "10"]); // " 10" is numeric
        assert_eq!(skus("sku", Some("in"), "ws12-l, mh01"), ["ws12-l"]);
        assert_eq!(skus("price", Some("in"), "22, 52"), ["WS12-M", "MH01"]);
        assert_eq!(
            skus("sku", Some("nin"), "mh01,10"),
            ["WS12-M", "ws12-l", "24-MB01"]
        );
        assert_eq!(skus("price", Some("nin"), "22,52"), ["ws12-l", "10"]);
        assert_eq!(skus("tags", Some("in"), "3,11"), ["WS12-M", "24-MB01"]);
        assert_eq!(skus("tags", Some("nin"), "12"), ["MH01", "24-MB01", "10"]);
    }

    #[test]
    fn null_and_notnull_ignore_the_value() {
        assert_eq!(skus("name", Some("null"), "0"), ["MH01"]);
        assert_eq!(skus("price", Some("null"), ""), ["24-MB01"]);
        assert_eq!(
            skus("price", Some("notnull"), "1"),
            ["WS12-M", "ws12-l", "MH01", "10"]
        );
        assert_eq!(skus("tags", Some("null"), "1"), Vec::<&str>::new());
        assert_eq!(skus("nope", Some("null"), "1").len(), 5);
    }

    #[test]
    fn range_conditions() {
        assert_eq!(skus("price", Some("gt"), "22"), ["ws12-l", "MH01"]);
        assert_eq!(
            skus("price", Some("gteq"), "22"),
            ["WS12-M", "ws12-l", "MH01"]
        );
        assert_eq!(
            skus("price", Some("from"), "22"),
            ["WS12-M", "ws12-l", "MH01"]
        );
        assert_eq!(skus("price", Some("lt"), "22.5"), ["WS12-M", "10"]);
        assert_eq!(
            skus("price", Some("lteq"), "22.5"),
            ["WS12-M", "ws12-l", "10"]
        );
        assert_eq!(
            skus("price", Some("to"), "22.5"),
            ["WS12-M", "ws12-l", "10"]
        );
        // Strings: collation order; numbers when both sides are numbers.
        assert_eq!(skus("sku", Some("gt"), "ws12-l"), ["WS12-M"]);
        assert_eq!(skus("sku", Some("gteq"), "WS12-L   "), ["WS12-M", "ws12-l"]);
        // "10" vs "9" is numeric (10 > 9), "24-MB01" vs "9" is text ('2' < '9').
        assert_eq!(skus("sku", Some("lt"), "9"), ["24-MB01"]);
        assert_eq!(skus("sku", Some("lt"), "A"), ["24-MB01", "10"]);
        // `from` and `to` in separate groups make a range.
        let (page, total) = query_skus(
            "searchCriteria[filter_groups][0][filters][0][field]=price&searchCriteria[filter_groups][0][filters][0][value]=1&searchCriteria[filter_groups][0][filters][0][condition_type]=from&searchCriteria[filter_groups][1][filters][0][field]=price&searchCriteria[filter_groups][1][filters][0][value]=30&searchCriteria[filter_groups][1][filters][0][condition_type]=to",
        );
        assert_eq!((page, total), (vec!["WS12-M", "ws12-l"], 2));
    }

    #[test]
    fn finset_and_nfinset() {
        assert_eq!(skus("tags", Some("finset"), "12"), ["WS12-M", "ws12-l"]);
        assert_eq!(skus("tags", Some("finset"), "1"), Vec::<&str>::new());
        assert_eq!(skus("tags", Some("finset"), "1,2"), Vec::<&str>::new());
        assert_eq!(
            skus("tags", Some("nfinset"), "12"),
            ["MH01", "24-MB01", "10"]
        );
        assert_eq!(skus("sku", Some("finset"), "mh01"), ["MH01"]);
        assert_eq!(skus("price", Some("finset"), "22.5"), ["ws12-l"]);
        assert_eq!(
            skus("name", Some("nfinset"), "9"),
            ["WS12-M", "ws12-l", "24-MB01"]
        );
        assert!(find_in_set(&Field::Str("a,,b".into()), ""));
        assert!(!find_in_set(&Field::text(""), ""));
    }

    #[test]
    fn unknown_condition_types_are_eq() {
        for ct in ["moreq", "EQ", "LIKE", "bogus", "Gt"] {
            assert_eq!(skus("price", Some(ct), "22"), ["WS12-M"], "{ct}");
        }
        assert_eq!(skus("sku", Some("LIKE"), "ws12%"), Vec::<&str>::new());
    }

    #[test]
    fn the_rarer_sql_condition_keys() {
        assert_eq!(skus("name", Some("seq"), ""), ["MH01"]);
        assert_eq!(skus("name", Some("seq"), "9"), ["10"]);
        assert_eq!(skus("name", Some("sneq"), "").len(), 4);
        assert_eq!(
            skus("name", Some("sneq"), "9"),
            ["WS12-M", "ws12-l", "24-MB01"]
        );
        assert_eq!(skus("price", Some("ntoa"), "0.0.0.22"), ["WS12-M"]);
        assert_eq!(skus("price", Some("ntoa"), "0.0.0.5_"), ["MH01"]);
        let c = SearchCriteria {
            filter_groups: vec![FilterGroup {
                filters: vec![Filter {
                    field: Some("sku".into()),
                    value: Some("x".into()),
                    condition_type: Some("is".into()),
                }],
            }],
            ..SearchCriteria::default()
        };
        assert_eq!(
            c.apply(&rows(), column).unwrap_err().status,
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn regexp() {
        assert_eq!(
            skus("sku", Some("regexp"), "^ws1[0-9]"),
            ["WS12-M", "ws12-l"]
        );
        assert_eq!(skus("sku", Some("regexp"), "01$"), ["MH01", "24-MB01"]);
        assert_eq!(
            skus("name", Some("regexp"), "(joust|radiant)[ _]"),
            ["WS12-M", "ws12-l", "24-MB01"]
        );
        assert_eq!(skus("sku", Some("regexp"), "^\\d+$"), ["10"]);
        assert_eq!(
            skus("sku", Some("regexp"), "^[[:alpha:]]{2}\\d{2}$"),
            ["MH01"]
        );
        assert_eq!(
            skus("sku", Some("regexp"), "^(?:w|m)"),
            ["WS12-M", "ws12-l", "MH01"]
        );
        assert_eq!(
            skus("sku", Some("regexp"), "[^a-z0-9-]"),
            Vec::<&str>::new()
        );
        assert_eq!(skus("sku", Some("regexp"), "b0?1"), ["24-MB01"]);
        assert_eq!(skus("sku", Some("regexp"), "^.{2,3}$"), ["10"]);
        for bad in [
            "", "(", "a)", "*a", "a{2", "a{3,1}", "[a", "\\q", "[z-a]", "(?i)a",
        ] {
            let c = SearchCriteria {
                filter_groups: vec![FilterGroup {
                    filters: vec![Filter {
                        field: Some("sku".into()),
                        value: Some(bad.into()),
                        condition_type: Some("regexp".into()),
                    }],
                }],
                ..SearchCriteria::default()
            };
            assert_eq!(
                c.apply(&rows(), column).unwrap_err().message,
                SQL_REGEXP,
                "{bad}"
            );
        }
        // Linear time on a classic catastrophic-backtracking pattern.
        let r = regexp::Regex::new("(a*)*b").unwrap();
        assert!(!r.is_match(&"a".repeat(5000)));
        assert!(regexp::Regex::new("x{1000}{1000}").is_err());
    }

    #[test]
    fn groups_and_filters_combine() {
        // (sku like ws% OR price null) AND (name like %tee%)
        let (page, total) = query_skus(
            "searchCriteria[filter_groups][0][filters][0][field]=sku&searchCriteria[filter_groups][0][filters][0][value]=ws%25&searchCriteria[filter_groups][0][filters][0][condition_type]=like&searchCriteria[filter_groups][0][filters][1][field]=price&searchCriteria[filter_groups][0][filters][1][condition_type]=null&searchCriteria[filter_groups][1][filters][0][field]=name&searchCriteria[filter_groups][1][filters][0][value]=%25tee%25&searchCriteria[filter_groups][1][filters][0][condition_type]=like",
        );
        assert_eq!((page, total), (vec!["WS12-M", "ws12-l"], 2));
    }

    // --- sorting and paging --------------------------------------------------

    #[test]
    fn sorting() {
        let sorted = |q: &str| query_skus(&format!("searchCriteria[filter_groups]=0&{q}")).0;
        assert_eq!(
            sorted(
                "searchCriteria[sortOrders][0][field]=price&searchCriteria[sortOrders][0][direction]=ASC"
            ),
            ["24-MB01", "10", "WS12-M", "ws12-l", "MH01"]
        );
        // No direction: descending; NULL last.
        assert_eq!(
            sorted("searchCriteria[sortOrders][0][field]=price"),
            ["MH01", "ws12-l", "WS12-M", "10", "24-MB01"]
        );
        // Strings in collation order (case-insensitive), stable for ties.
        assert_eq!(
            sorted(
                "searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=asc"
            ),
            ["MH01", "10", "24-MB01", "WS12-M", "ws12-l"]
        );
        assert_eq!(
            sorted(
                "searchCriteria[sortOrders][0][field]=name&searchCriteria[sortOrders][0][direction]=asc&searchCriteria[sortOrders][1][field]=price"
            ),
            ["MH01", "10", "24-MB01", "ws12-l", "WS12-M"]
        );
        // A string column of numbers sorts as text.
        assert_eq!(
            sorted(
                "searchCriteria[sortOrders][0][field]=sku&searchCriteria[sortOrders][0][direction]=ASC"
            ),
            ["10", "24-MB01", "MH01", "ws12-l", "WS12-M"]
        );
        // No sort orders (or only field-less ones): input order.
        assert_eq!(sorted(""), ["WS12-M", "ws12-l", "MH01", "24-MB01", "10"]);
        assert_eq!(
            sorted("searchCriteria[sortOrders][0][direction]=ASC"),
            ["WS12-M", "ws12-l", "MH01", "24-MB01", "10"]
        );
        // Mixed kinds: numbers before strings, NaN does not upset the sort.
        let mixed = [
            Field::Str("a".into()),
            Field::Num(f64::NAN),
            Field::Missing,
            Field::Num(1.0),
        ];
        let c = criteria(
            "searchCriteria[sortOrders][0][field]=x&searchCriteria[sortOrders][0][direction]=ASC",
        );
        let (page, _) = c.apply(&mixed, |f, _| f.clone()).unwrap();
        assert_eq!(page[0], &Field::Missing);
        assert_eq!(page[1], &Field::Num(1.0));
        assert_eq!(page[3], &Field::Str("a".into()));
    }

    #[test]
    fn paging() {
        let page = |size: &str, current: &str| {
            let mut q = String::from("searchCriteria[filter_groups]=0");
            if !size.is_empty() {
                q += &format!("&searchCriteria[pageSize]={size}");
            }
            if !current.is_empty() {
                q += &format!("&searchCriteria[currentPage]={current}");
            }
            query_skus(&q)
        };
        assert_eq!(page("2", "1"), (vec!["WS12-M", "ws12-l"], 5));
        assert_eq!(page("2", "3"), (vec!["10"], 5));
        assert_eq!(page("2", "4"), (vec![], 5));
        assert_eq!(page("2", ""), (vec!["WS12-M", "ws12-l"], 5));
        assert_eq!(page("2", "0"), (vec!["WS12-M", "ws12-l"], 5));
        assert_eq!(page("2", "-7"), (vec!["WS12-M", "ws12-l"], 5));
        assert_eq!(page("", "2").0.len(), 5);
        assert_eq!(page("0", "2").0.len(), 5);
        assert_eq!(page("-3", "2"), (vec!["ws12-l"], 5));
        assert_eq!(
            page("9223372036854775807", "9223372036854775807"),
            (vec![], 5)
        );
        assert_eq!(page("3", "9223372036854775807"), (vec![], 5));
        let c = criteria("searchCriteria=0").with_default_page_size(20);
        assert_eq!(c.echo(), json!({"filter_groups": [], "page_size": 20}));
        let c = criteria("searchCriteria[pageSize]=3").with_default_page_size(20);
        assert_eq!(c.page_size, Some(3));
    }

    #[test]
    fn number_parsing_helpers() {
        assert_eq!(mysql_number("  12abc"), 12.0);
        assert_eq!(mysql_number("-1.5e1x"), -15.0);
        assert_eq!(mysql_number("1e"), 1.0);
        assert_eq!(mysql_number("abc"), 0.0);
        assert_eq!(mysql_number(".5."), 0.5);
        assert_eq!(strict_number(" 1.0 "), Some(1.0));
        assert_eq!(strict_number("inf"), None);
        assert_eq!(strict_number("NaN"), None);
        assert_eq!(strict_number("1,0"), None);
        assert_eq!(number_text(22.0), "22");
        assert_eq!(number_text(2.5), "2.5");
        assert_eq!(property("filter_groups"), "FilterGroups");
        assert_eq!(property("_page_size_"), "PageSize");
        assert_eq!(property("conditionType"), "ConditionType");
    }
}
