//! The janitor, run as the real binary on a running server's database and photo store (a
//! folder, or the test bucket with FIELDBOOK_TEST_S3_*): leftovers go, photos stay.

use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use object_store::ObjectStore;
use object_store::path::Path as Key;
use reqwest::StatusCode;

use crate::field::Photo;
use crate::harness::{TestServer, my_orders};

fn janitor(server: &TestServer, older_than: &str) -> String {
    let config = server.config();
    let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook-server"));
    command
        .args(["janitor", "--older-than", older_than])
        .arg("--data-dir")
        .arg(&config.data_dir)
        .arg("--database-url")
        .arg(config.database_url())
        .env_remove("FIELDBOOK_DATABASE_URL");
    if let Some(s3) = &config.s3 {
        command
            .env("FIELDBOOK_S3_BUCKET", &s3.bucket)
            .env(
                "FIELDBOOK_S3_ENDPOINT",
                s3.endpoint.as_deref().unwrap_or_default(),
            )
            .env("FIELDBOOK_S3_ACCESS_KEY_ID", &s3.access_key_id)
            .env("FIELDBOOK_S3_SECRET_ACCESS_KEY", &s3.secret_access_key)
            .env(
                "FIELDBOOK_S3_PREFIX",
                s3.prefix.as_deref().unwrap_or_default(),
            );
    }
    let out: Output = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn objects(server: &TestServer) -> Vec<String> {
    let mut keys: Vec<String> = server
        .photo_store()
        .list(None)
        .map(|meta| meta.unwrap().location.to_string())
        .filter(|key| std::future::ready(!key.starts_with("_fieldbook")))
        .collect()
        .await;
    keys.sort();
    keys
}

#[tokio::test]
async fn the_janitor_removes_leftovers_and_never_a_photo_a_record_refers_to() {
    let server = TestServer::with_demo().await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let store = server.photo_store();

    // A photo stored and recorded.
    let stored = Photo::jpeg(1);
    server
        .push(&e1, &[stored.add("engineer1", wo.id, "nameplate")])
        .await;
    assert_eq!(stored.put(&server, &e1).await.status(), StatusCode::CREATED);
    // A photo whose bytes reached the store but whose upload was never recorded (the database
    // failed after the write): its record still refers to that key.
    let pending = Photo::jpeg(2);
    server
        .push(&e1, &[pending.add("engineer1", wo.id, "hour_meter")])
        .await;
    let pool = server.database().await;
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM photos WHERE photo_id = $1")
        .bind(pending.id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let stored_key = objects(&server).await.remove(0);
    let pending_key =
        fieldbook_server::stored_photo::object_key(wo.id, seq, &pending.sha256(), "image/jpeg")
            .to_string();
    let keys = [stored_key, pending_key];
    store
        .put(&Key::from(keys[1].as_str()), pending.bytes.clone().into())
        .await
        .unwrap();
    // An object no record refers to, where photos are filed.
    let orphan = format!("wo-{}/99-{}.jpg", uuid::Uuid::new_v4(), "ab".repeat(32));
    let orphan = orphan.as_str();
    store
        .put(&Key::from(orphan), Photo::jpeg(3).bytes.into())
        .await
        .unwrap();
    // Something else in the store, outside the janitor's scope: never touched.
    let foreign = "EC210D-NOBODY/BX-0/BX-0-EC210D-NOBODY-0h-20261127-nameplate.jpg";
    store
        .put(&Key::from(foreign), Photo::jpeg(4).bytes.into())
        .await
        .unwrap();
    // On local disk: a half-written temporary file from two days ago, and one being written.
    let folder = server.config().local_photo_dir();
    if let Some(folder) = &folder {
        let old = folder.join(format!("{}#4711", keys[0]));
        std::fs::write(&old, b"half a photo").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(2 * 86_400))
            .unwrap();
        std::fs::write(folder.join(format!("{orphan}#4712")), b"being written").unwrap();
    }
    let temp_files = if folder.is_some() { 1 } else { 0 };

    // Everything is young but the old temporary file.
    let report = janitor(&server, "1h");
    assert!(
        report.contains(&format!(
            "Removed {temp_files} half-written file(s) and 0 unreferenced object(s); kept 2 photo(s) and 1 unreferenced object(s) younger than the age; left 1 object(s) outside wo-/ alone"
        )),
        "{report}"
    );
    let mut expected = vec![
        keys[0].clone(),
        keys[1].clone(),
        orphan.to_string(),
        foreign.to_string(),
    ];
    expected.sort();
    assert_eq!(objects(&server).await, expected);

    // With no age, every leftover goes: the orphan and the other temporary file.
    let report = janitor(&server, "0s");
    assert!(
        report.contains(&format!(
            "Removed {temp_files} half-written file(s) and 1 unreferenced object(s); kept 2 photo(s) and 0 unreferenced object(s) younger than the age; left 1 object(s) outside wo-/ alone"
        )),
        "{report}"
    );
    let mut expected = keys.to_vec();
    expected.push(foreign.to_string());
    expected.sort();
    assert_eq!(objects(&server).await, expected);
    if let Some(folder) = &folder {
        let mut left = Vec::new();
        let mut dirs = vec![folder.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.to_string_lossy().contains('#') {
                    left.push(path);
                }
            }
        }
        assert!(left.is_empty(), "{left:?}");
    }

    // Both photos are whole: the stored one reads back, the pending one's upload completes.
    let r = e1
        .get(server.url(&format!("/api/photos/{}", stored.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().as_ref(), stored.bytes.as_slice());
    assert_eq!(
        pending.put(&server, &e1).await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_serving_process_runs_the_janitor_on_its_schedule() {
    let server = TestServer::start_with(
        crate::harness::Options {
            demo: true,
            dist: None,
        },
        |config| {
            config.janitor = Some(fieldbook_server::JanitorSchedule {
                every: Duration::from_millis(100),
                older_than: Duration::ZERO,
            })
        },
    )
    .await;
    let e1 = server.signed_in("engineer1").await;
    let wo = my_orders(&server, &e1).await.remove(0);
    let photo = Photo::jpeg(5);
    server
        .push(&e1, &[photo.add("engineer1", wo.id, "nameplate")])
        .await;
    assert_eq!(photo.put(&server, &e1).await.status(), StatusCode::CREATED);
    let orphan = Key::from(format!(
        "wo-{}/1-{}.jpg",
        uuid::Uuid::new_v4(),
        "cd".repeat(32)
    ));
    server
        .photo_store()
        .put(&orphan, Photo::jpeg(6).bytes.into())
        .await
        .unwrap();
    let mut left = objects(&server).await;
    for _ in 0..100 {
        if left.len() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        left = objects(&server).await;
    }
    assert_eq!(left.len(), 1, "only the photo is left: {left:?}");
    assert!(left[0].starts_with(&format!("wo-{}/", wo.id)), "{left:?}");
}

#[tokio::test]
async fn the_janitor_keeps_field_photos_and_removes_their_orphans() {
    use crate::team::{apply, area, photo_ref, reference, report_finding};
    let server = TestServer::with_demo().await;
    let c1 = server.signed_in("cleaner1").await;
    let lobby = Some(area(&reference(&server, &c1).await, "大堂").id);
    let store = server.photo_store();
    // A finding's photo stored, and another finding's photo recorded but not yet uploaded.
    let stored = Photo::jpeg(21);
    apply(
        &server,
        &c1,
        &report_finding(
            "cleaner1",
            uuid::Uuid::new_v4(),
            lobby,
            vec![photo_ref(&stored, "before")],
        ),
    )
    .await;
    assert_eq!(stored.put(&server, &c1).await.status(), StatusCode::CREATED);
    let pending = Photo::jpeg(22);
    apply(
        &server,
        &c1,
        &report_finding(
            "cleaner1",
            uuid::Uuid::new_v4(),
            lobby,
            vec![photo_ref(&pending, "before")],
        ),
    )
    .await;
    let keys = objects(&server).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(
        keys[0].starts_with("fp-"),
        "a field photo's key is the server's: {keys:?}"
    );
    let pool = server.database().await;
    let seq: i64 = sqlx::query_scalar("SELECT seq FROM field_photos WHERE photo_id = $1")
        .bind(pending.id.to_string())
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let pending_key =
        fieldbook_server::stored_photo::field_object_key(seq, &pending.sha256(), "image/jpeg")
            .to_string();
    store
        .put(
            &Key::from(pending_key.as_str()),
            pending.bytes.clone().into(),
        )
        .await
        .unwrap();
    let orphan = format!("fp-999999/{}.jpg", "cd".repeat(32));
    store
        .put(&Key::from(orphan.as_str()), Photo::jpeg(23).bytes.into())
        .await
        .unwrap();

    janitor(&server, "0s");
    let mut expected = vec![keys[0].clone(), pending_key];
    expected.sort();
    assert_eq!(objects(&server).await, expected);
    assert_eq!(
        pending.put(&server, &c1).await.status(),
        StatusCode::CREATED
    );
}
