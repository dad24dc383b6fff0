//! Is an upload really the image its metadata describes? Judged by its bytes, never its name.
//!
//! The header is read under [`limits`] first, so a pixel flood (a tiny PNG claiming 100000 x
//! 100000) is refused before anything large is allocated; then the whole image is decoded under
//! the same limits, so a truncated or corrupt file is refused too.

use std::io::Cursor;

use fieldbook_model::op::limits::MAX_PHOTO_EDGE;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};

/// The most one decode may allocate: an 8-bit RGBA image at the largest edge allowed.
pub const MAX_DECODE_ALLOC: u64 = MAX_PHOTO_EDGE as u64 * MAX_PHOTO_EDGE as u64 * 4;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageProblem {
    #[error("the bytes are not a JPEG or PNG image: {0}")]
    NotAnImage(String),
    #[error("the bytes are {found}, but the photo's metadata says {declared}")]
    ContentTypeMismatch {
        found: &'static str,
        declared: String,
    },
    #[error("the image is too large to accept: {0}")]
    PixelLimit(String),
    #[error("the image is {found:?} pixels, but the photo's metadata says {declared:?}")]
    DimensionsMismatch {
        found: (u32, u32),
        declared: (u32, u32),
    },
}

impl ImageProblem {
    /// The API's error code for this problem.
    pub fn code(&self) -> &'static str {
        match self {
            ImageProblem::NotAnImage(_) => "not_an_image",
            ImageProblem::ContentTypeMismatch { .. } => "content_type_mismatch",
            ImageProblem::PixelLimit(_) => "pixel_limit",
            ImageProblem::DimensionsMismatch { .. } => "dimensions_mismatch",
        }
    }
}

pub fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_PHOTO_EDGE);
    limits.max_image_height = Some(MAX_PHOTO_EDGE);
    limits.max_alloc = Some(MAX_DECODE_ALLOC);
    limits
}

fn problem(e: ImageError) -> ImageProblem {
    match e {
        ImageError::Limits(e) => ImageProblem::PixelLimit(e.to_string()),
        other => ImageProblem::NotAnImage(other.to_string()),
    }
}

/// JPEG quality of the clean copy: high, so one more generation loses nothing visible.
const JPEG_QUALITY: u8 = 92;

/// Check that `bytes` are a JPEG or PNG of `content_type` and `width` x `height`.
pub fn verify(
    bytes: &[u8],
    content_type: &str,
    width: u32,
    height: u32,
) -> Result<(), ImageProblem> {
    verify_and_clean(bytes, content_type, width, height).map(|_| ())
}

/// Check the upload as [`verify`] does and return what to keep: the upload itself when it is
/// bare, else its clean copy (same format, upright, no metadata).
///
/// CPU-bound (tens of milliseconds for a phone photo, optimised): run it off the async threads.
pub fn verify_and_clean(
    bytes: &[u8],
    content_type: &str,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, ImageProblem> {
    let format = image::guess_format(bytes)
        .map_err(|_| ImageProblem::NotAnImage("the format is not recognised".into()))?;
    let found = match format {
        ImageFormat::Jpeg => "image/jpeg",
        ImageFormat::Png => "image/png",
        other => {
            return Err(ImageProblem::NotAnImage(format!(
                "{other:?} is not accepted, only JPEG and PNG"
            )));
        }
    };
    if found != content_type {
        return Err(ImageProblem::ContentTypeMismatch {
            found,
            declared: content_type.to_string(),
        });
    }
    // The JPEG decoder fills a cut-off scan with grey instead of failing; the app's encoder
    // always ends a JPEG with its end-of-image marker (some writers pad with zeros after it).
    if format == ImageFormat::Jpeg {
        let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
        if !bytes[..end].ends_with(&[0xFF, 0xD9]) {
            return Err(ImageProblem::NotAnImage(
                "the JPEG is cut short: it does not end with its end-of-image marker".into(),
            ));
        }
    }
    let reader = |bytes| {
        let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
        reader.limits(limits());
        reader
    };
    let found = reader(bytes).into_dimensions().map_err(problem)?;
    if found != (width, height) {
        return Err(ImageProblem::DimensionsMismatch {
            found,
            declared: (width, height),
        });
    }
    let mut decoder = reader(bytes).into_decoder().map_err(problem)?;
    if is_bare(bytes, format) {
        // Decoded all the same: a corrupt image is refused whatever its headers.
        DynamicImage::from_decoder(decoder).map_err(problem)?;
        return Ok(bytes.to_vec());
    }
    // An unreadable orientation tag is no reason to refuse the photo: it stays as it is.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(problem)?;
    image.apply_orientation(orientation);
    let mut out = Cursor::new(Vec::with_capacity(bytes.len()));
    let encoded = match format {
        ImageFormat::Png => image.write_with_encoder(PngEncoder::new(&mut out)),
        _ => DynamicImage::ImageRgb8(image.to_rgb8())
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY)),
    };
    encoded.map_err(|e| ImageProblem::NotAnImage(format!("cannot encode a clean copy: {e}")))?;
    Ok(out.into_inner())
}

/// Whether the image holds nothing but what draws it. Unsure means no (it is then re-encoded).
pub fn is_bare(bytes: &[u8], format: ImageFormat) -> bool {
    match format {
        ImageFormat::Jpeg => jpeg_is_bare(bytes).unwrap_or(false),
        ImageFormat::Png => png_is_bare(bytes).unwrap_or(false),
        _ => false,
    }
}

/// Walk the JPEG's segments: only a plain JFIF header (no thumbnail), tables, frame and scan
/// data, and nothing but zero padding after the end marker.
fn jpeg_is_bare(bytes: &[u8]) -> Option<bool> {
    let mut i = 2;
    loop {
        if *bytes.get(i)? != 0xFF {
            return Some(false);
        }
        while *bytes.get(i)? == 0xFF {
            i += 1;
        }
        let marker = *bytes.get(i)?;
        i += 1;
        match marker {
            0xD9 => return Some(bytes[i..].iter().all(|b| *b == 0)),
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let len = usize::from(u16::from_be_bytes([*bytes.get(i)?, *bytes.get(i + 1)?]));
        let segment = bytes.get(i + 2..i + len)?;
        match marker {
            0xE0 if segment.starts_with(b"JFIF\0") && len == 16 => {}
            // A colour profile draws the image (browsers' canvas JPEGs carry sRGB's).
            0xE2 if segment.starts_with(b"ICC_PROFILE\0") => {}
            0xE0..=0xEF | 0xFE => return Some(false),
            _ => {}
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker that is not a stuffed zero or a restart.
            loop {
                if *bytes.get(i)? == 0xFF {
                    let next = *bytes.get(i + 1)?;
                    if next != 0 && !(0xD0..=0xD7).contains(&next) {
                        break;
                    }
                }
                i += 1;
            }
        }
    }
}

/// Walk the PNG's chunks: only those that draw the image, and nothing after its end.
fn png_is_bare(bytes: &[u8]) -> Option<bool> {
    const DRAWING: [&[u8; 4]; 11] = [
        b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"sRGB", b"gAMA", b"cHRM", b"pHYs", b"sBIT",
        b"iCCP",
    ];
    let mut i = 8;
    loop {
        let len = u32::from_be_bytes(bytes.get(i..i + 4)?.try_into().ok()?) as usize;
        let kind: &[u8; 4] = bytes.get(i + 4..i + 8)?.try_into().ok()?;
        if !DRAWING.contains(&kind) {
            return Some(false);
        }
        i = i.checked_add(12 + len)?;
        if kind == b"IEND" {
            return Some(i == bytes.len());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgb, RgbImage};

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, y| Rgb([x as u8, y as u8, 0]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
        out.into_inner()
    }

    #[test]
    fn bare_images_are_kept_and_others_cleaned() {
        let bare = jpeg(64, 48);
        assert!(is_bare(&bare, ImageFormat::Jpeg));
        assert_eq!(verify_and_clean(&bare, "image/jpeg", 64, 48).unwrap(), bare);
        let mut commented = bare[..2].to_vec();
        commented.extend_from_slice(&[0xFF, 0xFE, 0, 7, b'h', b'e', b'l', b'l', b'o']);
        commented.extend_from_slice(&bare[2..]);
        assert!(!is_bare(&commented, ImageFormat::Jpeg));
        let clean = verify_and_clean(&commented, "image/jpeg", 64, 48).unwrap();
        assert!(is_bare(&clean, ImageFormat::Jpeg));
        assert!(!clean.windows(5).any(|w| w == b"hello"));
        // Chromium's canvas JPEG: JFIF, then its sRGB profile in APP2.
        let mut icc = bare[..20].to_vec();
        let profile = b"ICC_PROFILE\0\x01\x01sRGB...";
        icc.extend_from_slice(&[0xFF, 0xE2]);
        icc.extend_from_slice(&((profile.len() + 2) as u16).to_be_bytes());
        icc.extend_from_slice(profile);
        icc.extend_from_slice(&bare[20..]);
        assert!(is_bare(&icc, ImageFormat::Jpeg));
        let mut trailing = bare.clone();
        trailing.extend_from_slice(b"PK\x03\x04 a zip hidden after the image");
        assert!(!is_bare(&trailing, ImageFormat::Jpeg));

        let mut png = Cursor::new(Vec::new());
        RgbImage::new(8, 8)
            .write_to(&mut png, ImageFormat::Png)
            .unwrap();
        let png = png.into_inner();
        assert!(is_bare(&png, ImageFormat::Png));
        let mut texted = png[..33].to_vec();
        texted.extend_from_slice(&[0, 0, 0, 2, b't', b'E', b'X', b't', b'a', 0, 0, 0, 0, 0]);
        texted.extend_from_slice(&png[33..]);
        assert!(!is_bare(&texted, ImageFormat::Png));
    }

    #[test]
    fn a_real_jpeg_passes_and_its_lies_do_not() {
        let bytes = jpeg(64, 48);
        assert_eq!(verify(&bytes, "image/jpeg", 64, 48), Ok(()));
        assert_eq!(
            verify(&bytes, "image/jpeg", 48, 64).unwrap_err().code(),
            "dimensions_mismatch"
        );
        assert_eq!(
            verify(&bytes, "image/png", 64, 48).unwrap_err().code(),
            "content_type_mismatch"
        );
        for cut in [bytes.len() / 2, bytes.len() - 2] {
            assert_eq!(
                verify(&bytes[..cut], "image/jpeg", 64, 48),
                Err(ImageProblem::NotAnImage(
                    "the JPEG is cut short: it does not end with its end-of-image marker".into()
                )),
                "{cut}"
            );
        }
        assert_eq!(
            verify(b"GIF89a....", "image/jpeg", 64, 48)
                .unwrap_err()
                .code(),
            "not_an_image"
        );
        assert_eq!(
            verify(b"#!/bin/sh\nrm -rf /\n", "image/jpeg", 64, 48)
                .unwrap_err()
                .code(),
            "not_an_image"
        );
    }
}
