//! The `fieldbook-server` command: serve, add a user, load the demo data.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use chrono::FixedOffset;
use clap::{Args, Parser, Subcommand};
use fieldbook_model::Role;
use fieldbook_server::import::{self, LineOutcome};
use fieldbook_server::photo_store::S3Config;
use fieldbook_server::rate_limit::RateLimits;
use fieldbook_server::text::terminal_safe;
use fieldbook_server::users::{self, NewUser};
use std::time::Duration;

use fieldbook_server::{Config, JanitorSchedule, db, demo, janitor};
use tracing_subscriber::EnvFilter;

#[derive(Parser)]
#[command(name = "fieldbook-server", version, about = "Fieldbook's sync server")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API and the built PWA.
    Serve(ServeArgs),
    /// Create an account (password from FIELDBOOK_PASSWORD or --password).
    AddUser(AddUserArgs),
    /// Load the demo accounts and work orders without serving.
    Demo(DemoArgs),
    /// Disable an account: every session of it ends at once; it cannot sign in.
    DisableUser(UserArgs),
    /// Enable a disabled account again.
    EnableUser(UserArgs),
    /// Set a new password (from FIELDBOOK_PASSWORD or --password); every session ends.
    ResetPassword(ResetPasswordArgs),
    /// Change an account's role; it applies to the user's next request.
    SetRole(SetRoleArgs),
    /// Move an account to another team (班组), or out of every team with --no-team.
    SetTeam(SetTeamArgs),
    /// Remove half-written temporary files and objects no photo refers to, older than an age.
    Janitor(JanitorArgs),
    /// Import new work orders from the dispatcher's .xlsx or CSV (columns in import.rs); prints one line
    /// per record, imported or refused and why. Exit status 1 when any line was refused.
    ImportWorkOrders(ImportArgs),
    /// Import the cleaning areas, their checklist items and schedules from a CSV sheet
    /// (columns: team,area,kind,cleaner,patrol,item,schedule; see server/src/field_admin.rs).
    ImportAreas(ImportAreasArgs),
    /// Add a vacant unit and the cleaner responsible for it.
    AddUnit(UnitArgs),
    /// Mark a vacant unit as let: it leaves the cleaners' lists.
    LetUnit(UnitArgs),
}

#[derive(Args)]
struct JanitorArgs {
    /// Leave anything younger alone (a write may be in progress): 30m, 24h, 7d...
    #[arg(long, default_value = "24h", value_parser = janitor::parse_age)]
    older_than: Duration,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct UserArgs {
    #[arg(long)]
    username: String,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct ResetPasswordArgs {
    #[arg(long)]
    username: String,
    /// Prefer FIELDBOOK_PASSWORD: a password on the command line shows up in `ps`.
    #[arg(long, env = "FIELDBOOK_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct SetRoleArgs {
    #[arg(long)]
    username: String,
    #[arg(long, value_parser = parse_role)]
    role: Role,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct SetTeamArgs {
    #[arg(long)]
    username: String,
    #[arg(long, required_unless_present = "no_team")]
    team: Option<String>,
    #[arg(long, conflicts_with = "team")]
    no_team: bool,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct ImportArgs {
    /// The .xlsx or CSV file (UTF-8 or GBK), header row in English or Chinese.
    #[arg(long)]
    file: PathBuf,
    /// The time zone of times written without one, e.g. +08:00.
    #[arg(long, default_value = "+08:00", value_parser = parse_offset, allow_hyphen_values = true)]
    utc_offset: FixedOffset,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct ImportAreasArgs {
    /// The CSV sheet (UTF-8, with a header line).
    file: PathBuf,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_offset(s: &str) -> Result<FixedOffset, String> {
    s.parse::<FixedOffset>()
        .map_err(|_| "an offset like +08:00 or -05:00".to_string())
}

/// Open the database of `data` (creating the data directory for SQLite).
async fn open_db(data: &DataArgs) -> anyhow::Result<db::Db> {
    let config = data.config()?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    Ok(db::open(&config.database_url()).await?)
}

#[derive(Args)]
struct UnitArgs {
    #[arg(long)]
    team: String,
    /// e.g. "3栋 1204"
    #[arg(long)]
    name: String,
    /// The responsible cleaner's username (add-unit).
    #[arg(long)]
    responsible: Option<String>,
    /// Vacant since (add-unit) or let on (let-unit), YYYY-MM-DD; today if not given.
    #[arg(long)]
    date: Option<chrono::NaiveDate>,
    #[command(flatten)]
    data: DataArgs,
}

#[derive(Args)]
struct DataArgs {
    /// Holds fieldbook.sqlite and photos/.
    #[arg(long, default_value = ".fieldbook")]
    data_dir: PathBuf,
    /// Use this database instead of the SQLite file in the data directory: sqlite://PATH or
    /// postgres://USER:PASSWORD@HOST:PORT/DB.
    #[arg(long, env = "FIELDBOOK_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
    #[command(flatten)]
    s3: S3Args,
}

/// An S3-compatible bucket for the photos instead of the data directory's `photos/` folder.
#[derive(Args)]
struct S3Args {
    /// The bucket (it must exist). Setting it switches photos to S3.
    #[arg(long, env = "FIELDBOOK_S3_BUCKET")]
    s3_bucket: Option<String>,
    /// An S3-compatible server, e.g. http://127.0.0.1:3900 (Garage); unset for AWS S3.
    #[arg(long, env = "FIELDBOOK_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    #[arg(long, env = "FIELDBOOK_S3_REGION", default_value = "us-east-1")]
    s3_region: String,
    #[arg(long, env = "FIELDBOOK_S3_ACCESS_KEY_ID", hide_env_values = true)]
    s3_access_key_id: Option<String>,
    /// Prefer the environment variable: a secret on the command line shows up in `ps`.
    #[arg(long, env = "FIELDBOOK_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    s3_secret_access_key: Option<String>,
    /// Keep every photo under this folder of the bucket.
    #[arg(long, env = "FIELDBOOK_S3_PREFIX")]
    s3_prefix: Option<String>,
}

impl S3Args {
    fn config(&self) -> anyhow::Result<Option<S3Config>> {
        let Some(bucket) = self.s3_bucket.clone() else {
            return Ok(None);
        };
        let (Some(access_key_id), Some(secret_access_key)) = (
            self.s3_access_key_id.clone(),
            self.s3_secret_access_key.clone(),
        ) else {
            bail!(
                "--s3-bucket needs FIELDBOOK_S3_ACCESS_KEY_ID and FIELDBOOK_S3_SECRET_ACCESS_KEY"
            );
        };
        Ok(Some(S3Config {
            endpoint: self.s3_endpoint.clone(),
            bucket,
            region: self.s3_region.clone(),
            access_key_id,
            secret_access_key,
            prefix: self.s3_prefix.clone(),
        }))
    }
}

impl DataArgs {
    fn config(&self) -> anyhow::Result<Config> {
        Ok(Config {
            database_url: self.database_url.clone(),
            s3: self.s3.config()?,
            ..Config::new(&self.data_dir)
        })
    }
}

#[derive(Args)]
struct DemoArgs {
    #[command(flatten)]
    data: DataArgs,
    /// Also generate this many more work orders for engineer1 (benchmarks: a big list).
    #[arg(long, default_value_t = 0)]
    generate: usize,
    /// Also last month's closed orders, for the reports and scorecards.
    #[arg(long)]
    last_month: bool,
    /// Also yesterday's orders and field records, for the daily reports.
    #[arg(long)]
    yesterday: bool,
    /// Also this many field staff with a year of their engineers' closed orders (the company's
    /// size, for timing the reports and scorecards: server/benches/reports.rs), e.g. 2000.
    #[arg(long, default_value_t = 0)]
    demo_staff: usize,
    /// With --demo-staff: how many months of orders, ending with last month.
    #[arg(long, default_value_t = 12)]
    staff_months: u32,
    /// With --demo-staff: each engineer's orders a month.
    #[arg(long, default_value_t = 8)]
    staff_orders_per_month: usize,
}

#[derive(Args)]
struct ServeArgs {
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    #[command(flatten)]
    data: DataArgs,
    /// The PWA built by Trunk.
    #[arg(long, default_value = "dist")]
    dist: PathBuf,
    /// The office app built by Trunk (office/), served under /office/.
    #[arg(long, default_value = "dist-office")]
    office_dist: PathBuf,
    /// Load the demo data (idempotent) before serving.
    #[arg(long)]
    demo: bool,
    /// With --demo, also last month's closed orders (reports and scorecards have a month to count).
    #[arg(long)]
    demo_last_month: bool,
    /// With --demo, also yesterday's orders, checklists, rounds, a finding and a vacant-unit
    /// cleaning (the daily reports have a day to count).
    #[arg(long)]
    demo_yesterday: bool,
    /// Mark the session cookie Secure (when served over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// Run the janitor this often while serving (e.g. 6h); off by default.
    #[arg(long, env = "FIELDBOOK_JANITOR_EVERY", value_parser = janitor::parse_age)]
    janitor_every: Option<Duration>,
    /// The janitor's age: leftovers younger than this are kept.
    #[arg(long, env = "FIELDBOOK_JANITOR_OLDER_THAN", default_value = "24h", value_parser = janitor::parse_age)]
    janitor_older_than: Duration,
    /// Count rate limits by the last X-Forwarded-For address (only behind a proxy that sets it).
    #[arg(long, env = "FIELDBOOK_TRUST_FORWARDED_FOR")]
    trust_forwarded_for: bool,
    /// API requests one client may make per second, and three times that at once (the load
    /// benchmark raises it: its simulated phones ask far faster than real ones).
    #[arg(long, env = "FIELDBOOK_REQUESTS_PER_SECOND", default_value_t = 100)]
    requests_per_second: u32,
}

#[derive(Args)]
struct AddUserArgs {
    #[arg(long)]
    username: String,
    #[arg(long, value_parser = parse_role)]
    role: Role,
    /// The name people see, e.g. "张伟".
    #[arg(long)]
    name: String,
    /// The team (班组) of a cleaner or supervisor, e.g. "team-a".
    #[arg(long)]
    team: Option<String>,
    /// Prefer FIELDBOOK_PASSWORD: a password on the command line shows up in `ps`.
    #[arg(long, env = "FIELDBOOK_PASSWORD", hide_env_values = true)]
    password: Option<String>,
    #[command(flatten)]
    data: DataArgs,
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
        format!("one of: {}", names.join(", "))
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run_command().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Errors quote files and arguments as they were (a column heading, a ticket).
            eprintln!("Error: {}", terminal_safe(&format!("{e:?}")));
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run_command() -> anyhow::Result<()> {
    // Logs go to stderr: stdout carries only the startup banner.
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .fmt_fields(fieldbook_server::text::log_fields())
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match Cli::parse().command {
        Command::Serve(args) => {
            let config = Config {
                dist: args.dist,
                office_dist: args.office_dist,
                demo: args.demo || args.demo_last_month || args.demo_yesterday,
                demo_last_month: args.demo_last_month,
                demo_yesterday: args.demo_yesterday,
                secure_cookies: args.secure_cookies,
                janitor: args.janitor_every.map(|every| JanitorSchedule {
                    every,
                    older_than: args.janitor_older_than,
                }),
                rate_limits: RateLimits {
                    trust_forwarded_for: args.trust_forwarded_for,
                    requests_per_second: f64::from(args.requests_per_second),
                    request_burst: args.requests_per_second.saturating_mul(3),
                    ..RateLimits::default()
                },
                ..args.data.config()?
            };
            let listener = tokio::net::TcpListener::bind(args.addr)
                .await
                .with_context(|| format!("cannot listen on {}", args.addr))?;
            fieldbook_server::serve(config, listener).await
        }
        Command::AddUser(args) => add_user(args).await,
        Command::DisableUser(args) => {
            let pool = open_db(&args.data).await?;
            let ended = users::set_disabled(&pool, &args.username, true).await;
            pool.close().await;
            println!("Disabled {}; {} session(s) ended", args.username, ended?);
            Ok(())
        }
        Command::EnableUser(args) => {
            let pool = open_db(&args.data).await?;
            let done = users::set_disabled(&pool, &args.username, false).await;
            pool.close().await;
            done?;
            println!("Enabled {}", args.username);
            Ok(())
        }
        Command::ResetPassword(args) => {
            let Some(password) = args.password else {
                bail!("no password: set FIELDBOOK_PASSWORD (or pass --password)");
            };
            let pool = open_db(&args.data).await?;
            let ended = users::reset_password(&pool, &args.username, password).await;
            pool.close().await;
            println!(
                "New password set for {}; {} session(s) ended",
                args.username, ended?
            );
            Ok(())
        }
        Command::SetRole(args) => {
            let pool = open_db(&args.data).await?;
            let done = users::set_role(&pool, &args.username, args.role).await;
            pool.close().await;
            done?;
            println!("{} is now {}", args.username, args.role.as_str());
            Ok(())
        }
        Command::SetTeam(args) => {
            let pool = open_db(&args.data).await?;
            let team = args
                .team
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty());
            let done = users::set_team(&pool, &args.username, team).await;
            pool.close().await;
            done?;
            println!("{} is now in {}", args.username, team.unwrap_or("no team"));
            Ok(())
        }
        Command::ImportWorkOrders(args) => import_work_orders(args).await,
        Command::Janitor(args) => {
            let config = args.data.config()?;
            let store = config.photo_store()?;
            let pool = open_db(&args.data).await?;
            let report = janitor::run(
                &pool,
                store.as_ref(),
                config.local_photo_dir().as_deref(),
                args.older_than,
            )
            .await;
            pool.close().await;
            let report = report?;
            println!(
                "Removed {} half-written file(s) and {} unreferenced object(s); kept {} photo(s) \
                 and {} unreferenced object(s) younger than the age; left {} object(s) outside \
                 wo-/ alone",
                report.temp_files_removed,
                report.orphans_removed,
                report.referenced,
                report.young_orphans_kept,
                report.out_of_scope
            );
            Ok(())
        }
        Command::ImportAreas(args) => import_areas(args).await,
        Command::AddUnit(args) => unit(args, true).await,
        Command::LetUnit(args) => unit(args, false).await,
        Command::Demo(args) => {
            let config = Config {
                demo: true,
                demo_last_month: args.last_month,
                demo_yesterday: args.yesterday,
                ..args.data.config()?
            };
            let (_, state) = fieldbook_server::build(&config).await?;
            if args.generate > 0 {
                let n = demo::generate(&state.db, "engineer1", args.generate).await?;
                println!("Generated {n} more work orders for engineer1");
            }
            if args.demo_staff > 0 {
                let added = fieldbook_server::demo_staff::generate(
                    &state.db,
                    args.demo_staff,
                    args.staff_months,
                    args.staff_orders_per_month,
                    chrono::Utc::now(),
                )
                .await?;
                println!(
                    "Added {} field staff ({} engineers in all) and {} work orders",
                    added.users, added.engineers, added.work_orders
                );
            }
            state.db.close().await;
            println!(
                "Demo data loaded into {}",
                db::redact(&config.database_url())
            );
            println!("{}", demo::sign_in_hint());
            Ok(())
        }
    }
}

async fn import_work_orders(args: ImportArgs) -> anyhow::Result<()> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let pool = open_db(&args.data).await?;
    let reports = import::import(&pool, &bytes, args.utc_offset).await;
    pool.close().await;
    let reports = reports?;
    let mut refused = 0;
    for report in &reports {
        match &report.outcome {
            LineOutcome::Imported { ticket } => {
                println!("line {}: imported {}", report.line, terminal_safe(ticket))
            }
            LineOutcome::Refused { reason } => {
                refused += 1;
                println!("line {}: refused: {}", report.line, terminal_safe(reason));
            }
        }
    }
    println!("{} imported, {refused} refused", reports.len() - refused);
    if refused > 0 {
        std::process::exit(1);
    }
    Ok(())
}

async fn import_areas(args: ImportAreasArgs) -> anyhow::Result<()> {
    let csv = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let pool = open_db(&args.data).await?;
    let report = fieldbook_server::field_admin::import_areas(&pool, &csv).await;
    pool.close().await;
    let report = report.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "Areas: {} new, {} updated. Items: {} new, {} retired.",
        report.areas_created, report.areas_updated, report.items_created, report.items_retired
    );
    for (line, why) in &report.refused {
        println!("line {line}: refused: {}", terminal_safe(why));
    }
    if !report.refused.is_empty() {
        bail!(
            "{} lines were refused (the others were imported)",
            report.refused.len()
        );
    }
    Ok(())
}

async fn unit(args: UnitArgs, add: bool) -> anyhow::Result<()> {
    let pool = open_db(&args.data).await?;
    let date = args
        .date
        .unwrap_or_else(|| fieldbook_model::op::naming_date(chrono::Utc::now()));
    let done = if add {
        let Some(responsible) = args.responsible.as_deref() else {
            bail!("add-unit needs --responsible <cleaner's username>");
        };
        fieldbook_server::field_admin::add_unit(&pool, &args.team, &args.name, responsible, date)
            .await
            .map(|id| println!("Added {} ({id})", args.name))
    } else {
        fieldbook_server::field_admin::let_unit(&pool, &args.team, &args.name, date)
            .await
            .map(|()| println!("{} is let from {date}", args.name))
    };
    pool.close().await;
    done.map_err(|e| anyhow::anyhow!("{e}"))
}

async fn add_user(args: AddUserArgs) -> anyhow::Result<()> {
    let Some(password) = args.password else {
        bail!("no password: set FIELDBOOK_PASSWORD (or pass --password)");
    };
    let config = args.data.config()?;
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create {}", config.data_dir.display()))?;
    let pool = db::open(&config.database_url()).await?;
    let user = NewUser {
        username: args.username,
        display_name: args.name,
        role: args.role,
        team: args.team,
    };
    let created = users::create(&pool, user, password).await;
    pool.close().await;
    let created = created?;
    println!(
        "Created {} ({}, {})",
        created.username,
        created.display_name,
        created.role.as_str()
    );
    Ok(())
}
