use base64::Engine;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use crate::harness::{Options, TestServer, assert_error};

const LOADER: &str = "import init, * as bindings from '/fieldbook-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/fieldbook-0123456789abcdef_bg.wasm' });\nwindow.wasmBindings = bindings;\n";

async fn server_with_dist() -> TestServer {
    serve(dist_folder()).await
}

async fn serve(dist: std::path::PathBuf) -> TestServer {
    TestServer::start(Options {
        demo: false,
        dist: Some(dist),
    })
    .await
}

/// A small built PWA: index.html with its loader, the hashed JS and wasm, sw.js, the manifest.
fn dist_folder() -> std::path::PathBuf {
    let dist = tempfile::tempdir().unwrap().keep();
    let index = format!(
        "<!DOCTYPE html><html><head><link rel=\"manifest\" href=\"/manifest.webmanifest\">\
         <script type=\"module\">{LOADER}</script></head><body></body></html>"
    );
    std::fs::write(dist.join("index.html"), index).unwrap();
    std::fs::write(
        dist.join("fieldbook-0123456789abcdef.js"),
        "export default function(){}",
    )
    .unwrap();
    std::fs::write(
        dist.join("fieldbook-0123456789abcdef_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(
        dist.join("sw.js"),
        "self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(
        dist.join("manifest.webmanifest"),
        "{\"name\":\"Fieldbook\"}",
    )
    .unwrap();
    dist
}

fn header(r: &reqwest::Response, name: &str) -> String {
    r.headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn index_is_revalidated_and_its_inline_script_allowed_by_hash() {
    let server = server_with_dist().await;
    let r = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert!(header(&r, "content-type").starts_with("text/html"));
    assert_eq!(header(&r, "x-content-type-options"), "nosniff");
    assert_eq!(header(&r, "referrer-policy"), "no-referrer");
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(LOADER.as_bytes()));
    let csp = header(&r, "content-security-policy");
    assert_eq!(
        csp,
        format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-{hash}'; \
             style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
             worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
             frame-ancestors 'none'; form-action 'self'"
        )
    );
    assert!(r.text().await.unwrap().contains("<script type=\"module\">"));

    // The API carries the same policy.
    let api = reqwest::get(server.url("/api/health")).await.unwrap();
    assert_eq!(header(&api, "content-security-policy"), csp);
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_typed() {
    let server = server_with_dist().await;
    let js = reqwest::get(server.url("/fieldbook-0123456789abcdef.js"))
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert_eq!(
        header(&js, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&js, "content-type").contains("javascript"));

    let wasm = reqwest::get(server.url("/fieldbook-0123456789abcdef_bg.wasm"))
        .await
        .unwrap();
    assert_eq!(
        header(&wasm, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&wasm, "content-type"), "application/wasm");
    assert_eq!(wasm.bytes().await.unwrap().as_ref(), b"\0asm\x01\0\0\0");

    let manifest = reqwest::get(server.url("/manifest.webmanifest"))
        .await
        .unwrap();
    assert_eq!(header(&manifest, "cache-control"), "no-cache");
    assert_eq!(
        header(&manifest, "content-type"),
        "application/manifest+json"
    );

    let sw = reqwest::get(server.url("/sw.js")).await.unwrap();
    assert_eq!(header(&sw, "cache-control"), "no-cache");
}

#[tokio::test]
async fn client_routes_get_index_and_unknown_api_routes_json() {
    let server = server_with_dist().await;
    let r = reqwest::get(server.url("/work-orders/x")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert!(r.text().await.unwrap().contains("<script type=\"module\">"));

    let r = reqwest::get(server.url("/api/nope")).await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = reqwest::get(server.url("/api")).await.unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
    let r = reqwest::Client::new()
        .post(server.url("/api/nope/deeper"))
        .send()
        .await
        .unwrap();
    assert_error(r, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn without_a_build_the_root_says_so() {
    let server = TestServer::empty().await;
    let r = reqwest::get(server.url("/")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("text/plain"));
    assert!(r.text().await.unwrap().contains("PWA is not built"));
    let csp = reqwest::get(server.url("/")).await.unwrap();
    assert!(
        header(&csp, "content-security-policy").contains("script-src 'self' 'wasm-unsafe-eval';")
    );
}

#[tokio::test]
async fn the_builds_compressed_copies_go_to_browsers_that_accept_them() {
    let dist = dist_folder();
    std::fs::write(
        dist.join("fieldbook-0123456789abcdef.js.br"),
        b"brotli bytes",
    )
    .unwrap();
    std::fs::write(dist.join("fieldbook-0123456789abcdef.js.gz"), b"gzip bytes").unwrap();
    let server = serve(dist).await;
    let path = server.url("/fieldbook-0123456789abcdef.js");
    let client = reqwest::Client::new();
    for (accept, encoding, body) in [
        ("br, gzip", "br", "brotli bytes"),
        ("gzip", "gzip", "gzip bytes"),
        ("identity", "", "export default function(){}"),
    ] {
        let r = client
            .get(&path)
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-encoding"), encoding, "{accept}");
        assert_eq!(header(&r, "vary"), "accept-encoding");
        assert!(header(&r, "content-type").starts_with("text/javascript"));
        assert!(header(&r, "cache-control").contains("immutable"));
        assert_eq!(r.text().await.unwrap(), body);
    }
}

const OFFICE_LOADER: &str = "import init, * as bindings from '/office/fieldbook-office-0123456789abcdef.js';\nconst wasm = await init({ module_or_path: '/office/fieldbook-office-0123456789abcdef_bg.wasm' });\nwindow.wasmBindings = bindings;\n";

/// A small built office app (public_url /office/): index.html with its loader, the hashed JS and
/// wasm (with a brotli copy), its icon.
fn office_folder() -> std::path::PathBuf {
    let dist = tempfile::tempdir().unwrap().keep();
    let index = format!(
        "<!DOCTYPE html><html><head><link rel=\"icon\" href=\"/office/icon-192.png\">\
         <script type=\"module\">{OFFICE_LOADER}</script></head><body></body></html>"
    );
    std::fs::write(dist.join("index.html"), index).unwrap();
    std::fs::write(
        dist.join("fieldbook-office-0123456789abcdef.js"),
        "export default function(){}",
    )
    .unwrap();
    std::fs::write(
        dist.join("fieldbook-office-0123456789abcdef_bg.wasm"),
        b"\0asm\x01\0\0\0office",
    )
    .unwrap();
    std::fs::write(
        dist.join("fieldbook-office-0123456789abcdef_bg.wasm.br"),
        b"brotli office wasm",
    )
    .unwrap();
    std::fs::write(dist.join("icon-192.png"), b"\x89PNG").unwrap();
    dist
}

async fn serve_both() -> TestServer {
    let office = office_folder();
    TestServer::start_with(
        Options {
            demo: false,
            dist: Some(dist_folder()),
        },
        move |config| config.office_dist = office,
    )
    .await
}

fn script_hash(script: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script.as_bytes()))
}

#[tokio::test]
async fn office_paths_get_the_office_index_and_one_policy_allows_both_apps() {
    let server = serve_both().await;
    let field_hash = format!("'sha256-{}'", script_hash(LOADER));
    let office_hash = format!("'sha256-{}'", script_hash(OFFICE_LOADER));
    let csp = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {field_hash} {office_hash}; \
         style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; \
         worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    );

    // The office's screens and anything else under /office/ (its client-side routes).
    for path in [
        "/office/",
        "/office",
        "/office/work-orders/0b6f3a4e-5c1d-4e2f-9a7b-8c9d0e1f2a3b",
        "/office/no-such-file.js",
    ] {
        let r = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&r, "content-type").starts_with("text/html"),
            "{path}"
        );
        assert_eq!(header(&r, "content-security-policy"), csp, "{path}");
        assert_eq!(header(&r, "x-content-type-options"), "nosniff", "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains(OFFICE_LOADER), "{path}: the office's index");
    }

    // The field app keeps every other path, including ones that only start like the office's.
    for path in ["/", "/work-orders/x", "/officer", "/sync/office/"] {
        let r = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&r, "content-security-policy"), csp, "{path}");
        let body = r.text().await.unwrap();
        assert!(body.contains(LOADER), "{path}: the field's index");
        assert!(!body.contains(OFFICE_LOADER), "{path}");
    }

    // The office's files are not the field's, and the other way round.
    let r = reqwest::get(server.url("/office/sw.js")).await.unwrap();
    assert!(r.text().await.unwrap().contains(OFFICE_LOADER));
    let r = reqwest::get(server.url("/fieldbook-office-0123456789abcdef.js"))
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains(LOADER));

    let api = reqwest::get(server.url("/api/health")).await.unwrap();
    assert_eq!(header(&api, "content-security-policy"), csp);
}

#[tokio::test]
async fn office_assets_are_immutable_typed_and_sent_compressed() {
    let server = serve_both().await;
    let js = reqwest::get(server.url("/office/fieldbook-office-0123456789abcdef.js"))
        .await
        .unwrap();
    assert_eq!(js.status(), StatusCode::OK);
    assert_eq!(
        header(&js, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(&js, "content-type").contains("javascript"));
    assert_eq!(js.text().await.unwrap(), "export default function(){}");

    let client = reqwest::Client::new();
    let wasm_path = server.url("/office/fieldbook-office-0123456789abcdef_bg.wasm");
    for (accept, encoding, body) in [
        ("br, gzip", "br", &b"brotli office wasm"[..]),
        ("identity", "", &b"\0asm\x01\0\0\0office"[..]),
    ] {
        let r = client
            .get(&wasm_path)
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(header(&r, "content-encoding"), encoding, "{accept}");
        assert_eq!(header(&r, "content-type"), "application/wasm");
        assert_eq!(
            header(&r, "cache-control"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(header(&r, "vary"), "accept-encoding");
        assert_eq!(r.bytes().await.unwrap().as_ref(), body);
    }

    let icon = reqwest::get(server.url("/office/icon-192.png"))
        .await
        .unwrap();
    assert_eq!(icon.status(), StatusCode::OK);
    assert_eq!(header(&icon, "cache-control"), "no-cache");
    assert_eq!(header(&icon, "content-type"), "image/png");

    // Only GET and HEAD, as for the field app's files.
    let r = client.post(server.url("/office/")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn without_an_office_build_its_paths_say_so_and_the_field_app_is_served() {
    let server = server_with_dist().await;
    let r = reqwest::get(server.url("/office/")).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert!(header(&r, "content-type").starts_with("text/plain"));
    assert_eq!(header(&r, "cache-control"), "no-cache");
    assert!(r.text().await.unwrap().contains("office app is not built"));
    let field = reqwest::get(server.url("/")).await.unwrap();
    let csp = header(&field, "content-security-policy");
    assert!(field.text().await.unwrap().contains(LOADER));
    assert!(csp.contains(&script_hash(LOADER)));
    assert!(!csp.contains(&script_hash(OFFICE_LOADER)));
}
