//! Putting the server together: configuration, state, router, and the serving loop.

use std::future::Future;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use object_store::ObjectStore;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::error::{AppError, JSON_BODY_LIMIT};
use crate::photo_store::{self, S3Config};
use crate::rate_limit::{self, Limiter, RateLimits};
use crate::routes;
use crate::state::AppState;
use crate::static_files::{self, StaticSite};
use crate::{db, demo, janitor};
use fieldbook_model::op::limits::MAX_PHOTO_BYTES;

/// How the server is started; the CLI's `serve` flags.
#[derive(Debug, Clone)]
pub struct Config {
    /// Holds `fieldbook.sqlite` and `photos/`.
    pub data_dir: PathBuf,
    /// Overrides the SQLite file in `data_dir`: a `sqlite:` or `postgres://` URL.
    pub database_url: Option<String>,
    /// Trunk's output folder for the field PWA, served at `/`.
    pub dist: PathBuf,
    /// The office app's build (`office/`'s Trunk output), served under `/office/`.
    pub office_dist: PathBuf,
    /// Load the demo data (idempotent) before serving.
    pub demo: bool,
    /// With the demo, also last month's closed orders (for the reports and scorecards; issue
    /// 18). Apart from the demo, so the demo's own orders and sequence values stay as they are.
    pub demo_last_month: bool,
    /// With the demo, also yesterday's orders and field records (for the daily reports).
    pub demo_yesterday: bool,
    /// Mark the session cookie `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Photos in this S3-compatible bucket instead of `data_dir/photos`.
    pub s3: Option<S3Config>,
    /// Request bursts and failed sign-ins.
    pub rate_limits: RateLimits,
    /// Run the janitor periodically while serving.
    pub janitor: Option<JanitorSchedule>,
}

/// `serve --janitor-every`: how often, and the age below which leftovers are kept.
#[derive(Debug, Clone, Copy)]
pub struct JanitorSchedule {
    pub every: std::time::Duration,
    pub older_than: std::time::Duration,
}

impl Config {
    pub fn new(data_dir: impl Into<PathBuf>) -> Config {
        Config {
            data_dir: data_dir.into(),
            database_url: None,
            dist: PathBuf::from("dist"),
            office_dist: PathBuf::from("dist-office"),
            demo: false,
            demo_last_month: false,
            demo_yesterday: false,
            secure_cookies: false,
            s3: None,
            rate_limits: RateLimits::default(),
            janitor: None,
        }
    }

    /// The photo store this configuration names.
    pub fn photo_store(&self) -> anyhow::Result<Arc<dyn ObjectStore>> {
        photo_store::open(&self.data_dir, self.s3.as_ref())
    }

    /// Where photos go, for messages.
    pub fn describe_photo_store(&self) -> String {
        match &self.s3 {
            Some(s3) => s3.describe(),
            None => self.data_dir.join("photos").display().to_string(),
        }
    }

    /// The photo folder when photos are on local disk (the janitor cleans its temporary files).
    pub fn local_photo_dir(&self) -> Option<PathBuf> {
        self.s3.is_none().then(|| self.data_dir.join("photos"))
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| db::sqlite_url(&self.data_dir.join("fieldbook.sqlite")))
    }
}

/// Open the data directory, database and photo store; load the demo if asked.
pub async fn build(config: &Config) -> anyhow::Result<(Router, AppState)> {
    std::fs::create_dir_all(&config.data_dir).with_context(|| {
        format!(
            "cannot create the data directory {}",
            config.data_dir.display()
        )
    })?;
    let photos = config.photo_store()?;
    routes::health::mark_photo_store(photos.as_ref())
        .await
        .with_context(|| {
            format!(
                "cannot write to the photo store {}",
                config.describe_photo_store()
            )
        })?;
    let db = db::open(&config.database_url()).await?;
    if config.demo {
        let report = demo::load(&db).await.context("cannot load the demo data")?;
        tracing::info!(
            users = report.users,
            work_orders = report.work_orders,
            "demo data loaded"
        );
        // Yesterday first: on the 1st it is last month's last day, and keeps its finding and
        // vacant unit (a day is loaded once).
        if config.demo_yesterday {
            let n = demo::load_yesterday(&db)
                .await
                .context("cannot load the demo's yesterday")?;
            tracing::info!(work_orders = n, "the demo's yesterday loaded");
        }
        if config.demo_last_month {
            let n = demo::load_last_month(&db)
                .await
                .context("cannot load the demo's last month")?;
            tracing::info!(work_orders = n, "the demo's last month loaded");
        }
    }
    let state = AppState {
        db,
        photos,
        secure_cookies: config.secure_cookies,
        site: Arc::new(StaticSite::load(&config.dist, &config.office_dist)),
        limiter: Arc::new(Limiter::new(config.rate_limits.clone())),
    };
    Ok((router(state.clone()), state))
}

/// Every route, the PWA fallback and the headers sent on every response.
pub fn router(state: AppState) -> Router {
    let csp = state.site.csp.clone();
    Router::new()
        .route("/api/health", get(routes::health::health))
        .route(
            "/api/session",
            post(routes::session::sign_in)
                .get(routes::session::current)
                .delete(routes::session::sign_out),
        )
        .route("/api/sync", get(routes::sync::sync))
        .route("/api/ops", post(routes::ops::post_ops))
        .route(
            "/api/work-orders",
            get(routes::work_orders::list_work_orders).post(routes::work_orders::create_work_order),
        )
        .route(
            "/api/work-orders/next-ticket",
            get(routes::work_orders::next_ticket),
        )
        .route(
            "/api/work-orders/{id}",
            get(routes::work_orders::get_work_order),
        )
        .route(
            "/api/work-orders/{id}/assignee",
            put(routes::work_orders::put_assignee),
        )
        .route(
            "/api/work-orders/{id}/plan",
            put(routes::order_desk::put_plan),
        )
        .route(
            "/api/work-orders/{id}/machine",
            put(routes::order_desk::put_machine),
        )
        .route(
            "/api/work-orders/{id}/unrepaired-reason",
            put(routes::order_desk::put_unrepaired_reason),
        )
        .route(
            "/api/work-orders/{id}/first-response",
            post(routes::order_desk::post_first_response),
        )
        .route(
            "/api/work-orders/{id}/phone-fix",
            post(routes::order_desk::post_phone_fix),
        )
        .route(
            "/api/work-orders/{id}/review",
            post(routes::order_desk::post_review),
        )
        .route(
            "/api/work-orders/{id}/waiver",
            post(routes::order_desk::post_waiver),
        )
        .route(
            "/api/work-orders/{id}/report-conflict",
            post(routes::order_desk::post_report_conflict),
        )
        .route(
            "/api/work-orders/{id}/held/{op_id}",
            post(routes::order_desk::post_held),
        )
        .route("/api/engineers", get(routes::engineers::list_engineers))
        // Reports and scorecards (issue 18).
        .route(
            "/api/scorecards/engineers",
            get(routes::scorecards::engineers),
        )
        .route("/api/scorecards/me", get(routes::scorecards::me))
        .route("/api/reports/desk", get(routes::reports::desk))
        .route(
            "/api/reports/stations",
            get(routes::reports::stations_report),
        )
        .route(
            "/api/reports/unrepaired",
            get(routes::reports::unrepaired_list),
        )
        .route("/api/reports/cleaning", get(routes::reports::cleaning))
        .route(
            "/api/scorecards/agents",
            get(routes::agent_scorecards::agents),
        )
        .route(
            "/api/scorecards/supervisors",
            get(routes::supervisor_scorecards::supervisors),
        )
        .route(
            "/api/scorecards/engineers/trend",
            get(routes::scorecard_trends::engineers),
        )
        .route(
            "/api/scorecards/agents/trend",
            get(routes::scorecard_trends::agents),
        )
        .route(
            "/api/scorecards/supervisors/trend",
            get(routes::scorecard_trends::supervisors),
        )
        .route(
            "/api/scorecards/cleaning/trend",
            get(routes::scorecard_trends::cleaning),
        )
        .route(
            "/api/scorecards/cleaning",
            get(routes::cleaning_scorecards::teams),
        )
        .route(
            "/api/scorecards/cleaning/me",
            get(routes::cleaning_scorecards::me),
        )
        .route(
            "/api/work-orders/{id}/first-fix-excuse",
            get(routes::scorecards::get_excuse).put(routes::scorecards::put_excuse),
        )
        // Complaints and call-backs (issue 17).
        .route(
            "/api/complaints",
            get(routes::complaints::list).post(routes::complaints::create),
        )
        .route("/api/complaints/ledger", get(routes::complaints::ledger))
        .route("/api/complaints/{id}", get(routes::complaints::get_one))
        .route(
            "/api/complaints/{id}/assign",
            post(routes::complaints::assign),
        )
        .route(
            "/api/complaints/{id}/confirm",
            post(routes::complaints::confirm),
        )
        .route(
            "/api/complaints/{id}/reopen",
            post(routes::complaints::reopen),
        )
        // Warranty claims and old parts (issue 19).
        .route(
            "/api/work-orders/{id}/claim-expected",
            put(routes::claims::put_claim_expected),
        )
        .route("/api/claims/queue", get(routes::claims::queue))
        .route("/api/claims/figures", get(routes::claims::get_figures))
        .route(
            "/api/claims",
            get(routes::claims::list).post(routes::claims::create),
        )
        .route(
            "/api/claims/{id}",
            get(routes::claims::get_one).put(routes::claims::edit),
        )
        .route("/api/claims/{id}/submit", post(routes::claims::submit))
        .route("/api/claims/{id}/answer", post(routes::claims::answer))
        .route("/api/claims/{id}/pay", post(routes::claims::pay))
        .route("/api/claims/{id}/files.zip", get(routes::claims::files_zip))
        .route(
            "/api/commercial-claims",
            get(routes::claims::list_commercial).post(routes::claims::create_commercial),
        )
        .route(
            "/api/commercial-claims/{id}/sign",
            post(routes::claims::sign_commercial),
        )
        .route(
            "/api/settings/sign-off-chain",
            get(routes::claims::get_chain).put(routes::claims::put_chain),
        )
        .route("/api/people", get(routes::claims::people))
        .route("/api/people/{username}", put(routes::claims::put_person))
        .route("/api/old-parts", get(routes::claims::list_parts))
        .route("/api/old-parts/ledger", get(routes::claims::parts_ledger))
        .route(
            "/api/old-parts/{tag}/receive",
            post(routes::claims::receive_part),
        )
        .route("/api/old-parts/{tag}/move", post(routes::claims::move_part))
        .route(
            "/api/old-parts/{tag}/ship-request",
            post(routes::claims::ship_request),
        )
        .route("/api/call-backs", post(routes::complaints::post_call_back))
        .route("/api/call-backs/due", get(routes::complaints::due))
        .route(
            "/api/calendar",
            get(routes::complaints::get_calendar).put(routes::complaints::put_calendar),
        )
        .route(
            "/api/settings",
            get(routes::settings::get_settings).put(routes::settings::put_settings),
        )
        .route(
            "/api/work-orders/{id}/photos.zip",
            get(routes::photos::get_zip),
        )
        .route(
            "/api/photos/{photo_id}",
            // The upload streams its body under its own limit (MAX_PHOTO_BYTES).
            put(routes::photos::put_photo)
                .get(routes::photos::get_photo)
                .layer(DefaultBodyLimit::disable()),
        )
        // The equipment register, the photo rules and the imports (the office desk).
        .route("/api/machines", get(routes::machines::search))
        .route(
            "/api/machines/{serial}",
            get(routes::machines::history).put(routes::machines::put),
        )
        .route(
            "/api/settings/photo-slots",
            get(routes::photo_rules::get_slots),
        )
        .route(
            "/api/settings/photo-slots/{service_type}",
            put(routes::photo_rules::put_slots),
        )
        .route(
            "/api/settings/examples/{id}",
            put(routes::photo_rules::put_example)
                .get(routes::photo_rules::get_example)
                .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES as usize)),
        )
        .route(
            "/api/import/work-orders",
            post(routes::imports::work_orders)
                .layer(DefaultBodyLimit::max(routes::imports::MAX_IMPORT_BYTES)),
        )
        .route(
            "/api/import/machines",
            post(routes::imports::machines)
                .layer(DefaultBodyLimit::max(routes::imports::MAX_IMPORT_BYTES)),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(static_files::serve)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            rate_limit::limit_requests,
        ))
        .layer(middleware::from_fn(api_responses))
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        // One line per request at info (headers are not logged: they carry the session cookie).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(state)
}

async fn method_not_allowed() -> AppError {
    AppError::MethodNotAllowed
}

/// API answers are never cached, and are JSON even when something below answered otherwise.
///
/// Every known rejection is mapped in `error.rs`; this is the net under them, and it logs when
/// it catches something so the mapping can be fixed.
async fn api_responses(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    let is_api = path == "/api" || path.starts_with("/api/");
    let mut response = next.run(request).await;
    if !is_api {
        return response;
    }
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if (status.is_client_error() || status.is_server_error()) && !is_json {
        tracing::warn!(%path, %status, "a non-JSON error escaped under /api; answering JSON");
        let allow = response.headers().get(header::ALLOW).cloned();
        response = AppError::Status(status).into_response();
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
    }
    // A handler that set its own caching (immutable photo bytes) keeps it.
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// What the server prints on stdout once it listens.
pub fn banner(addr: SocketAddr, demo: bool) -> String {
    let mut text = format!("Fieldbook is running: http://{addr}\n");
    if demo {
        text.push_str(&demo::sign_in_hint());
        text.push('\n');
    }
    text.push_str(&format!("The office app: http://{addr}/office/\n"));
    text
}

/// The CLI's `serve`: print the banner on stdout once ready, serve until SIGINT or SIGTERM.
pub async fn serve(config: Config, listener: TcpListener) -> anyhow::Result<()> {
    let (router, state) = build(&config).await?;
    start_janitor(&config, &state);
    let addr = listener
        .local_addr()
        .context("the listener has no address")?;
    print!("{}", banner(addr, config.demo));
    run(router, state, listener, shutdown_signal()).await
}

/// Serve until `shutdown` completes (tests stop and restart servers with this).
pub async fn serve_until(
    config: Config,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (router, state) = build(&config).await?;
    start_janitor(&config, &state);
    run(router, state, listener, shutdown).await
}

/// The periodic janitor, when configured: a failed pass is logged and tried again next time.
fn start_janitor(config: &Config, state: &AppState) {
    let Some(schedule) = config.janitor else {
        return;
    };
    let (db, store, local) = (
        state.db.clone(),
        state.photos.clone(),
        config.local_photo_dir(),
    );
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(schedule.every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            interval.tick().await;
            if db.is_closed() {
                return;
            }
            match janitor::run(&db, store.as_ref(), local.as_deref(), schedule.older_than).await {
                Ok(report) => tracing::info!(?report, "janitor pass done"),
                Err(e) => tracing::warn!(error = %e, "janitor pass failed"),
            }
        }
    });
}

/// Serve until `shutdown` completes; then finish the requests in flight and close the database.
pub async fn run(
    router: Router,
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    // The peer address is the client a rate limit counts (unless a trusted proxy says otherwise).
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
    .context("the HTTP server failed")?;
    state.db.close().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
