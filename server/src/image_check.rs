//! Is an upload really the image its metadata describes? Judged by its bytes, never its name.
//!
//! The header is read under [`limits`] first, so a pixel flood (a tiny PNG claiming 100000 x
//! 100000) is refused before anything large is allocated; then the whole image is decoded under
//! the same limits, so a truncated or corrupt file is refused too.

use std::io::Cursor;

use fieldbook_model::op::limits::MAX_PHOTO_EDGE;
use image::{ImageError, ImageFormat, ImageReader, Limits};

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

/// Check that `bytes` are a JPEG or PNG of `content_type` and `width` x `height`, and decode.
///
/// CPU-bound (tens of milliseconds for a phone photo, optimised): run it off the async threads.
pub fn verify(
    bytes: &[u8],
    content_type: &str,
    width: u32,
    height: u32,
) -> Result<(), ImageProblem> {
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
    reader(bytes).decode().map_err(problem)?;
    Ok(())
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
