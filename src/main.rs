//! The certsprint command line: the bot (default), bank checks, terminal practice, migrations,
//! backups, restore and the health check.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use certsprint::bank::report::Report;
use certsprint::bank::{self, Bank};
use certsprint::clock::SystemClock;
use certsprint::config::{self, LogFormat};
use certsprint::database_lock::DatabaseLock;
use certsprint::ops::{GatewayStatus, Health, OpsServer};
use certsprint::practice::{self, PracticeOptions};
use certsprint::quiz::Engine;
use certsprint::random::RandomSource;
use certsprint::schedule::Backups;
use certsprint::shards::ShardRange;
use certsprint::store::{database_file, Backend, Store, POSTGRES_BACKUPS};

#[derive(Parser)]
#[command(
    name = "certsprint",
    version,
    about = "A Discord study bot for the AWS AI certifications"
)]
struct Cli {
    #[command(flatten)]
    common: Common,
    #[command(subcommand)]
    command: Option<Command>,
}

/// `run`'s settings alone, for a bare `certsprint`.
#[derive(Parser)]
struct RunFromEnvironment {
    #[command(flatten)]
    args: RunArgs,
}

#[derive(Args, Clone)]
struct Common {
    /// SQLite database URL; the file is created on first run.
    #[arg(long, env = "DATABASE_URL", default_value = config::DEFAULT_DATABASE_URL, global = true)]
    database_url: String,
    /// Extra bank directory (<dir>/<exam-id>/*.toml) laid over the shipped banks.
    #[arg(long = "questions", env = "CERTSPRINT_QUESTIONS", global = true)]
    questions: Option<PathBuf>,
    /// Log lines as readable text (the default) or one JSON object per line: text or json.
    #[arg(long, env = "CERTSPRINT_LOG_FORMAT", global = true)]
    log_format: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the Discord bot (the default).
    Run(RunArgs),
    /// Work with the question banks.
    Bank {
        #[command(subcommand)]
        command: BankCommand,
    },
    /// Practise in the terminal, on the same engine and database as the bot.
    Practice(PracticeArgs),
    /// Create or update the database schema, then exit.
    Migrate,
    /// Write a consistent copy of the database while the bot keeps running.
    Backup {
        /// Where to write the copy (must not exist yet).
        file: PathBuf,
    },
    /// Check a backup and put it in place of the database (only while the bot is stopped).
    /// The replaced database is kept as <database>.before-restore.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Copy a SQLite database into an empty PostgreSQL one (stop the bot first), then compare
    /// every table's row count. Both are brought to this build's schema first.
    MigrateData {
        /// The SQLite database to copy, e.g. sqlite:certsprint.db.
        #[arg(long)]
        from: String,
        /// The empty PostgreSQL database to fill, e.g. postgres://certsprint@db/certsprint.
        #[arg(long)]
        to: String,
    },
    /// Ask the running bot's /healthz: exit 0 when healthy, 1 with the reason otherwise.
    Health {
        /// Where the bot serves health and metrics (as given to `run`).
        #[arg(long, env = "CERTSPRINT_METRICS_ADDR")]
        metrics_addr: Option<String>,
    },
}

#[derive(Args, Default)]
struct RunArgs {
    /// The bot token (from the Discord developer portal). Never logged.
    #[arg(long, env = "DISCORD_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Base URL for Discord's REST API: a rate-limiting proxy, or a local Discord-compatible server.
    #[arg(long, env = "DISCORD_API_URL")]
    api_url: Option<String>,
    /// Register commands in this guild only (instant updates while developing).
    #[arg(long, env = "CERTSPRINT_DEV_GUILD")]
    dev_guild: Option<u64>,
    /// Take a backup every period into this directory (backups are off unless it is set).
    #[arg(long, env = "CERTSPRINT_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// How often to back up: 30m, 6h, 24h, 7d (default 24h).
    #[arg(long, env = "CERTSPRINT_BACKUP_EVERY")]
    backup_every: Option<String>,
    /// How many backups to keep, newest first (default 7).
    #[arg(long, env = "CERTSPRINT_BACKUP_KEEP")]
    backup_keep: Option<usize>,
    /// Serve /healthz and /metrics on this address (off when unset), e.g. 127.0.0.1:9184.
    #[arg(long, env = "CERTSPRINT_METRICS_ADDR")]
    metrics_addr: Option<String>,
    /// Allow a metrics address other machines can reach (not loopback).
    #[arg(long, env = "CERTSPRINT_METRICS_PUBLIC")]
    metrics_public: bool,
    /// Run only gateway shards FIRST to LAST of TOTAL, e.g. 0-3/8 (default: as many shards as
    /// Discord recommends, all in this process). Each process does the timed work of the guilds
    /// on its shards; the one holding shard 0 registers the slash commands.
    #[arg(long, env = "CERTSPRINT_SHARDS")]
    shards: Option<ShardRange>,
}

#[derive(Subcommand)]
enum BankCommand {
    /// Check the banks and print a coverage report per exam. Exits non-zero on any problem.
    Check {
        /// A bank directory (<dir>/<exam-id>/*.toml) to check over the shipped banks.
        dir: Option<PathBuf>,
        /// Check DIR alone, without the shipped banks.
        #[arg(long, requires = "dir")]
        only: bool,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also fail when a pack misses a coverage target.
        #[arg(long)]
        strict: bool,
        /// With DIR: list the item warnings (cues, currency) of every file, not only DIR's.
        #[arg(long, requires = "dir")]
        all_warnings: bool,
    },
    /// Item statistics from the answers in a database: the questions whose key needs checking
    /// and the worst of the rest. Reads only; safe while the bot runs.
    Stats {
        /// The database file (default: the one --database-url names).
        #[arg(long)]
        db: Option<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// One guild's answers only (default: every guild's).
        #[arg(long)]
        guild: Option<u64>,
        /// One exam's items only, e.g. aif-c01.
        #[arg(long)]
        exam: Option<String>,
        /// Items per list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
}

#[derive(Args)]
struct PracticeArgs {
    /// An exam id such as aif-c01, mla-c02 or aip-c01 (asked when left out).
    #[arg(long, short)]
    exam: Option<String>,
    /// Only this domain number.
    #[arg(long, short)]
    domain: Option<u8>,
    /// How many questions.
    #[arg(long, short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=200))]
    count: u32,
    /// Your name in the practice history.
    #[arg(long, env = "USER", default_value = "you", hide_env_values = true)]
    name: String,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(dispatch(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<ExitCode> {
    let common = cli.common;
    let log_format = LogFormat::parse(common.log_format.as_deref())?;
    let init_logging = |default: &str| init_logging(default, log_format);
    // No subcommand means `run`, with its settings read from the environment as `run` reads them.
    let command = cli
        .command
        .unwrap_or_else(|| Command::Run(RunFromEnvironment::parse_from(["certsprint"]).args));
    match command {
        Command::Run(args) => {
            init_logging("info");
            run_bot(&common, args).await
        }
        Command::Bank {
            command:
                BankCommand::Check {
                    dir,
                    only,
                    json,
                    strict,
                    all_warnings,
                },
        } => {
            init_logging("warn");
            bank_check(&common, dir, only, json, strict, all_warnings)
        }
        Command::Bank {
            command:
                BankCommand::Stats {
                    db,
                    json,
                    guild,
                    exam,
                    limit,
                },
        } => {
            init_logging("warn");
            let options = certsprint::item_report::Options { guild, exam, limit };
            bank_stats(&common, db, json, options).await
        }
        Command::Practice(args) => {
            init_logging("warn");
            practice(&common, args).await
        }
        Command::Migrate => {
            init_logging("info");
            let store = open_store(&common).await?;
            store.close().await;
            println!("database is up to date: {}", common.database_url);
            Ok(ExitCode::SUCCESS)
        }
        Command::MigrateData { from, to } => {
            init_logging("warn");
            migrate_data(&from, &to).await
        }
        Command::Backup { file } => {
            init_logging("warn");
            let url = config::database_url(&common.database_url)?;
            anyhow::ensure!(Backend::of(&url) == Backend::Sqlite, POSTGRES_BACKUPS);
            anyhow::ensure!(
                !file.exists(),
                "{} already exists; choose a new file name",
                file.display()
            );
            let store = open_store(&common).await?;
            store
                .backup(&file)
                .await
                .with_context(|| format!("backing up to {}", file.display()))?;
            store.close().await;
            println!("backup written to {}", file.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Restore { file } => {
            init_logging("warn");
            let url = config::database_url(&common.database_url)?;
            anyhow::ensure!(Backend::of(&url) == Backend::Sqlite, POSTGRES_BACKUPS);
            let restored = certsprint::restore::restore(&file, &url).await?;
            println!(
                "restored {} to {}",
                file.display(),
                restored.database.display()
            );
            if let Some(previous) = restored.previous {
                println!("the previous database is kept as {}", previous.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Health { metrics_addr } => {
            init_logging("warn");
            health(metrics_addr.as_deref()).await
        }
    }
}

fn init_logging(default: &str, format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.init(),
        LogFormat::Json => {
            logs.json().init();
            // A log shipper reads a panic too, as one more JSON line.
            std::panic::set_hook(Box::new(|panic| {
                tracing::error!(panic = %panic, "panicked");
            }));
        }
    }
}

/// `certsprint health`: the bot's own health check, for a container runtime or a timer.
async fn health(metrics_addr: Option<&str>) -> anyhow::Result<ExitCode> {
    // The client only connects: an address the listener accepted is fine to ask.
    let addr = config::metrics_addr(metrics_addr, true)?.context(
        "CERTSPRINT_METRICS_ADDR is not set: give the address `run` serves health on (--metrics-addr)",
    )?;
    match certsprint::ops::get_health(addr).await {
        Ok(body) => {
            println!("{body}");
            Ok(ExitCode::SUCCESS)
        }
        Err(reason) => {
            eprintln!("{reason}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `certsprint migrate-data`: SQLite in, PostgreSQL out, every row, counts compared.
async fn migrate_data(from: &str, to: &str) -> anyhow::Result<ExitCode> {
    let from = config::database_url(from)?;
    let to = config::database_url(to)?;
    anyhow::ensure!(
        Backend::of(&from) == Backend::Sqlite && Backend::of(&to) == Backend::Postgres,
        "migrate-data copies a SQLite database (--from sqlite:...) into a PostgreSQL one (--to postgres://...)"
    );
    // The bot must not write to the SQLite file while it is copied.
    let _stopped = DatabaseLock::acquire(&database_file(&from)?)?;
    let source = Store::open(&from)
        .await
        .with_context(|| format!("opening {from}"))?;
    let target = Store::open(&to)
        .await
        .context("opening the PostgreSQL database")?;
    let copied = source.copy_into(&target).await.context("copying")?;
    let counted = target.table_counts().await?;
    source.close().await;
    target.close().await;
    for (table, rows) in &copied.tables {
        println!("{table:<16} {rows:>9} rows");
    }
    anyhow::ensure!(
        copied.tables == counted,
        "the copy's row counts differ from the source's: {counted:?}"
    );
    println!("copied every row; point DATABASE_URL at the PostgreSQL database and start the bot");
    Ok(ExitCode::SUCCESS)
}

async fn open_store(common: &Common) -> anyhow::Result<Store> {
    let url = config::database_url(&common.database_url)?;
    Store::open(&url)
        .await
        .with_context(|| format!("opening the database {url}"))
}

/// Loads the shipped banks (and the configured overlay); any problem stops the start.
fn load_bank(common: &Common) -> anyhow::Result<Arc<Bank>> {
    let overlay = config::questions_dir(common.questions.clone())?;
    let loaded = bank::load_layered(overlay.as_deref()).context("reading the question banks")?;
    if !loaded.problems.is_empty() {
        for problem in &loaded.problems {
            eprintln!("error: {problem}");
        }
        anyhow::bail!("the question banks have {} problem(s); run `certsprint bank check` for the full report", loaded.problems.len());
    }
    Ok(Arc::new(loaded.bank))
}

fn bank_check(
    common: &Common,
    dir: Option<PathBuf>,
    only: bool,
    json: bool,
    strict: bool,
    all_warnings: bool,
) -> anyhow::Result<ExitCode> {
    let files = match (dir, only) {
        (Some(dir), true) => {
            bank::source::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
        }
        (Some(dir), false) => bank::source::layer(
            bank::source::embedded_files(),
            bank::source::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?,
        ),
        (None, _) => match config::questions_dir(common.questions.clone())? {
            Some(overlay) => bank::source::layer(
                bank::source::embedded_files(),
                bank::source::read_dir(&overlay)?,
            ),
            None => bank::source::embedded_files(),
        },
    };
    let loaded = bank::check(&files);
    let mut report = Report::new(&loaded);
    let drafts: std::collections::HashSet<String> = files
        .iter()
        .filter(|file| !file.shipped)
        .map(|file| file.display.clone())
        .collect();
    if !drafts.is_empty() && !all_warnings {
        report.only_warnings_in(&drafts);
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    let failed = !report.is_clean() || (strict && report.warning_count() > 0);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `certsprint bank stats`: opens the database read-only (no lock needed: it never writes) and
/// loads the banks as `bank check` does, so items are marked against the keys the bot uses.
async fn bank_stats(
    common: &Common,
    db: Option<PathBuf>,
    json: bool,
    options: certsprint::item_report::Options,
) -> anyhow::Result<ExitCode> {
    let url = match db {
        Some(file) => {
            anyhow::ensure!(file.exists(), "{} does not exist", file.display());
            format!("sqlite:{}", file.display())
        }
        None => config::database_url(&common.database_url)?,
    };
    let overlay = config::questions_dir(common.questions.clone())?;
    let loaded = bank::load_layered(overlay.as_deref()).context("reading the question banks")?;
    for problem in &loaded.problems {
        eprintln!("warning: {problem}");
    }
    let store = Store::open_read_only(&url)
        .await
        .with_context(|| format!("opening {url} read-only"))?;
    let engine = Engine::new(
        store.clone(),
        Arc::new(loaded.bank),
        Arc::new(SystemClock),
        Arc::new(RandomSource::from_os()),
    );
    if let Some(exam) = &options.exam {
        anyhow::ensure!(
            engine.bank.exam(exam).is_some(),
            "there is no exam {exam:?} in the banks"
        );
    }
    let stats = engine
        .item_stats(options.guild, options.exam.as_deref())
        .await;
    store.close().await;
    let stats = stats?;
    let report = certsprint::item_report::ItemReport::new(&options, &stats);
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.to_text());
    }
    Ok(ExitCode::SUCCESS)
}

async fn practice(common: &Common, args: PracticeArgs) -> anyhow::Result<ExitCode> {
    let bank = load_bank(common)?;
    let store = open_store(common).await?;
    let engine = Engine::new(
        store.clone(),
        bank,
        Arc::new(SystemClock),
        Arc::new(RandomSource::from_os()),
    );
    let term = console::Term::stdout();
    let options = PracticeOptions {
        exam: args.exam,
        domain: args.domain,
        count: args.count,
        name: args.name,
        colors: console::colors_enabled(),
        width: usize::from(term.size().1).min(100),
    };
    let stdin = tokio::io::BufReader::new(tokio::io::stdin());
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let mut stdout = std::io::stdout();
    let result = practice::run(&engine, &options, stdin, &mut stdout, interrupt).await;
    store.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn run_bot(common: &Common, args: RunArgs) -> anyhow::Result<ExitCode> {
    let token = config::Token::parse(args.token.as_deref())?;
    let api_url = config::api_url(args.api_url.as_deref())?;
    let backups = config::backup_settings(
        args.backup_dir,
        args.backup_every.as_deref(),
        args.backup_keep,
    )?;
    let metrics_addr = config::metrics_addr(args.metrics_addr.as_deref(), args.metrics_public)?;
    // Everything that can fail runs before the client connects: never online but deaf.
    let url = config::database_url(&common.database_url)?;
    // Held until the process ends: `restore` refuses while it is held (see database_lock).
    // PostgreSQL serves several processes at once and is backed up by its own tools.
    let _running = match Backend::of(&url) {
        Backend::Sqlite => Some(DatabaseLock::acquire(&database_file(&url)?)?),
        Backend::Postgres => {
            anyhow::ensure!(backups.is_none(), POSTGRES_BACKUPS);
            None
        }
    };
    let bank = load_bank(common)?;
    let store = open_store(common).await?.for_shards(args.shards);
    let gateway = GatewayStatus::default();
    let settings = certsprint::discord::Settings {
        token,
        api_url,
        dev_guild: args.dev_guild,
        shards: args.shards,
        gateway: gateway.clone(),
    };
    let engine = Engine::new(
        store.clone(),
        bank,
        Arc::new(SystemClock),
        Arc::new(RandomSource::from_os()),
    );
    let (stop_backups, backups_stop) = tokio::sync::watch::channel(false);
    let backups = backups
        .map(|settings| tokio::spawn(Backups::new(engine.clone(), settings).run(backups_stop)));
    // Bound before the bot connects, so a taken port stops the start like any other setting.
    let _ops = match metrics_addr {
        Some(addr) => Some(
            OpsServer::start(
                addr,
                Health {
                    engine: engine.clone(),
                    gateway,
                },
            )
            .await?,
        ),
        None => None,
    };
    let result = certsprint::discord::run(engine, settings).await;
    let _ = stop_backups.send(true);
    if let Some(backups) = backups {
        // A backup under way finishes first: it is a read, and the copy stays whole.
        let _ = backups.await;
    }
    store.close().await;
    result?;
    Ok(ExitCode::SUCCESS)
}
