//! The REST route table, one line a route, as `webapi.xml` declares them: method,
//! path (`:param` segments), ACL resources, handler.

use std::sync::LazyLock;

use axum::http::Method;
use sim_magento_webapi::routes::RouteTable;

use crate::handlers::{
    Handler, attributes, carts, catalog, configurable, customers, lifecycle, msi, orders, prices,
    product_media, stores, tokens,
};

pub use sim_magento_webapi::routes::{ANONYMOUS, SELF, Segment};

/// One declared route of the store.
pub type Route = sim_magento_webapi::routes::Route<Handler>;

const STORE: &[&str] = &["Magento_Backend::store"];
const ADMIN: &[&str] = &["Magento_Backend::admin"];
const PRODUCTS: &[&str] = &["Magento_Catalog::products"];
const CATALOG: &[&str] = &["Magento_Catalog::catalog"];
const GROUPS: &[&str] = &["Magento_Customer::group"];
const SETS: &[&str] = &["Magento_Catalog::sets"];
const ATTRIBUTES: &[&str] = &["Magento_Catalog::attributes_attributes"];
const CATEGORIES: &[&str] = &["Magento_Catalog::categories"];
const CATALOG_INVENTORY: &[&str] = &["Magento_CatalogInventory::cataloginventory"];
const SOURCE: &[&str] = &["Magento_InventoryApi::source"];
const SOURCE_EDIT: &[&str] = &["Magento_InventoryApi::source_edit"];
const STOCK: &[&str] = &["Magento_InventoryApi::stock"];
const STOCK_EDIT: &[&str] = &["Magento_InventoryApi::stock_edit"];
const STOCK_DELETE: &[&str] = &["Magento_InventoryApi::stock_delete"];
const LINK: &[&str] = &["Magento_InventoryApi::stock_source_link"];
const ITEM_ASSIGN: &[&str] = &["Magento_InventoryApi::stock_source_item_assign"];
const SALES_STOCK: &[&str] = &["Magento_InventorySalesApi::stock"];
const CUSTOMER: &[&str] = &["Magento_Customer::customer"];
const CUSTOMER_MANAGE: &[&str] = &["Magento_Customer::manage"];
const CUSTOMER_DELETE: &[&str] = &["Magento_Customer::delete"];
const ANON: &[&str] = &[ANONYMOUS];
const ME: &[&str] = &[SELF];
const ORDERS_VIEW: &[&str] = &["Magento_Sales::actions_view"];
const ORDERS_CREATE: &[&str] = &["Magento_Sales::create"];
const ORDERS_COMMENT: &[&str] = &["Magento_Sales::comment"];
const ORDERS_CANCEL: &[&str] = &["Magento_Sales::cancel"];
const ORDERS_HOLD: &[&str] = &["Magento_Sales::hold"];
const ORDERS_UNHOLD: &[&str] = &["Magento_Sales::unhold"];
const INVOICE: &[&str] = &["Magento_Sales::invoice"];
const SHIP: &[&str] = &["Magento_Sales::ship"];
const CREDITMEMO: &[&str] = &["Magento_Sales::creditmemo"];
const INVOICES_VIEW: &[&str] = &["Magento_Sales::sales_invoice"];
const SHIPMENTS_VIEW: &[&str] = &["Magento_Sales::shipment"];
const CREDITMEMOS_VIEW: &[&str] = &["Magento_Sales::sales_creditmemo"];
const CART_MANAGE: &[&str] = &["Magento_Cart::manage"];

type Decl = sim_magento_webapi::routes::Decl<Handler>;

fn declarations() -> Vec<Decl> {
    use Method as M;
    vec![
        // Stores and modules.
        (M::GET, "/V1/store/storeViews", STORE, stores::store_views),
        (M::GET, "/V1/store/storeGroups", STORE, stores::store_groups),
        (M::GET, "/V1/store/websites", STORE, stores::websites),
        (
            M::GET,
            "/V1/store/storeConfigs",
            STORE,
            stores::store_configs,
        ),
        (M::GET, "/V1/modules", ADMIN, stores::modules),
        // Tokens.
        (
            M::POST,
            "/V1/integration/admin/token",
            ANON,
            tokens::admin_token,
        ),
        (
            M::POST,
            "/V1/integration/customer/token",
            ANON,
            tokens::customer_token,
        ),
        // Customers.
        (M::POST, "/V1/customers", ANON, customers::create),
        (
            M::POST,
            "/V1/customers/isEmailAvailable",
            ANON,
            customers::is_email_available,
        ),
        (M::GET, "/V1/customers/me", ME, customers::me),
        (M::PUT, "/V1/customers/me", ME, customers::put_me),
        (
            M::GET,
            "/V1/customerGroups/search",
            GROUPS,
            customers::search_groups,
        ),
        (
            M::GET,
            "/V1/customerGroups/default",
            GROUPS,
            customers::default_group,
        ),
        (
            M::GET,
            "/V1/customerGroups/default/:storeId",
            GROUPS,
            customers::default_group,
        ),
        (
            M::GET,
            "/V1/customerGroups/:id",
            GROUPS,
            customers::get_group,
        ),
        (
            M::GET,
            "/V1/customerGroups/:id/permissions",
            GROUPS,
            customers::group_is_readonly,
        ),
        (
            M::POST,
            "/V1/customerGroups",
            GROUPS,
            customers::create_group,
        ),
        (
            M::PUT,
            "/V1/customerGroups/:id",
            GROUPS,
            customers::put_group,
        ),
        (
            M::DELETE,
            "/V1/customerGroups/:id",
            GROUPS,
            customers::delete_group,
        ),
        (
            M::PUT,
            "/V1/customerGroups/default/:id",
            GROUPS,
            customers::set_default_group,
        ),
        (M::GET, "/V1/customers/search", CUSTOMER, customers::search),
        (
            M::GET,
            "/V1/customers/:customerId/permissions/readonly",
            CUSTOMER,
            customers::is_readonly,
        ),
        // Passwords and account state.
        (
            M::PUT,
            "/V1/customers/me/password",
            ME,
            customers::change_my_password,
        ),
        (
            M::PUT,
            "/V1/customers/password",
            ANON,
            customers::initiate_password_reset,
        ),
        (
            M::POST,
            "/V1/customers/resetPassword",
            ANON,
            customers::reset_password,
        ),
        (
            M::GET,
            "/V1/customers/:customerId/password/resetLinkToken/:resetPasswordLinkToken",
            ANON,
            customers::validate_reset_token,
        ),
        (
            M::PUT,
            "/V1/customers/validate",
            CUSTOMER_MANAGE,
            customers::validate,
        ),
        (
            M::GET,
            "/V1/customers/:customerId/confirm",
            CUSTOMER_MANAGE,
            customers::confirmation_status,
        ),
        (
            M::POST,
            "/V1/customers/confirm",
            CUSTOMER_MANAGE,
            customers::resend_confirmation,
        ),
        (
            M::PUT,
            "/V1/customers/me/activate",
            ME,
            customers::activate_me,
        ),
        (
            M::PUT,
            "/V1/customers/:email/activate",
            CUSTOMER_MANAGE,
            customers::activate,
        ),
        // Customer addresses.
        (
            M::GET,
            "/V1/customers/addresses/:addressId",
            CUSTOMER_MANAGE,
            customers::get_address,
        ),
        (
            M::DELETE,
            "/V1/addresses/:addressId",
            CUSTOMER_MANAGE,
            customers::delete_address,
        ),
        (
            M::GET,
            "/V1/customers/:customerId/billingAddress",
            CUSTOMER_MANAGE,
            customers::billing_address,
        ),
        (
            M::GET,
            "/V1/customers/:customerId/shippingAddress",
            CUSTOMER_MANAGE,
            customers::shipping_address,
        ),
        (
            M::GET,
            "/V1/customers/me/billingAddress",
            ME,
            customers::my_billing_address,
        ),
        (
            M::GET,
            "/V1/customers/me/shippingAddress",
            ME,
            customers::my_shipping_address,
        ),
        (
            M::GET,
            "/V1/customers/:customerId",
            CUSTOMER,
            customers::get,
        ),
        (
            M::PUT,
            "/V1/customers/:customerId",
            CUSTOMER_MANAGE,
            customers::put,
        ),
        (
            M::DELETE,
            "/V1/customers/:customerId",
            CUSTOMER_DELETE,
            customers::delete,
        ),
        // Guest carts.
        (M::POST, "/V1/guest-carts", ANON, carts::guest_create),
        (M::GET, "/V1/guest-carts/:cartId", ANON, carts::guest_get),
        (
            M::GET,
            "/V1/guest-carts/:cartId/items",
            ANON,
            carts::guest_items,
        ),
        (
            M::POST,
            "/V1/guest-carts/:cartId/items",
            ANON,
            carts::guest_add_item,
        ),
        (
            M::PUT,
            "/V1/guest-carts/:cartId/items/:itemId",
            ANON,
            carts::guest_update_item,
        ),
        (
            M::DELETE,
            "/V1/guest-carts/:cartId/items/:itemId",
            ANON,
            carts::guest_delete_item,
        ),
        (
            M::POST,
            "/V1/guest-carts/:cartId/estimate-shipping-methods",
            ANON,
            carts::guest_estimate,
        ),
        (
            M::POST,
            "/V1/guest-carts/:cartId/shipping-information",
            ANON,
            carts::guest_shipping_information,
        ),
        (
            M::GET,
            "/V1/guest-carts/:cartId/payment-methods",
            ANON,
            carts::guest_payment_methods,
        ),
        (
            M::GET,
            "/V1/guest-carts/:cartId/totals",
            ANON,
            carts::guest_totals,
        ),
        (
            M::POST,
            "/V1/guest-carts/:cartId/payment-information",
            ANON,
            carts::guest_payment_information,
        ),
        (
            M::PUT,
            "/V1/guest-carts/:cartId/order",
            ANON,
            carts::guest_place,
        ),
        // Customer carts.
        (M::POST, "/V1/carts/mine", ME, carts::mine_create),
        (M::GET, "/V1/carts/mine", ME, carts::mine_get),
        (M::GET, "/V1/carts/mine/items", ME, carts::mine_items),
        (M::POST, "/V1/carts/mine/items", ME, carts::mine_add_item),
        (
            M::PUT,
            "/V1/carts/mine/items/:itemId",
            ME,
            carts::mine_update_item,
        ),
        (
            M::DELETE,
            "/V1/carts/mine/items/:itemId",
            ME,
            carts::mine_delete_item,
        ),
        (
            M::POST,
            "/V1/carts/mine/estimate-shipping-methods",
            ME,
            carts::mine_estimate,
        ),
        (
            M::POST,
            "/V1/carts/mine/shipping-information",
            ME,
            carts::mine_shipping_information,
        ),
        (
            M::GET,
            "/V1/carts/mine/payment-methods",
            ME,
            carts::mine_payment_methods,
        ),
        (M::GET, "/V1/carts/mine/totals", ME, carts::mine_totals),
        (
            M::POST,
            "/V1/carts/mine/payment-information",
            ME,
            carts::mine_payment_information,
        ),
        (M::PUT, "/V1/carts/mine/order", ME, carts::mine_place),
        // Payment selection, shipping methods and billing address, per URL family.
        (
            M::GET,
            "/V1/guest-carts/:cartId/selected-payment-method",
            ANON,
            carts::guest_selected_payment,
        ),
        (
            M::PUT,
            "/V1/guest-carts/:cartId/selected-payment-method",
            ANON,
            carts::guest_set_payment,
        ),
        (
            M::GET,
            "/V1/guest-carts/:cartId/shipping-methods",
            ANON,
            carts::guest_shipping_methods,
        ),
        (
            M::GET,
            "/V1/guest-carts/:cartId/billing-address",
            ANON,
            carts::guest_billing_address,
        ),
        (
            M::POST,
            "/V1/guest-carts/:cartId/billing-address",
            ANON,
            carts::guest_assign_billing,
        ),
        (M::PUT, "/V1/guest-carts/:cartId", ME, carts::guest_assign),
        (
            M::GET,
            "/V1/carts/mine/selected-payment-method",
            ME,
            carts::mine_selected_payment,
        ),
        (
            M::PUT,
            "/V1/carts/mine/selected-payment-method",
            ME,
            carts::mine_set_payment,
        ),
        (
            M::GET,
            "/V1/carts/mine/shipping-methods",
            ME,
            carts::mine_shipping_methods,
        ),
        (
            M::GET,
            "/V1/carts/mine/billing-address",
            ME,
            carts::mine_billing_address,
        ),
        (
            M::POST,
            "/V1/carts/mine/billing-address",
            ME,
            carts::mine_assign_billing,
        ),
        // Admin carts.
        (M::GET, "/V1/carts/search", CART_MANAGE, carts::admin_search),
        (M::POST, "/V1/carts/", CART_MANAGE, carts::admin_create),
        (
            M::POST,
            "/V1/customers/:customerId/carts",
            CART_MANAGE,
            carts::customer_create,
        ),
        (M::GET, "/V1/carts/:cartId", CART_MANAGE, carts::admin_get),
        (
            M::PUT,
            "/V1/carts/:cartId",
            CART_MANAGE,
            carts::admin_assign,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/items",
            CART_MANAGE,
            carts::admin_items,
        ),
        (
            M::POST,
            "/V1/carts/:quoteId/items",
            CART_MANAGE,
            carts::admin_add_item,
        ),
        (
            M::PUT,
            "/V1/carts/:cartId/items/:itemId",
            CART_MANAGE,
            carts::admin_update_item,
        ),
        (
            M::DELETE,
            "/V1/carts/:cartId/items/:itemId",
            CART_MANAGE,
            carts::admin_delete_item,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/shipping-methods",
            CART_MANAGE,
            carts::admin_shipping_methods,
        ),
        (
            M::POST,
            "/V1/carts/:cartId/estimate-shipping-methods",
            CART_MANAGE,
            carts::admin_estimate,
        ),
        (
            M::POST,
            "/V1/carts/:cartId/shipping-information",
            CART_MANAGE,
            carts::admin_shipping_information,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/selected-payment-method",
            CART_MANAGE,
            carts::admin_selected_payment,
        ),
        (
            M::PUT,
            "/V1/carts/:cartId/selected-payment-method",
            CART_MANAGE,
            carts::admin_set_payment,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/payment-methods",
            CART_MANAGE,
            carts::admin_payment_methods,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/billing-address",
            CART_MANAGE,
            carts::admin_billing_address,
        ),
        (
            M::POST,
            "/V1/carts/:cartId/billing-address",
            CART_MANAGE,
            carts::admin_assign_billing,
        ),
        (
            M::GET,
            "/V1/carts/:cartId/totals",
            CART_MANAGE,
            carts::admin_totals,
        ),
        (
            M::PUT,
            "/V1/carts/:cartId/order",
            CART_MANAGE,
            carts::admin_place,
        ),
        // Orders and their documents.
        (M::GET, "/V1/orders", ORDERS_VIEW, orders::list_orders),
        (M::GET, "/V1/orders/:id", ORDERS_VIEW, orders::get_order),
        (
            M::GET,
            "/V1/orders/items",
            ORDERS_VIEW,
            orders::list_order_items,
        ),
        (
            M::GET,
            "/V1/orders/items/:id",
            ORDERS_VIEW,
            orders::get_order_item,
        ),
        (
            M::GET,
            "/V1/orders/:id/comments",
            ORDERS_VIEW,
            orders::order_comments,
        ),
        (
            M::GET,
            "/V1/orders/:id/statuses",
            ORDERS_VIEW,
            orders::order_status,
        ),
        (M::POST, "/V1/orders", ORDERS_CREATE, lifecycle::save_order),
        (
            M::PUT,
            "/V1/orders/create",
            ORDERS_CREATE,
            lifecycle::save_order,
        ),
        (
            M::POST,
            "/V1/orders/:id/comments",
            ORDERS_COMMENT,
            lifecycle::add_comment,
        ),
        (
            M::POST,
            "/V1/orders/:id/cancel",
            ORDERS_CANCEL,
            lifecycle::cancel,
        ),
        (M::POST, "/V1/orders/:id/hold", ORDERS_HOLD, lifecycle::hold),
        (
            M::POST,
            "/V1/orders/:id/unhold",
            ORDERS_UNHOLD,
            lifecycle::unhold,
        ),
        (
            M::POST,
            "/V1/order/:orderId/invoice",
            INVOICE,
            lifecycle::invoice,
        ),
        (M::POST, "/V1/order/:orderId/ship", SHIP, lifecycle::ship),
        (
            M::POST,
            "/V1/order/:orderId/refund",
            CREDITMEMO,
            lifecycle::refund,
        ),
        (
            M::GET,
            "/V1/invoices",
            INVOICES_VIEW,
            lifecycle::list_invoices,
        ),
        (
            M::GET,
            "/V1/invoices/:id",
            INVOICES_VIEW,
            lifecycle::get_invoice,
        ),
        (
            M::GET,
            "/V1/shipments",
            SHIPMENTS_VIEW,
            lifecycle::list_shipments,
        ),
        (
            M::GET,
            "/V1/shipment/:id",
            SHIPMENTS_VIEW,
            lifecycle::get_shipment,
        ),
        (
            M::GET,
            "/V1/creditmemos",
            CREDITMEMOS_VIEW,
            lifecycle::list_creditmemos,
        ),
        (
            M::GET,
            "/V1/creditmemo/:id",
            CREDITMEMOS_VIEW,
            lifecycle::get_creditmemo,
        ),
        (
            M::GET,
            "/V1/invoices/:id/comments",
            INVOICES_VIEW,
            lifecycle::invoice_comments,
        ),
        (
            M::POST,
            "/V1/invoices/comments",
            INVOICES_VIEW,
            lifecycle::add_invoice_comment,
        ),
        (
            M::GET,
            "/V1/shipment/:id/comments",
            SHIPMENTS_VIEW,
            lifecycle::shipment_comments,
        ),
        (
            M::POST,
            "/V1/shipment/:id/comments",
            SHIPMENTS_VIEW,
            lifecycle::add_shipment_comment,
        ),
        (
            M::GET,
            "/V1/creditmemo/:id/comments",
            CREDITMEMOS_VIEW,
            lifecycle::creditmemo_comments,
        ),
        (
            M::POST,
            "/V1/creditmemo/:id/comments",
            CREDITMEMOS_VIEW,
            lifecycle::add_creditmemo_comment,
        ),
        (
            M::POST,
            "/V1/shipment/track",
            SHIPMENTS_VIEW,
            lifecycle::save_track,
        ),
        (
            M::DELETE,
            "/V1/shipment/track/:id",
            SHIPMENTS_VIEW,
            lifecycle::delete_track,
        ),
        // Catalog.
        (M::GET, "/V1/products", PRODUCTS, catalog::search_products),
        (M::POST, "/V1/products", PRODUCTS, catalog::post_product),
        (
            M::GET,
            "/V1/products/types",
            PRODUCTS,
            catalog::product_types,
        ),
        // Configurable products (`configurableProductLinkManagementV1`,
        // `configurableProductOptionRepositoryV1`).
        (
            M::GET,
            "/V1/configurable-products/:sku/children",
            PRODUCTS,
            configurable::children,
        ),
        (
            M::DELETE,
            "/V1/configurable-products/:sku/children/:childSku",
            PRODUCTS,
            configurable::remove_child,
        ),
        (
            M::POST,
            "/V1/configurable-products/:sku/child",
            PRODUCTS,
            configurable::add_child,
        ),
        (
            M::PUT,
            "/V1/configurable-products/variation",
            PRODUCTS,
            configurable::variation,
        ),
        (
            M::GET,
            "/V1/configurable-products/:sku/options/:id",
            PRODUCTS,
            configurable::get_option,
        ),
        (
            M::GET,
            "/V1/configurable-products/:sku/options/all",
            PRODUCTS,
            configurable::list_options,
        ),
        (
            M::POST,
            "/V1/configurable-products/:sku/options",
            PRODUCTS,
            configurable::add_option,
        ),
        (
            M::PUT,
            "/V1/configurable-products/:sku/options/:id",
            PRODUCTS,
            configurable::update_option,
        ),
        (
            M::DELETE,
            "/V1/configurable-products/:sku/options/:id",
            PRODUCTS,
            configurable::delete_option,
        ),
        // Attribute set groups and assignments (`catalogProductAttributeManagementV1`,
        // `catalogProductAttributeGroupRepositoryV1`).
        (
            M::GET,
            "/V1/products/attribute-sets/:attributeSetId/attributes",
            SETS,
            attributes::set_attributes,
        ),
        (
            M::POST,
            "/V1/products/attribute-sets/attributes",
            SETS,
            attributes::assign,
        ),
        (
            M::DELETE,
            "/V1/products/attribute-sets/:attributeSetId/attributes/:attributeCode",
            SETS,
            attributes::unassign,
        ),
        (
            M::GET,
            "/V1/products/attribute-sets/groups/list",
            SETS,
            attributes::groups,
        ),
        (
            M::POST,
            "/V1/products/attribute-sets/groups",
            SETS,
            attributes::create_group,
        ),
        (
            M::PUT,
            "/V1/products/attribute-sets/:attributeSetId/groups",
            SETS,
            attributes::update_group,
        ),
        (
            M::DELETE,
            "/V1/products/attribute-sets/groups/:groupId",
            SETS,
            attributes::delete_group,
        ),
        // Product attributes (`catalogProductAttributeRepositoryV1`, options management).
        (
            M::GET,
            "/V1/products/attributes/types",
            ATTRIBUTES,
            attributes::types,
        ),
        (
            M::GET,
            "/V1/products/attributes",
            ATTRIBUTES,
            attributes::list,
        ),
        (
            M::GET,
            "/V1/products/attributes/:attributeCode",
            ATTRIBUTES,
            attributes::get,
        ),
        (
            M::POST,
            "/V1/products/attributes",
            ATTRIBUTES,
            attributes::create,
        ),
        (
            M::PUT,
            "/V1/products/attributes/:attributeCode",
            ATTRIBUTES,
            attributes::update,
        ),
        (
            M::DELETE,
            "/V1/products/attributes/:attributeCode",
            ATTRIBUTES,
            attributes::delete,
        ),
        (
            M::GET,
            "/V1/products/attributes/:attributeCode/options",
            ATTRIBUTES,
            attributes::options,
        ),
        (
            M::POST,
            "/V1/products/attributes/:attributeCode/options",
            ATTRIBUTES,
            attributes::add_option,
        ),
        (
            M::DELETE,
            "/V1/products/attributes/:attributeCode/options/:optionId",
            ATTRIBUTES,
            attributes::delete_option,
        ),
        (M::GET, "/V1/products/:sku", PRODUCTS, catalog::get_product),
        (M::PUT, "/V1/products/:sku", PRODUCTS, catalog::put_product),
        (
            M::DELETE,
            "/V1/products/:sku",
            PRODUCTS,
            catalog::delete_product,
        ),
        (
            M::GET,
            "/V1/products/attribute-sets/sets/list",
            SETS,
            catalog::attribute_sets,
        ),
        (
            M::GET,
            "/V1/products/attribute-sets/:attributeSetId",
            SETS,
            catalog::attribute_set,
        ),
        (M::GET, "/V1/categories", CATEGORIES, catalog::category_tree),
        (
            M::GET,
            "/V1/categories/list",
            CATEGORIES,
            catalog::category_list,
        ),
        (
            M::GET,
            "/V1/categories/:categoryId",
            CATEGORIES,
            catalog::get_category,
        ),
        (
            M::POST,
            "/V1/categories",
            CATEGORIES,
            catalog::post_category,
        ),
        (
            M::PUT,
            "/V1/categories/:id",
            CATEGORIES,
            catalog::put_category,
        ),
        (
            M::DELETE,
            "/V1/categories/:categoryId",
            CATEGORIES,
            catalog::delete_category,
        ),
        (
            M::GET,
            "/V1/products/:sku/options",
            CATALOG,
            catalog::product_options,
        ),
        (
            M::GET,
            "/V1/products/:sku/options/:optionId",
            CATALOG,
            catalog::product_option,
        ),
        (
            M::DELETE,
            "/V1/products/:sku/options/:optionId",
            CATALOG,
            catalog::delete_product_option,
        ),
        // Custom option saves, media gallery (`GalleryManagement`) and product links.
        (
            M::GET,
            "/V1/products/options/types",
            CATALOG,
            product_media::option_types,
        ),
        (
            M::POST,
            "/V1/products/options",
            CATALOG,
            product_media::save_option,
        ),
        (
            M::PUT,
            "/V1/products/options/:optionId",
            CATALOG,
            product_media::save_option,
        ),
        // Media gallery (`GalleryManagement`) and product links.
        (
            M::GET,
            "/V1/products/:sku/media",
            CATALOG,
            product_media::media_list,
        ),
        (
            M::GET,
            "/V1/products/:sku/media/:entryId",
            ATTRIBUTES,
            product_media::media_get,
        ),
        (
            M::POST,
            "/V1/products/:sku/media",
            CATALOG,
            product_media::media_create,
        ),
        (
            M::PUT,
            "/V1/products/:sku/media/:entryId",
            CATALOG,
            product_media::media_update,
        ),
        (
            M::DELETE,
            "/V1/products/:sku/media/:entryId",
            CATALOG,
            product_media::media_remove,
        ),
        (
            M::GET,
            "/V1/products/links/types",
            CATALOG,
            product_media::link_types,
        ),
        (
            M::GET,
            "/V1/products/links/:type/attributes",
            CATALOG,
            product_media::link_attributes,
        ),
        (
            M::GET,
            "/V1/products/:sku/links/:type",
            CATALOG,
            product_media::linked_items,
        ),
        (
            M::POST,
            "/V1/products/:sku/links",
            CATALOG,
            product_media::set_links,
        ),
        (
            M::PUT,
            "/V1/products/:sku/links",
            CATALOG,
            product_media::save_link,
        ),
        (
            M::DELETE,
            "/V1/products/:sku/links/:type/:linkedProductSku",
            CATALOG,
            product_media::delete_link,
        ),
        (
            M::POST,
            "/V1/products/:sku/websites",
            PRODUCTS,
            catalog::assign_product_website,
        ),
        (
            M::PUT,
            "/V1/products/:sku/websites",
            PRODUCTS,
            catalog::assign_product_website,
        ),
        (
            M::DELETE,
            "/V1/products/:sku/websites/:websiteId",
            PRODUCTS,
            catalog::unassign_product_website,
        ),
        (
            M::GET,
            "/V1/categories/:categoryId/products",
            CATEGORIES,
            catalog::category_products,
        ),
        (
            M::POST,
            "/V1/categories/:categoryId/products",
            CATEGORIES,
            catalog::save_category_product,
        ),
        (
            M::PUT,
            "/V1/categories/:categoryId/products",
            CATEGORIES,
            catalog::save_category_product,
        ),
        (
            M::DELETE,
            "/V1/categories/:categoryId/products/:sku",
            CATEGORIES,
            catalog::delete_category_product,
        ),
        (
            M::PUT,
            "/V1/categories/:categoryId/move",
            CATEGORIES,
            catalog::move_category,
        ),
        // Price storages (the efficient price API).
        (
            M::POST,
            "/V1/products/base-prices-information",
            CATALOG,
            prices::base_prices,
        ),
        (
            M::POST,
            "/V1/products/base-prices",
            CATALOG,
            prices::update_base_prices,
        ),
        (
            M::POST,
            "/V1/products/cost-information",
            CATALOG,
            prices::costs,
        ),
        (M::POST, "/V1/products/cost", CATALOG, prices::update_costs),
        (
            M::POST,
            "/V1/products/cost-delete",
            CATALOG,
            prices::delete_costs,
        ),
        (
            M::POST,
            "/V1/products/special-price-information",
            CATALOG,
            prices::special_prices,
        ),
        (
            M::POST,
            "/V1/products/special-price",
            CATALOG,
            prices::update_special_prices,
        ),
        (
            M::POST,
            "/V1/products/special-price-delete",
            CATALOG,
            prices::delete_special_prices,
        ),
        (
            M::POST,
            "/V1/products/tier-prices-information",
            CATALOG,
            prices::tier_prices,
        ),
        (
            M::POST,
            "/V1/products/tier-prices",
            CATALOG,
            prices::update_tier_prices,
        ),
        (
            M::PUT,
            "/V1/products/tier-prices",
            CATALOG,
            prices::replace_tier_prices,
        ),
        (
            M::POST,
            "/V1/products/tier-prices-delete",
            CATALOG,
            prices::delete_tier_prices,
        ),
        (
            M::GET,
            "/V1/products/:sku/group-prices/:customerGroupId/tiers",
            CATALOG,
            prices::group_tier_prices,
        ),
        (
            M::POST,
            "/V1/products/:sku/group-prices/:customerGroupId/tiers/:qty/price/:price",
            CATALOG,
            prices::add_group_tier_price,
        ),
        (
            M::DELETE,
            "/V1/products/:sku/group-prices/:customerGroupId/tiers/:qty",
            CATALOG,
            prices::remove_group_tier_price,
        ),
        // Legacy stock (the literal `lowStock` before the SKU parameter).
        (
            M::GET,
            "/V1/stockItems/lowStock",
            CATALOG_INVENTORY,
            prices::low_stock_items,
        ),
        (
            M::GET,
            "/V1/stockItems/:productSku",
            CATALOG_INVENTORY,
            catalog::get_stock_item,
        ),
        (
            M::PUT,
            "/V1/products/:productSku/stockItems/:itemId",
            CATALOG_INVENTORY,
            catalog::put_stock_item,
        ),
        (
            M::GET,
            "/V1/stockStatuses/:productSku",
            CATALOG_INVENTORY,
            catalog::get_stock_status,
        ),
        // MSI.
        (M::GET, "/V1/inventory/sources", SOURCE, msi::list_sources),
        (
            M::GET,
            "/V1/inventory/sources/:sourceCode",
            SOURCE,
            msi::get_source,
        ),
        (
            M::POST,
            "/V1/inventory/sources",
            SOURCE_EDIT,
            msi::post_source,
        ),
        (
            M::PUT,
            "/V1/inventory/sources/:sourceCode",
            SOURCE_EDIT,
            msi::put_source,
        ),
        (M::GET, "/V1/inventory/stocks", STOCK, msi::list_stocks),
        (
            M::GET,
            "/V1/inventory/stocks/:stockId",
            STOCK,
            msi::get_stock,
        ),
        (M::POST, "/V1/inventory/stocks", STOCK_EDIT, msi::post_stock),
        (
            M::PUT,
            "/V1/inventory/stocks/:stockId",
            STOCK_EDIT,
            msi::put_stock,
        ),
        (
            M::DELETE,
            "/V1/inventory/stocks/:stockId",
            STOCK_DELETE,
            msi::delete_stock,
        ),
        (
            M::GET,
            "/V1/inventory/stock-source-links",
            LINK,
            msi::list_links,
        ),
        (
            M::POST,
            "/V1/inventory/stock-source-links",
            LINK,
            msi::save_links,
        ),
        (
            M::POST,
            "/V1/inventory/stock-source-links-delete",
            LINK,
            msi::delete_links,
        ),
        (
            M::GET,
            "/V1/inventory/get-sources-assigned-to-stock-ordered-by-priority/:stockId",
            SOURCE,
            msi::sources_by_priority,
        ),
        (
            M::GET,
            "/V1/inventory/source-items",
            SOURCE,
            msi::list_source_items,
        ),
        (
            M::POST,
            "/V1/inventory/source-items",
            ITEM_ASSIGN,
            msi::save_source_items,
        ),
        (
            M::POST,
            "/V1/inventory/source-items-delete",
            ITEM_ASSIGN,
            msi::delete_source_items,
        ),
        (
            M::GET,
            "/V1/inventory/get-product-salable-quantity/:sku/:stockId",
            SALES_STOCK,
            msi::salable_qty,
        ),
        (
            M::GET,
            "/V1/inventory/is-product-salable/:sku/:stockId",
            SALES_STOCK,
            msi::is_salable,
        ),
        (
            M::GET,
            "/V1/inventory/is-product-salable-for-requested-qty/:sku/:stockId/:requestedQty",
            SALES_STOCK,
            msi::is_salable_for_requested_qty,
        ),
        (
            M::GET,
            "/V1/inventory/are-products-salable",
            SALES_STOCK,
            msi::are_salable,
        ),
        (
            M::GET,
            "/V1/inventory/stock-resolver/:type/:code",
            SALES_STOCK,
            msi::stock_resolver,
        ),
    ]
}

/// Every route, built once.
pub static ROUTES: LazyLock<RouteTable<Handler>> =
    LazyLock::new(|| RouteTable::new(declarations()));

/// The route for `method` and the path segments after the store code, with its
/// captured (raw, still percent-encoded) parameters ([`RouteTable::find`]).
pub fn find(method: &Method, segments: &[&str]) -> Option<(&'static Route, Vec<String>)> {
    ROUTES.find(method, segments)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shape index finds what a scan of every route finds, for every declared
    /// route with its parameters filled in, and for a path no route has.
    #[test]
    fn the_shape_index_finds_what_a_full_scan_finds() {
        let scan = |method: &Method, segments: &[&str]| {
            let mut best: Option<(&Route, usize)> = None;
            for route in ROUTES.routes() {
                if route.method != *method || route.segments.len() != segments.len() {
                    continue;
                }
                let literals = route
                    .segments
                    .iter()
                    .filter(|p| matches!(p, Segment::Literal(_)))
                    .count();
                let matched = route.segments.iter().zip(segments).all(|(p, s)| match p {
                    Segment::Literal(l) => l == s,
                    Segment::Param => !s.is_empty(),
                });
                if matched && best.is_none_or(|(_, n)| literals > n) {
                    best = Some((route, literals));
                }
            }
            best.map(|(r, _)| r.pattern)
        };
        for route in ROUTES.routes() {
            let path: Vec<&str> = route
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => *l,
                    Segment::Param => "x",
                })
                .collect();
            let found = find(&route.method, &path).map(|(r, _)| r.pattern);
            assert_eq!(found, scan(&route.method, &path), "{}", route.pattern);
            assert!(found.is_some());
        }
        assert!(find(&Method::GET, &["V1", "nothing", "here", "at", "all"]).is_none());
        assert!(find(&Method::PATCH, &["V1", "products"]).is_none());
    }

    #[test]
    fn literal_routes_beat_parameters() {
        let (r, p) = find(&Method::GET, &["V1", "products", "types"]).unwrap();
        assert_eq!(r.pattern, "/V1/products/types");
        assert!(p.is_empty());
        let (r, p) = find(&Method::GET, &["V1", "products", "test-001"]).unwrap();
        assert_eq!(r.pattern, "/V1/products/:sku");
        assert_eq!(p, ["test-001"]);
        let (r, _) = find(&Method::GET, &["V1", "categories", "list"]).unwrap();
        assert_eq!(r.pattern, "/V1/categories/list");
    }

    #[test]
    fn wrong_method_or_empty_segment_does_not_match() {
        assert!(find(&Method::PUT, &["V1", "modules"]).is_none());
        assert!(find(&Method::GET, &["V1", "products", ""]).is_none());
        assert!(find(&Method::GET, &["V1", "nothing"]).is_none());
    }

    #[test]
    fn every_pattern_is_unique() {
        for (i, a) in ROUTES.routes().iter().enumerate() {
            for b in &ROUTES.routes()[i + 1..] {
                assert!(
                    !(a.method == b.method && a.segments == b.segments),
                    "{} {} declared twice",
                    a.method,
                    a.pattern
                );
            }
        }
    }
}
