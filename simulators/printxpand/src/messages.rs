//! Every message the API answers, one constant each, worded exactly as the seed
//! (`shared/seeds/003_*`) writes it: capitals, doubled `!!` and typos included.
//!
//! Where the seed words one message two ways, the constant's doc says which wording was
//! kept. Constants marked *invented* answer a validation the seed requires but shows no
//! example of; they follow the seed's style.

/// A customer was created.
/// The seed also writes `Customer created successfully!` (single customer); the
/// capitalised form matches `Customer Updated successfully!`.
pub const CUSTOMER_CREATED: &str = "Customer Created successfully!";
/// A customer was updated.
pub const CUSTOMER_UPDATED: &str = "Customer Updated successfully!";
/// The customer's `id` is missing or empty (404).
pub const CUSTOMER_INVALID_ID: &str = "Please pass valid customer Id!";
/// Another customer has the e-mail address (400).
pub const CUSTOMER_EMAIL_EXISTS: &str =
    "A customer with the same email address already exists in an associated website.";

/// A category was created.
/// The seed also writes `Category created successfully!!` (multiple categories).
pub const CATEGORY_CREATED: &str = "Category created successfully!";
/// A category was updated.
/// The seed also writes `Category updated successfully!!` (multiple categories).
pub const CATEGORY_UPDATED: &str = "Category Updated successfully!";
/// A category's `id`, `name` or `parent_id` is missing or wrong (404).
pub const CATEGORY_PROPER_DATA: &str =
    "Please send proper data like id, name and parent id of Category!";
/// A category was deleted.
/// The seed also writes `Category Deleted Successfully!` (single delete, once against three).
pub const CATEGORY_DELETED: &str = "Category Deleted successfully!";
/// The category to delete does not exist (404).
pub const CATEGORY_NOT_FOUND: &str = "Category Id is not Found!";
/// *Invented*: the category, with the categories under it, would sit deeper than
/// [`crate::state::MAX_CATEGORY_DEPTH`] levels (400); Magento's own failure there is a
/// database error on the category path.
pub const CATEGORY_TOO_DEEP: &str = "Category tree is too deep. Please use fewer levels.";

/// A product was created.
pub const PRODUCT_CREATED: &str = "Product Created Successfully!";
/// A product was updated.
pub const PRODUCT_UPDATED: &str = "Product Updated Successfully!";
/// A product's `id`, `name` or `type` is missing or wrong (404).
pub const PRODUCT_PROPER_DATA: &str = "Please pass the proper product data like id,name and type. Also, product type must be either simple or configurable of Magento.";
/// `special_price` is neither a number nor empty (404).
pub const PRODUCT_INVALID_SPECIAL_PRICE: &str = "Please pass vaild special_price.";
/// A configurable product's `variations` are missing or their `attributes` do not
/// match `attribute_names` (404).
pub const PRODUCT_CONFIGURABLE_ATTRIBUTES: &str =
    "Configurable product and its sub-products must have proper attribute values.";
/// *Invented*: a category the product is assigned to does not exist (404); the seed only
/// says "sync category first".
pub const PRODUCT_CATEGORY_NOT_FOUND: &str =
    "Category Id is not Found! Please sync category first.";
/// *Invented*: a custom option has no title, an unknown type, or lacks its values (404).
pub const PRODUCT_INVALID_CUSTOM_OPTIONS: &str = "Please pass vaild custom_options.";
/// *Invented*: a tier price lacks a numeric `price` or `qty` (404).
pub const PRODUCT_INVALID_TIER_PRICE: &str = "Please pass vaild tier_price.";
/// A product was deleted.
/// The seed writes it three ways: `Prodcut Deleted successfully!` (kept),
/// `Product Deleted successfully!` and `Product Deleted succesfully!`.
pub const PRODUCT_DELETED: &str = "Prodcut Deleted successfully!";
/// The product to delete does not exist (404).
pub const PRODUCT_NOT_FOUND: &str = "Product Id is Not Found!";

/// An order was created.
pub const ORDER_CREATED: &str = "Order Created successfully!!";
/// An order was updated.
pub const ORDER_UPDATED: &str = "Order updated successfully!";
/// `design_id`, `item_price` and `item_qty` differ in length (404).
pub const ORDER_LENGTHS_DIFFER: &str = "Order design id, item price, and item qty is not equaled";
/// *Invented*: the order's `order_id` is missing or empty (404).
pub const ORDER_INVALID_ID: &str = "Please pass valid order Id!";
/// *Invented*: `sub_total`, `design_id`, `item_price`, `item_qty` or the shipping
/// address's `name` is missing (404).
pub const ORDER_PROPER_DATA: &str = "Please pass the proper order data like order_id, sub_total, design_id, item_price, item_qty and shipping_address with name.";
