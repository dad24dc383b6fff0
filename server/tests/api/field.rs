//! What an engineer's phone sends for photos and the service report: operations and real
//! image bytes (made with the `image` crate, as the app's resized JPEGs and signature PNGs).

use std::io::Cursor;
use std::sync::OnceLock;

use base64::Engine;
use image::{ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use reqwest::{Client, Response};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::harness::TestServer;

pub const DEVICE_TIME: &str = "2026-11-27T08:30:00Z";

/// An operation of any kind, as a phone sends it.
pub fn op(user: &str, kind: Value) -> Value {
    json!({
        "id": Uuid::new_v4(),
        "user": user,
        "device_id": "00000000-0000-4000-8000-000000000001",
        "device_time": DEVICE_TIME,
        "kind": kind
    })
}

/// A photo as the phone holds it: id, bytes, and the metadata it sends first.
#[derive(Clone)]
pub struct Photo {
    pub id: Uuid,
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub content_type: &'static str,
}

impl Photo {
    pub fn new(bytes: Vec<u8>, width: u32, height: u32, content_type: &'static str) -> Photo {
        Photo {
            id: Uuid::new_v4(),
            bytes,
            width,
            height,
            content_type,
        }
    }

    /// A small real JPEG, different for each `seed`.
    pub fn jpeg(seed: u8) -> Photo {
        Photo::new(jpeg_bytes(160, 120, seed), 160, 120, "image/jpeg")
    }

    /// The size a phone really sends: 1600x1200 with a pattern (made once per test run).
    pub fn big_jpeg() -> Photo {
        static BIG: OnceLock<Vec<u8>> = OnceLock::new();
        let bytes = BIG.get_or_init(|| jpeg_bytes(1600, 1200, 7)).clone();
        Photo::new(bytes, 1600, 1200, "image/jpeg")
    }

    /// A customer's signature: a PNG with a transparent background.
    pub fn signature_png() -> Photo {
        let img = RgbaImage::from_fn(300, 120, |x, y| {
            if (y as i32 - 60 - ((x as f32 / 20.0).sin() * 30.0) as i32).abs() < 3 {
                Rgba([0, 0, 0, 255])
            } else {
                Rgba([255, 255, 255, 0])
            }
        });
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        Photo::new(out.into_inner(), 300, 120, "image/png")
    }

    pub fn sha256(&self) -> String {
        sha256_hex(&self.bytes)
    }

    /// `Content-Digest: sha-256=:<base64>:` (RFC 9530) of the bytes.
    pub fn digest_header(&self) -> String {
        digest_header(&self.bytes)
    }

    /// The `add_photo` operation for this photo in `slot`.
    pub fn add(&self, user: &str, work_order: Uuid, slot: &str) -> Value {
        op(
            user,
            json!({
                "type": "add_photo",
                "work_order_id": work_order,
                "photo_id": self.id,
                "slot": slot,
                "sha256": self.sha256(),
                "bytes": self.bytes.len(),
                "width": self.width,
                "height": self.height,
                "content_type": self.content_type,
            }),
        )
    }

    /// `PUT /api/photos/{id}` with these bytes and their digest.
    pub async fn put(&self, server: &TestServer, client: &Client) -> Response {
        client
            .put(server.url(&format!("/api/photos/{}", self.id)))
            .header("content-digest", self.digest_header())
            .header("content-type", self.content_type)
            .body(self.bytes.clone())
            .send()
            .await
            .unwrap()
    }
}

fn jpeg_bytes(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = RgbImage::from_fn(width, height, |x, y| {
        let band = ((x / 40 + y / 40) % 2) as u8 * 120;
        Rgb([
            (x % 256) as u8 ^ seed,
            (y % 256) as u8,
            band.wrapping_add(seed),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn digest_header(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

pub fn correct_hours(user: &str, work_order: Uuid, hours: u32) -> Value {
    op(
        user,
        json!({"type": "correct_hours", "work_order_id": work_order, "hours": hours}),
    )
}

pub fn save_report(user: &str, work_order: Uuid) -> Value {
    op(
        user,
        json!({
            "type": "save_report",
            "work_order_id": work_order,
            "fault_cause": "到期保养",
            "work_done": "更换机油、机油滤芯、柴油滤芯、空气滤芯，检查液压油位",
            "parts": [
                {"part_no": "VOE21707134", "name": "机油滤芯", "qty": 1, "replaced": true},
                {"part_no": "VOE11110683", "name": "空气滤芯", "qty": 1}
            ],
            "companions": ["李强"]
        }),
    )
}

pub fn sign(user: &str, work_order: Uuid, photo_id: Uuid) -> Value {
    op(
        user,
        json!({"type": "sign", "work_order_id": work_order, "photo_id": photo_id, "signer": "王经理"}),
    )
}

pub fn submit(user: &str, work_order: Uuid) -> Value {
    op(
        user,
        json!({"type": "submit_report", "work_order_id": work_order}),
    )
}

pub fn walk_to_left(user: &str, work_order: Uuid) -> Vec<Value> {
    ["departed", "arrived", "repaired_left"]
        .into_iter()
        .map(|node| crate::harness::set_status(user, work_order, node))
        .collect()
}
