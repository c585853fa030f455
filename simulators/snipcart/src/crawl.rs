//! The crawler behind `POST /products {"fetchUrl": "…"}` (seed `002`, reference §3):
//! which URLs it may fetch, how it reads a page into product definitions, and how
//! those are written into the store. No HTTP here: the handler fetches the page
//! (outside the state lock) and hands its bytes to [`read_page`], then [`commit`]s.
//!
//! - **HTML mode** (any `Content-Type` but `application/json`): every element whose
//!   class list holds `snipcart-add-item`, read from its `data-item-*` attributes
//!   (character references decoded by a WHATWG tokenizer).
//! - **JSON mode** (`Content-Type: application/json`): an object or an array of objects
//!   with `id`, `price`, `url` mandatory, plus the optional product keys and the
//!   inventory keys `PUT /products/{id}` takes.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;
use serde_json::Value;
use time::OffsetDateTime;

use crate::json::{self, Schema, convert};
use crate::money::Money;
use crate::products::{self, CustomField, INVENTORY_SCHEMA, InventoryInput, Product, Statistics};
use crate::settings::Settings;
use crate::state::{Mode, State};

/// The class that marks a buy button.
pub const BUY_BUTTON_CLASS: &str = "snipcart-add-item";

/// `POST /products`'s body.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CrawlInput {
    /// The page to crawl.
    #[serde(default, deserialize_with = "convert::opt_string")]
    pub fetch_url: Option<String>,
}

/// The keys of [`CrawlInput`].
pub static CRAWL_SCHEMA: Schema = Schema {
    fields: &[("fetchUrl", None)],
};

/// One product as the page defines it.
#[derive(Debug, Clone)]
pub struct Found {
    /// `data-item-id` / `id`.
    pub user_defined_id: String,
    /// Its name (`None`: the JSON gave none; an existing product keeps its own).
    pub name: Option<String>,
    /// Its price in the store's currency.
    pub price: Money,
    /// `data-item-url` / `url`, or the page's path.
    pub url: String,
    /// Description, if the page gives one.
    pub description: Option<String>,
    /// Image URL, if the page gives one.
    pub image: Option<String>,
    /// Custom fields, in their page order.
    pub custom_fields: Vec<CustomField>,
    /// `data-item-metadata` / `metadata` (`null` when absent).
    pub metadata: Value,
    /// Inventory keys (JSON mode only), applied as `PUT /products/{id}` would.
    pub inventory: Option<InventoryInput>,
}

/// `url` as the crawler may fetch it: an absolute http(s) URL whose host is one of the
/// store's domains. A domain without a port allows the host on any port; `host:port`
/// only that port. Hosts compare case-insensitively; subdomains must be listed.
pub fn target(url: &str, settings: &Settings) -> Result<reqwest::Url, String> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|_| format!("The fetchUrl '{url}' is not a valid absolute URL."))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("The fetchUrl '{url}' is not an http(s) URL."));
    }
    if !allowed(&parsed, &settings.domains) {
        return Err(format!(
            "The domain of '{url}' is not the store's default domain nor one of its allowed domains."
        ));
    }
    Ok(parsed)
}

/// True when `url`'s host (and port) is in `domains` (see [`target`]).
pub fn allowed(url: &reqwest::Url, domains: &[String]) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let port = url.port_or_known_default();
    domains.iter().any(|d| {
        let d = d.trim();
        match d.rsplit_once(':') {
            // `host:port` (an IPv6 literal is bracketed, so its colons stay inside).
            Some((h, p)) if !h.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                h.eq_ignore_ascii_case(host) && p.parse::<u16>().ok() == port
            }
            _ => d.eq_ignore_ascii_case(host),
        }
    })
}

/// True when a `Content-Type` value names JSON (the crawler's JSON mode).
pub fn is_json(content_type: Option<&str>) -> bool {
    content_type.is_some_and(|ct| {
        ct.split(';')
            .next()
            .is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
    })
}

/// The products a fetched page defines, once each, in page order. `page` is where
/// it was fetched from (the default `url` of an HTML product is its path); amounts
/// in a currency map are taken in `currency`. `Err` names the problem; a page
/// without products is one.
pub fn read_page(
    content_type: Option<&str>,
    body: &[u8],
    page: &reqwest::Url,
    currency: &str,
    lenient: bool,
) -> Result<Vec<Found>, String> {
    let found = if is_json(content_type) {
        read_json(body, currency, lenient)?
    } else {
        read_html(body, page, currency)?
    };
    let found = dedupe(found)?;
    if found.is_empty() {
        return Err(format!("No products were found at '{page}'."));
    }
    Ok(found)
}

/// One product per id; the same id twice must carry the same price (the first
/// definition is kept).
fn dedupe(found: Vec<Found>) -> Result<Vec<Found>, String> {
    let mut out: Vec<Found> = Vec::with_capacity(found.len());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for f in found {
        if let Some(&at) = seen.get(&f.user_defined_id) {
            let first = &out[at];
            if first.price != f.price {
                return Err(format!(
                    "The product '{}' is on the page twice with different prices ({} and {}).",
                    f.user_defined_id, first.price, f.price
                ));
            }
            continue;
        }
        seen.insert(f.user_defined_id.clone(), out.len());
        out.push(f);
    }
    Ok(out)
}

/// A price: a number (`.` as the decimal separator) or a currency map
/// (`{"usd": 20, "cad": 25}`) read in `currency`. Negative amounts are refused.
fn price_of(v: &Value, id: &str, currency: &str) -> Result<Money, String> {
    let amount = match v {
        Value::Object(map) => {
            let (_, amount) = map
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(currency))
                .ok_or_else(|| {
                    format!("The price of product '{id}' has no amount in the store's currency '{currency}'.")
                })?;
            amount_of(amount)
        }
        other => amount_of(other),
    };
    match amount {
        Some(m) if !m.is_negative() => Ok(m),
        _ => Err(format!(
            "The price of product '{id}' is not a valid amount: {v}."
        )),
    }
}

/// A JSON amount ([`Money::from_json`]: a number in its shortest form).
fn amount_of(v: &Value) -> Option<Money> {
    Money::from_json(v)
}

/// A custom field as Snipcart stores it: the type defaults to `dropdown` when there
/// are options and `textbox` otherwise; `optionsArray` is the options without their
/// price changes; `operation` is the price change of the default value's option.
pub fn custom_field(
    name: String,
    options: Option<String>,
    value: Option<String>,
    kind: Option<String>,
    required: bool,
) -> CustomField {
    let options = options.unwrap_or_default();
    let value = value.unwrap_or_default();
    let kind = kind
        .map(|k| k.trim().to_ascii_lowercase())
        .filter(|k| !k.is_empty())
        .unwrap_or_else(|| {
            if options.is_empty() {
                "textbox".to_owned()
            } else {
                "dropdown".to_owned()
            }
        });
    let operation = options
        .split('|')
        .find_map(|o| match o.rfind('[') {
            Some(at) if o.ends_with(']') && o[..at] == value => {
                Some(o[at + 1..o.len() - 1].to_owned())
            }
            _ => None,
        })
        .unwrap_or_default();
    let options_array = products::split_options(&options)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    CustomField {
        name,
        operation,
        kind,
        options,
        required,
        value,
        options_array,
    }
}

// ---------------------------------------------------------------------------
// HTML mode

/// Every buy button's `data-item-*` attributes (names lower-cased, values decoded).
fn buy_buttons(body: &[u8]) -> Vec<HashMap<String, String>> {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let mut emitter = DefaultEmitter::default();
    // Script and style contents are text, not tags.
    emitter.naively_switch_states(true);
    let mut out = Vec::new();
    for token in Tokenizer::new_with_emitter(body, emitter) {
        let Ok(Token::StartTag(tag)) = token else {
            continue;
        };
        let is_button = tag.attributes.get(b"class".as_slice()).is_some_and(|c| {
            c.value
                .split(|b| b.is_ascii_whitespace())
                .any(|class| class == BUY_BUTTON_CLASS.as_bytes())
        });
        if !is_button {
            continue;
        }
        let attrs = tag
            .attributes
            .iter()
            .filter(|(k, _)| k.starts_with(b"data-item-"))
            .map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(&v.value).into_owned(),
                )
            })
            .collect();
        out.push(attrs);
    }
    out
}

#[derive(Default)]
struct FieldAttrs {
    name: Option<String>,
    options: Option<String>,
    value: Option<String>,
    kind: Option<String>,
    required: Option<String>,
}

fn read_html(body: &[u8], page: &reqwest::Url, currency: &str) -> Result<Vec<Found>, String> {
    let page_path = match page.query() {
        Some(q) => format!("{}?{q}", page.path()),
        None => page.path().to_owned(),
    };
    let mut out = Vec::new();
    for attrs in buy_buttons(body) {
        let get = |name: &str| attrs.get(name).cloned();
        let id = get("data-item-id")
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                format!("An element with class {BUY_BUTTON_CLASS} has no data-item-id.")
            })?;
        let name = get("data-item-name")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("The product '{id}' has no data-item-name."))?;
        let price_text = get("data-item-price")
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| format!("The product '{id}' has no data-item-price."))?;
        let price_value = if price_text.trim_start().starts_with('{') {
            json::parse(price_text.as_bytes(), true).map_err(|e| {
                format!("The data-item-price of product '{id}' is not a currency map: {e}.")
            })?
        } else {
            Value::String(price_text)
        };
        let price = price_of(&price_value, &id, currency)?;
        if let Some(w) = get("data-item-weight").filter(|w| !w.trim().is_empty()) {
            if Money::parse(&w).is_none_or(Money::is_negative) {
                return Err(format!(
                    "The data-item-weight of product '{id}' is not a number: '{w}'."
                ));
            }
        }
        let metadata = match get("data-item-metadata").filter(|m| !m.trim().is_empty()) {
            Some(m) => json::parse(m.as_bytes(), true).map_err(|e| {
                format!("The data-item-metadata of product '{id}' is not JSON: {e}.")
            })?,
            None => Value::Null,
        };
        let mut fields: BTreeMap<u32, FieldAttrs> = BTreeMap::new();
        for (k, v) in &attrs {
            let Some(rest) = k.strip_prefix("data-item-custom") else {
                continue;
            };
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let (n, suffix) = rest.split_at(digits);
            let Ok(n) = n.parse::<u32>() else { continue };
            let f = fields.entry(n).or_default();
            let slot = match suffix {
                "-name" => &mut f.name,
                "-options" => &mut f.options,
                "-value" => &mut f.value,
                "-type" => &mut f.kind,
                "-required" => &mut f.required,
                _ => continue,
            };
            *slot = Some(v.clone());
        }
        let mut custom_fields = Vec::with_capacity(fields.len());
        for (n, f) in fields {
            let field_name = f
                .name
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| format!("Custom field {n} of product '{id}' has no name."))?;
            let required = f
                .required
                .is_some_and(|r| r.trim().eq_ignore_ascii_case("true"));
            custom_fields.push(custom_field(
                field_name, f.options, f.value, f.kind, required,
            ));
        }
        out.push(Found {
            url: get("data-item-url")
                .filter(|u| !u.trim().is_empty())
                .unwrap_or_else(|| page_path.clone()),
            name: Some(name),
            price,
            description: get("data-item-description"),
            image: get("data-item-image"),
            custom_fields,
            metadata,
            inventory: None,
            user_defined_id: id,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// JSON mode

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonProduct {
    #[serde(default, deserialize_with = "convert::opt_string")]
    id: Option<String>,
    #[serde(default)]
    price: Value,
    #[serde(default, deserialize_with = "convert::opt_string")]
    url: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    description: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    image: Option<String>,
    #[serde(default)]
    custom_fields: Option<Vec<JsonCustomField>>,
    #[serde(default)]
    metadata: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonCustomField {
    #[serde(default, deserialize_with = "convert::opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    options: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_string")]
    value: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "convert::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "convert::opt_bool")]
    required: Option<bool>,
}

static JSON_FIELD_SCHEMA: Schema = Schema {
    fields: &[
        ("name", None),
        ("options", None),
        ("value", None),
        ("type", None),
        ("required", None),
    ],
};

static JSON_PRODUCT_SCHEMA: Schema = Schema {
    fields: &[
        ("id", None),
        ("price", None),
        ("url", None),
        ("name", None),
        ("description", None),
        ("image", None),
        ("customFields", Some(&JSON_FIELD_SCHEMA)),
        ("metadata", None),
    ],
};

fn read_json(body: &[u8], currency: &str, lenient: bool) -> Result<Vec<Found>, String> {
    let doc =
        json::parse(body, lenient).map_err(|e| format!("The page is not valid JSON: {e}."))?;
    let items = match doc {
        Value::Array(items) => items,
        one @ Value::Object(_) => vec![one],
        _ => return Err("The JSON page is neither a product nor an array of products.".into()),
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        if !item.is_object() {
            return Err(format!("Item {i} of the JSON page is not an object."));
        }
        let inventory = match json::canonical(item.clone(), &INVENTORY_SCHEMA) {
            Value::Object(m) if m.is_empty() => None,
            keys => Some(
                serde_json::from_value::<InventoryInput>(keys)
                    .map_err(|e| format!("Item {i} of the JSON page: {e}."))?,
            ),
        };
        let p: JsonProduct = serde_json::from_value(json::canonical(item, &JSON_PRODUCT_SCHEMA))
            .map_err(|e| format!("Item {i} of the JSON page: {e}."))?;
        let id =
            p.id.map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .ok_or_else(|| format!("Item {i} of the JSON page has no id."))?;
        if p.price.is_null() {
            return Err(format!("The product '{id}' has no price."));
        }
        let price = price_of(&p.price, &id, currency)?;
        let url = p
            .url
            .filter(|u| !u.trim().is_empty())
            .ok_or_else(|| format!("The product '{id}' has no url."))?;
        let mut custom_fields = Vec::new();
        for (n, f) in p.custom_fields.into_iter().flatten().enumerate() {
            let field_name = f
                .name
                .filter(|s| !s.trim().is_empty())
                .ok_or_else(|| format!("Custom field {} of product '{id}' has no name.", n + 1))?;
            custom_fields.push(custom_field(
                field_name,
                f.options,
                f.value,
                f.kind,
                f.required.unwrap_or(false),
            ));
        }
        out.push(Found {
            user_defined_id: id,
            name: p.name,
            price,
            url,
            description: p.description,
            image: p.image,
            custom_fields,
            metadata: p.metadata,
            inventory,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Writing

/// Creates or updates every product `found` in `mode`'s store, by user-defined id, and
/// answers them in page order. A new product gets a GUID, `now` as its dates and zero
/// statistics; an existing one takes the page's name, price, url, description, image,
/// custom fields and metadata (inventory only when the page gives it), is un-archived
/// and marked modified. On `Err` (an inventory the product's custom fields do not
/// allow) nothing has changed.
pub fn commit(
    state: &mut State,
    mode: Mode,
    found: Vec<Found>,
    now: OffsetDateTime,
) -> Result<Vec<Product>, String> {
    // First every product's next value, checked; then the writes, which cannot fail.
    let mut staged: Vec<(bool, Product)> = Vec::with_capacity(found.len());
    let store = &state.store(mode).products;
    for f in found {
        let existing = store.by_user_id(&f.user_defined_id);
        let is_new = existing.is_none();
        let mut p = existing.cloned().unwrap_or_else(|| Product {
            mode,
            user_defined_id: f.user_defined_id.clone(),
            url: String::new(),
            price: Money::ZERO,
            name: String::new(),
            description: None,
            image: None,
            archived: false,
            inventory_management_method: None,
            stock: None,
            total_stock: None,
            allow_out_of_stock_purchases: None,
            statistics: Statistics::default(),
            custom_fields: Vec::new(),
            variants: None,
            metadata: Value::Null,
            id: String::new(),
            creation_date: now,
            modification_date: now,
        });
        if let Some(name) = f.name {
            p.name = name;
        }
        p.price = f.price;
        p.url = f.url;
        p.description = f.description;
        p.image = f.image;
        p.custom_fields = f.custom_fields;
        p.metadata = f.metadata;
        p.archived = false;
        p.modification_date = now;
        if let Some(inventory) = f.inventory {
            products::update_inventory(&mut p, inventory, now)
                .map_err(|e| format!("The product '{}': {e}.", p.user_defined_id))?;
        }
        staged.push((is_new, p));
    }
    let mut out = Vec::with_capacity(staged.len());
    for (is_new, mut p) in staged {
        if is_new {
            p.id = state.guid();
            state.store_mut(mode).products.insert(p.clone())?;
        } else if let Some(slot) = state
            .store_mut(mode)
            .products
            .by_user_id_mut(&p.user_defined_id)
        {
            *slot = p.clone();
        }
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn page() -> reqwest::Url {
        reqwest::Url::parse("http://127.0.0.1:8080/shop/phones.html?page=2").unwrap()
    }

    #[test]
    fn domains_allow_hosts_on_any_port_or_one_port() {
        let domains = vec!["shop.example".to_owned(), "127.0.0.1:9000".to_owned()];
        let ok = |u: &str| allowed(&reqwest::Url::parse(u).unwrap(), &domains);
        assert!(ok("https://shop.example/a"));
        assert!(ok("http://SHOP.example:8080/a"));
        assert!(ok("http://127.0.0.1:9000/"));
        assert!(!ok("http://127.0.0.1:9001/"));
        assert!(!ok("http://127.0.0.1/"));
        assert!(!ok("https://www.shop.example/"));
        assert!(!ok("https://shop.example.evil/"));
        let s = Settings::default();
        assert!(target("ftp://localhost/x", &s).is_err());
        assert!(target("/relative", &s).is_err());
        assert!(target("http://localhost:1234/x", &s).is_ok());
    }

    #[test]
    fn html_buttons_with_entities_custom_fields_and_currency_maps() {
        let html = br#"<!doctype html><html><body>
          <script>var s = '<button class="snipcart-add-item" data-item-id="NOPE">';</script>
          <button class="btn snipcart-add-item big"
            data-item-id="AP1" data-item-name="Android &amp; Phone" data-item-price="299.99"
            data-item-description="Fast &quot;phone&quot;" data-item-weight="120"
            data-item-custom1-name="Size" data-item-custom1-options="16GB|32GB[+50.00]|128GB[+200.00]"
            data-item-custom1-value="128GB"
            data-item-custom2-name="Gift note" data-item-custom2-required="true"
            data-item-metadata='{"meta": true}'>Buy</button>
          <a class="snipcart-add-item" data-item-id="MAP" data-item-name="Map"
             data-item-price='{"usd": 20, "cad": 25}' data-item-url="/map">Buy</a>
          <div class="snipcart-add-itemx" data-item-id="NOT"></div>
        </body></html>"#;
        let found = read_page(Some("text/html"), html, &page(), "usd", true).unwrap();
        assert_eq!(found.len(), 2);
        let ap1 = &found[0];
        assert_eq!(ap1.user_defined_id, "AP1");
        assert_eq!(ap1.name.as_deref(), Some("Android & Phone"));
        assert_eq!(ap1.description.as_deref(), Some("Fast \"phone\""));
        assert_eq!(ap1.price.to_string(), "299.99");
        assert_eq!(ap1.url, "/shop/phones.html?page=2");
        assert_eq!(ap1.metadata, json!({"meta": true}));
        assert_eq!(ap1.image, None);
        let size = &ap1.custom_fields[0];
        assert_eq!(
            (
                size.kind.as_str(),
                size.operation.as_str(),
                size.value.as_str()
            ),
            ("dropdown", "+200.00", "128GB")
        );
        assert_eq!(size.options_array, ["16GB", "32GB", "128GB"]);
        let note = &ap1.custom_fields[1];
        assert_eq!((note.kind.as_str(), note.required), ("textbox", true));
        assert_eq!(found[1].price.to_string(), "20");
        assert_eq!(found[1].url, "/map");
        let cad = read_page(None, html, &page(), "cad", true).unwrap();
        assert_eq!(cad[1].price.to_string(), "25");
        assert!(
            read_page(None, html, &page(), "eur", true)
                .unwrap_err()
                .contains("'eur'")
        );
    }

    #[test]
    fn bad_pages_are_refused_with_a_reason() {
        let cases: &[(&[u8], &str)] = &[
            (b"<p>nothing</p>", "No products"),
            (b"<b class='snipcart-add-item' data-item-name=x data-item-price=1>", "data-item-id"),
            (b"<b class='snipcart-add-item' data-item-id=A data-item-price=1>", "data-item-name"),
            (b"<b class='snipcart-add-item' data-item-id=A data-item-name=a>", "data-item-price"),
            (
                b"<b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price='1,50'>",
                "not a valid amount",
            ),
            (
                b"<b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price=1>\
                  <b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price=2>",
                "different prices",
            ),
            (
                b"<b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price=1 data-item-custom1-options='a|b'>",
                "has no name",
            ),
            (
                b"<b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price=1 data-item-metadata='{x'>",
                "not JSON",
            ),
        ];
        for (html, why) in cases {
            let e = read_page(Some("text/html; charset=utf-8"), html, &page(), "usd", true)
                .unwrap_err();
            assert!(e.contains(why), "{e} / {why}");
        }
        let same_twice =
            b"<b class='snipcart-add-item' data-item-id=A data-item-name=a data-item-price=1.0>\
              <b class='snipcart-add-item' data-item-id=A data-item-name=b data-item-price=1>";
        let found = read_page(None, same_twice, &page(), "usd", true).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name.as_deref(), Some("a"));
    }

    #[test]
    fn json_pages_take_products_and_inventory() {
        let body = br#"[{"ID": 123, "Price": 10.00, "url": "/products.json", "name": "Product 123",
            "customFields": [{"name": "Size", "options": "S|M[+1]"}],
            "inventoryManagementMethod": "variant",
            "variants": [{"variation": [{"name": "Size", "option": "M"}], "stock": 4}]},
            {id: '456', price: {USD: 40}, url: '/p'}]"#;
        let found = read_page(Some("application/json"), body, &page(), "usd", true).unwrap();
        assert_eq!(found[0].user_defined_id, "123");
        assert_eq!(found[0].price.to_string(), "10");
        assert!(found[0].inventory.is_some());
        assert_eq!(found[1].price.to_string(), "40");
        assert!(found[1].inventory.is_none());
        assert_eq!(found[1].name, None);
        for (body, why) in [
            (&br#"{"price": 1, "url": "/"}"#[..], "no id"),
            (br#"{"id": "a", "url": "/"}"#, "no price"),
            (br#"{"id": "a", "price": 1}"#, "no url"),
            (
                br#"{"id": "a", "price": -1, "url": "/"}"#,
                "not a valid amount",
            ),
            (br#"[1]"#, "not an object"),
            (br#""x""#, "neither"),
            (br#"[]"#, "No products"),
            (br#"{"#, "not valid JSON"),
        ] {
            let e = read_page(Some("Application/JSON"), body, &page(), "usd", true).unwrap_err();
            assert!(e.contains(why), "{e} / {why}");
        }
    }

    #[test]
    fn commit_creates_updates_and_refuses_atomically() {
        let mut state = crate::fixtures::default_state();
        let t = time::macros::datetime!(2026-01-01 0:00 UTC);
        let body = br#"[{"id": "AP1", "price": 1, "url": "/a", "name": "New name"},
            {"id": "NEW", "price": 2, "url": "/b"}]"#;
        let found = read_page(Some("application/json"), body, &page(), "usd", true).unwrap();
        let out = commit(&mut state, Mode::Test, found, t).unwrap();
        assert_eq!(out.len(), 2);
        let ap1 = state.test.products.find("AP1").unwrap();
        assert_eq!(ap1.id, "3932ecd1-6508-4209-a7c6-8da4cc75590d");
        assert_eq!(ap1.name, "New name");
        assert_eq!(ap1.total_stock, Some(11), "inventory kept");
        assert_eq!(ap1.modification_date, t);
        assert_eq!(state.test.products.find("NEW").unwrap().id, out[1].id);
        state.test.products.check().unwrap();
        // A variant the new custom fields do not allow: nothing changes.
        let before = state.clone();
        let bad = br#"[{"id": "X", "price": 1, "url": "/"},
            {"id": "Y", "price": 1, "url": "/", "inventoryManagementMethod": "Variant",
             "variants": [{"variation": [{"name": "Size", "option": "M"}]}]}]"#;
        let found = read_page(Some("application/json"), bad, &page(), "usd", true).unwrap();
        assert!(commit(&mut state, Mode::Test, found, t).is_err());
        assert_eq!(state.counters, before.counters);
        assert_eq!(state.test.products.len(), before.test.products.len());
    }
}
