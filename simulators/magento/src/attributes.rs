//! Product EAV attributes as `catalogProductAttributeRepositoryV1` and
//! `catalogProductAttributeOptionManagementV1` keep them: the stock attributes of a
//! 2.4 install plus those a client creates, their options, and the check of a
//! product's `custom_attributes` against them (issue 11, item 2).
//!
//! Facts from Magento's `Catalog\Model\Product\Attribute\Repository`,
//! `Eav\Model\Entity\Attribute\OptionManagement`, `Eav\Model\ResourceModel\Entity\
//! Attribute` and the web-API tests `ProductAttributeRepositoryTest` and
//! `ProductAttributeOptionManagementInterfaceTest`.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value, json};

use crate::errors::{MResult, MagentoError};
use crate::input;

/// Messages clients match on, verbatim.
pub mod m {
    /// Unknown attribute code (`Eav\Model\AttributeRepository::get`).
    pub const NO_SUCH_ATTRIBUTE: &str = "The attribute with a \"%1\" attributeCode doesn't exist. Verify the attribute and try again.";
    /// A second attribute with a code in use (the resource model's unique check).
    pub const ALREADY_EXISTS: &str = "%1 already exists.";
    /// The unique-field title of `eav_attribute`.
    pub const SAME_CODE: &str = "Attribute with the same code";
    /// `InputException::invalidFieldValue`.
    pub const INVALID_FIELD_VALUE: &str =
        "Invalid value of \"%value\" provided for the %fieldName field.";
    /// Options on an attribute without a source.
    pub const NO_OPTIONS: &str = "The \"%1\" attribute doesn't work with options.";
    /// An option label that is empty.
    pub const EMPTY_OPTION_LABEL: &str =
        "The attribute option label is empty. Enter the value and try again.";
    /// An admin label an option already has.
    pub const OPTION_LABEL_EXISTS: &str =
        "Admin store attribute option label \"%1\" already exists.";
    /// An option the attribute lacks.
    pub const NO_SUCH_OPTION: &str =
        "The \"%1\" attribute doesn't include an option with \"%2\" ID.";
    /// A system attribute cannot be deleted.
    pub const SYSTEM_ATTRIBUTE: &str = "The system attribute can't be deleted.";
    /// Deleting an attribute a configurable product is configured by.
    pub const USED_IN_CONFIGURABLE: &str = "This attribute is used in configurable products.";
    /// A product value the attribute does not accept (`ProductCustomAttributeWrongTypeTest`
    /// matches it with the code in place: Magento renders it without parameters).
    pub const INVALID_VALUE: &str = "Attribute \"%1\" has invalid value.";
}

/// The product EAV entity type (`catalog_product`).
pub const PRODUCT_ENTITY_TYPE: u64 = 4;

/// Where an attribute's options come from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// No options (text, price, date…).
    None,
    /// `Eav\Model\Entity\Attribute\Source\Table`: the options in `options`, editable,
    /// listed after a blank one.
    Table,
    /// A source model's fixed list (status, visibility…): `[value, label]` pairs.
    Fixed(Vec<(String, String)>),
}

/// A label for one store view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreLabel {
    /// Store view id (never 0: the admin label is the default label).
    pub store_id: u64,
    /// Text.
    pub label: String,
}

/// One option of a table-sourced attribute (`eav_attribute_option`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttrOption {
    /// `option_id`, the value products store.
    pub option_id: u64,
    /// Admin (store 0) label.
    pub label: String,
    /// Labels of other store views.
    #[serde(default)]
    pub store_labels: Vec<StoreLabel>,
    /// Sort order.
    #[serde(default)]
    pub sort_order: i64,
}

/// The storefront and grid switches of `catalog_eav_attribute`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
#[allow(clippy::struct_excessive_bools)]
pub struct Flags {
    pub is_wysiwyg_enabled: bool,
    pub is_html_allowed_on_front: bool,
    pub used_for_sort_by: bool,
    pub is_filterable: bool,
    pub is_filterable_in_search: bool,
    pub is_used_in_grid: bool,
    pub is_visible_in_grid: bool,
    pub is_filterable_in_grid: bool,
    pub is_searchable: bool,
    pub is_visible_in_advanced_search: bool,
    pub is_comparable: bool,
    pub is_used_for_promo_rules: bool,
    pub is_visible_on_front: bool,
    pub used_in_product_listing: bool,
    pub is_visible: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Self {
            is_wysiwyg_enabled: false,
            is_html_allowed_on_front: false,
            used_for_sort_by: false,
            is_filterable: false,
            is_filterable_in_search: false,
            is_used_in_grid: false,
            is_visible_in_grid: false,
            is_filterable_in_grid: false,
            is_searchable: false,
            is_visible_in_advanced_search: false,
            is_comparable: false,
            is_used_for_promo_rules: false,
            is_visible_on_front: false,
            used_in_product_listing: false,
            is_visible: true,
        }
    }
}

/// One product attribute (`eav_attribute` + `catalog_eav_attribute`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeDef {
    pub attribute_id: u64,
    pub attribute_code: String,
    pub frontend_input: String,
    pub backend_type: String,
    #[serde(default)]
    pub backend_model: Option<String>,
    pub source: Source,
    pub default_frontend_label: String,
    #[serde(default)]
    pub frontend_labels: Vec<StoreLabel>,
    pub is_required: bool,
    pub is_user_defined: bool,
    #[serde(default)]
    pub is_unique: bool,
    /// `global`, `website` or `store`.
    pub scope: String,
    #[serde(default)]
    pub default_value: Option<String>,
    #[serde(default)]
    pub apply_to: Vec<String>,
    #[serde(default)]
    pub position: i64,
    #[serde(default)]
    pub flags: Flags,
    /// Table options, in creation order (listed by sort order).
    #[serde(default)]
    pub options: Vec<AttrOption>,
}

impl AttributeDef {
    /// `usesSource()`: select-like inputs and any attribute with a source model.
    pub fn uses_source(&self) -> bool {
        !matches!(self.source, Source::None)
    }

    /// Whether `id` is one of the attribute's table options.
    pub fn has_option(&self, id: u64) -> bool {
        self.options.iter().any(|o| o.option_id == id)
    }
}

/// The product attributes of a store, indexed by id, code and option id.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductAttributes {
    by_id: BTreeMap<u64, AttributeDef>,
    by_code: HashMap<String, u64>,
    option_owner: HashMap<u64, u64>,
}

impl Default for ProductAttributes {
    fn default() -> Self {
        Self::from_list(stock()).unwrap_or_else(|_| Self {
            by_id: BTreeMap::new(),
            by_code: HashMap::new(),
            option_owner: HashMap::new(),
        })
    }
}

impl ProductAttributes {
    /// Indexes `list`; `Err` names the first id, code or option id listed twice.
    pub fn from_list(list: Vec<AttributeDef>) -> Result<Self, String> {
        let mut out = Self {
            by_id: BTreeMap::new(),
            by_code: HashMap::new(),
            option_owner: HashMap::new(),
        };
        for a in list {
            out.insert(a)?;
        }
        Ok(out)
    }

    fn insert(&mut self, a: AttributeDef) -> Result<(), String> {
        let id = a.attribute_id;
        if self.by_id.contains_key(&id) {
            return Err(format!(
                "product_attributes: attribute_id {id} is listed twice"
            ));
        }
        let code = a.attribute_code.to_ascii_lowercase();
        if self.by_code.contains_key(&code) {
            return Err(format!(
                "product_attributes: attribute_code \"{}\" is listed twice",
                a.attribute_code
            ));
        }
        for o in &a.options {
            if self.option_owner.insert(o.option_id, id).is_some() {
                return Err(format!(
                    "product_attributes: option_id {} is listed twice",
                    o.option_id
                ));
            }
        }
        self.by_code.insert(code, id);
        self.by_id.insert(id, a);
        Ok(())
    }

    /// The attribute with `code` (case-insensitive, as MySQL compares it).
    pub fn get(&self, code: &str) -> Option<&AttributeDef> {
        let id = self.by_code.get(&code.to_ascii_lowercase())?;
        self.by_id.get(id)
    }

    /// The attribute with `id`.
    pub fn by_id(&self, id: u64) -> Option<&AttributeDef> {
        self.by_id.get(&id)
    }

    /// Every attribute, in id order.
    pub fn iter(&self) -> impl Iterator<Item = &AttributeDef> {
        self.by_id.values()
    }

    /// The largest attribute id.
    pub fn max_id(&self) -> Option<u64> {
        self.by_id.keys().next_back().copied()
    }

    /// The largest option id.
    pub fn max_option_id(&self) -> Option<u64> {
        self.option_owner.keys().max().copied()
    }

    /// Replaces the attribute with `def.attribute_id` (or adds it), keeping the
    /// indexes in step.
    fn put(&mut self, def: AttributeDef) {
        if let Some(old) = self.by_id.remove(&def.attribute_id) {
            self.by_code
                .remove(&old.attribute_code.to_ascii_lowercase());
            for o in &old.options {
                self.option_owner.remove(&o.option_id);
            }
        }
        for o in &def.options {
            self.option_owner.insert(o.option_id, def.attribute_id);
        }
        self.by_code
            .insert(def.attribute_code.to_ascii_lowercase(), def.attribute_id);
        self.by_id.insert(def.attribute_id, def);
    }

    fn remove(&mut self, id: u64) -> Option<AttributeDef> {
        let old = self.by_id.remove(&id)?;
        self.by_code
            .remove(&old.attribute_code.to_ascii_lowercase());
        for o in &old.options {
            self.option_owner.remove(&o.option_id);
        }
        Some(old)
    }
}

impl Serialize for ProductAttributes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.by_id.values())
    }
}

impl<'de> Deserialize<'de> for ProductAttributes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<AttributeDef>::deserialize(deserializer)?;
        Self::from_list(list).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------
// The stock attributes

const TABLE_SOURCE: &str = "Magento\\Eav\\Model\\Entity\\Attribute\\Source\\Table";
const ARRAY_BACKEND: &str = "Magento\\Eav\\Model\\Entity\\Attribute\\Backend\\ArrayBackend";
const PRICE_BACKEND: &str = "Magento\\Catalog\\Model\\Product\\Attribute\\Backend\\Price";
const DATE_BACKEND: &str = "Magento\\Catalog\\Model\\Attribute\\Backend\\Startdate";
const ALL_TYPES: &[&str] = &[
    "simple",
    "virtual",
    "bundle",
    "downloadable",
    "configurable",
];

/// `(id, code, input, backend type, label, required, scope)` of a stock 2.4 install's
/// product attributes that the REST API shows. Ids as a stock install numbers them
/// (`color` 93 and `price` 77 are confirmed by public responses; the others follow
/// the install order of `Catalog\Setup\CategorySetup`).
const STOCK: &[(u64, &str, &str, &str, &str, bool, &str)] = &[
    (73, "name", "text", "varchar", "Product Name", true, "store"),
    (74, "sku", "text", "static", "SKU", true, "global"),
    (
        75,
        "description",
        "textarea",
        "text",
        "Description",
        false,
        "store",
    ),
    (
        76,
        "short_description",
        "textarea",
        "text",
        "Short Description",
        false,
        "store",
    ),
    (77, "price", "price", "decimal", "Price", true, "global"),
    (
        78,
        "special_price",
        "price",
        "decimal",
        "Special Price",
        false,
        "global",
    ),
    (
        79,
        "special_from_date",
        "date",
        "datetime",
        "Special Price From Date",
        false,
        "global",
    ),
    (
        80,
        "special_to_date",
        "date",
        "datetime",
        "Special Price To Date",
        false,
        "global",
    ),
    (81, "cost", "price", "decimal", "Cost", false, "global"),
    (82, "weight", "weight", "decimal", "Weight", false, "global"),
    (
        83,
        "manufacturer",
        "select",
        "int",
        "Manufacturer",
        false,
        "global",
    ),
    (
        84,
        "meta_title",
        "text",
        "varchar",
        "Meta Title",
        false,
        "store",
    ),
    (
        85,
        "meta_keyword",
        "textarea",
        "text",
        "Meta Keywords",
        false,
        "store",
    ),
    (
        86,
        "meta_description",
        "textarea",
        "varchar",
        "Meta Description",
        false,
        "store",
    ),
    (
        87,
        "image",
        "media_image",
        "varchar",
        "Base",
        false,
        "store",
    ),
    (
        88,
        "small_image",
        "media_image",
        "varchar",
        "Small",
        false,
        "store",
    ),
    (
        89,
        "thumbnail",
        "media_image",
        "varchar",
        "Thumbnail",
        false,
        "store",
    ),
    (93, "color", "select", "int", "Color", false, "global"),
    (
        94,
        "news_from_date",
        "date",
        "datetime",
        "Set Product as New from Date",
        false,
        "website",
    ),
    (
        95,
        "news_to_date",
        "date",
        "datetime",
        "Set Product as New to Date",
        false,
        "website",
    ),
    (
        97,
        "status",
        "boolean",
        "int",
        "Enable Product",
        false,
        "website",
    ),
    (
        99,
        "visibility",
        "select",
        "int",
        "Visibility",
        false,
        "store",
    ),
    (
        100,
        "custom_design",
        "select",
        "varchar",
        "New Theme",
        false,
        "store",
    ),
    (
        101,
        "custom_design_from",
        "date",
        "datetime",
        "Active From",
        false,
        "store",
    ),
    (
        102,
        "custom_design_to",
        "date",
        "datetime",
        "Active To",
        false,
        "store",
    ),
    (
        103,
        "custom_layout_update",
        "textarea",
        "text",
        "Layout Update XML",
        false,
        "store",
    ),
    (
        104,
        "page_layout",
        "select",
        "varchar",
        "Layout",
        false,
        "store",
    ),
    (
        105,
        "category_ids",
        "categories",
        "static",
        "Categories",
        false,
        "global",
    ),
    (
        106,
        "options_container",
        "select",
        "varchar",
        "Display Product Options In",
        false,
        "store",
    ),
    (
        107,
        "required_options",
        "text",
        "static",
        "",
        false,
        "global",
    ),
    (108, "has_options", "text", "static", "", false, "global"),
    (
        109,
        "image_label",
        "text",
        "varchar",
        "Image Label",
        false,
        "store",
    ),
    (
        110,
        "small_image_label",
        "text",
        "varchar",
        "Small Image Label",
        false,
        "store",
    ),
    (
        111,
        "thumbnail_label",
        "text",
        "varchar",
        "Thumbnail Label",
        false,
        "store",
    ),
    (112, "created_at", "date", "static", "", false, "global"),
    (113, "updated_at", "date", "static", "", false, "global"),
    (
        114,
        "country_of_manufacture",
        "select",
        "varchar",
        "Country of Manufacture",
        false,
        "website",
    ),
    (
        115,
        "quantity_and_stock_status",
        "select",
        "int",
        "Quantity",
        false,
        "global",
    ),
    (
        116,
        "custom_layout",
        "select",
        "varchar",
        "New Layout",
        false,
        "store",
    ),
    (121, "url_key", "text", "varchar", "URL Key", false, "store"),
    (
        124,
        "msrp",
        "price",
        "decimal",
        "Minimum Advertised Price",
        false,
        "website",
    ),
    (
        125,
        "msrp_display_actual_price_type",
        "select",
        "varchar",
        "Display Actual Price",
        false,
        "website",
    ),
    (
        132,
        "gift_message_available",
        "boolean",
        "varchar",
        "Allow Gift Message",
        false,
        "store",
    ),
    (
        134,
        "swatch_image",
        "media_image",
        "varchar",
        "Swatch",
        false,
        "store",
    ),
    (
        136,
        "tax_class_id",
        "select",
        "int",
        "Tax Class",
        false,
        "website",
    ),
];

fn fixed(pairs: &[(&str, &str)]) -> Source {
    Source::Fixed(
        pairs
            .iter()
            .map(|(v, l)| ((*v).to_owned(), (*l).to_owned()))
            .collect(),
    )
}

fn stock_source(code: &str) -> Source {
    match code {
        "color" | "manufacturer" => Source::Table,
        "status" => fixed(&[("1", "Enabled"), ("2", "Disabled")]),
        "visibility" => fixed(&[
            ("1", "Not Visible Individually"),
            ("2", "Catalog"),
            ("3", "Search"),
            ("4", "Catalog, Search"),
        ]),
        "quantity_and_stock_status" => fixed(&[("1", "In Stock"), ("0", "Out of Stock")]),
        "tax_class_id" => fixed(&[("0", "None"), ("2", "Taxable Goods")]),
        "gift_message_available" => fixed(&[("1", "Yes"), ("0", "No")]),
        "options_container" => fixed(&[
            ("container1", "Product Info Column"),
            ("container2", "Block after Info Column"),
        ]),
        "msrp_display_actual_price_type" => fixed(&[
            ("0", "Use config"),
            ("1", "On Gesture"),
            ("2", "In Cart"),
            ("3", "Before Order Confirmation"),
        ]),
        "custom_design" | "page_layout" | "custom_layout" | "country_of_manufacture" => fixed(&[]),
        _ => Source::None,
    }
}

/// The stock product attributes, in id order.
pub fn stock() -> Vec<AttributeDef> {
    STOCK
        .iter()
        .map(|&(id, code, input, backend, label, required, scope)| {
            let mut flags = Flags::default();
            match code {
                "name" | "sku" | "description" | "short_description" => {
                    flags.is_searchable = true;
                    flags.is_visible_in_advanced_search = true;
                }
                "price" => {
                    flags.is_searchable = true;
                    flags.is_visible_in_advanced_search = true;
                    flags.is_filterable = true;
                    flags.used_for_sort_by = true;
                    flags.used_in_product_listing = true;
                }
                "color" | "manufacturer" => {
                    flags.is_filterable = true;
                    flags.is_used_in_grid = true;
                    flags.is_filterable_in_grid = true;
                    flags.is_used_for_promo_rules = true;
                    flags.used_in_product_listing = true;
                }
                _ => {}
            }
            if code == "name" {
                flags.used_for_sort_by = true;
                flags.used_in_product_listing = true;
            }
            AttributeDef {
                attribute_id: id,
                attribute_code: code.to_owned(),
                frontend_input: input.to_owned(),
                backend_type: backend.to_owned(),
                backend_model: match input {
                    "price" => Some(PRICE_BACKEND.to_owned()),
                    "date" if backend == "datetime" => Some(DATE_BACKEND.to_owned()),
                    _ => None,
                },
                source: stock_source(code),
                default_frontend_label: label.to_owned(),
                frontend_labels: Vec::new(),
                is_required: required,
                is_user_defined: matches!(code, "color" | "manufacturer"),
                is_unique: code == "sku",
                scope: scope.to_owned(),
                default_value: None,
                apply_to: if matches!(code, "color" | "manufacturer" | "weight") {
                    vec!["simple".into(), "virtual".into(), "configurable".into()]
                } else if input == "price" {
                    ALL_TYPES
                        .iter()
                        .filter(|t| **t != "bundle" || code == "price")
                        .map(|t| (*t).to_owned())
                        .collect()
                } else {
                    Vec::new()
                },
                position: 0,
                flags,
                options: Vec::new(),
            }
        })
        .collect()
}

/// The next attribute id of a stock install (one above [`STOCK`]'s last, leaving room
/// for the modules' attributes the API does not show).
pub const FIRST_USER_ATTRIBUTE_ID: u64 = 157;
/// The first option id of a stock install without sample data.
pub const FIRST_OPTION_ID: u64 = 1;

// ---------------------------------------------------------------------------
// JSON

fn flag_text(b: bool) -> Value {
    Value::String(if b { "1" } else { "0" }.to_owned())
}

fn label_for(labels: &[StoreLabel], store_id: u64) -> Option<&str> {
    labels
        .iter()
        .find(|l| l.store_id == store_id)
        .map(|l| l.label.as_str())
}

/// The options as `getOptions()` lists them in store view `store_id`: a blank first for
/// a table source, then by sort order (ties by id), each labelled for the store.
pub fn options_json(a: &AttributeDef, store_id: u64) -> Value {
    match &a.source {
        Source::None => json!([]),
        Source::Fixed(pairs) => Value::Array(
            pairs
                .iter()
                .map(|(v, l)| json!({"label": l, "value": v}))
                .collect(),
        ),
        Source::Table => {
            let mut sorted: Vec<&AttrOption> = a.options.iter().collect();
            sorted.sort_by_key(|o| (o.sort_order, o.option_id));
            let mut out = vec![json!({"label": " ", "value": ""})];
            out.extend(sorted.into_iter().map(|o| {
                let label = label_for(&o.store_labels, store_id).unwrap_or(&o.label);
                json!({"label": label, "value": o.option_id.to_string()})
            }));
            Value::Array(out)
        }
    }
}

/// `ProductAttributeInterface` as the REST API renders it, in its key order.
pub fn attribute_json(a: &AttributeDef, store_id: u64) -> Value {
    let f = &a.flags;
    let mut o = Map::new();
    o.insert("is_wysiwyg_enabled".into(), json!(f.is_wysiwyg_enabled));
    o.insert(
        "is_html_allowed_on_front".into(),
        json!(f.is_html_allowed_on_front),
    );
    o.insert("used_for_sort_by".into(), json!(f.used_for_sort_by));
    o.insert("is_filterable".into(), json!(f.is_filterable));
    o.insert(
        "is_filterable_in_search".into(),
        json!(f.is_filterable_in_search),
    );
    o.insert("is_used_in_grid".into(), json!(f.is_used_in_grid));
    o.insert("is_visible_in_grid".into(), json!(f.is_visible_in_grid));
    o.insert(
        "is_filterable_in_grid".into(),
        json!(f.is_filterable_in_grid),
    );
    o.insert("position".into(), json!(a.position));
    o.insert("apply_to".into(), json!(a.apply_to));
    o.insert("is_searchable".into(), flag_text(f.is_searchable));
    o.insert(
        "is_visible_in_advanced_search".into(),
        flag_text(f.is_visible_in_advanced_search),
    );
    o.insert("is_comparable".into(), flag_text(f.is_comparable));
    o.insert(
        "is_used_for_promo_rules".into(),
        flag_text(f.is_used_for_promo_rules),
    );
    o.insert(
        "is_visible_on_front".into(),
        flag_text(f.is_visible_on_front),
    );
    o.insert(
        "used_in_product_listing".into(),
        flag_text(f.used_in_product_listing),
    );
    o.insert("is_visible".into(), json!(f.is_visible));
    o.insert("scope".into(), json!(a.scope));
    o.insert("attribute_id".into(), json!(a.attribute_id));
    o.insert("attribute_code".into(), json!(a.attribute_code));
    o.insert("frontend_input".into(), json!(a.frontend_input));
    o.insert(
        "entity_type_id".into(),
        json!(PRODUCT_ENTITY_TYPE.to_string()),
    );
    o.insert("is_required".into(), json!(a.is_required));
    o.insert("options".into(), options_json(a, store_id));
    o.insert("is_user_defined".into(), json!(a.is_user_defined));
    o.insert(
        "default_frontend_label".into(),
        json!(a.default_frontend_label),
    );
    o.insert(
        "frontend_labels".into(),
        Value::Array(
            a.frontend_labels
                .iter()
                .map(|l| json!({"store_id": l.store_id, "label": l.label}))
                .collect(),
        ),
    );
    o.insert("backend_type".into(), json!(a.backend_type));
    if let Some(model) = &a.backend_model {
        o.insert("backend_model".into(), json!(model));
    }
    if matches!(a.source, Source::Table) {
        o.insert("source_model".into(), json!(TABLE_SOURCE));
    }
    if let Some(default) = &a.default_value {
        o.insert("default_value".into(), json!(default));
    }
    o.insert("is_unique".into(), flag_text(a.is_unique));
    o.insert("validation_rules".into(), json!([]));
    Value::Object(o)
}

/// A column of an attribute for searchCriteria.
pub fn attribute_field<'a>(a: &'a AttributeDef, column: &str) -> crate::search::Field<'a> {
    use crate::search::Field;
    let flag = |b: bool| Field::Num(f64::from(u8::from(b)));
    match column {
        "attribute_id" => Field::Num(a.attribute_id as f64),
        "attribute_code" => Field::text(&a.attribute_code),
        "frontend_input" => Field::text(&a.frontend_input),
        "backend_type" => Field::text(&a.backend_type),
        "frontend_label" | "default_frontend_label" => Field::text(&a.default_frontend_label),
        "entity_type_id" => Field::Num(PRODUCT_ENTITY_TYPE as f64),
        "is_required" => flag(a.is_required),
        "is_user_defined" => flag(a.is_user_defined),
        "is_unique" => flag(a.is_unique),
        "is_global" => Field::Num(match a.scope.as_str() {
            "store" => 0.0,
            "website" => 2.0,
            _ => 1.0,
        }),
        "position" => Field::Num(a.position as f64),
        "is_searchable" => flag(a.flags.is_searchable),
        "is_filterable" => flag(a.flags.is_filterable),
        "is_filterable_in_search" => flag(a.flags.is_filterable_in_search),
        "is_comparable" => flag(a.flags.is_comparable),
        "is_visible" => flag(a.flags.is_visible),
        "is_visible_on_front" => flag(a.flags.is_visible_on_front),
        "used_in_product_listing" => flag(a.flags.used_in_product_listing),
        "used_for_sort_by" => flag(a.flags.used_for_sort_by),
        "is_used_in_grid" => flag(a.flags.is_used_in_grid),
        _ => Field::Missing,
    }
}

// ---------------------------------------------------------------------------
// Saving

/// Input types `Inputtype\Validator` accepts on a stock 2.4 install.
pub const INPUT_TYPES: &[(&str, &str)] = &[
    ("text", "Text Field"),
    ("textarea", "Text Area"),
    ("texteditor", "Text Editor"),
    ("date", "Date"),
    ("datetime", "Date and Time"),
    ("boolean", "Yes/No"),
    ("multiselect", "Multiple Select"),
    ("select", "Dropdown"),
    ("price", "Price"),
    ("media_image", "Media Image"),
    ("swatch_visual", "Visual Swatch"),
    ("swatch_text", "Text Swatch"),
    ("weee", "Fixed Product Tax"),
];

/// `getBackendTypeByInput`.
fn backend_type_for(input: &str) -> &'static str {
    match input {
        "text" | "gallery" | "media_image" | "multiselect" => "varchar",
        "image" | "textarea" | "texteditor" => "text",
        "date" | "datetime" => "datetime",
        "select" | "boolean" | "swatch_visual" | "swatch_text" => "int",
        "price" => "decimal",
        _ => "static",
    }
}

fn invalid_field(field: &str, value: &Value) -> MagentoError {
    MagentoError::bad_request(m::INVALID_FIELD_VALUE)
        .named([("fieldName", json!(field)), ("value", value.clone())])
}

/// Keys of `ProductAttributeInterface` (with the EAV attribute's) a body may carry.
const ATTRIBUTE_KEYS: &[&str] = &[
    "is_wysiwyg_enabled",
    "is_html_allowed_on_front",
    "used_for_sort_by",
    "is_filterable",
    "is_filterable_in_search",
    "is_used_in_grid",
    "is_visible_in_grid",
    "is_filterable_in_grid",
    "position",
    "apply_to",
    "is_searchable",
    "is_visible_in_advanced_search",
    "is_comparable",
    "is_used_for_promo_rules",
    "is_visible_on_front",
    "used_in_product_listing",
    "is_visible",
    "scope",
    "extension_attributes",
    "attribute_id",
    "attribute_code",
    "frontend_input",
    "entity_type_id",
    "is_required",
    "options",
    "is_user_defined",
    "default_frontend_label",
    "frontend_labels",
    "note",
    "backend_type",
    "backend_model",
    "source_model",
    "default_value",
    "is_unique",
    "frontend_class",
    "validation_rules",
    "custom_attributes",
];

const ATTRIBUTE_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductAttributeInterface";

fn bool_field(obj: &Value, key: &str) -> MResult<Option<bool>> {
    input::field(obj, key)
        .map(|v| input::to_bool(v, key))
        .transpose()
}

fn labels(value: Option<&Value>, field: &str) -> MResult<Vec<(u64, String)>> {
    let Some(value) = value else {
        return Ok(Vec::new());
    };
    let items = value
        .as_array()
        .ok_or_else(|| input::type_error(field, value, "array"))?;
    items
        .iter()
        .map(|l| {
            let store = input::field(l, "store_id")
                .map(|v| input::to_i64(v, "store_id"))
                .transpose()?
                .unwrap_or(0);
            let text = input::field(l, "label")
                .map(|v| input::to_string(v, "label"))
                .transpose()?
                .unwrap_or_default();
            Ok((u64::try_from(store).unwrap_or(0), text))
        })
        .collect()
}

/// One option of a save or an `add`, bound.
struct OptionInput {
    value: Option<String>,
    label: String,
    sort_order: Option<i64>,
    is_default: bool,
    store_labels: Vec<(u64, String)>,
}

fn option_input(v: &Value) -> MResult<OptionInput> {
    if !v.is_object() {
        return Err(input::type_error(
            "option",
            v,
            "Magento\\Eav\\Api\\Data\\AttributeOptionInterface",
        ));
    }
    Ok(OptionInput {
        value: input::field(v, "value")
            .map(|x| input::to_string(x, "value"))
            .transpose()?
            .filter(|s| !s.trim().is_empty()),
        label: input::field(v, "label")
            .map(|x| input::to_string(x, "label"))
            .transpose()?
            .unwrap_or_default(),
        sort_order: input::field(v, "sort_order")
            .map(|x| input::to_i64(x, "sort_order"))
            .transpose()?,
        is_default: bool_field(v, "is_default")?.unwrap_or(false),
        store_labels: labels(input::field(v, "store_labels"), "store_labels")?,
    })
}

/// Applies options as `Repository::save` → `_saveOption` does: a numeric `value` of
/// an existing option updates it, anything else adds one; returns the default
/// option's id when one is marked.
fn merge_options(
    def: &mut AttributeDef,
    inputs: Vec<OptionInput>,
    next_option: &mut u64,
) -> MResult<Option<u64>> {
    let mut default = None;
    let mut auto_order = 0;
    for o in inputs {
        let sort = match o.sort_order {
            Some(s) if s != 0 => s,
            _ => {
                let s = auto_order;
                auto_order += 1;
                s
            }
        };
        let mut store_labels: Vec<StoreLabel> = Vec::new();
        let mut admin = o.label.clone();
        for (store, text) in o.store_labels {
            if store == 0 {
                admin = text;
            } else if !text.is_empty() {
                store_labels.retain(|l| l.store_id != store);
                store_labels.push(StoreLabel {
                    store_id: store,
                    label: text,
                });
            }
        }
        let existing = o
            .value
            .as_deref()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|id| def.has_option(*id));
        let id = if let Some(id) = existing {
            if let Some(opt) = def.options.iter_mut().find(|x| x.option_id == id) {
                opt.label = admin;
                opt.sort_order = sort;
                for l in store_labels {
                    opt.store_labels.retain(|x| x.store_id != l.store_id);
                    opt.store_labels.push(l);
                }
            }
            id
        } else {
            let id = *next_option;
            *next_option = next_option
                .checked_add(1)
                .ok_or_else(|| MagentoError::bad_request(m::NO_OPTIONS))?;
            def.options.push(AttrOption {
                option_id: id,
                label: admin,
                store_labels,
                sort_order: sort,
            });
            id
        };
        if o.is_default {
            default = Some(id);
        }
    }
    Ok(default)
}

/// What a save needs from the store's counters.
pub struct Counters<'a> {
    /// `next.attribute_id`.
    pub attribute_id: &'a mut u64,
    /// `next.attribute_option_id`.
    pub option_id: &'a mut u64,
}

/// `ProductAttributeRepositoryInterface::save` (POST, and PUT with the URL's code):
/// the saved attribute's code.
pub fn save(
    attrs: &mut ProductAttributes,
    body: &Value,
    url_code: Option<&str>,
    counters: Counters<'_>,
) -> MResult<String> {
    let a = input::arg(body, "attribute")?;
    let obj = a
        .as_object()
        .ok_or_else(|| input::type_error("attribute", a, ATTRIBUTE_CLASS))?;
    for key in obj.keys() {
        if !ATTRIBUTE_KEYS.contains(&input::snake(key).as_str()) {
            return Err(MagentoError::unknown_property(key, ATTRIBUTE_CLASS));
        }
    }
    let code_in = input::field(a, "attribute_code")
        .map(|v| input::to_string(v, "attribute_code"))
        .transpose()?;
    let id_in = input::field(a, "attribute_id")
        .map(|v| input::to_i64(v, "attribute_id"))
        .transpose()?
        .filter(|id| *id != 0);
    let labels_in = labels(input::field(a, "frontend_labels"), "frontend_labels")?;
    let default_label_in = input::field(a, "default_frontend_label")
        .map(|v| input::to_string(v, "default_frontend_label"))
        .transpose()?
        .filter(|s| !s.is_empty());
    let admin_label = labels_in
        .iter()
        .find(|(s, _)| *s == 0)
        .map(|(_, l)| l.clone())
        .filter(|l| !l.is_empty());
    let options_in = match input::field(a, "options") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.iter().map(option_input).collect::<MResult<_>>()?,
        Some(other) => return Err(input::type_error("options", other, "array")),
    };

    // The attribute as it will be: an update starts from the stored one.
    let mut def = if id_in.is_some() {
        // PUT's URL code wins over the body's (ParamsOverrider); the code is looked up.
        let code = url_code
            .map(str::to_owned)
            .or(code_in.clone())
            .unwrap_or_default();
        let existing = attrs.get(&code).ok_or_else(|| no_such_attribute(&code))?;
        let mut def = existing.clone();
        if let Some(label) = default_label_in.clone().or(admin_label.clone()) {
            def.default_frontend_label = label;
        }
        def
    } else {
        if labels_in.is_empty() && default_label_in.is_none() {
            return Err(MagentoError::required("frontend_label"));
        }
        let label = default_label_in
            .clone()
            .or(admin_label.clone())
            .ok_or_else(|| invalid_field("frontend_label", &Value::Null))?;
        let code = match code_in.clone().filter(|c| !c.is_empty()) {
            Some(c) => c,
            None => generate_code(&label),
        };
        if !valid_code(&code) {
            return Err(invalid_field("attribute_code", &json!(code)));
        }
        let input_type = input::field(a, "frontend_input")
            .map(|v| input::to_string(v, "frontend_input"))
            .transpose()?
            .unwrap_or_default();
        if !INPUT_TYPES.iter().any(|(t, _)| *t == input_type) {
            return Err(invalid_field("frontend_input", &json!(input_type)));
        }
        if attrs.get(&code).is_some() {
            return Err(
                MagentoError::bad_request(m::ALREADY_EXISTS).positional([json!(m::SAME_CODE)])
            );
        }
        let source = if matches!(
            input_type.as_str(),
            "select" | "multiselect" | "swatch_visual" | "swatch_text"
        ) {
            Source::Table
        } else if input_type == "boolean" {
            fixed(&[("1", "Yes"), ("0", "No")])
        } else {
            Source::None
        };
        AttributeDef {
            attribute_id: 0,
            attribute_code: code,
            backend_type: backend_type_for(&input_type).to_owned(),
            backend_model: match input_type.as_str() {
                "multiselect" => Some(ARRAY_BACKEND.to_owned()),
                "price" => Some(PRICE_BACKEND.to_owned()),
                _ => None,
            },
            frontend_input: input_type,
            source,
            default_frontend_label: label,
            frontend_labels: Vec::new(),
            is_required: false,
            is_user_defined: true,
            is_unique: false,
            scope: "global".into(),
            default_value: None,
            apply_to: Vec::new(),
            position: 0,
            flags: Flags::default(),
            options: Vec::new(),
        }
    };

    // Fields every save may set.
    if !labels_in.is_empty() {
        def.frontend_labels = labels_in
            .iter()
            .filter(|(s, l)| *s != 0 && !l.is_empty())
            .map(|(s, l)| StoreLabel {
                store_id: *s,
                label: l.clone(),
            })
            .collect();
    }
    if let Some(b) = bool_field(a, "is_required")? {
        def.is_required = b;
    }
    if let Some(b) = bool_field(a, "is_unique")? {
        def.is_unique = b;
    }
    if let Some(v) = input::field(a, "scope") {
        let scope = input::to_string(v, "scope")?;
        def.scope = match scope.as_str() {
            "store" | "website" | "global" => scope,
            _ => "global".into(),
        };
    }
    if let Some(v) = input::field(a, "position") {
        def.position = input::to_i64(v, "position")?;
    }
    if let Some(v) = input::field(a, "apply_to") {
        def.apply_to = match v {
            Value::Array(items) => items
                .iter()
                .map(|t| input::to_string(t, "apply_to"))
                .collect::<MResult<_>>()?,
            other => input::to_string(other, "apply_to")?
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
    }
    let f = &mut def.flags;
    for (key, slot) in [
        ("is_wysiwyg_enabled", &mut f.is_wysiwyg_enabled),
        ("is_html_allowed_on_front", &mut f.is_html_allowed_on_front),
        ("used_for_sort_by", &mut f.used_for_sort_by),
        ("is_filterable", &mut f.is_filterable),
        ("is_filterable_in_search", &mut f.is_filterable_in_search),
        ("is_used_in_grid", &mut f.is_used_in_grid),
        ("is_visible_in_grid", &mut f.is_visible_in_grid),
        ("is_filterable_in_grid", &mut f.is_filterable_in_grid),
        ("is_searchable", &mut f.is_searchable),
        (
            "is_visible_in_advanced_search",
            &mut f.is_visible_in_advanced_search,
        ),
        ("is_comparable", &mut f.is_comparable),
        ("is_used_for_promo_rules", &mut f.is_used_for_promo_rules),
        ("is_visible_on_front", &mut f.is_visible_on_front),
        ("used_in_product_listing", &mut f.used_in_product_listing),
        ("is_visible", &mut f.is_visible),
    ] {
        if let Some(b) = bool_field(a, key)? {
            *slot = b;
        }
    }
    let explicit_default = input::field(a, "default_value")
        .map(|v| input::to_string(v, "default_value"))
        .transpose()?;

    // Options need a source; then ids are handed out.
    let mut next_option = *counters.option_id;
    let mut default_option = None;
    if !options_in.is_empty() {
        if !matches!(def.source, Source::Table) {
            return Err(
                MagentoError::bad_request(m::NO_OPTIONS).positional([json!(def.attribute_code)])
            );
        }
        default_option = merge_options(&mut def, options_in, &mut next_option)?;
    }
    if let Some(id) = default_option {
        def.default_value = Some(id.to_string());
    } else if let Some(text) = explicit_default.filter(|t| !t.is_empty()) {
        if !matches!(def.source, Source::Table) {
            def.default_value = Some(text);
        }
    }

    // Commit.
    if def.attribute_id == 0 {
        def.attribute_id = *counters.attribute_id;
        *counters.attribute_id = counters
            .attribute_id
            .checked_add(1)
            .ok_or_else(|| MagentoError::bad_request(m::NO_OPTIONS))?;
    }
    *counters.option_id = next_option;
    let code = def.attribute_code.clone();
    attrs.put(def);
    Ok(code)
}

/// `^[a-z][a-z_0-9]{0,30}$` (`Repository::validateCode`).
fn valid_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 31
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_')
}

/// `Repository::generateCode`: the label lower-cased with other characters as `_`,
/// 30 at most, prefixed `attr_` when that is not a valid code.
fn generate_code(label: &str) -> String {
    let code: String = label
        .to_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    let ends_ok = code
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if code.len() >= 2 && valid_code(&code) && ends_ok {
        code
    } else {
        format!("attr_{code}")
    }
}

/// 404 for an attribute code the store lacks.
pub fn no_such_attribute(code: &str) -> MagentoError {
    MagentoError::not_found(m::NO_SUCH_ATTRIBUTE).positional([json!(code)])
}

/// `deleteById`: refuses a system attribute; returns the removed attribute.
pub fn delete(attrs: &mut ProductAttributes, code: &str) -> MResult<AttributeDef> {
    let a = attrs.get(code).ok_or_else(|| no_such_attribute(code))?;
    if !a.is_user_defined {
        return Err(MagentoError::bad_request(m::SYSTEM_ATTRIBUTE));
    }
    let id = a.attribute_id;
    attrs.remove(id).ok_or_else(|| no_such_attribute(code))
}

fn optioned<'a>(attrs: &'a ProductAttributes, code: &str) -> MResult<&'a AttributeDef> {
    let a = attrs.get(code).ok_or_else(|| no_such_attribute(code))?;
    if !a.uses_source() {
        return Err(MagentoError::bad_request(m::NO_OPTIONS).positional([json!(code)]));
    }
    Ok(a)
}

/// `OptionManagement::getItems` in store view `store_id`.
pub fn options(attrs: &ProductAttributes, code: &str, store_id: u64) -> MResult<Value> {
    let a = attrs.get(code).ok_or_else(|| no_such_attribute(code))?;
    Ok(options_json(a, store_id))
}

/// `OptionManagement::add`: the new option's id, as a string.
pub fn add_option(
    attrs: &mut ProductAttributes,
    code: &str,
    body: &Value,
    next_option: &mut u64,
) -> MResult<String> {
    let raw = input::arg(body, "option")?;
    let opt = option_input(raw)?;
    let a = optioned(attrs, code)?;
    if !matches!(a.source, Source::Table) {
        return Err(MagentoError::bad_request(m::NO_OPTIONS).positional([json!(code)]));
    }
    let label = opt.label.trim().to_owned();
    if label.is_empty() {
        return Err(MagentoError::bad_request(m::EMPTY_OPTION_LABEL));
    }
    let upper = label.to_uppercase();
    if a.options.iter().any(|o| o.label.to_uppercase() == upper) {
        return Err(
            MagentoError::bad_request(m::OPTION_LABEL_EXISTS).positional([json!(opt.label)])
        );
    }
    let mut def = a.clone();
    let mut next = *next_option;
    let is_default = opt.is_default;
    let added = OptionInput {
        value: None,
        label,
        ..opt
    };
    let id = merge_options(&mut def, vec![added], &mut next)?.unwrap_or(next - 1);
    if is_default {
        def.default_value = Some(id.to_string());
    }
    *next_option = next;
    attrs.put(def);
    Ok(id.to_string())
}

/// `OptionManagement::delete`.
pub fn delete_option(attrs: &mut ProductAttributes, code: &str, option_id: &str) -> MResult<()> {
    let a = optioned(attrs, code)?;
    let id = option_id
        .parse::<u64>()
        .ok()
        .filter(|id| a.has_option(*id))
        .ok_or_else(|| {
            MagentoError::not_found(m::NO_SUCH_OPTION)
                .positional([json!(a.attribute_code), json!(option_id)])
        })?;
    let mut def = a.clone();
    def.options.retain(|o| o.option_id != id);
    if def.default_value.as_deref() == Some(option_id) {
        def.default_value = None;
    }
    attrs.put(def);
    Ok(())
}

// ---------------------------------------------------------------------------
// Product values

/// 400 `Attribute "<code>" has invalid value.`, rendered.
pub fn invalid_value(code: &str) -> MagentoError {
    MagentoError::bad_request(m::INVALID_VALUE.replace("%1", code))
}

/// How a product value of a store attribute is checked and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    /// A table-sourced select: one option id.
    Select,
    /// A multiselect: option ids, stored comma-joined.
    Multi,
    /// Any other: stored by backend type.
    Plain,
}

/// How `code`'s product values are checked, when the store has the attribute.
pub fn value_kind(attrs: &ProductAttributes, code: &str) -> Option<ValueKind> {
    let a = attrs.get(code)?;
    Some(match (&a.source, a.frontend_input.as_str()) {
        (Source::Table, "multiselect") => ValueKind::Multi,
        (Source::Table, _) => ValueKind::Select,
        _ => ValueKind::Plain,
    })
}

/// A product's value for a table-sourced attribute, checked against its options: the
/// stored text (`"13"`, or `"13,14"` for a multiselect from a list or a
/// comma-separated string). `Err` is `Attribute "%1" has invalid value.`
pub fn option_value(attrs: &ProductAttributes, code: &str, raw: &Value) -> MResult<String> {
    let invalid = || invalid_value(code);
    let Some(a) = attrs.get(code) else {
        return Err(invalid());
    };
    let parts: Vec<String> = match raw {
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.trim().to_owned()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(invalid()),
            })
            .collect::<MResult<_>>()?,
        Value::String(s) => s.split(',').map(|p| p.trim().to_owned()).collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => return Err(invalid()),
    };
    let multi = a.frontend_input == "multiselect";
    if !multi && parts.len() != 1 {
        return Err(invalid());
    }
    let parts: Vec<String> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    for p in &parts {
        let known = p.parse::<u64>().ok().is_some_and(|id| a.has_option(id));
        if !known {
            return Err(invalid());
        }
    }
    Ok(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_attributes_index_and_round_trip() {
        let attrs = ProductAttributes::default();
        assert_eq!(attrs.get("color").map(|a| a.attribute_id), Some(93));
        assert_eq!(attrs.get("COLOR").map(|a| a.attribute_id), Some(93));
        let text = serde_json::to_string(&attrs).expect("serialises");
        let back: ProductAttributes = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, attrs);
    }

    #[test]
    fn duplicates_are_refused_on_load() {
        let mut list = stock();
        list.push(list[0].clone());
        assert!(ProductAttributes::from_list(list).is_err());
    }

    #[test]
    fn codes_follow_magentos_pattern() {
        assert!(valid_code("a"));
        assert!(valid_code("color_2"));
        assert!(!valid_code("2color"));
        assert!(!valid_code("Color"));
        assert!(!valid_code(&"a".repeat(32)));
        assert_eq!(generate_code("Shoe Size"), "shoe_size");
        assert_eq!(generate_code("!"), "attr__");
    }
}
