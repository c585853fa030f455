//! The direct product writer (`render::product`) gives exactly the bytes
//! `serde_json::to_vec(&catalog::product_json(p))` gives, for any stored product:
//! optional fields on and off, strings that need escaping, fractional, whole, huge and
//! non-finite numbers, known and unknown custom attributes in any order, `category_ids`
//! placed among them, nested link, option and gallery values, and tier prices (fixed
//! and percentage).

use proptest::prelude::*;
use serde_json::{Value, json};
use sim_magento::catalog::{Product, ProductAttribute, StockItem, product_json};
use sim_magento::configurable::ConfigurableOption;
use sim_magento::prices::TierPrice;
use sim_magento::render;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9 -]{0,12}",
        // Quotes, backslashes, controls, non-ASCII, a slash.
        "[\"\\\\\u{0}-\u{1f}é漢/😀a]{0,8}",
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        (0i64..100_000).prop_map(|n| n as f64),
        (0i64..10_000_000).prop_map(|n| n as f64 / 100.0),
        any::<f64>(),
        Just(9.0e15),
        Just(-0.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(Value::from),
        prop::collection::vec(text(), 0..3).prop_map(|v| json!(v)),
        (0u64..1000).prop_map(Value::from),
        Just(Value::Null),
        Just(json!({"nested": [1, "two", {"three": null}]})),
    ]
}

fn code() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "description",
            "url_key",
            "tax_class_id",
            "options_container",
            "required_options",
            "has_options",
            "special_price",
            "color",
            "meta_title",
            "short_description",
            "custom_layout_update",
        ])
        .prop_map(str::to_owned),
        "[a-z_]{1,10}",
    ]
}

fn stock_item() -> impl Strategy<Value = StockItem> {
    (
        (
            any::<u64>(),
            any::<u64>(),
            number(),
            any::<bool>(),
            any::<bool>(),
        ),
        (number(), any::<i64>(), number(), any::<i64>()),
        (
            any::<bool>(),
            any::<bool>(),
            proptest::option::of(text()),
            any::<i64>(),
        ),
    )
        .prop_map(
            |(
                (item_id, product_id, qty, is_in_stock, decimal),
                (min_qty, min_sale_config, max_sale_qty, backorders),
                (use_config_manage_stock, manage_stock, low_stock_date, auto),
            )| StockItem {
                item_id,
                product_id,
                stock_id: 1,
                qty,
                is_in_stock,
                is_qty_decimal: decimal,
                show_default_notification_message: !decimal,
                use_config_min_qty: is_in_stock,
                min_qty,
                use_config_min_sale_qty: min_sale_config,
                min_sale_qty: qty,
                use_config_max_sale_qty: decimal,
                max_sale_qty,
                use_config_backorders: true,
                backorders,
                use_config_notify_stock_qty: false,
                notify_stock_qty: min_qty,
                use_config_qty_increments: true,
                qty_increments: max_sale_qty,
                use_config_enable_qty_inc: false,
                enable_qty_increments: is_in_stock,
                use_config_manage_stock,
                manage_stock,
                low_stock_date,
                is_decimal_divided: decimal,
                stock_status_changed_auto: auto,
            },
        )
}

fn tiers() -> impl Strategy<Value = Vec<TierPrice>> {
    prop::collection::vec(
        (
            any::<bool>(),
            0u64..4,
            number(),
            number(),
            proptest::option::of(number()),
            0u64..3,
        )
            .prop_map(
                |(all_groups, customer_group_id, qty, value, percentage_value, website_id)| {
                    TierPrice {
                        all_groups,
                        customer_group_id,
                        qty,
                        value,
                        percentage_value,
                        website_id,
                    }
                },
            ),
        0..3,
    )
}

fn links() -> impl Strategy<Value = Vec<Value>> {
    prop::collection::vec(
        (0u64..50, text()).prop_map(|(id, s)| json!({"sku": s, "position": id})),
        0..3,
    )
}

prop_compose! {
    fn product()(
        (id, sku, name, attribute_set_id, price) in
            (any::<u64>(), text(), proptest::option::of(text()), 0u64..20, proptest::option::of(number())),
        (status, visibility, type_id, created_at, weight) in
            (any::<u8>(), any::<u8>(), text(), text(), proptest::option::of(number())),
        website_ids in prop::collection::vec(any::<u64>(), 0..3),
        category_ids in prop::collection::vec(0u64..100, 0..3),
        stock_item in stock_item(),
        (options, media, product_links, tier_prices) in (links(), links(), links(), tiers()),
        custom_attributes in prop::collection::vec((code(), value()), 0..8),
        configurable_options in prop::collection::vec(
            (any::<u64>(), 0u64..200, text(), any::<i64>(), prop::collection::vec(any::<i64>(), 0..3)),
            0..3,
        ),
        configurable_links in prop::collection::vec(any::<u64>(), 0..3),
    ) -> Product {
        Product {
            id,
            sku,
            name,
            attribute_set_id,
            price,
            status,
            visibility,
            type_id,
            updated_at: created_at.clone(),
            created_at,
            weight,
            website_ids,
            category_links: category_ids
                .iter()
                .map(|c| json!({"position": 0, "category_id": c.to_string()}))
                .collect(),
            stock_item,
            options,
            media_gallery_entries: media,
            product_links,
            tier_prices,
            custom_attributes: custom_attributes
                .into_iter()
                .map(|(code, value)| ProductAttribute::new(&code, value))
                .collect(),
            configurable_options: configurable_options
                .into_iter()
                .map(|(id, attribute_id, label, position, values)| ConfigurableOption {
                    id,
                    attribute_id,
                    label,
                    position,
                    values,
                })
                .collect(),
            configurable_links,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_writer_matches_the_value_builder(p in product()) {
        let expected = serde_json::to_vec(&product_json(&p)).unwrap();
        let written = render::product_bytes(&p).unwrap();
        prop_assert_eq!(
            String::from_utf8_lossy(&written),
            String::from_utf8_lossy(&expected)
        );
    }
}
