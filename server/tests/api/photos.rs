//! `PUT /api/photos/{id}`, `GET /api/photos/{id}` and the office's ZIP, over real HTTP with a
//! real photo folder.

use std::io::{Cursor, Read};
use std::time::Duration;

use fieldbook_model::op::limits::MAX_PHOTO_BYTES;
use fieldbook_model::{Outcome, PhotoMeta, ServiceType, StatusNode, WorkOrder};
use futures_util::StreamExt;
use object_store::ObjectStore;
use reqwest::{Client, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

use crate::field::{Photo, digest_header, save_report, sha256_hex, sign, submit, walk_to_left};
use crate::harness::{TestServer, assert_error, my_orders};
use crate::report::order_of;

/// Every object in the photo store (the health marker aside), as keys.
async fn stored_objects(server: &TestServer) -> Vec<String> {
    let mut out: Vec<String> = server
        .photo_store()
        .list(None)
        .map(|meta| meta.unwrap().location.to_string())
        .collect()
        .await;
    out.retain(|p| !p.starts_with("_fieldbook"));
    out.sort();
    out
}

/// The bytes stored under `key`.
async fn stored_bytes(server: &TestServer, key: &str) -> Vec<u8> {
    let key = object_store::path::Path::parse(key).unwrap();
    let got = server.photo_store().get(&key).await.unwrap();
    got.bytes().await.unwrap().to_vec()
}

/// Push the photo's metadata on `wo` and check it applied.
async fn add(server: &TestServer, client: &Client, wo: Uuid, slot: &str, photo: &Photo) {
    let response = server
        .push(client, &[photo.add("engineer1", wo, slot)])
        .await;
    assert_eq!(
        response.results[0].outcome,
        Outcome::Applied,
        "{response:?}"
    );
}

/// `key` is the store key of a photo of work order `wo` with these bytes:
/// `wo-<id>/<seq>-<sha256>.<ext>`, server ids and hashes only.
fn assert_key_of(key: &str, wo: Uuid, sha256: &str, ext: &str) {
    let rest = key
        .strip_prefix(&format!("wo-{wo}/"))
        .unwrap_or_else(|| panic!("{key}"));
    let (seq, file) = rest.split_once('-').unwrap_or_else(|| panic!("{key}"));
    assert!(seq.parse::<u64>().is_ok(), "{key}");
    assert_eq!(file, format!("{sha256}.{ext}"), "{key}");
}

#[tokio::test]
async fn the_same_photo_sent_twice_is_stored_once() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::big_jpeg();
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    let cursor = server.sync(&e1, 0).await.cursor;

    let r = photo.put(&server, &e1).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let first: PhotoMeta = r.json().await.unwrap();
    assert!(first.uploaded && first.uploaded_at.is_some());
    assert_eq!(first.sha256, photo.sha256());
    let r = photo.put(&server, &e1).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<PhotoMeta>().await.unwrap(), first);

    let objects = stored_objects(&server).await;
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_key_of(&objects[0], wo.id, &photo.sha256(), "jpg");
    let on_disk = stored_bytes(&server, &objects[0]).await;
    // The app's photos carry no metadata: kept byte for byte.
    assert_eq!(on_disk, photo.bytes);

    // The office sees the slot filled, and when; the phone's next sync too.
    let dispatcher = server.signed_in("dispatcher1").await;
    let read = server.work_order(&dispatcher, wo.id).await;
    assert_eq!(read.photos, vec![first.clone()]);
    let synced = server.sync(&e1, cursor).await;
    assert_eq!(synced.work_orders.len(), 1, "the upload changed the order");
    assert_eq!(synced.work_orders[0].photos, vec![first.clone()]);

    // The office can look at it.
    let r = dispatcher
        .get(server.url(&format!("/api/photos/{}", photo.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/jpeg");
    assert_eq!(
        r.headers()["cache-control"],
        "private, max-age=31536000, immutable"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), photo.bytes.as_slice());
}

/// `bytes` are the photo's clean copy: an image of its format and `dimensions`, with no EXIF.
fn assert_clean_copy(bytes: &[u8], photo: &Photo, dimensions: (u32, u32)) {
    let format = image::guess_format(bytes).unwrap();
    assert_eq!(format.to_mime_type(), photo.content_type);
    let decoded = image::load_from_memory_with_format(bytes, format).unwrap();
    assert_eq!((decoded.width(), decoded.height()), dimensions);
    assert!(!bytes.windows(4).any(|w| w == b"Exif"), "no EXIF left");
}

/// A JPEG as some cameras write it: landscape pixels, an EXIF orientation saying "turn 90
/// degrees clockwise", and a description with where it was taken.
fn jpeg_with_exif(secret: &str) -> Vec<u8> {
    let plain = Photo::jpeg(42).bytes;
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    let text = format!("{secret}\0");
    let data_offset: u32 = 8 + 2 + 2 * 12 + 4;
    tiff.extend_from_slice(&2u16.to_be_bytes());
    // ImageDescription (ASCII), stored after the IFD.
    tiff.extend_from_slice(&0x010Eu16.to_be_bytes());
    tiff.extend_from_slice(&2u16.to_be_bytes());
    tiff.extend_from_slice(&(text.len() as u32).to_be_bytes());
    tiff.extend_from_slice(&data_offset.to_be_bytes());
    // Orientation (SHORT) = 6: rotate 90 degrees clockwise to show.
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&[0, 6, 0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff.extend_from_slice(text.as_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

#[tokio::test]
async fn photos_with_metadata_are_kept_and_served_upright_without_it() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await[0].clone();
    let secret = "GPS 31.2304N 121.4737E owner Zhang Wei";
    let photo = Photo::new(jpeg_with_exif(secret), 160, 120, "image/jpeg");
    assert!(
        photo
            .bytes
            .windows(secret.len())
            .any(|w| w == secret.as_bytes())
    );
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);

    let r = e1
        .get(server.url(&format!("/api/photos/{}", photo.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let served = r.bytes().await.unwrap();
    // Turned upright: 160x120 landscape pixels shown as 120x160 portrait.
    assert_clean_copy(&served, &photo, (120, 160));
    assert!(!served.windows(secret.len()).any(|w| w == secret.as_bytes()));
    // What is stored is that clean copy too: the original never reaches the store.
    let objects = stored_objects(&server).await;
    assert_eq!(stored_bytes(&server, &objects[0]).await, served.to_vec());
}

#[tokio::test]
async fn bytes_that_do_not_match_their_digest_are_refused_and_nothing_is_stored() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(1);
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    let url = server.url(&format!("/api/photos/{}", photo.id));

    // The header's digest is not the body's (damaged on the way).
    let r = e1
        .put(&url)
        .header("content-digest", digest_header(b"other bytes"))
        .body(photo.bytes.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "digest_mismatch").await;
    // Body and header agree, but it is not the photo the metadata described.
    let other = Photo::jpeg(2);
    let r = e1
        .put(&url)
        .header("content-digest", other.digest_header())
        .body(other.bytes.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "digest_mismatch").await;

    assert!(stored_objects(&server).await.is_empty());
    let read = server.work_order(&e1, wo.id).await;
    assert!(!read.photos[0].uploaded && read.photos[0].uploaded_at.is_none());
    // The right bytes still go through afterwards.
    assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn what_is_not_the_image_its_metadata_says_is_refused() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let script = b"#!/bin/sh\necho pwned\n".to_vec();
    let png = Photo::signature_png();
    let small = Photo::jpeg(5);
    let cases = [
        // A script named a JPEG.
        (Photo::new(script, 2048, 1536, "image/jpeg"), "not_an_image"),
        // A PNG sent as a JPEG.
        (
            Photo::new(png.bytes.clone(), png.width, png.height, "image/jpeg"),
            "content_type_mismatch",
        ),
        // A real JPEG of another size than declared.
        (
            Photo::new(small.bytes.clone(), 2048, 1536, "image/jpeg"),
            "dimensions_mismatch",
        ),
        // The first half of a real JPEG.
        (
            Photo::new(
                small.bytes[..small.bytes.len() / 2].to_vec(),
                small.width,
                small.height,
                "image/jpeg",
            ),
            "not_an_image",
        ),
    ];
    for (photo, code) in cases {
        add(&server, &e1, wo.id, "extra", &photo).await;
        let r = photo.put(&server, &e1).await;
        assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    assert!(stored_objects(&server).await.is_empty());
    let read = server.work_order(&e1, wo.id).await;
    assert!(read.photos.iter().all(|p| !p.uploaded));
}

/// A PNG of a few hundred bytes whose header claims `width` x `height` RGBA pixels.
fn pixel_flood_png(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut typed = kind.to_vec();
        typed.extend_from_slice(data);
        out.extend_from_slice(&typed);
        out.extend_from_slice(&crc32(&typed).to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream with one stored block of zeros: the start of a "row" that never ends.
    let zeros = [0u8; 256];
    let mut idat = vec![0x78, 0x01, 0x00];
    idat.extend_from_slice(&(zeros.len() as u16).to_le_bytes());
    idat.extend_from_slice(&(!(zeros.len() as u16)).to_le_bytes());
    idat.extend_from_slice(&zeros);
    chunk(&mut png, b"IDAT", &idat);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[tokio::test]
async fn a_pixel_flood_is_refused_before_it_is_decoded() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let flood = pixel_flood_png(100_000, 100_000);
    assert!(flood.len() < 1024);
    // The metadata is within the limits; the bytes are not.
    let photo = Photo::new(flood, 2048, 1536, "image/png");
    add(&server, &e1, wo.id, "signature", &photo).await;
    let r = photo.put(&server, &e1).await;
    let body = assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "pixel_limit").await;
    assert!(
        body["message"].as_str().unwrap().contains("too large"),
        "{body}"
    );
    assert!(stored_objects(&server).await.is_empty());
}

/// A session cookie for raw HTTP.
async fn session_cookie(server: &TestServer, username: &str) -> String {
    let r = Client::new()
        .post(server.url("/api/session"))
        .json(&json!({"username": username, "password": "demo1234"}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap();
    cookie.split(';').next().unwrap().to_string()
}

/// Read one HTTP response (status and body) from a raw connection.
async fn read_response(stream: &mut TcpStream) -> (u16, String) {
    let mut buf = Vec::new();
    let read = async {
        loop {
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed before a whole response");
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf).into_owned();
            if let Some(end) = text.find("\r\n\r\n") {
                let head = &text[..end];
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse().unwrap())
                    })
                    .unwrap();
                if buf.len() >= end + 4 + length {
                    let status = head[9..12].parse().unwrap();
                    return (status, text[end + 4..end + 4 + length].to_string());
                }
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(20), read)
        .await
        .expect("no response while the body was still coming")
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_while_they_stream() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(1);
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    let cookie = session_cookie(&server, "engineer1").await;
    let addr = server.base.trim_start_matches("http://").to_string();
    let head = |framing: String| {
        format!(
            "PUT /api/photos/{} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\n\
             Content-Digest: {}\r\nContent-Type: image/jpeg\r\n{framing}\r\n",
            photo.id,
            photo.digest_header()
        )
    };

    // A declared length over the limit is answered at once: no byte of the body is ever sent.
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    let framing = format!("Content-Length: {}\r\n", MAX_PHOTO_BYTES + 1);
    stream.write_all(head(framing).as_bytes()).await.unwrap();
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("payload_too_large"), "{body}");

    // A chunked body with no length is cut off as soon as it passes the limit; it never ends,
    // so the answer cannot have waited for the whole of it.
    let mut stream = TcpStream::connect(&addr).await.unwrap();
    stream
        .write_all(head("Transfer-Encoding: chunked\r\n".into()).as_bytes())
        .await
        .unwrap();
    let mib = vec![b'x'; 1024 * 1024];
    let mut sent = 0u64;
    while sent <= MAX_PHOTO_BYTES {
        let len = (MAX_PHOTO_BYTES + 1 - sent).min(mib.len() as u64) as usize;
        stream
            .write_all(format!("{len:x}\r\n").as_bytes())
            .await
            .unwrap();
        stream.write_all(&mib[..len]).await.unwrap();
        sent += len as u64;
        if sent <= MAX_PHOTO_BYTES {
            stream.write_all(b"\r\n").await.unwrap();
        }
    }
    let (status, body) = read_response(&mut stream).await;
    assert_eq!(status, 413, "{body}");

    assert!(stored_objects(&server).await.is_empty());
    assert!(!server.work_order(&e1, wo.id).await.photos[0].uploaded);
}

#[tokio::test]
async fn an_empty_body_or_a_missing_digest_is_400() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(1);
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    let url = server.url(&format!("/api/photos/{}", photo.id));

    let r = e1
        .put(&url)
        .header("content-digest", digest_header(b""))
        .body(Vec::new())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "empty_body").await;
    let r = e1.put(&url).body(photo.bytes.clone()).send().await.unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_digest").await;
    for header in [
        format!("sha-256={}", photo.sha256()),
        "sha-512=:AAAA:".to_string(),
        "sha-256=:AAAA:".to_string(),
    ] {
        let r = e1
            .put(&url)
            .header("content-digest", header)
            .body(photo.bytes.clone())
            .send()
            .await
            .unwrap();
        assert_error(r, StatusCode::BAD_REQUEST, "bad_digest").await;
    }
    let r = e1
        .put(server.url("/api/photos/not-a-uuid"))
        .header("content-digest", photo.digest_header())
        .body(photo.bytes.clone())
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::BAD_REQUEST, "bad_id").await;
    assert!(stored_objects(&server).await.is_empty());
}

#[tokio::test]
async fn only_the_assignee_uploads_and_metadata_comes_first() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(1);

    // Bytes before their add_photo operation: unknown.
    let r = photo.put(&server, &e1).await;
    assert_error(r, StatusCode::NOT_FOUND, "unknown_photo").await;
    add(&server, &e1, wo.id, "nameplate", &photo).await;

    // Someone else's photo is answered as an unknown one, word for word (issue 15): an id
    // cannot be probed.
    let unknown = Photo::jpeg(2);
    let dispatcher = server.signed_in("dispatcher1").await;
    for client in [&e2, &dispatcher] {
        let r = photo.put(&server, client).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let body: serde_json::Value = r.json().await.unwrap();
        let r = unknown.put(&server, client).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let other: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], other["error"]);
        assert_eq!(
            body["message"]
                .as_str()
                .unwrap()
                .replace(&photo.id.to_string(), "ID"),
            other["message"]
                .as_str()
                .unwrap()
                .replace(&unknown.id.to_string(), "ID")
        );
    }
    let r = photo.put(&server, &server.client()).await;
    assert_error(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert!(stored_objects(&server).await.is_empty());

    // Reading: not there yet, then the same readers as the work order.
    let url = server.url(&format!("/api/photos/{}", photo.id));
    let r = dispatcher.get(&url).send().await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_uploaded").await;
    assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
    for (reader, status) in [
        ("engineer1", StatusCode::OK),
        ("supervisor1", StatusCode::OK),
        ("dispatcher1", StatusCode::OK),
        ("engineer2", StatusCode::NOT_FOUND),
        ("cleaner1", StatusCode::NOT_FOUND),
    ] {
        let client = server.signed_in(reader).await;
        let r = client.get(&url).send().await.unwrap();
        assert_eq!(r.status(), status, "{reader}");
    }
    let r = dispatcher
        .get(server.url(&format!("/api/photos/{}", Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "unknown_photo").await;
}

#[tokio::test]
async fn concurrent_puts_of_one_photo_store_one_object_and_answer_201_once() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(3);
    add(&server, &e1, wo.id, "nameplate", &photo).await;
    let mut puts = tokio::task::JoinSet::new();
    for _ in 0..6 {
        let (client, url, photo) = (
            e1.clone(),
            server.url(&format!("/api/photos/{}", photo.id)),
            photo.clone(),
        );
        puts.spawn(async move {
            client
                .put(url)
                .header("content-digest", photo.digest_header())
                .body(photo.bytes.clone())
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let statuses = puts.join_all().await;
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!((created, ok), (1, 5), "{statuses:?}");
    assert_eq!(stored_objects(&server).await.len(), 1);
}

#[tokio::test]
async fn a_whole_visit_ends_in_the_offices_zip() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = order_of(&server, &e1, ServiceType::PeriodicMaintenance).await;

    // Offline on site: every operation first, as the outbox drains them.
    let mut ops = walk_to_left("engineer1", wo.id);
    let mut photos = Vec::new();
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        let photo = if i == 0 {
            Photo::big_jpeg()
        } else {
            Photo::jpeg(i as u8)
        };
        ops.push(photo.add("engineer1", wo.id, &slot.key));
        photos.push(photo);
    }
    ops.push(save_report("engineer1", wo.id));
    let signature = Photo::signature_png();
    ops.push(signature.add("engineer1", wo.id, "signature"));
    ops.push(sign("engineer1", wo.id, signature.id));
    ops.push(submit("engineer1", wo.id));
    photos.push(signature);
    let response = server.push(&e1, &ops).await;
    assert!(
        response
            .results
            .iter()
            .all(|r| r.outcome == Outcome::Applied),
        "{response:?}"
    );

    // Nothing uploaded yet: the office gets an empty ZIP.
    let dispatcher = server.signed_in("dispatcher1").await;
    let zip_url = server.url(&format!("/api/work-orders/{}/photos.zip", wo.id));
    let r = dispatcher.get(&zip_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let empty = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(empty.len(), 0);

    // Then the bytes, one by one.
    for photo in &photos {
        assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
    }
    let order = server.work_order(&dispatcher, wo.id).await;
    assert_eq!(order.status, StatusNode::RepairedLeft);
    assert!(order.report.submitted_at.is_some());
    assert!(
        order
            .photos
            .iter()
            .all(|p| p.uploaded && p.uploaded_at.is_some())
    );

    let r = dispatcher.get(&zip_url).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/zip");
    let folder = format!("SY215C-SY215CAC6218K0931/{}", wo.ticket);
    let file = format!("SY215C-SY215CAC6218K0931-{}.zip", wo.ticket);
    assert_eq!(
        r.headers()["content-disposition"],
        format!("attachment; filename=\"{file}\"; filename*=UTF-8''{file}").as_str()
    );
    let mut archive = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    assert_eq!(archive.len(), photos.len());
    for (i, (meta, photo)) in order.photos.iter().zip(&photos).enumerate() {
        let mut entry = archive.by_index(i).unwrap();
        assert_eq!(entry.name(), format!("{folder}/{}", meta.name));
        assert_eq!(entry.compression(), zip::CompressionMethod::Stored);
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        assert_eq!(sha256_hex(&bytes), photo.sha256(), "{}", meta.name);
    }
    let names: Vec<&str> = order.photos.iter().map(|p| p.name.as_str()).collect();
    assert!(
        names[0].ends_with("-1998h-20261127-hour_meter.jpg"),
        "{names:?}"
    );
    assert!(names.last().unwrap().ends_with("-signature.png"));

    // The store holds one object per photo, under its work order's id.
    let objects = stored_objects(&server).await;
    assert_eq!(objects.len(), order.photos.len(), "{objects:?}");
    for meta in &order.photos {
        let ext = if meta.content_type == "image/png" {
            "png"
        } else {
            "jpg"
        };
        let key = objects
            .iter()
            .find(|k| k.ends_with(&format!("-{}.{ext}", meta.sha256)))
            .unwrap_or_else(|| panic!("{} not stored: {objects:?}", meta.name));
        assert_key_of(key, wo.id, &meta.sha256, ext);
    }

    // Other engineers may not download it: answered as an unknown order is (404).
    let e2 = server.signed_in("engineer2").await;
    let r = e2.get(&zip_url).send().await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = dispatcher
        .get(server.url(&format!("/api/work-orders/{}/photos.zip", Uuid::new_v4())))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn keys_and_zip_paths_never_carry_what_the_office_typed() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let template = my_orders(&server, &e1).await.remove(0);
    // An order imported with hostile fields, straight into the database.
    let pool = server.database().await;
    let hostile = WorkOrder {
        id: Uuid::new_v4(),
        ticket: "../../../etc/cron.d/BX-1".into(),
        equipment_model: "..\\..\\windows".into(),
        // A control character (PostgreSQL refuses NUL in text outright, so not that one).
        serial: "S/../1\u{1}".into(),
        ..template
    };
    insert_for_engineer1(&pool, &hostile).await;

    let photo = Photo::jpeg(9);
    add(&server, &e1, hostile.id, "nameplate", &photo).await;
    assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
    let objects = stored_objects(&server).await;
    assert_eq!(objects.len(), 1);
    let key = &objects[0];
    assert_key_of(key, hostile.id, &photo.sha256(), "jpg");
    let stored: Option<String> = sqlx::query_scalar("SELECT stored_key FROM photos")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some(key.as_str()));

    let dispatcher = server.signed_in("dispatcher1").await;
    let r = dispatcher
        .get(server.url(&format!("/api/work-orders/{}/photos.zip", hostile.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(!disposition.contains(".."), "{disposition}");
    let mut archive = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let entry = archive.by_index(0).unwrap();
    // In the ZIP, the company's names, every part sanitised.
    let path = entry.name();
    assert!(!path.contains("..") && !path.contains('\\'), "{path}");
    assert_eq!(path.split('/').count(), 3, "{path}");
    assert!(
        path.starts_with("windows-S_1/etc_cron_d_BX-1/etc_cron_d_BX-1-windows-S_1-"),
        "{path}"
    );
    assert!(entry.enclosed_name().is_some());
}

/// Put `wo` straight into the database, assigned to engineer1 (as an import would).
async fn insert_for_engineer1(pool: &fieldbook_server::db::Db, wo: &WorkOrder) {
    let assignee: String = sqlx::query_scalar("SELECT id FROM users WHERE username = 'engineer1'")
        .fetch_one(pool)
        .await
        .unwrap();
    let mut tx = pool.begin().await.unwrap();
    let seq = fieldbook_server::db::next_seq(&mut tx).await.unwrap();
    fieldbook_server::work_orders::insert(&mut tx, wo, &assignee, seq)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn long_chinese_names_unpack_on_every_file_system() {
    // Long Chinese parts once made a 387-byte name, and unzip failed with "File name too long".
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let template = my_orders(&server, &e1).await.remove(0);
    let long = "山东临工重型机械有限公司济南分公司第三工地挖掘机";
    let wo = WorkOrder {
        id: Uuid::new_v4(),
        ticket: format!("BX-{long}"),
        equipment_model: long.into(),
        serial: long.into(),
        ..template
    };
    insert_for_engineer1(&server.database().await, &wo).await;
    for n in 0..2 {
        let photo = Photo::jpeg(20 + n);
        add(&server, &e1, wo.id, "nameplate", &photo).await;
        assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
    }
    let dispatcher = server.signed_in("dispatcher1").await;
    let r = dispatcher
        .get(server.url(&format!("/api/work-orders/{}/photos.zip", wo.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let mut archive = zip::ZipArchive::new(Cursor::new(r.bytes().await.unwrap().to_vec())).unwrap();
    let mut names = Vec::new();
    for i in 0..archive.len() {
        let path = archive.by_index(i).unwrap().name().to_string();
        for element in path.split('/') {
            assert!(element.len() <= 255, "{} bytes: {element}", element.len());
        }
        assert!(
            path.contains("山东临工"),
            "the parts keep their meaning: {path}"
        );
        names.push(path);
    }
    names.dedup();
    assert_eq!(names.len(), 2, "{names:?}");
}

fn withdraw(user: &str, wo: Uuid, photo_id: Uuid) -> serde_json::Value {
    crate::field::op(
        user,
        json!({"type": "withdraw_photo", "work_order_id": wo, "photo_id": photo_id}),
    )
}

/// A wrong photo withdrawn after it was sent (issue 16): applied once, kept with its bytes and
/// who and when, its slot missing again, left out of the ZIP; refused without a change when it
/// is not the sender's order, the photo is unknown or already withdrawn, or the report is in.
#[tokio::test]
async fn a_sent_photo_is_withdrawn_once_and_kept_for_the_record() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let e2 = server.signed_in("engineer2").await;
    let office = server.signed_in("dispatcher1").await;
    let wo = order_of(&server, &e1, ServiceType::PeriodicMaintenance).await;
    let wrong = Photo::jpeg(40);
    add(&server, &e1, wo.id, "nameplate", &wrong).await;
    assert_eq!(wrong.put(&server, &e1).await.status(), StatusCode::CREATED);
    let missing_nameplate = |o: &WorkOrder| {
        o.report_missing()
            .contains(&fieldbook_model::Missing::Photo {
                slot: "nameplate".into(),
            })
    };
    let before = server.work_order(&office, wo.id).await;
    assert!(!missing_nameplate(&before));

    // Refusals, each changing nothing.
    let refusals = [
        (&e2, withdraw("engineer2", wo.id, wrong.id), "not_assigned"),
        (
            &e1,
            withdraw("engineer1", wo.id, Uuid::new_v4()),
            "unknown_record",
        ),
    ];
    for (client, op, code) in refusals {
        let r = server.push(client, &[op]).await;
        assert_eq!(r.results[0].outcome, Outcome::Rejected, "{r:?}");
        assert_eq!(
            serde_json::to_value(r.results[0].code).unwrap(),
            json!(code)
        );
        assert_eq!(server.work_order(&office, wo.id).await, before, "{code}");
    }

    let op = withdraw("engineer1", wo.id, wrong.id);
    let r = server.push(&e1, std::slice::from_ref(&op)).await;
    assert_eq!(r.results[0].outcome, Outcome::Applied, "{r:?}");
    let r = server.push(&e1, &[op]).await;
    assert_eq!(r.results[0].outcome, Outcome::Duplicate, "{r:?}");
    let withdrawn = server.work_order(&office, wo.id).await;
    assert!(withdrawn.seq > before.seq);
    let meta = withdrawn.photos.iter().find(|p| p.id == wrong.id).unwrap();
    assert!(meta.withdrawn_at.is_some());
    assert_eq!(meta.withdrawn_by.as_deref(), Some("engineer1"));
    assert!(meta.uploaded);
    assert!(missing_nameplate(&withdrawn));
    // The engineer's phone pulls it as the office sees it.
    let pulled = server.sync(&e1, before.seq).await;
    let mine = pulled.work_orders.iter().find(|o| o.id == wo.id).unwrap();
    assert!(mine.photos[0].withdrawn_at.is_some());
    // Kept: the office can still open it; a second withdrawal is refused.
    let url = server.url(&format!("/api/photos/{}", wrong.id));
    assert_eq!(
        office.get(&url).send().await.unwrap().status(),
        StatusCode::OK
    );
    let r = server
        .push(&e1, &[withdraw("engineer1", wo.id, wrong.id)])
        .await;
    assert_eq!(r.results[0].outcome, Outcome::Rejected, "{r:?}");
    assert_eq!(server.work_order(&office, wo.id).await, withdrawn);

    // Retaken: the new photo fills the slot, and only it goes into the ZIP.
    let right = Photo::jpeg(41);
    add(&server, &e1, wo.id, "nameplate", &right).await;
    assert_eq!(right.put(&server, &e1).await.status(), StatusCode::CREATED);
    let retaken = server.work_order(&office, wo.id).await;
    assert!(!missing_nameplate(&retaken));
    let new = retaken.photos.iter().find(|p| p.id == right.id).unwrap();
    assert!(new.name.ends_with("-nameplate-2.jpg"), "{}", new.name);
    let zip_url = server.url(&format!("/api/work-orders/{}/photos.zip", wo.id));
    let bytes = office.get(&zip_url).send().await.unwrap().bytes().await;
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes.unwrap().to_vec())).unwrap();
    assert_eq!(archive.len(), 1);
    assert!(archive.by_index(0).unwrap().name().ends_with(&new.name));

    // Once the report is submitted, nothing is withdrawn any more.
    let mut ops = walk_to_left("engineer1", wo.id);
    for (i, slot) in wo.slots.iter().filter(|s| s.required).enumerate() {
        if slot.key != "nameplate" {
            ops.push(Photo::jpeg(i as u8).add("engineer1", wo.id, &slot.key));
        }
    }
    ops.push(save_report("engineer1", wo.id));
    let signature = Photo::signature_png();
    ops.push(signature.add("engineer1", wo.id, "signature"));
    ops.push(sign("engineer1", wo.id, signature.id));
    ops.push(submit("engineer1", wo.id));
    let r = server.push(&e1, &ops).await;
    assert!(
        r.results.iter().all(|r| r.outcome == Outcome::Applied),
        "{r:?}"
    );
    let submitted = server.work_order(&office, wo.id).await;
    let r = server
        .push(&e1, &[withdraw("engineer1", wo.id, right.id)])
        .await;
    assert_eq!(
        serde_json::to_value(r.results[0].code).unwrap(),
        json!("report_submitted")
    );
    assert_eq!(server.work_order(&office, wo.id).await, submitted);
}
