//! One batch request, item by item: [`process`] is what every PrintXpand endpoint does
//! once the HTTP layer has authenticated the request and parsed its body.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::products::DesignerCall;
use crate::state::State;
use crate::{categories, customers, orders, products};

/// The six endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `customer/create`: `{"customer": {id: {...}}}`.
    CustomerCreate,
    /// `category/create`: `{"category": {id: {...}}}`.
    CategoryCreate,
    /// `category/delete`: `{"category": [id, …]}`.
    CategoryDelete,
    /// `product/create`: `{"product": {id: {...}}}`.
    ProductCreate,
    /// `product/delete`: `{"product": [id, …]}`.
    ProductDelete,
    /// `order/create`: `{"order": {id: {...}}}`.
    OrderCreate,
}

impl Kind {
    /// Every endpoint.
    pub const ALL: [Kind; 6] = [
        Kind::CustomerCreate,
        Kind::CategoryCreate,
        Kind::CategoryDelete,
        Kind::ProductCreate,
        Kind::ProductDelete,
        Kind::OrderCreate,
    ];

    /// The endpoint's path after `V1/`, without slashes: `customer/create`.
    pub fn path(self) -> &'static str {
        match self {
            Kind::CustomerCreate => "customer/create",
            Kind::CategoryCreate => "category/create",
            Kind::CategoryDelete => "category/delete",
            Kind::ProductCreate => "product/create",
            Kind::ProductDelete => "product/delete",
            Kind::OrderCreate => "order/create",
        }
    }

    /// The endpoint at `path` (as [`Kind::path`] writes it).
    pub fn from_path(path: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.path() == path)
    }

    /// The body's top-level key.
    pub fn key(self) -> &'static str {
        match self {
            Kind::CustomerCreate => "customer",
            Kind::CategoryCreate | Kind::CategoryDelete => "category",
            Kind::ProductCreate | Kind::ProductDelete => "product",
            Kind::OrderCreate => "order",
        }
    }

    /// Whether the body lists ids (a delete) rather than mapping ids to items.
    pub fn is_delete(self) -> bool {
        matches!(self, Kind::CategoryDelete | Kind::ProductDelete)
    }
}

/// A body the endpoint cannot read as a batch at all: no item is looked at and nothing
/// changes. The seed shows no example; PrintXpand's endpoints are Magento web-API
/// service methods taking one array parameter (`customer`, `category`, …), so the HTTP
/// layer answers these as Magento's web API answers a parameter it cannot bind:
/// [`Malformed::MissingKey`] (absent or `null`) as `400 {"message": "\"%fieldName\" is
/// required. Enter and try again.", "parameters": {"fieldName": key}}`,
/// [`Malformed::NotAnArray`] (a string, number or boolean) as its type error, `The
/// "…" value's type is invalid. The "array" type was expected.`. A body that is not a
/// JSON object never reaches [`process`] over HTTP: Magento reads it as no parameters.
///
/// A JSON object and a JSON array are both PHP arrays: the extension walks either one's
/// values, so `{"product": {"a": 10002}}` deletes product 10002 and a list of customers
/// creates them as a map would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Malformed {
    /// The body is not a JSON object.
    NotAnObject,
    /// The object lacks the endpoint's key (`customer`, `category`, …), or it is null.
    MissingKey(&'static str),
    /// The key's value is a scalar, not a map or a list.
    NotAnArray {
        /// The key.
        key: &'static str,
        /// The value sent.
        value: Value,
    },
}

impl fmt::Display for Malformed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Malformed::NotAnObject => f.write_str("the request body is not a JSON object"),
            Malformed::MissingKey(k) => write!(f, "the request body has no \"{k}\""),
            Malformed::NotAnArray { key, value } => {
                write!(f, "\"{key}\" in the request body is {value}, not an array")
            }
        }
    }
}

impl std::error::Error for Malformed {}

/// The answer to a batch: its HTTP status, its body, and the product-designer callbacks
/// the HTTP layer is to send (one per product created or updated with
/// `enable_product_designer: 1`, in request order).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// 200 when every item succeeded (or there were none), 201 when some did, 400 when
    /// none did.
    pub status: u16,
    /// `[{"response": [ {id, code, status, message}, … ]}]`.
    pub body: Value,
    /// The designer callbacks to deliver.
    pub designer_calls: Vec<DesignerCall>,
}

/// An item that was applied: the id to echo and the message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Done {
    pub(crate) id: Value,
    pub(crate) message: &'static str,
}

impl Done {
    pub(crate) fn new(id: Value, message: &'static str) -> Done {
        Done { id, message }
    }
}

/// An item that was refused, with nothing changed: the id to echo (none when the id
/// itself is what is wrong, as the seed shows), the code and the message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Failed {
    pub(crate) id: Option<Value>,
    pub(crate) code: u16,
    pub(crate) message: &'static str,
}

impl Failed {
    pub(crate) fn new(id: Option<Value>, code: u16, message: &'static str) -> Failed {
        Failed { id, code, message }
    }
}

/// Applies a batch body to `state`, each item on its own and in request order, and
/// builds the answer. Codes follow the seed: when every item succeeded each says
/// `"code": "200"` (a string); when any failed, every code is a number (`200`, `404`,
/// `400`).
pub fn process(state: &mut State, kind: Kind, body: &Value) -> Result<Answer, Malformed> {
    let obj = body.as_object().ok_or(Malformed::NotAnObject)?;
    let key = kind.key();
    let items: Vec<&Value> = match obj.get(key) {
        None | Some(Value::Null) => return Err(Malformed::MissingKey(key)),
        Some(Value::Object(map)) => map.values().collect(),
        Some(Value::Array(list)) => list.iter().collect(),
        Some(other) => {
            return Err(Malformed::NotAnArray {
                key,
                value: other.clone(),
            });
        }
    };
    let mut outcomes = Vec::with_capacity(items.len());
    let mut designer_calls = Vec::new();
    for item in items {
        outcomes.push(match kind {
            Kind::CustomerCreate => customers::create(state, item),
            Kind::CategoryCreate => categories::create(state, item),
            Kind::CategoryDelete => categories::delete(state, item),
            Kind::ProductCreate => products::create(state, item).map(|(done, call)| {
                designer_calls.extend(call);
                done
            }),
            Kind::ProductDelete => products::delete(state, item),
            Kind::OrderCreate => orders::create(state, item),
        });
    }
    let failed = outcomes.iter().filter(|o| o.is_err()).count();
    let status = match failed {
        0 => 200,
        n if n == outcomes.len() => 400,
        _ => 201,
    };
    let entries: Vec<Value> = outcomes
        .into_iter()
        .map(|o| {
            let mut e = Map::new();
            match o {
                Ok(done) => {
                    e.insert("id".into(), done.id);
                    e.insert(
                        "code".into(),
                        if failed == 0 {
                            json!("200")
                        } else {
                            json!(200)
                        },
                    );
                    e.insert("status".into(), json!("success"));
                    e.insert("message".into(), json!(done.message));
                }
                Err(f) => {
                    if let Some(id) = f.id {
                        e.insert("id".into(), id);
                    }
                    e.insert("code".into(), json!(f.code));
                    e.insert("status".into(), json!("error"));
                    e.insert("message".into(), json!(f.message));
                }
            }
            Value::Object(e)
        })
        .collect();
    Ok(Answer {
        status,
        body: json!([{ "response": entries }]),
        designer_calls,
    })
}
