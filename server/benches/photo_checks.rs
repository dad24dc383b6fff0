//! What each check of an uploaded photo costs (not a test: nothing passes or fails). The same
//! ~300 KB 1600x1200 JPEG as the load benchmark, each step 30 times, median and min-max in ms:
//! the steps `PUT /api/photos/{id}` runs (routes/photos.rs, image_check.rs), one by one, then
//! the whole `verify_and_clean`.
//!
//! ```sh
//! cargo bench -p fieldbook-server --bench photo_checks
//! ```

use std::io::Cursor;
use std::time::Instant;

use fieldbook_server::image_check;
use image::{DynamicImage, ImageFormat, ImageReader, Rgb, RgbImage};
use sha2::{Digest, Sha256};

const RUNS: usize = 30;

fn photo_bytes() -> Vec<u8> {
    let img = RgbImage::from_fn(1600, 1200, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 24;
        Rgb([
            (x / 4) as u8 ^ noise as u8,
            (y / 3) as u8,
            ((x + y) / 7) as u8,
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 30)
        .encode_image(&img)
        .unwrap();
    out.into_inner()
}

fn time(name: &str, mut f: impl FnMut()) -> f64 {
    f();
    let mut runs: Vec<f64> = (0..RUNS)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    let median = runs[RUNS / 2];
    println!(
        "| {name} | {median:.2} ({:.2}–{:.2}) |",
        runs[0],
        runs[RUNS - 1]
    );
    median
}

fn main() {
    let bytes = photo_bytes();
    let reader = |bytes: &[u8]| {
        let mut reader = ImageReader::with_format(Cursor::new(bytes.to_vec()), ImageFormat::Jpeg);
        reader.limits(image_check::limits());
        reader
    };
    println!(
        "Photo checks: a {} KB 1600x1200 JPEG (bare: {}), {RUNS} runs each, ms median (min–max).",
        bytes.len() / 1024,
        image_check::is_bare(&bytes, ImageFormat::Jpeg)
    );
    println!();
    println!("| step | ms |");
    println!("|---|---|");
    time(
        "SHA-256 of the body (against Content-Digest and the metadata)",
        || {
            std::hint::black_box(Sha256::digest(&bytes));
        },
    );
    time(
        "format from the bytes, content type, end-of-image marker",
        || {
            let format = image::guess_format(&bytes).unwrap();
            let end = bytes.iter().rposition(|b| *b != 0).map_or(0, |i| i + 1);
            std::hint::black_box((format, bytes[..end].ends_with(&[0xFF, 0xD9])));
        },
    );
    time(
        "dimensions from the header (under the pixel limits)",
        || {
            std::hint::black_box(reader(&bytes).into_dimensions().unwrap());
        },
    );
    time("bare? (walk the JPEG's segments)", || {
        std::hint::black_box(image_check::is_bare(&bytes, ImageFormat::Jpeg));
    });
    time("full decode (a corrupt scan is refused)", || {
        let decoder = reader(&bytes).into_decoder().unwrap();
        std::hint::black_box(DynamicImage::from_decoder(decoder).unwrap());
    });
    let decoded = DynamicImage::from_decoder(reader(&bytes).into_decoder().unwrap()).unwrap();
    time("clean copy, only when not bare (JPEG q92 encode)", || {
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(decoded.to_rgb8())
            .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
                &mut out, 92,
            ))
            .unwrap();
        std::hint::black_box(out);
    });
    time("all of verify_and_clean (this photo)", || {
        std::hint::black_box(
            image_check::verify_and_clean(&bytes, "image/jpeg", 1600, 1200).unwrap(),
        );
    });
}
