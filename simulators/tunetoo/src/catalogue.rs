//! The product catalogue (seed 004, "Catalogue de produits Tunetoo"): models, their
//! colours with colour SKUs, and the sizes of each colour. A variant's SKU is
//! `MODEL_COLOR_SIZE` (`TSH180_856_XL`: model TSH180, colour 856 white, size XL); a
//! colour the seed lists without a colour SKU has no variant and cannot be ordered.
//!
//! The catalogue is fixed for an instance (a fixture or an import brings another); the
//! stock of each variant is state ([`crate::state::State::stock`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// One colour of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Color {
    /// `Light Royal Blue`.
    pub name: String,
    /// The colour SKU (`476`), absent where the seed gives none.
    pub sku: Option<String>,
    /// Its sizes (`XS`, `S`, … `4XL`), in the catalogue's order.
    #[serde(default)]
    pub sizes: Vec<String>,
}

/// One model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// The model SKU (`JH001`).
    pub sku: String,
    /// The French name the catalogue lists it under.
    #[serde(default)]
    pub name_fr: String,
    /// `Sweatshirts`.
    #[serde(rename = "type")]
    pub product_type: String,
    /// `Ralawise`.
    pub brand: String,
    /// `Hoodie Men`.
    pub model: String,
    /// Image URL.
    pub image: String,
    /// Description.
    pub description: String,
    /// Unit price in EUR, tax excluded (the simulator's: the seed gives none).
    pub price: f64,
    /// Colours, in the catalogue's order.
    pub colors: Vec<Color>,
}

/// Where a variant is: product and colour positions, and its size.
#[derive(Debug, Clone, PartialEq)]
pub struct VariantRef {
    /// Position of the product.
    pub product: usize,
    /// Position of the colour in the product.
    pub color: usize,
    /// The size.
    pub size: String,
}

/// The catalogue, with its variants indexed by SKU.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    products: Vec<Product>,
    variants: HashMap<String, VariantRef, foldhash::fast::RandomState>,
    /// Variant SKUs in catalogue order.
    order: Vec<String>,
}

impl PartialEq for Catalogue {
    fn eq(&self, other: &Self) -> bool {
        self.products == other.products
    }
}

/// The sizes in their usual order: a personalised article's SKU ends with the size's
/// position here (`100000_3` is an M, as in the docs' examples).
pub const SIZE_ORDER: [&str; 10] = ["XXS", "XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL", "5XL"];

/// The position of `size` in [`SIZE_ORDER`] (`M` → 3); sizes outside it count from 10
/// in the order they first appear in the product's colours.
pub fn size_index(product: &Product, size: &str) -> usize {
    if let Some(i) = SIZE_ORDER.iter().position(|s| *s == size) {
        return i;
    }
    let mut others: Vec<&str> = Vec::new();
    for c in &product.colors {
        for s in &c.sizes {
            if !SIZE_ORDER.contains(&s.as_str()) && !others.contains(&s.as_str()) {
                others.push(s);
            }
        }
    }
    10 + others
        .iter()
        .position(|s| *s == size)
        .unwrap_or(others.len())
}

impl Catalogue {
    /// The catalogue of `products`, checked: model SKUs unique and made of letters and
    /// digits, colour SKUs digits, no variant SKU twice.
    pub fn new(products: Vec<Product>) -> Result<Catalogue, String> {
        let mut variants = HashMap::with_hasher(foldhash::fast::RandomState::default());
        let mut order = Vec::new();
        let mut models = std::collections::HashSet::new();
        for (p, product) in products.iter().enumerate() {
            if product.sku.is_empty() || !product.sku.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(format!(
                    "products: model SKU {:?} is not letters and digits",
                    product.sku
                ));
            }
            if !models.insert(product.sku.as_str()) {
                return Err(format!("products: model SKU {} appears twice", product.sku));
            }
            if !(product.price.is_finite() && product.price >= 0.0) {
                return Err(format!(
                    "products: {}'s price {} is not a price",
                    product.sku, product.price
                ));
            }
            for (c, color) in product.colors.iter().enumerate() {
                let Some(color_sku) = &color.sku else {
                    continue;
                };
                if color_sku.is_empty() || !color_sku.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(format!(
                        "products: {}'s colour {} has the SKU {color_sku:?}, not digits",
                        product.sku, color.name
                    ));
                }
                for size in &color.sizes {
                    let sku = format!("{}_{color_sku}_{size}", product.sku);
                    let at = VariantRef {
                        product: p,
                        color: c,
                        size: size.clone(),
                    };
                    if variants.insert(sku.clone(), at).is_some() {
                        return Err(format!("products: variant {sku} appears twice"));
                    }
                    order.push(sku);
                }
            }
        }
        Ok(Catalogue {
            products,
            variants,
            order,
        })
    }

    /// The models, in catalogue order.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// The variant with SKU `sku`.
    pub fn variant(&self, sku: &str) -> Option<&VariantRef> {
        self.variants.get(sku)
    }

    /// The product of a variant.
    pub fn product_of(&self, v: &VariantRef) -> Option<&Product> {
        self.products.get(v.product)
    }

    /// Every variant SKU, in catalogue order.
    pub fn variant_skus(&self) -> &[String] {
        &self.order
    }
}

impl Serialize for Catalogue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.products.serialize(s)
    }
}

impl<'de> Deserialize<'de> for Catalogue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Catalogue::new(Vec::<Product>::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(colors: Vec<Color>) -> Product {
        Product {
            sku: "TSH180".into(),
            name_fr: String::new(),
            product_type: "T-shirts".into(),
            brand: "Tunetoo".into(),
            model: "T-shirt".into(),
            image: String::new(),
            description: String::new(),
            price: 10.2,
            colors,
        }
    }

    #[test]
    fn variants_are_model_color_size_and_colours_without_sku_have_none() {
        let c = Catalogue::new(vec![product(vec![
            Color {
                name: "White".into(),
                sku: Some("856".into()),
                sizes: vec!["M".into(), "XL".into()],
            },
            Color {
                name: "Ash Heather".into(),
                sku: None,
                sizes: vec!["S".into()],
            },
        ])])
        .unwrap();
        assert_eq!(c.variant_skus(), ["TSH180_856_M", "TSH180_856_XL"]);
        assert_eq!(c.variant("TSH180_856_XL").map(|v| v.color), Some(0));
        assert!(c.variant("TSH180_856_S").is_none());
        assert_eq!(size_index(&c.products()[0], "M"), 3);
    }

    #[test]
    fn a_colour_sku_must_be_digits_and_variants_unique() {
        let bad = |sku: &str| {
            Catalogue::new(vec![product(vec![Color {
                name: "W".into(),
                sku: Some(sku.into()),
                sizes: vec!["M".into()],
            }])])
        };
        assert!(bad("85_6").is_err());
        let twice = Catalogue::new(vec![product(vec![
            Color {
                name: "White".into(),
                sku: Some("856".into()),
                sizes: vec!["M".into()],
            },
            Color {
                name: "Blanc".into(),
                sku: Some("856".into()),
                sizes: vec!["M".into()],
            },
        ])]);
        assert_eq!(
            twice.err().as_deref(),
            Some("products: variant TSH180_856_M appears twice")
        );
    }
}
