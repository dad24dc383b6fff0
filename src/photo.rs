//! From the camera to a stored photo: decode with the orientation applied, resize, optionally
//! burn in a caption, encode as JPEG, hash. One photo at a time: a 12-megapixel decode is ~45 MB
//! of pixels, and a cheap phone must survive thirty in a row.

use std::cell::Cell;

use fieldbook_model::photo::fit_within;
use gloo::timers::future::TimeoutFuture;
use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, ImageBitmap, ImageBitmapOptions, ImageEncodeOptions, ImageOrientation, OffscreenCanvas,
    OffscreenCanvasRenderingContext2d,
};

/// JPEG quality: 0.85 keeps nameplates and serial numbers legible at about 400 KB.
const QUALITY: f64 = 0.85;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The file is not an image the browser can read (or is damaged).
    #[error("the file is not a readable image")]
    NotAnImage,
    /// The browser could not make the picture (often: not enough memory).
    #[error("the browser could not process the photo: {0}")]
    Browser(String),
}

fn browser(e: JsValue) -> PhotoError {
    PhotoError::Browser(format!("{e:?}"))
}

/// A photo ready to store: JPEG (or PNG for signatures) bytes and what the outbox needs to know.
pub struct Processed {
    pub blob: Blob,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
    pub sha256: String,
    pub content_type: String,
}

thread_local! {
    static BUSY: Cell<bool> = const { Cell::new(false) };
}

/// Holds the one decoding slot; frees it when dropped, whatever happened.
struct Slot;

impl Slot {
    async fn take() -> Slot {
        while BUSY.with(|b| b.replace(true)) {
            TimeoutFuture::new(30).await;
        }
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        BUSY.with(|b| b.set(false));
    }
}

/// Decode `file` with its EXIF orientation applied, fit its long edge within `long_edge`, burn in
/// `caption` lines at the bottom if given, and encode as JPEG.
pub async fn process(
    file: &Blob,
    long_edge: u32,
    caption: &[String],
) -> Result<Processed, PhotoError> {
    let _slot = Slot::take().await;
    let options = ImageBitmapOptions::new();
    options.set_image_orientation(ImageOrientation::FromImage);
    let promise = gloo::utils::window()
        .create_image_bitmap_with_blob_and_image_bitmap_options(file, &options)
        .map_err(browser)?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| PhotoError::NotAnImage)?
        .unchecked_into();
    let (width, height) = fit_within(bitmap.width(), bitmap.height(), long_edge);
    let canvas = OffscreenCanvas::new(width, height).map_err(browser)?;
    let ctx: OffscreenCanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(browser)?
        .ok_or_else(|| PhotoError::Browser("no 2d context".into()))?
        .unchecked_into();
    // web-sys has no binding for the quality enum; "high" matters for legible nameplates.
    let _ = js_sys::Reflect::set(
        &ctx,
        &JsValue::from_str("imageSmoothingQuality"),
        &JsValue::from_str("high"),
    );
    let drawn = ctx.draw_image_with_image_bitmap_and_dw_and_dh(
        &bitmap,
        0.0,
        0.0,
        width as f64,
        height as f64,
    );
    // Free the full-size pixels now, not when the garbage collector gets round to it.
    bitmap.close();
    drawn.map_err(browser)?;
    if !caption.is_empty() {
        burn_caption(&ctx, width, height, caption);
    }
    let encode = ImageEncodeOptions::new();
    encode.set_type("image/jpeg");
    encode.set_quality(QUALITY);
    let blob: Blob = JsFuture::from(
        canvas
            .convert_to_blob_with_options(&encode)
            .map_err(browser)?,
    )
    .await
    .map_err(browser)?
    .unchecked_into();
    // A zero-size canvas keeps nothing alive until collection.
    canvas.set_width(0);
    canvas.set_height(0);
    finish(blob, width, height, "image/jpeg").await
}

/// Hash and measure an encoded image (a photo, or a signature drawn on a canvas).
pub async fn finish(
    blob: Blob,
    width: u32,
    height: u32,
    content_type: &str,
) -> Result<Processed, PhotoError> {
    let buffer: ArrayBuffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(browser)?
        .unchecked_into();
    let sha256 = sha256_hex(&buffer).await?;
    Ok(Processed {
        bytes: buffer.byte_length() as u64,
        blob,
        width,
        height,
        sha256,
        content_type: content_type.to_string(),
    })
}

fn burn_caption(
    ctx: &OffscreenCanvasRenderingContext2d,
    width: u32,
    height: u32,
    lines: &[String],
) {
    let size = (width.max(height) as f64 / 55.0).clamp(14.0, 44.0);
    let pad = size * 0.5;
    let band = lines.len() as f64 * size * 1.3 + pad;
    ctx.set_fill_style_str("rgba(0, 0, 0, 0.55)");
    ctx.fill_rect(0.0, height as f64 - band, width as f64, band);
    ctx.set_fill_style_str("#ffffff");
    ctx.set_font(&format!("600 {size}px system-ui, sans-serif"));
    for (i, line) in lines.iter().enumerate() {
        let y = height as f64 - band + pad / 2.0 + size * 1.3 * (i as f64 + 0.8);
        let _ = ctx.fill_text(line, pad, y);
    }
}

/// Lowercase hex SHA-256, by the browser's own crypto.
pub async fn sha256_hex(buffer: &ArrayBuffer) -> Result<String, PhotoError> {
    let subtle = gloo::utils::window().crypto().map_err(browser)?.subtle();
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source("SHA-256", buffer)
            .map_err(browser)?,
    )
    .await
    .map_err(browser)?;
    let bytes = Uint8Array::new(&digest).to_vec();
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `sha-256=:<base64>:` for the Content-Digest header (RFC 9530), from the hex digest.
pub fn content_digest(sha256_hex: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> = (0..sha256_hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(sha256_hex.get(i..i + 2)?, 16).ok())
        .collect();
    let bytes = bytes?;
    let b64 = gloo::utils::window()
        .btoa(&bytes.iter().map(|&b| b as char).collect::<String>())
        .ok()?;
    Some(format!("sha-256=:{b64}:"))
}

impl Processed {
    /// A photo for a field record (a finding, its closing, a vacant-unit record): the details
    /// its operation carries, and its bytes. `owner` is the record's id.
    pub fn into_field_photo(
        self,
        owner: uuid::Uuid,
        slot: &str,
        user: &str,
    ) -> (fieldbook_model::cleaning::PhotoRef, crate::db::PhotoBlob) {
        let id = uuid::Uuid::new_v4();
        let photo = fieldbook_model::cleaning::PhotoRef {
            photo_id: id,
            slot: slot.to_string(),
            sha256: self.sha256.clone(),
            bytes: self.bytes,
            width: self.width,
            height: self.height,
            content_type: self.content_type.clone(),
        };
        (photo, self.into_blob(id, owner, user))
    }

    /// What the device records for this photo: its metadata operation, and its bytes with their
    /// upload state, made together so that one can never be recorded without the other.
    pub fn into_record(
        self,
        work_order_id: uuid::Uuid,
        slot: &str,
        user: &str,
    ) -> (fieldbook_model::OpKind, crate::db::PhotoBlob) {
        let id = uuid::Uuid::new_v4();
        let kind = fieldbook_model::OpKind::AddPhoto {
            work_order_id,
            photo_id: id,
            slot: slot.to_string(),
            sha256: self.sha256.clone(),
            bytes: self.bytes,
            width: self.width,
            height: self.height,
            content_type: self.content_type.clone(),
        };
        (kind, self.into_blob(id, work_order_id, user))
    }

    /// The bytes as the device keeps them until the server has them: photo `id` of `owner` (a
    /// work order or a field record), taken by `user`, not sent yet.
    fn into_blob(self, id: uuid::Uuid, owner: uuid::Uuid, user: &str) -> crate::db::PhotoBlob {
        crate::db::PhotoBlob {
            record: crate::db::PhotoRecord {
                id,
                work_order_id: owner,
                user: user.to_string(),
                sha256: self.sha256,
                bytes: self.bytes,
                content_type: self.content_type,
                uploaded: false,
                tries: 0,
                error: None,
                draft: false,
            },
            blob: self.blob,
        }
    }
}
