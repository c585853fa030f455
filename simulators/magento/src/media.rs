//! The product media gallery: `GalleryManagement` (`/V1/products/{sku}/media…`) and the
//! gallery part of `ProductRepository::save` (`MediaGalleryProcessor`), with the file
//! naming of `ImageProcessor`, `Uploader` and `Gallery\Processor` (Magento 2.4.0).
//!
//! An entry is kept on its product as `{id, media_type, label, position, disabled,
//! types, file}`, the JSON Magento answers. The image bytes are decoded and checked
//! (`ImageContentValidator`) but not kept: nothing of the content is stored, so a
//! gallery costs the same whatever the images weigh. `types` is derived, as Magento's
//! `ImageEntryConverter` derives it, from the product's role attributes (`image`,
//! `small_image`, `thumbnail`, `swatch_image`): the roles whose value is the entry's
//! file.

use base64::Engine as _;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::catalog::{self, Product};
use crate::dates;
use crate::errors::{MResult, MagentoError};
use crate::input;
use crate::state::State;

/// Messages clients match on, verbatim.
pub mod m {
    /// A new entry without content, and `create` when its validator says no.
    pub const IMAGE_CONTENT: &str =
        "The image content is invalid. Verify the content and try again.";
    /// `ImageContentValidator`: data that is not base64, or not an image.
    pub const NOT_BASE64: &str = "The image content must be valid base64 encoded data.";
    /// `ImageContentValidator`: `type` is not the image's MIME type, or not one of
    /// `image/jpg`, `image/jpeg`, `image/gif`, `image/png`.
    pub const BAD_MIME: &str = "The image MIME type is not valid or not supported.";
    /// `ImageContentValidator`: a name with `\ / ? * : " ; < > ( ) | { }`, or empty.
    pub const BAD_NAME: &str = "Provided image name contains forbidden characters.";
    /// `Gallery\Processor::addImage`: a file name whose extension is not an image's.
    pub const BAD_FILE_TYPE: &str = "Please correct the image file type.";
    /// `update`/`remove` of an entry the product does not have.
    pub const NO_IMAGE: &str =
        "No image with the provided ID was found. Verify the ID and try again.";
    /// `get` on an unknown product.
    pub const NO_PRODUCT: &str = "The product doesn't exist. Verify and try again.";
    /// `get` of an entry the product does not have.
    pub const NO_SUCH_IMAGE: &str = "The image doesn't exist. Verify and try again.";
    /// `create`/`update` when the product save fails with anything but an input error.
    pub const NOT_SAVED: &str = "The product can't be saved.";
    /// `create` when the save made no new entry.
    pub const NO_NEW_ENTRY: &str = "The new media gallery entry failed to save.";
}

/// The media (role) attributes of a product, in Magento's order.
pub const ROLES: [&str; 4] = ["image", "small_image", "thumbnail", "swatch_image"];

/// What a role attribute holds when no entry has the role.
pub const NO_SELECTION: &str = "no_selection";

const ENTRY_CLASS: &str = "Magento\\Catalog\\Api\\Data\\ProductAttributeMediaGalleryEntryInterface";
const CONTENT_CLASS: &str = "Magento\\Framework\\Api\\Data\\ImageContentInterface";

/// Keys of `ProductAttributeMediaGalleryEntryInterface`.
const ENTRY_KEYS: &[&str] = &[
    "id",
    "media_type",
    "label",
    "position",
    "disabled",
    "types",
    "file",
    "content",
    "extension_attributes",
];

/// Keys of `ImageContentInterface`.
const CONTENT_KEYS: &[&str] = &["base64_encoded_data", "type", "name"];

/// MIME types `ImageContentValidator` allows.
const ALLOWED_MIME: &[&str] = &["image/jpg", "image/jpeg", "image/gif", "image/png"];

/// Extensions `Gallery\Processor::addImage` accepts (compared lower-cased).
const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "gif", "png"];

// ---------------------------------------------------------------------------
// Content

/// PHP's strict `base64_decode`: whitespace is skipped, padding may be left out (but a
/// lone trailing character is refused), anything outside the alphabet is refused.
pub fn php_base64_decode(data: &str) -> Option<Vec<u8>> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const ENGINE: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let compact: Vec<u8> = data
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
        .collect();
    ENGINE.decode(compact).ok()
}

/// The MIME type `getimagesizefromstring` would report for `bytes`, for the formats
/// whose headers it reads; `None` when it would not recognise an image.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        // The IHDR chunk's width and height must be there.
        return (bytes.len() >= 24).then_some("image/png");
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return (bytes.len() >= 10).then_some("image/gif");
    }
    if bytes.starts_with(b"\xff\xd8\xff") {
        return jpeg_has_frame(bytes).then_some("image/jpeg");
    }
    if bytes.starts_with(b"BM") && bytes.len() >= 26 {
        return Some("image/bmp");
    }
    if bytes.len() >= 16 && bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Some("image/webp");
    }
    if bytes.len() >= 8 && (bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*")) {
        return Some("image/tiff");
    }
    None
}

/// Whether a JPEG's markers reach a start-of-frame with its dimensions (what PHP reads
/// for the size) before the scan data or the end.
fn jpeg_has_frame(bytes: &[u8]) -> bool {
    let mut at = 2;
    // Every step moves forward by at least two bytes, so this ends.
    while at + 1 < bytes.len() {
        if bytes[at] != 0xff {
            return false;
        }
        let marker = bytes[at + 1];
        at += 2;
        match marker {
            0xff => at -= 1, // fill byte
            0xd8 | 0x01 | 0xd0..=0xd7 => {}
            0xd9 | 0xda => return false,
            0xc0..=0xcf if !matches!(marker, 0xc4 | 0xc8 | 0xcc) => {
                // length (2), precision (1), height (2), width (2)
                return at + 7 <= bytes.len();
            }
            _ => {
                let Some(len) = bytes
                    .get(at..at + 2)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
                else {
                    return false;
                };
                if len < 2 {
                    return false;
                }
                at += len;
            }
        }
    }
    false
}

/// The content of a new entry, checked as `ImageContentValidator::isValid` checks it,
/// in its order; what is kept of it is the file name and its MIME type.
#[derive(Debug, Clone)]
pub struct Content {
    /// `content.name` as sent.
    pub name: String,
    /// The image's MIME type (the one `content.type` matched).
    pub mime: &'static str,
}

fn bind_keys(obj: &Map<String, Value>, keys: &[&str], class: &str) -> MResult<()> {
    for key in obj.keys() {
        if !keys.contains(&input::snake(key).as_str()) {
            return Err(MagentoError::unknown_property(key, class));
        }
    }
    Ok(())
}

/// Binds and validates `content`.
pub fn validate_content(content: &Value) -> MResult<Content> {
    let obj = content
        .as_object()
        .ok_or_else(|| input::type_error("content", content, CONTENT_CLASS))?;
    bind_keys(obj, CONTENT_KEYS, CONTENT_CLASS)?;
    let text = |name: &str| {
        input::field(content, name)
            .map(|v| input::to_string(v, name))
            .transpose()
    };
    let data = text("base64_encoded_data")?.unwrap_or_default();
    let mime_sent = text("type")?.unwrap_or_default();
    let name = text("name")?.unwrap_or_default();
    let bytes = php_base64_decode(&data)
        .filter(|b| !b.is_empty())
        .ok_or_else(|| MagentoError::bad_request(m::NOT_BASE64))?;
    let mime = sniff_image(&bytes).ok_or_else(|| MagentoError::bad_request(m::NOT_BASE64))?;
    if mime != mime_sent || !ALLOWED_MIME.contains(&mime) {
        return Err(MagentoError::bad_request(m::BAD_MIME));
    }
    let forbidden = |c: char| "\\/?*:\";<>()|{}".contains(c);
    if name.is_empty() || name.chars().any(forbidden) {
        return Err(MagentoError::bad_request(m::BAD_NAME));
    }
    Ok(Content { name, mime })
}

/// The extension `ImageProcessor` appends to a name without one.
fn mime_extension(mime: &str) -> &'static str {
    match mime {
        "image/gif" => "gif",
        "image/png" => "png",
        _ => "jpg",
    }
}

/// `(filename, extension)` as PHP's `pathinfo` splits a base name.
fn split_name(name: &str) -> (&str, &str) {
    match name.rfind('.') {
        Some(dot) => (&name[..dot], &name[dot + 1..]),
        None => (name, ""),
    }
}

/// The stored base name of an upload named `name`: an extension from the MIME type when
/// it has none, runs of characters other than `[a-z0-9_.-]` as one `_`, `file.<ext>`
/// when nothing else is left, lower-cased (`Uploader::getCorrectFileName`, then the
/// case folding of dispersed uploads). A name whose extension is not an image's is
/// `Please correct the image file type.`
pub fn stored_name(name: &str, mime: &str) -> MResult<String> {
    let mut name = name.to_owned();
    if split_name(&name).1.is_empty() {
        name.push('.');
        name.push_str(mime_extension(mime));
    }
    let mut corrected = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
            corrected.push(c);
            in_run = false;
        } else if !in_run {
            corrected.push('_');
            in_run = true;
        }
    }
    let (stem, ext) = split_name(&corrected);
    if stem.chars().all(|c| c == '_') && !stem.is_empty() {
        corrected = format!("file.{ext}");
    }
    let corrected = corrected.to_ascii_lowercase();
    if !IMAGE_EXTENSIONS.contains(&split_name(&corrected).1) {
        return Err(MagentoError::bad_request(m::BAD_FILE_TYPE));
    }
    Ok(corrected)
}

/// `/a/b`: the first two characters of the name, a `.` written as `_`
/// (`Uploader::getDispersionPath`).
fn dispersion(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().take(2) {
        out.push('/');
        out.push(if c == '.' { '_' } else { c });
    }
    out
}

/// The file path of a new upload: dispersed, and `name_1.ext`, `name_2.ext`… when the
/// path is taken by a stored entry of any product or by an upload of the same save
/// (`Uploader::getNewFileName`).
fn new_file(state: &State, pending: &[String], name: &str) -> String {
    let dir = dispersion(name);
    let taken =
        |path: &str| state.products.media_file_used(path) || pending.iter().any(|p| p == path);
    let first = format!("{dir}/{name}");
    if !taken(&first) {
        return first;
    }
    let (stem, ext) = split_name(name);
    // Each candidate taken is a distinct stored or pending file, so this ends within
    // that many steps.
    let mut index: u64 = 1;
    loop {
        let candidate = format!("{dir}/{stem}_{index}.{ext}");
        if !taken(&candidate) {
            return candidate;
        }
        index = index.saturating_add(1);
    }
}

// ---------------------------------------------------------------------------
// Entries

fn entry_id(e: &Value) -> Option<u64> {
    e.get("id").and_then(Value::as_u64)
}

fn entry_file(e: &Value) -> &str {
    e.get("file").and_then(Value::as_str).unwrap_or("")
}

/// One entry of a request, bound.
#[derive(Debug, Clone, Default)]
struct Incoming {
    id: Option<i64>,
    media_type: Option<String>,
    label: Option<Value>,
    position: Option<i64>,
    disabled: Option<bool>,
    types: Option<Vec<String>>,
    file: Option<String>,
    content: Option<Value>,
}

fn bind(entry: &Value, field: &str) -> MResult<Incoming> {
    let obj = entry
        .as_object()
        .ok_or_else(|| input::type_error(field, entry, ENTRY_CLASS))?;
    bind_keys(obj, ENTRY_KEYS, ENTRY_CLASS)?;
    let types = match input::field(entry, "types") {
        None => None,
        Some(Value::Array(items)) => Some(
            items
                .iter()
                .map(|t| input::to_string(t, "types"))
                .collect::<MResult<_>>()?,
        ),
        Some(other) => return Err(input::type_error("types", other, "string[]")),
    };
    Ok(Incoming {
        id: input::field(entry, "id")
            .map(|v| input::to_i64(v, "id"))
            .transpose()?,
        media_type: input::field(entry, "media_type")
            .map(|v| input::to_string(v, "media_type"))
            .transpose()?,
        label: input::field(entry, "label")
            .map(|v| input::to_string(v, "label").map(Value::String))
            .transpose()?,
        position: input::field(entry, "position")
            .map(|v| input::to_i64(v, "position"))
            .transpose()?,
        disabled: input::field(entry, "disabled")
            .map(|v| input::to_bool(v, "disabled"))
            .transpose()?,
        types,
        file: input::field(entry, "file")
            .map(|v| input::to_string(v, "file"))
            .transpose()?,
        content: input::field(entry, "content").cloned(),
    })
}

/// A `media_type` other than `image` (an `external-video`, or anything else) has no
/// entry converter here: Magento answers a masked 500 for a type it has no converter
/// for, and product videos are not simulated. Refused before anything is stored.
fn check_media_type(e: &Incoming) -> MResult<()> {
    match e.media_type.as_deref() {
        None | Some("image") => Ok(()),
        Some(_) => Err(MagentoError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "There is no MediaGalleryEntryConverter for given type",
        )),
    }
}

fn entry_json(id: u64, label: Value, position: i64, disabled: bool, file: &str) -> Value {
    let mut o = Map::new();
    o.insert("id".into(), json!(id));
    o.insert("media_type".into(), json!("image"));
    o.insert("label".into(), label);
    o.insert("position".into(), json!(position));
    o.insert("disabled".into(), json!(disabled));
    o.insert("types".into(), json!([]));
    o.insert("file".into(), json!(file));
    Value::Object(o)
}

/// `MediaGalleryProcessor::processMediaGallery`: the product's gallery becomes
/// `entries`. When the product has a gallery, an entry with the id of one of its
/// entries updates it (the fields sent), one with another id is ignored, one without id
/// is new, and entries not named are removed; a product without a gallery takes every
/// entry as new. A new entry needs `content` (`The image content is invalid…`), valid
/// as [`validate_content`] checks, and gets the next id, a file path ([`stored_name`],
/// dispersed, de-duplicated), `position` after the highest (when not sent), and
/// `disabled` true when not sent (`Processor::addImage` excludes by default). Then
/// every role is cleared to `no_selection` and given to the last entry that claims
/// it. Nothing is stored here: the product is the caller's copy; the new ids are taken
/// from `next` only.
///
/// Returns the ids of the new entries, in order.
fn process(
    state: &State,
    next: &mut u64,
    p: &mut Product,
    entries: &[Incoming],
) -> MResult<Vec<u64>> {
    let had_gallery = !p.media_gallery_entries.is_empty();
    let mut gallery: Vec<Value> = Vec::new();
    let mut fresh: Vec<&Incoming> = Vec::new();
    if had_gallery {
        let mut updates: Vec<(u64, &Incoming)> = Vec::new();
        for e in entries {
            check_media_type(e)?;
            match e.id {
                Some(id) => {
                    if let Ok(id) = u64::try_from(id) {
                        updates.push((id, e));
                    }
                }
                None => fresh.push(e),
            }
        }
        for old in &p.media_gallery_entries {
            let Some(id) = entry_id(old) else { continue };
            // The last update of an id wins, as a PHP array keyed by id keeps it.
            let Some((_, e)) = updates.iter().rev().find(|(u, _)| *u == id) else {
                continue;
            };
            let mut merged = old.clone();
            if let Some(o) = merged.as_object_mut() {
                if let Some(label) = &e.label {
                    o.insert("label".into(), label.clone());
                }
                if let Some(position) = e.position {
                    o.insert("position".into(), json!(position));
                }
                if let Some(disabled) = e.disabled {
                    o.insert("disabled".into(), json!(disabled));
                }
                if let Some(types) = &e.types {
                    o.insert("types".into(), json!(types));
                }
            }
            gallery.push(merged);
        }
    } else {
        for e in entries {
            check_media_type(e)?;
            fresh.push(e);
        }
    }
    let mut pending: Vec<String> = Vec::new();
    let mut created = Vec::new();
    for e in fresh {
        let content = e
            .content
            .as_ref()
            .ok_or_else(|| MagentoError::bad_request(m::IMAGE_CONTENT))?;
        let content = validate_content(content)?;
        let name = stored_name(&content.name, content.mime)?;
        let file = new_file(state, &pending, &name);
        let position = match e.position {
            Some(position) => position,
            None => gallery
                .iter()
                .filter_map(|g| g.get("position").and_then(Value::as_i64))
                .max()
                .unwrap_or(0)
                .saturating_add(1),
        };
        let id = *next;
        *next = next
            .checked_add(1)
            .ok_or_else(|| MagentoError::bad_request(m::NOT_SAVED))?;
        let mut entry = entry_json(
            id,
            e.label.clone().unwrap_or(Value::Null),
            position,
            e.disabled.unwrap_or(true),
            &file,
        );
        if let (Some(types), Some(o)) = (&e.types, entry.as_object_mut()) {
            o.insert("types".into(), json!(types));
        }
        pending.push(file);
        gallery.push(entry);
        created.push(id);
    }
    // Roles: cleared, then each to the last entry claiming it.
    let mut roles: [Option<String>; 4] = Default::default();
    for g in &gallery {
        let claimed = g.get("types").and_then(Value::as_array);
        for t in claimed.into_iter().flatten().filter_map(Value::as_str) {
            if let Some(i) = ROLES.iter().position(|r| *r == t) {
                roles[i] = Some(entry_file(g).to_owned());
            }
        }
    }
    for (role, file) in ROLES.iter().zip(roles) {
        catalog::set_attribute(
            p,
            role,
            json!(file.unwrap_or_else(|| NO_SELECTION.to_owned())),
        );
    }
    p.media_gallery_entries = gallery;
    sync_types(p);
    Ok(created)
}

/// Each entry's `types`: the roles whose attribute holds the entry's file, in role
/// order (`ImageEntryConverter::convertTo`).
pub fn sync_types(p: &mut Product) {
    let roles: Vec<(&str, Option<String>)> = ROLES
        .iter()
        .map(|r| (*r, p.attribute(r).map(str::to_owned)))
        .collect();
    for e in &mut p.media_gallery_entries {
        let file = entry_file(e).to_owned();
        let types: Vec<&str> = roles
            .iter()
            .filter(|(_, v)| v.as_deref() == Some(file.as_str()))
            .map(|(r, _)| *r)
            .collect();
        if let Some(o) = e.as_object_mut() {
            o.insert("types".into(), json!(types));
        }
    }
}

/// The gallery part of a product save (`media_gallery_entries` in `POST`/`PUT
/// /V1/products`): see [`process`].
pub fn from_product_save(
    state: &State,
    next: &mut u64,
    p: &mut Product,
    value: &Value,
) -> MResult<()> {
    let items = value
        .as_array()
        .ok_or_else(|| input::type_error("media_gallery_entries", value, "array"))?;
    let entries: Vec<Incoming> = items
        .iter()
        .map(|e| bind(e, "media_gallery_entries"))
        .collect::<MResult<_>>()?;
    process(state, next, p, &entries).map(|_| ())
}

/// Stores `p` (a changed copy of a stored product) with the counter moved on.
fn store(state: &mut State, mut p: Product, next: u64, now: OffsetDateTime) {
    p.updated_at = dates::db_time(now);
    state.next.media_id = next;
    state.products.insert(p);
}

/// `GET /V1/products/{sku}/media`.
pub fn list(state: &State, sku: &str) -> MResult<Value> {
    Ok(json!(catalog::product(state, sku)?.media_gallery_entries))
}

/// `GET /V1/products/{sku}/media/{entryId}`: its own messages for an unknown product
/// and entry (both 404).
pub fn get(state: &State, sku: &str, entry_id: i64) -> MResult<Value> {
    let p =
        catalog::find_by_sku(state, sku).ok_or_else(|| MagentoError::not_found(m::NO_PRODUCT))?;
    p.media_gallery_entries
        .iter()
        .find(|e| e.get("id").and_then(Value::as_i64) == Some(entry_id))
        .cloned()
        .ok_or_else(|| MagentoError::not_found(m::NO_SUCH_IMAGE))
}

/// `POST /V1/products/{sku}/media {entry}` (`GalleryManagement::create`): the content is
/// checked first (a missing one is Magento's `TypeError`, a masked 500), then the
/// product (404); the entry joins the gallery and the product is saved. Input errors
/// of the save pass through, anything else is 400 `The product can't be saved.`.
/// Returns the new entry's id; `None` when the entry named an existing one (updated,
/// no new entry: Magento saves, then answers 400 `The new media gallery entry failed to
/// save.`).
pub fn create(
    state: &mut State,
    sku: &str,
    entry: &Value,
    now: OffsetDateTime,
) -> MResult<Option<u64>> {
    let e = bind(entry, "entry")?;
    let content = e.content.as_ref().ok_or_else(|| {
        MagentoError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "ImageContentValidator::isValid(): Argument #1 ($imageContent) must be of type ImageContentInterface, null given",
        )
    })?;
    validate_content(content)?;
    let mut p = catalog::product(state, sku)?.clone();
    let mut entries: Vec<Incoming> = p
        .media_gallery_entries
        .iter()
        .map(|old| Incoming {
            id: old.get("id").and_then(Value::as_i64),
            ..Incoming::default()
        })
        .collect();
    entries.push(e);
    let mut next = state.next.media_id;
    let created = match process(state, &mut next, &mut p, &entries) {
        Ok(created) => created,
        Err(err) if err.status == axum::http::StatusCode::INTERNAL_SERVER_ERROR => return Err(err),
        Err(err) if is_input_error(&err) => return Err(err),
        Err(_) => return Err(MagentoError::bad_request(m::NOT_SAVED)),
    };
    store(state, p, next, now);
    Ok(created.first().copied())
}

/// Whether a save failure is an `InputException` (which `create` passes through):
/// every refusal of the content and of a new entry is.
fn is_input_error(err: &MagentoError) -> bool {
    [m::IMAGE_CONTENT, m::NOT_BASE64, m::BAD_MIME, m::BAD_NAME].contains(&err.message.as_str())
}

/// `PUT /V1/products/{sku}/media/{entryId} {entry}` (`GalleryManagement::update`): the
/// entry is found by the body's `id` (the URL's is not used, as in 2.4.0); unknown
/// product 404, no such entry 404 `No image with the provided ID was found…`. The
/// entry's `types` are taken from every other entry; the entry is updated with the
/// fields sent, or, when it carries `content` data or a `file`, replaced by a new entry
/// (new id and file; without valid content the save fails). Any failure of the save is
/// 400 `The product can't be saved.`
pub fn update(state: &mut State, sku: &str, entry: &Value, now: OffsetDateTime) -> MResult<()> {
    let e = bind(entry, "entry")?;
    let mut p = catalog::product(state, sku)?.clone();
    let wanted = e.id;
    if !p
        .media_gallery_entries
        .iter()
        .any(|old| old.get("id").and_then(Value::as_i64) == wanted && wanted.is_some())
    {
        return Err(MagentoError::not_found(m::NO_IMAGE));
    }
    let taken: Vec<String> = e.types.clone().unwrap_or_default();
    let replace = e
        .content
        .as_ref()
        .and_then(|c| input::field(c, "base64_encoded_data"))
        .is_some_and(|d| d.as_str().is_none_or(|s| !s.is_empty()))
        || e.file.as_deref().is_some_and(|f| !f.is_empty());
    let mut entries: Vec<Incoming> = Vec::new();
    for old in &p.media_gallery_entries {
        let id = old.get("id").and_then(Value::as_i64);
        if id == wanted {
            let mut new = e.clone();
            if replace {
                new.id = None;
            }
            entries.push(new);
        } else {
            let kept: Vec<String> = old
                .get("types")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|t| !taken.iter().any(|x| x == t))
                .map(str::to_owned)
                .collect();
            entries.push(Incoming {
                id,
                types: Some(kept),
                ..Incoming::default()
            });
        }
    }
    let mut next = state.next.media_id;
    match process(state, &mut next, &mut p, &entries) {
        Ok(_) => {}
        Err(err) if err.status == axum::http::StatusCode::INTERNAL_SERVER_ERROR => return Err(err),
        Err(_) => return Err(MagentoError::bad_request(m::NOT_SAVED)),
    }
    store(state, p, next, now);
    Ok(())
}

/// `DELETE /V1/products/{sku}/media/{entryId}` (`GalleryManagement::remove`): unknown
/// product 404, no such entry 404 `No image with the provided ID was found…`; the
/// roles the entry had become `no_selection`.
pub fn remove(state: &mut State, sku: &str, entry_id: i64, now: OffsetDateTime) -> MResult<()> {
    let mut p = catalog::product(state, sku)?.clone();
    if !p
        .media_gallery_entries
        .iter()
        .any(|e| e.get("id").and_then(Value::as_i64) == Some(entry_id))
    {
        return Err(MagentoError::not_found(m::NO_IMAGE));
    }
    let entries: Vec<Incoming> = p
        .media_gallery_entries
        .iter()
        .filter(|e| e.get("id").and_then(Value::as_i64) != Some(entry_id))
        .map(|e| Incoming {
            id: e.get("id").and_then(Value::as_i64),
            ..Incoming::default()
        })
        .collect();
    let mut next = state.next.media_id;
    if entries.is_empty() {
        // A product left without a gallery: `processMediaGallery` with no entries.
        p.media_gallery_entries.clear();
        for role in ROLES {
            catalog::set_attribute(&mut p, role, json!(NO_SELECTION));
        }
    } else {
        process(state, &mut next, &mut p, &entries)?;
    }
    store(state, p, next, now);
    Ok(())
}

/// Import check: every entry is `{id: int, media_type: "image", label: string|null,
/// position: int, disabled: bool, types: [role…], file: "/x/y/name"}`, and no two
/// entries of a product share an id or a file.
pub fn check_state(state: &State) -> Result<(), String> {
    for p in state.products.values() {
        let mut ids = std::collections::HashSet::new();
        let mut files = std::collections::HashSet::new();
        for e in &p.media_gallery_entries {
            let ok = entry_id(e).is_some()
                && e.get("media_type").and_then(Value::as_str) == Some("image")
                && e.get("label").is_some_and(|l| l.is_null() || l.is_string())
                && e.get("position").is_some_and(Value::is_i64)
                && e.get("disabled").is_some_and(Value::is_boolean)
                && e.get("types").and_then(Value::as_array).is_some_and(|t| {
                    t.iter()
                        .all(|r| r.as_str().is_some_and(|r| ROLES.contains(&r)))
                })
                && entry_file(e).starts_with('/');
            if !ok {
                return Err(format!(
                    "products: product {} ({:?}) has media gallery entry {e}, which is not \
                     {{id: int, media_type: \"image\", label: string|null, position: int, \
                     disabled: bool, types: [image|small_image|thumbnail|swatch_image], \
                     file: \"/…\"}}",
                    p.id, p.sku
                ));
            }
            if !ids.insert(entry_id(e)) || !files.insert(entry_file(e)) {
                return Err(format!(
                    "products: product {} ({:?}) has two media gallery entries with id {} or file {:?}",
                    p.id,
                    p.sku,
                    e.get("id").unwrap_or(&Value::Null),
                    entry_file(e)
                ));
            }
        }
    }
    Ok(())
}
