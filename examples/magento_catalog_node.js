#!/usr/bin/env node
// A real Node client from the npm registry, `magento2-rest-client` (OAuth 1.0a,
// HMAC-SHA1, as Magento 2.4.0 accepts), building a configurable product against
// `cartsim serve`: a color attribute with options, a category, two children with an
// image and a custom option, the configurable parent with its option and links, then
// a search, a price update and the stock through MSI.
//
//     cargo run --release -p cartsim -- serve --only magento &
//     npm install magento2-rest-client
//     node examples/magento_catalog_node.js [http://127.0.0.1:8081]
//
// Exits non-zero when an answer differs from what Magento 2.4 answers.

'use strict';

const http = require('http');
const { Magento2Client } = require('magento2-rest-client');
const { RestClient } = require('magento2-rest-client/lib/rest_client');

const base = process.argv[2] || 'http://127.0.0.1:8081';

function info() {
  return new Promise((resolve, reject) => {
    http.get(`${base}/__sim/info`, (res) => {
      let data = '';
      res.on('data', (c) => { data += c; });
      res.on('end', () => resolve(JSON.parse(data)));
    }).on('error', reject);
  });
}

function check(cond, what) {
  if (!cond) {
    console.error(`FAIL ${what}`);
    process.exit(1);
  }
  console.log(`ok   ${what}`);
}

// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

async function main() {
  const creds = (await info()).credentials;
  const options = {
    url: `${base}/rest`,
    consumerKey: creds.consumer_key,
    consumerSecret: creds.consumer_secret,
    accessToken: creds.access_token,
    accessTokenSecret: creds.access_token_secret,
  };
  const magento = Magento2Client(options);
  const rest = RestClient({ ...options, version: 'V1' });
  const suffix = Date.now().toString(36);

  // Attribute and options (the library camelizes answers: `attributeId`).
  const attr = await rest.post('/products/attributes', {
    attribute: {
      attribute_code: `shade_${suffix}`, frontend_input: 'select', default_frontend_label: 'Shade',
      options: [{ label: 'Red' }, { label: 'Blue' }],
    },
  });
  check(attr.attributeId > 0 && attr.options.length === 3, 'attribute with two options (and the blank one)');
  const [red, blue] = [attr.options[1].value, attr.options[2].value];
  const green = await rest.post(`/products/attributes/${attr.attributeCode}/options`, { option: { label: 'Green' } });
  check(/^\d+$/.test(green), `new option id ${green}`);

  const category = await magento.categories.create({ category: { parent_id: 2, name: `Tees ${suffix}`, is_active: true } });
  check(category.id > 0, `category ${category.id}`);

  const children = [];
  for (const [sku, value] of [[`tee-red-${suffix}`, red], [`tee-blue-${suffix}`, blue]]) {
    const p = await magento.products.create({
      product: {
        sku, name: sku, type_id: 'simple', attribute_set_id: 4, price: 20, status: 1, visibility: 1,
        custom_attributes: [{ attribute_code: attr.attributeCode, value }],
        extension_attributes: {
          stock_item: { qty: 10, is_in_stock: true },
          category_links: [{ category_id: String(category.id), position: 0 }],
        },
        options: [{ title: 'Engraving', type: 'field', price: 5, price_type: 'fixed', is_require: false, max_characters: 20 }],
      },
    });
    check(p.id > 0 && p.options.length === 1, `child ${sku} with a custom option`);
    const media = await magento.productMedia.create(sku, {
      entry: {
        media_type: 'image', label: 'front', position: 1, disabled: false, types: ['image', 'small_image', 'thumbnail'],
        content: { base64_encoded_data: PNG, type: 'image/png', name: 'tee.png' },
      },
    });
    check(/^\d+$/.test(String(media)), `image ${media} on ${sku}`);
    const gallery = await magento.productMedia.list(sku);
    check(gallery.length === 1 && gallery[0].file.startsWith('/t/e/tee'), `gallery file ${gallery[0].file}`);
    children.push(p.id);
  }

  const parentSku = `tee-${suffix}`;
  const parent = await magento.products.create({
    product: {
      sku: parentSku, name: `Tee ${suffix}`, type_id: 'configurable', attribute_set_id: 4, price: 20, status: 1, visibility: 4,
      extension_attributes: {
        stock_item: { is_in_stock: true },
        category_links: [{ category_id: String(category.id), position: 0 }],
        configurable_product_options: [{
          attribute_id: String(attr.attributeId), label: 'Shade', position: 0,
          values: [{ value_index: Number(red) }, { value_index: Number(blue) }],
        }],
        configurable_product_links: children,
      },
    },
  });
  check(parent.extensionAttributes.configurableProductLinks.length === 2, 'configurable parent with two children');
  const kids = await rest.get(`/configurable-products/${parentSku}/children`);
  check(kids.length === 2, 'children listed');

  const found = await rest.get(
    `/products?searchCriteria[filterGroups][0][filters][0][field]=sku&searchCriteria[filterGroups][0][filters][0][value]=tee-%25${suffix}&searchCriteria[filterGroups][0][filters][0][conditionType]=like`,
  );
  check(found.totalCount === 3, `search finds ${found.totalCount} of 3`);

  const priceErrors = await rest.post('/products/base-prices', {
    prices: [{ sku: children[0] && `tee-red-${suffix}`, price: 18.5, store_id: 0 }],
  });
  check(Array.isArray(priceErrors) && priceErrors.length === 0, 'base price updated');
  const prices = await rest.post('/products/base-prices-information', { skus: [`tee-red-${suffix}`] });
  check(prices[0].price === 18.5, 'base price read back');

  const salable = await rest.get(`/inventory/is-product-salable/${parentSku}/1`);
  check(salable === true, 'the configurable is salable through its children');

  // Magento's refusal, through the client's error path.
  try {
    await rest.get(`/configurable-products/${children[0] && `tee-red-${suffix}`}/options/all`);
    check(false, 'options of a simple product refused');
  } catch (message) {
    check(String(message).includes('configurable product only'), `refusal: ${message}`);
  }
}

main().catch((e) => {
  console.error('FAIL', e);
  process.exit(1);
});
