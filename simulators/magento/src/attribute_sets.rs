//! Attribute groups of product attribute sets and the attributes assigned to them
//! (`eav_attribute_group`, `eav_entity_attribute`), as
//! `ProductAttributeManagement` and `ProductAttributeGroupRepository` keep them (issue
//! 11, item 2). Facts from `Magento\Eav\Model\AttributeManagement`,
//! `Eav\Model\Attribute\GroupRepository` and `Catalog\Model\ProductAttributeGroupRepository`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::attributes::{self, ProductAttributes};
use crate::catalog::AttributeSet;
use crate::errors::{MResult, MagentoError};
use crate::input;

/// Messages clients match on, verbatim.
pub mod m {
    /// `assign` to a set the store lacks.
    pub const NO_SUCH_SET: &str =
        "The AttributeSet with a \"%1\" ID doesn't exist. Verify the attributeSet and try again.";
    /// A group the store lacks.
    pub const NO_SUCH_GROUP: &str =
        "The group with the \"%1\" ID doesn't exist. Verify the ID and try again.";
    /// A set of another entity type.
    pub const WRONG_SET: &str = "The attribute set ID is incorrect. Verify the ID and try again.";
    /// `assign` with a group of another set.
    pub const GROUP_NOT_IN_SET: &str = "The attribute group doesn't belong to the attribute set.";
    /// A group save naming another set than the group's.
    pub const GROUP_NOT_IN_PROVIDED_SET: &str =
        "The attribute group doesn't belong to the provided attribute set.";
    /// `unassign` of an attribute the set lacks.
    pub const NOT_IN_SET: &str = "The \"%1\" attribute wasn't found in the \"%2\" attribute set. Enter the attribute and try again.";
    /// `unassign` of a system attribute.
    pub const SYSTEM_ATTRIBUTE: &str = "The system attribute can't be deleted.";
    /// A group save the database refuses (a name the set already has).
    pub const GROUP_NOT_SAVED: &str = "The attributeGroup can't be saved.";
    /// Deleting a group holding system attributes.
    pub const GROUP_HAS_SYSTEM: &str =
        "The attribute group can't be deleted because it contains system attributes.";
    /// `NoSuchEntityException::singleField`.
    pub const NO_SUCH_ENTITY: &str = "No such entity with %fieldName = %fieldValue";
}

/// One group of an attribute set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeGroup {
    pub attribute_group_id: u64,
    pub attribute_group_name: String,
    pub attribute_set_id: u64,
    pub attribute_group_code: String,
    pub sort_order: i64,
}

/// One attribute in a set (`eav_entity_attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityAttribute {
    pub entity_attribute_id: u64,
    pub attribute_set_id: u64,
    pub attribute_group_id: u64,
    pub attribute_id: u64,
    pub sort_order: i64,
}

/// Groups and assignments, indexed by group id and by (set, attribute).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "LayoutRows", into = "LayoutRows")]
pub struct SetLayout {
    groups: BTreeMap<u64, AttributeGroup>,
    rows: BTreeMap<(u64, u64), EntityAttribute>,
}

/// [`SetLayout`] as stored: plain lists.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct LayoutRows {
    pub groups: Vec<AttributeGroup>,
    pub entity_attributes: Vec<EntityAttribute>,
}

impl TryFrom<LayoutRows> for SetLayout {
    type Error = String;
    fn try_from(r: LayoutRows) -> Result<Self, String> {
        let mut out = SetLayout::default();
        for g in r.groups {
            let id = g.attribute_group_id;
            if out.groups.insert(id, g).is_some() {
                return Err(format!("attribute_set_layout: group {id} is listed twice"));
            }
        }
        let mut ids = std::collections::HashSet::new();
        for e in r.entity_attributes {
            if !ids.insert(e.entity_attribute_id) {
                return Err(format!(
                    "attribute_set_layout: entity_attribute_id {} is listed twice",
                    e.entity_attribute_id
                ));
            }
            let key = (e.attribute_set_id, e.attribute_id);
            if out.rows.insert(key, e).is_some() {
                return Err(format!(
                    "attribute_set_layout: attribute {} is in set {} twice",
                    key.1, key.0
                ));
            }
        }
        Ok(out)
    }
}

impl From<SetLayout> for LayoutRows {
    fn from(l: SetLayout) -> Self {
        let mut entity_attributes: Vec<EntityAttribute> = l.rows.into_values().collect();
        entity_attributes.sort_by_key(|e| e.entity_attribute_id);
        LayoutRows {
            groups: l.groups.into_values().collect(),
            entity_attributes,
        }
    }
}

/// The groups of a stock 2.4 product set, `(name, code, sort order)`; the stock
/// Default set numbers them 7–16 (recalled from a stock install, not confirmed).
const STOCK_GROUPS: &[(&str, &str, i64)] = &[
    ("Product Details", "product-details", 1),
    ("Advanced Pricing", "advanced-pricing", 6),
    (
        "Search Engine Optimization",
        "search-engine-optimization",
        5,
    ),
    ("Images", "image-management", 4),
    ("Design", "design", 7),
    ("Autosettings", "autosettings", 9),
    ("Content", "content", 2),
    ("Schedule Design Update", "schedule-design-update", 8),
    ("Bundle Items", "bundle-items", 3),
    ("Gift Options", "gift-options", 10),
];

/// The first group id of the stock Default set.
const FIRST_STOCK_GROUP: u64 = 7;

impl SetLayout {
    /// Whether nothing is laid out (a fixture without a layout).
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.rows.is_empty()
    }

    /// The stock layout for `sets` (product sets, in id order): each set gets the stock
    /// groups, numbered from 7, and every stock attribute in its `Product Details`.
    pub fn stock(sets: &[&AttributeSet], attrs: &ProductAttributes) -> Self {
        let mut out = SetLayout::default();
        let mut group_id = FIRST_STOCK_GROUP;
        let mut entity_id = 1;
        for set in sets {
            let details = group_id;
            for (name, code, sort) in STOCK_GROUPS {
                out.groups.insert(
                    group_id,
                    AttributeGroup {
                        attribute_group_id: group_id,
                        attribute_group_name: (*name).to_owned(),
                        attribute_set_id: set.attribute_set_id,
                        attribute_group_code: (*code).to_owned(),
                        sort_order: *sort,
                    },
                );
                group_id += 1;
            }
            for (i, a) in attrs.iter().filter(|a| !a.is_user_defined).enumerate() {
                out.rows.insert(
                    (set.attribute_set_id, a.attribute_id),
                    EntityAttribute {
                        entity_attribute_id: entity_id,
                        attribute_set_id: set.attribute_set_id,
                        attribute_group_id: details,
                        attribute_id: a.attribute_id,
                        sort_order: i64::try_from(i).unwrap_or(0),
                    },
                );
                entity_id += 1;
            }
        }
        out
    }

    /// The largest group id and entity attribute id.
    pub fn max_ids(&self) -> (Option<u64>, Option<u64>) {
        (
            self.groups.keys().next_back().copied(),
            self.rows.values().map(|e| e.entity_attribute_id).max(),
        )
    }

    /// Every group, in id order.
    pub fn groups(&self) -> impl Iterator<Item = &AttributeGroup> {
        self.groups.values()
    }

    /// Every assignment.
    pub fn rows(&self) -> impl Iterator<Item = &EntityAttribute> {
        self.rows.values()
    }

    /// Drops every assignment of `attribute_id` (the attribute was deleted).
    pub fn attribute_deleted(&mut self, attribute_id: u64) {
        self.rows.retain(|(_, a), _| *a != attribute_id);
    }
}

/// A group as the API renders it: the id a string (a database value), code and sort
/// order in `extension_attributes`.
pub fn group_json(g: &AttributeGroup) -> Value {
    json!({
        "attribute_group_id": g.attribute_group_id.to_string(),
        "attribute_group_name": g.attribute_group_name,
        "attribute_set_id": g.attribute_set_id,
        "extension_attributes": {
            "attribute_group_code": g.attribute_group_code,
            "sort_order": g.sort_order.to_string(),
        },
    })
}

/// A column of a group for searchCriteria.
pub fn group_field<'a>(g: &'a AttributeGroup, column: &str) -> crate::search::Field<'a> {
    use crate::search::Field;
    match column {
        "attribute_group_id" => Field::Num(g.attribute_group_id as f64),
        "attribute_group_name" => Field::text(&g.attribute_group_name),
        "attribute_set_id" => Field::Num(g.attribute_set_id as f64),
        "attribute_group_code" => Field::text(&g.attribute_group_code),
        "sort_order" => Field::Num(g.sort_order as f64),
        _ => Field::Missing,
    }
}

fn product_set(sets: &[AttributeSet], id: i64) -> Option<&AttributeSet> {
    sets.iter()
        .find(|s| i64::try_from(s.attribute_set_id) == Ok(id))
}

/// `ProductAttributeManagement::getAttributes`: the set's attributes by group order,
/// then sort order.
pub fn set_attributes(
    layout: &SetLayout,
    sets: &[AttributeSet],
    attrs: &ProductAttributes,
    set_id: i64,
    store_id: u64,
) -> MResult<Value> {
    let set = product_set(sets, set_id)
        .filter(|s| s.entity_type_id == attributes::PRODUCT_ENTITY_TYPE)
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_SUCH_ENTITY)
                .named([("fieldName", json!("id")), ("fieldValue", json!(set_id))])
        })?;
    let mut rows: Vec<&EntityAttribute> = layout
        .rows
        .range((set.attribute_set_id, 0)..=(set.attribute_set_id, u64::MAX))
        .map(|(_, e)| e)
        .collect();
    let group_sort = |id: u64| layout.groups.get(&id).map_or(i64::MAX, |g| g.sort_order);
    rows.sort_by_key(|e| {
        (
            group_sort(e.attribute_group_id),
            e.sort_order,
            e.attribute_id,
        )
    });
    Ok(Value::Array(
        rows.into_iter()
            .filter_map(|e| attrs.by_id(e.attribute_id))
            .map(|a| attributes::attribute_json(a, store_id))
            .collect(),
    ))
}

/// `ProductAttributeManagement::assign`: the assignment's `entity_attribute_id`.
/// Assigning again moves the attribute (a new row, as Magento deletes and inserts).
#[allow(clippy::too_many_arguments)]
pub fn assign(
    layout: &mut SetLayout,
    sets: &[AttributeSet],
    attrs: &ProductAttributes,
    body: &Value,
    next_entity: &mut u64,
) -> MResult<u64> {
    let set_id = input::to_i64(input::arg(body, "attributeSetId")?, "attributeSetId")?;
    let group_id = input::to_i64(input::arg(body, "attributeGroupId")?, "attributeGroupId")?;
    let code = input::to_string(input::arg(body, "attributeCode")?, "attributeCode")?;
    let sort = input::to_i64(input::arg(body, "sortOrder")?, "sortOrder")?;
    let set = product_set(sets, set_id)
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_SET).positional([json!(set_id)]))?;
    let group = u64::try_from(group_id)
        .ok()
        .and_then(|g| layout.groups.get(&g))
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_GROUP).positional([json!(group_id)]))?;
    if set.entity_type_id != attributes::PRODUCT_ENTITY_TYPE {
        return Err(MagentoError::bad_request(m::WRONG_SET));
    }
    if group.attribute_set_id != set.attribute_set_id {
        return Err(MagentoError::bad_request(m::GROUP_NOT_IN_SET));
    }
    let attribute = attrs
        .get(&code)
        .ok_or_else(|| attributes::no_such_attribute(&code))?;
    let id = *next_entity;
    *next_entity = next_entity
        .checked_add(1)
        .ok_or_else(|| MagentoError::bad_request(m::GROUP_NOT_SAVED))?;
    let row = EntityAttribute {
        entity_attribute_id: id,
        attribute_set_id: set.attribute_set_id,
        attribute_group_id: group.attribute_group_id,
        attribute_id: attribute.attribute_id,
        sort_order: sort,
    };
    layout
        .rows
        .insert((set.attribute_set_id, attribute.attribute_id), row);
    Ok(id)
}

/// `ProductAttributeManagement::unassign`.
pub fn unassign(
    layout: &mut SetLayout,
    sets: &[AttributeSet],
    attrs: &ProductAttributes,
    set_id: i64,
    code: &str,
) -> MResult<()> {
    let set = product_set(sets, set_id)
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_SET).positional([json!(set_id)]))?;
    if set.entity_type_id != attributes::PRODUCT_ENTITY_TYPE {
        return Err(MagentoError::bad_request(m::WRONG_SET));
    }
    let attribute = attrs
        .get(code)
        .ok_or_else(|| attributes::no_such_attribute(code))?;
    let key = (set.attribute_set_id, attribute.attribute_id);
    if !layout.rows.contains_key(&key) {
        return Err(
            MagentoError::bad_request(m::NOT_IN_SET).positional([json!(code), json!(set_id)])
        );
    }
    if !attribute.is_user_defined {
        return Err(MagentoError::bad_request(m::SYSTEM_ATTRIBUTE));
    }
    layout.rows.remove(&key);
    Ok(())
}

fn group_code(name: &str) -> String {
    let mut code = String::new();
    for c in name.trim().to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.ends_with('-') {
            code.push('-');
        }
    }
    code.trim_matches('-').to_owned()
}

/// `ProductAttributeGroupRepository::save` (POST, and PUT with the URL's set id).
pub fn save_group(
    layout: &mut SetLayout,
    sets: &[AttributeSet],
    body: &Value,
    url_set: Option<i64>,
    next_group: &mut u64,
) -> MResult<Value> {
    let g = input::arg(body, "group")?;
    let set_id = match url_set {
        Some(id) => id,
        None => input::field(g, "attribute_set_id")
            .map(|v| input::to_i64(v, "attribute_set_id"))
            .transpose()?
            .unwrap_or(0),
    };
    let set = product_set(sets, set_id).ok_or_else(|| {
        MagentoError::not_found(m::NO_SUCH_ENTITY).named([
            ("fieldName", json!("attributeSetId")),
            ("fieldValue", json!(set_id)),
        ])
    })?;
    let set_id = set.attribute_set_id;
    let name = input::field(g, "attribute_group_name")
        .map(|v| input::to_string(v, "attribute_group_name"))
        .transpose()?;
    let existing = input::field(g, "attribute_group_id")
        .map(|v| input::to_i64(v, "attribute_group_id"))
        .transpose()?
        .filter(|id| *id != 0);
    let mut group = match existing {
        Some(id) => {
            let found = u64::try_from(id)
                .ok()
                .and_then(|g| layout.groups.get(&g))
                .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_GROUP).positional([json!(id)]))?;
            if found.attribute_set_id != set_id {
                return Err(MagentoError::bad_request(m::GROUP_NOT_IN_PROVIDED_SET));
            }
            found.clone()
        }
        None => AttributeGroup {
            attribute_group_id: 0,
            attribute_group_name: String::new(),
            attribute_set_id: set_id,
            attribute_group_code: String::new(),
            sort_order: layout
                .groups
                .values()
                .filter(|x| x.attribute_set_id == set_id)
                .map(|x| x.sort_order)
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        },
    };
    if let Some(name) = name {
        group.attribute_group_name = name;
    }
    if group.attribute_group_name.trim().is_empty() {
        return Err(MagentoError::bad_request(m::GROUP_NOT_SAVED));
    }
    if group.attribute_group_code.is_empty() {
        group.attribute_group_code = group_code(&group.attribute_group_name);
    }
    let clash = layout.groups.values().any(|x| {
        x.attribute_set_id == set_id
            && x.attribute_group_id != group.attribute_group_id
            && (x
                .attribute_group_name
                .eq_ignore_ascii_case(&group.attribute_group_name)
                || x.attribute_group_code == group.attribute_group_code)
    });
    if clash {
        return Err(MagentoError::bad_request(m::GROUP_NOT_SAVED));
    }
    if group.attribute_group_id == 0 {
        group.attribute_group_id = *next_group;
        *next_group = next_group
            .checked_add(1)
            .ok_or_else(|| MagentoError::bad_request(m::GROUP_NOT_SAVED))?;
    }
    let json = group_json(&group);
    layout.groups.insert(group.attribute_group_id, group);
    Ok(json)
}

/// `ProductAttributeGroupRepository::deleteById`: refused while the group holds a
/// system attribute; its assignments go with it.
pub fn delete_group(layout: &mut SetLayout, attrs: &ProductAttributes, id: i64) -> MResult<()> {
    let group_id = u64::try_from(id)
        .ok()
        .filter(|g| layout.groups.contains_key(g))
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_GROUP).positional([json!(id)]))?;
    let members: HashMap<u64, bool> = layout
        .rows
        .values()
        .filter(|e| e.attribute_group_id == group_id)
        .map(|e| {
            (
                e.attribute_id,
                attrs
                    .by_id(e.attribute_id)
                    .is_some_and(|a| !a.is_user_defined),
            )
        })
        .collect();
    if members.values().any(|system| *system) {
        return Err(MagentoError::bad_request(m::GROUP_HAS_SYSTEM));
    }
    layout.groups.remove(&group_id);
    layout.rows.retain(|_, e| e.attribute_group_id != group_id);
    Ok(())
}
