//! What every handler shares.

use std::sync::Arc;

use object_store::ObjectStore;

use crate::db::Db;
use crate::rate_limit::Limiter;
use crate::static_files::StaticSite;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// Photo bytes: a local folder, or an S3-compatible bucket by configuration.
    pub photos: Arc<dyn ObjectStore>,
    /// Add `Secure` to the session cookie (behind HTTPS).
    pub secure_cookies: bool,
    pub site: Arc<StaticSite>,
    /// Request bursts and failed sign-ins, per client and per username.
    pub limiter: Arc<Limiter>,
}
