//! `customer/create`: create or update customers.

use serde_json::Value;

use crate::batch::{Done, Failed};
use crate::json::{id_key, text};
use crate::messages as m;
use crate::state::{Customer, State};

/// One customer of a `customer/create` body, bound.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CustomerInput {
    /// The id, as text.
    pub(crate) id: String,
    /// First name, if sent.
    pub(crate) first_name: Option<String>,
    /// Last name, if sent.
    pub(crate) last_name: Option<String>,
    /// E-mail, if sent.
    pub(crate) email: Option<String>,
}

impl CustomerInput {
    /// Binds one item; an item without a usable id is refused with the seed's 404.
    pub(crate) fn bind(item: &Value) -> Result<CustomerInput, Failed> {
        let invalid = Failed::new(None, 404, m::CUSTOMER_INVALID_ID);
        let obj = item.as_object().ok_or_else(|| invalid.clone())?;
        let id = id_key(obj.get("id")).ok_or(invalid)?;
        Ok(CustomerInput {
            id,
            first_name: text(obj.get("first_name")),
            last_name: text(obj.get("last_name")),
            email: text(obj.get("email")).filter(|e| !e.trim().is_empty()),
        })
    }
}

/// Creates the customer, or updates an existing one's names (its e-mail stays). A new
/// customer's e-mail must not be another customer's (400).
pub(crate) fn create(state: &mut State, item: &Value) -> Result<Done, Failed> {
    let input = CustomerInput::bind(item)?;
    let echo = item.get("id").cloned().unwrap_or(Value::Null);
    if let Some(existing) = state.customers.get(&input.id) {
        let mut c = existing.clone();
        if input.first_name.is_some() {
            c.first_name = input.first_name;
        }
        if input.last_name.is_some() {
            c.last_name = input.last_name;
        }
        state.put_customer(c);
        return Ok(Done::new(echo, m::CUSTOMER_UPDATED));
    }
    if let Some(e) = &input.email
        && state.customer_by_email(e).is_some()
    {
        return Err(Failed::new(Some(echo), 400, m::CUSTOMER_EMAIL_EXISTS));
    }
    state.put_customer(Customer {
        id: input.id,
        first_name: input.first_name,
        last_name: input.last_name,
        email: input.email,
    });
    Ok(Done::new(echo, m::CUSTOMER_CREATED))
}
