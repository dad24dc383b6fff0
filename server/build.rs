// `sqlx::migrate!` embeds the migration folders at compile time: a new migration file must make
// the server build again (without this, an incremental build kept the old list).
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
