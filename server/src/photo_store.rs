//! Where photo bytes live: a folder in the data directory by default, or any S3-compatible
//! bucket (AWS S3, Garage, MinIO, Ceph, s3s-fs) by configuration, both through `object_store`.
//!
//! Several server processes share one bucket. Nothing here relies on the store's conditional
//! writes (Garage ignores `If-None-Match: *`): the database's unique keys decide what is stored
//! once; a second write of a photo writes the same bytes under the same key.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::prefix::PrefixStore;

/// An S3-compatible bucket: the `--s3-*` flags / `FIELDBOOK_S3_*` variables.
#[derive(Clone)]
pub struct S3Config {
    /// `http(s)://host:port` of an S3-compatible server; `None` for AWS itself.
    pub endpoint: Option<String>,
    pub bucket: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// Every key under this folder of the bucket (a bucket shared with other data, or tests).
    pub prefix: Option<String>,
}

impl std::fmt::Debug for S3Config {
    /// Without the secret key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("endpoint", &self.endpoint)
            .field("bucket", &self.bucket)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl S3Config {
    pub fn describe(&self) -> String {
        let endpoint = self.endpoint.as_deref().unwrap_or("AWS S3");
        match &self.prefix {
            Some(prefix) => format!("s3://{}/{prefix} at {endpoint}", self.bucket),
            None => format!("s3://{} at {endpoint}", self.bucket),
        }
    }
}

/// Open the photo store: the bucket when `s3` is given, else `<data_dir>/photos` (created).
pub fn open(data_dir: &Path, s3: Option<&S3Config>) -> anyhow::Result<Arc<dyn ObjectStore>> {
    let Some(s3) = s3 else {
        let dir = data_dir.join("photos");
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the photo folder {}", dir.display()))?;
        let store = LocalFileSystem::new_with_prefix(&dir)
            .with_context(|| format!("cannot open the photo folder {}", dir.display()))?;
        return Ok(Arc::new(store));
    };
    let mut builder = AmazonS3Builder::new()
        .with_bucket_name(&s3.bucket)
        .with_region(&s3.region)
        .with_access_key_id(&s3.access_key_id)
        .with_secret_access_key(&s3.secret_access_key);
    if let Some(endpoint) = &s3.endpoint {
        // A local or private S3-compatible server: path-style URLs, plain HTTP allowed when
        // the operator named an http:// endpoint.
        builder = builder
            .with_endpoint(endpoint)
            .with_virtual_hosted_style_request(false)
            .with_allow_http(endpoint.starts_with("http://"));
    }
    let store = builder
        .build()
        .with_context(|| format!("cannot configure the photo bucket {}", s3.describe()))?;
    Ok(match s3.prefix.as_deref().filter(|p| !p.is_empty()) {
        Some(prefix) => Arc::new(PrefixStore::new(store, prefix)),
        None => Arc::new(store),
    })
}
