//! `category/create` and `category/delete`.

use serde_json::Value;

use crate::batch::{Done, Failed};
use crate::json::{echo_as_int, flag, id_key, non_empty};
use crate::messages as m;
use crate::state::{Category, MAX_CATEGORY_DEPTH, State};

/// One category of a `category/create` body, bound.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CategoryInput {
    /// The id, as text.
    pub(crate) id: String,
    /// Its name.
    pub(crate) name: String,
    /// Its parent; `None` for `0`, `""`, `null` or absent (a root category).
    pub(crate) parent_id: Option<String>,
    /// 0 or 1, if sent.
    pub(crate) status: Option<u8>,
}

impl CategoryInput {
    /// Binds one item: `id` and `name` required, `parent_id` an id or empty, `status`
    /// 0 or 1. Refusals are the seed's 404, without an id when the id is unusable.
    pub(crate) fn bind(item: &Value) -> Result<CategoryInput, Failed> {
        let obj = item
            .as_object()
            .ok_or_else(|| Failed::new(None, 404, m::CATEGORY_PROPER_DATA))?;
        let id =
            id_key(obj.get("id")).ok_or_else(|| Failed::new(None, 404, m::CATEGORY_PROPER_DATA))?;
        let bad = || Failed::new(obj.get("id").map(echo_as_int), 404, m::CATEGORY_PROPER_DATA);
        let name = non_empty(obj.get("name")).ok_or_else(bad)?;
        let parent_id = match obj.get("parent_id") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) if v.as_u64() == Some(0) || v.as_str() == Some("0") => None,
            Some(v) => Some(id_key(Some(v)).ok_or_else(bad)?),
        };
        let status = flag(obj.get("status")).transpose().map_err(|()| bad())?;
        Ok(CategoryInput {
            id,
            name,
            parent_id,
            status,
        })
    }
}

/// Creates or updates the category. Its parent must exist, must not be the category
/// itself or under it, and must leave the category and those under it within
/// [`MAX_CATEGORY_DEPTH`].
pub(crate) fn create(state: &mut State, item: &Value) -> Result<Done, Failed> {
    let input = CategoryInput::bind(item)?;
    let echo = item.get("id").map(echo_as_int).unwrap_or(Value::Null);
    if let Some(p) = &input.parent_id
        && (!state.categories.contains(p) || state.is_ancestor_or_self(&input.id, p))
    {
        return Err(Failed::new(Some(echo), 404, m::CATEGORY_PROPER_DATA));
    }
    if let Some(p) = &input.parent_id
        && state.depth(p) + state.height(&input.id) > MAX_CATEGORY_DEPTH
    {
        return Err(Failed::new(Some(echo), 400, m::CATEGORY_TOO_DEEP));
    }
    let status = input
        .status
        .or_else(|| state.categories.get(&input.id).map(|c| c.status))
        .unwrap_or(1);
    let created = state.put_category(Category {
        id: input.id,
        name: input.name,
        parent_id: input.parent_id,
        status,
    });
    Ok(Done::new(
        echo,
        if created {
            m::CATEGORY_CREATED
        } else {
            m::CATEGORY_UPDATED
        },
    ))
}

/// Deletes the category with id `item` and the categories under it.
pub(crate) fn delete(state: &mut State, item: &Value) -> Result<Done, Failed> {
    match id_key(Some(item)) {
        Some(id) if state.delete_category(&id) => Ok(Done::new(item.clone(), m::CATEGORY_DELETED)),
        _ => Err(Failed::new(Some(item.clone()), 404, m::CATEGORY_NOT_FOUND)),
    }
}
