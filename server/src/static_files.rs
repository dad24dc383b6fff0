//! Serving the two built apps: the field PWA (Trunk's `dist/`) at `/`, and the office app
//! (`office/`'s build, `dist-office/`) under `/office/`. Each gets its files, its `index.html`
//! as the fallback for its client-side routes, the cache headers, and one Content-Security-Policy
//! that allows both index pages' inline scripts.
//!
//! Content-hashed files never change under their name, so browsers keep them for a year.
//! Everything else (index.html, sw.js, the manifest) must be revalidated, or a phone would keep
//! an old app shell pointing at hashed files that no longer exist.

use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use tower::ServiceExt;
use tower_http::services::ServeFile;

use crate::error::AppError;
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// Where the office app is served: `/office/` and everything under it.
pub const OFFICE_PREFIX: &str = "/office";

/// The built apps as found at startup.
#[derive(Debug)]
pub struct StaticSite {
    dist: PathBuf,
    office_dist: PathBuf,
    /// Sent on every response, API included.
    pub csp: HeaderValue,
}

/// Which of the two apps a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum App {
    Field,
    Office,
}

impl StaticSite {
    /// Read both apps' `index.html` (where built) to allow exactly their inline scripts.
    ///
    /// The hashes are taken once: rebuilding an app under a running server needs a restart.
    pub fn load(dist: &Path, office_dist: &Path) -> StaticSite {
        let mut hashes = Vec::new();
        for (app, dir) in [(App::Field, dist), (App::Office, office_dist)] {
            match std::fs::read_to_string(dir.join("index.html")) {
                Ok(html) => {
                    for hash in inline_script_hashes(&html) {
                        if !hashes.contains(&hash) {
                            hashes.push(hash);
                        }
                    }
                }
                Err(e) => tracing::warn!(
                    app = ?app,
                    dist = %dir.display(),
                    error = %e,
                    "app not built: not serving it"
                ),
            }
        }
        let csp =
            HeaderValue::from_str(&content_security_policy(&hashes)).expect("the policy is ASCII");
        StaticSite {
            dist: dist.to_path_buf(),
            office_dist: office_dist.to_path_buf(),
            csp,
        }
    }

    /// The app a URL path is for, its build folder, and the path inside that folder.
    fn route<'p>(&self, path: &'p str) -> (App, &Path, &'p str) {
        match path.strip_prefix(OFFICE_PREFIX) {
            Some(rest) if rest.is_empty() || rest.starts_with('/') => {
                (App::Office, &self.office_dist, rest)
            }
            _ => (App::Field, &self.dist, path),
        }
    }
}

/// The policy: the app's own files, wasm compilation, and the listed inline scripts; nothing else.
pub fn content_security_policy(script_hashes: &[String]) -> String {
    let mut script_src = String::from("'self' 'wasm-unsafe-eval'");
    for hash in script_hashes {
        script_src.push_str(&format!(" 'sha256-{hash}'"));
    }
    format!(
        "default-src 'self'; script-src {script_src}; style-src 'self'; \
         img-src 'self' blob: data:; connect-src 'self'; worker-src 'self'; \
         manifest-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
         form-action 'self'"
    )
}

/// Base64 SHA-256 of the exact text of every inline `<script>` (one without `src`).
pub fn inline_script_hashes(html: &str) -> Vec<String> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `html`.
    let lower = html.to_ascii_lowercase();
    let mut hashes = Vec::new();
    let mut from = 0;
    while let Some(found) = lower[from..].find("<script") {
        let start = from + found;
        let after_name = start + "<script".len();
        let is_tag = lower[after_name..]
            .chars()
            .next()
            .is_some_and(|c| c == '>' || c.is_ascii_whitespace());
        let Some(tag_end) = lower[after_name..].find('>').map(|i| after_name + i) else {
            break;
        };
        if !is_tag {
            from = after_name;
            continue;
        }
        let Some(close) = lower[tag_end..].find("</script").map(|i| tag_end + i) else {
            break;
        };
        let attributes = &lower[after_name..tag_end];
        if !has_src_attribute(attributes) {
            let text = &html[tag_end + 1..close];
            hashes.push(STANDARD.encode(Sha256::digest(text.as_bytes())));
        }
        from = close;
    }
    hashes
}

fn has_src_attribute(attributes: &str) -> bool {
    attributes
        .split(|c: char| c.is_ascii_whitespace())
        .any(|attr| attr == "src" || attr.starts_with("src="))
}

/// Trunk's content-hashed names: `name-<16+ hex digits>[_bg].ext`.
pub fn is_content_hashed(file_name: &str) -> bool {
    let Some((stem, _ext)) = file_name.rsplit_once('.') else {
        return false;
    };
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    let Some((_, hash)) = stem.rsplit_once('-') else {
        return false;
    };
    hash.len() >= 16 && hash.chars().all(|c| c.is_ascii_hexdigit())
}

/// Types browsers are strict about; everything else is guessed from the extension.
fn content_type_override(file_name: &str) -> Option<&'static str> {
    match file_name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => Some("application/wasm"),
        Some("webmanifest") => Some("application/manifest+json"),
        _ => None,
    }
}

/// The file under `dist` a URL path names, if it is a plain relative path to an existing file.
async fn existing_file(dist: &Path, url_path: &str) -> Option<PathBuf> {
    let relative = url_path.trim_start_matches('/');
    if relative.is_empty() {
        return None;
    }
    let safe = relative.split('/').all(|segment| {
        !segment.is_empty() && segment != "." && segment != ".." && !segment.contains('\\')
    });
    if !safe {
        return None;
    }
    let path = dist.join(relative);
    match tokio::fs::metadata(&path).await {
        Ok(meta) if meta.is_file() => Some(path),
        _ => None,
    }
}

/// The fallback of the whole router: unknown API routes get a JSON 404, paths under `/office/`
/// the office app, everything else the field PWA.
pub async fn serve(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().to_string();
    if path == "/api" || path.starts_with("/api/") {
        return AppError::NotFound(format!("no API route {path}")).into_response();
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let (app, dist, in_dist) = state.site.route(&path);
    let index = dist.join("index.html");
    let file = match existing_file(dist, in_dist).await {
        Some(file) => file,
        None if tokio::fs::metadata(&index).await.is_ok_and(|m| m.is_file()) => index,
        None => return not_built(app),
    };
    let file_name = file
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    // The build's .br / .gz copies (tools/precompress.mjs) go to browsers that accept them.
    let serve = ServeFile::new(&file)
        .precompressed_br()
        .precompressed_gzip();
    let mut response = match serve.oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    };
    if response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED {
        let cache = if is_content_hashed(&file_name) {
            IMMUTABLE
        } else {
            REVALIDATE
        };
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
        // The same URL may be answered brotli, gzip or plain: caches must key on the encoding.
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(mime) = content_type_override(&file_name) {
            response
                .headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
        }
    }
    response
}

/// The answer when the app has no `index.html`: say so rather than a bare 404.
fn not_built(app: App) -> Response {
    let text = match app {
        App::Field => {
            "Fieldbook's server is running, but the PWA is not built.\n\
             Build it with `trunk build --release` and start the server with --dist pointing at it.\n"
        }
        App::Office => {
            "Fieldbook's server is running, but the office app is not built.\n\
             Build it with `trunk build --release` in office/ and start the server with \
             --office-dist pointing at it.\n"
        }
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, REVALIDATE),
        ],
        text,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_names_are_recognised_as_hashed() {
        assert!(is_content_hashed("fieldbook-3f9a1c0b2d4e5f60.js"));
        assert!(is_content_hashed("fieldbook-3f9a1c0b2d4e5f60_bg.wasm"));
        assert!(is_content_hashed("main-3f9a1c0b2d4e5f60aa.css"));
        assert!(!is_content_hashed("index.html"));
        assert!(!is_content_hashed("sw.js"));
        assert!(!is_content_hashed("manifest.webmanifest"));
        assert!(!is_content_hashed("icon-192.png"));
        assert!(
            !is_content_hashed("fieldbook-3f9a1c0b2d4e5f6.js"),
            "15 digits"
        );
        assert!(!is_content_hashed("fieldbook-3f9a1c0b2d4e5fzz.js"));
    }

    #[test]
    fn only_inline_scripts_are_hashed() {
        let html = r#"<html><head>
<script src="/x.js"></script>
<SCRIPT type="module">import init from '/a.js';init();</SCRIPT>
<scripts>not a script</scripts>
</head></html>"#;
        let hashes = inline_script_hashes(html);
        let expected = STANDARD.encode(Sha256::digest(b"import init from '/a.js';init();"));
        assert_eq!(hashes, vec![expected]);
    }

    #[test]
    fn office_paths_go_to_the_office_build() {
        let site = StaticSite {
            dist: PathBuf::from("d"),
            office_dist: PathBuf::from("o"),
            csp: HeaderValue::from_static(""),
        };
        assert_eq!(site.route("/office"), (App::Office, Path::new("o"), ""));
        assert_eq!(site.route("/office/"), (App::Office, Path::new("o"), "/"));
        assert_eq!(
            site.route("/office/a-0123456789abcdef.js"),
            (App::Office, Path::new("o"), "/a-0123456789abcdef.js")
        );
        assert_eq!(site.route("/"), (App::Field, Path::new("d"), "/"));
        assert_eq!(
            site.route("/officer"),
            (App::Field, Path::new("d"), "/officer")
        );
        assert_eq!(
            site.route("/sync/office/"),
            (App::Field, Path::new("d"), "/sync/office/")
        );
    }

    #[test]
    fn the_policy_lists_the_hashes_and_nothing_unsafe() {
        let csp = content_security_policy(&["abc=".to_string()]);
        assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-abc=';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(csp.ends_with("form-action 'self'"));
    }
}
