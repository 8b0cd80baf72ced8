//! The `teilhabe` command line: serve (default), migrate, user create, schema.

use std::io::Read;

use clap::{Parser, Subcommand};

use crate::{
    App,
    accounts::{
        entities::Role,
        service::{self, NewUser},
    },
    config::Config,
    error::{Error, Result},
};

#[derive(Parser)]
#[command(name = "teilhabe", version, about = "Leitbild Migration und Integration: Beteiligung und Monitoring")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the web server and the scheduler (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Manage people.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Load an example city (organisations, people, …), marked as example content.
    Demo {
        /// `large`: ten years of a city's monitoring on top (the benchmark's data set).
        #[arg(long, value_enum, default_value = "small")]
        size: DemoSize,
    },
    /// Import data files into the monitoring.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Ask the running server's `/healthz` (at TEILHABE_BIND, or --url); exit 0 when it answers
    /// 200 within two seconds, else 1. For container health checks: the image has no curl.
    Healthcheck {
        /// Base URL of the server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        url: Option<String>,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum DemoSize {
    Small,
    Large,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a person; the password is read from stdin or, without --password-stdin, generated.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "MEMBER")]
        role: Role,
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum ImportCommand {
    /// A GENESIS flat file (CSV or the ZIP it comes in) for an indicator with a mapped table;
    /// prints what it creates, changes or leaves, every marker and every line error.
    Genesis {
        file: std::path::PathBuf,
        /// The indicator's code.
        #[arg(long)]
        indicator: String,
        /// Show what would change, write nothing.
        #[arg(long)]
        dry_run: bool,
        /// When the file was downloaded (YYYY-MM-DD); today by default.
        #[arg(long)]
        retrieved: Option<chrono::NaiveDate>,
    },
}

/// The import report as text: one line per period, marker and error.
pub fn import_lines(report: &crate::indicators::import::ImportReport) -> Vec<String> {
    let c = &report.counts;
    let mut out = vec![format!(
        "{} {} ← {}: {} neu, {} geändert, {} unverändert, {} abgelehnt, {} Zeichen, {} Fehler{}",
        if report.dry_run { "Probelauf" } else { "Import" },
        report.indicator_code,
        report.table_code,
        c.created,
        c.changed,
        c.unchanged,
        c.refused,
        c.markers,
        c.errors,
        if report.applied { " – übernommen" } else { "" },
    )];
    for p in &report.periods {
        let reason = p.reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default();
        out.push(format!("  {} {:?} {} (Zeile {}){reason}", p.period, p.outcome, p.value, p.line));
    }
    for m in &report.markers {
        out.push(format!("  Zeile {}: {} „{}“ – {}", m.line, m.time, m.marker, m.meaning));
    }
    for e in &report.errors {
        out.push(format!("  Fehler in Zeile {}: {}", e.line, e.message));
    }
    out
}

impl clap::ValueEnum for Role {
    fn value_variants<'a>() -> &'a [Self] {
        &[Role::Admin, Role::Coordinator, Role::Member]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self {
            Role::Admin => "ADMIN",
            Role::Coordinator => "COORDINATOR",
            Role::Member => "MEMBER",
        }))
    }
}

/// `GET <base>/healthz` over plain HTTP/1.0 with `limit` for the whole exchange.
pub async fn healthcheck(base: &str, limit: std::time::Duration) -> Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = url::Url::parse(base).map_err(|e| Error::config("--url", e.to_string()))?;
    let host = url.host_str().ok_or_else(|| Error::config("--url", "no host"))?.to_string();
    let port = url.port_or_known_default().unwrap_or(80);
    let exchange = async {
        let mut stream = tokio::net::TcpStream::connect((host.as_str(), port)).await?;
        let request = format!("GET /healthz HTTP/1.0\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        let mut head = Vec::new();
        stream.take(1024).read_to_end(&mut head).await?;
        Ok::<_, std::io::Error>(head)
    };
    let head = tokio::time::timeout(limit, exchange)
        .await
        .map_err(|_| Error::internal(format!("no answer from {base} within {limit:?}")))?
        .map_err(|e| Error::internal(format!("{base}: {e}")))?;
    let status = String::from_utf8_lossy(&head);
    let status = status.lines().next().unwrap_or_default();
    // "HTTP/1.1 200 OK": the second word is the status code.
    match status.split_whitespace().nth(1) {
        Some("200") => Ok(()),
        _ => Err(Error::internal(format!("{base}/healthz answered {status:?}"))),
    }
}

/// The address to ask for the local server: TEILHABE_BIND, an unspecified address as loopback.
fn local_base(config: &Config) -> String {
    let mut addr = config.bind;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() { [127, 0, 0, 1].into() } else { std::net::Ipv6Addr::LOCALHOST.into() });
    }
    format!("http://{addr}")
}

/// The start-up line: version, database kind and where mails go; never a URL with a password.
fn log_start(config: &Config) {
    let database = if config.database_url.starts_with("postgres") { "postgres" } else { "sqlite" };
    tracing::info!(
        version = %env!("CARGO_PKG_VERSION"),
        database = %database,
        mail = %crate::notifications::mailer::Mailer::describe(config),
        "teilhabe starting"
    );
}

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let config = Config::from_env()?;
            log_start(&config);
            App::build(config).await?.serve().await
        }
        Command::Healthcheck { url } => {
            let base = match url {
                Some(u) => u,
                None => local_base(&Config::from_env()?),
            };
            healthcheck(base.trim_end_matches('/'), std::time::Duration::from_secs(2)).await
        }
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = crate::db::connect(&config.database_url, Default::default()).await?;
            crate::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo { size } => {
            let app = App::build(Config::from_env()?).await?;
            let bar = crate::progress::Terminal::new(crate::demo::steps());
            let summary = crate::demo::load_with(&app.state, &bar).await;
            bar.finish();
            let summary = summary?;
            if let DemoSize::Large = size {
                crate::demo::large::grow(&app.state, crate::demo::large::Size::TEN_YEARS).await?;
                println!("grown to ten years: {:?}", crate::demo::large::Size::TEN_YEARS);
            }
            println!("demo loaded: {} organisations, {} people", summary.organizations, summary.people.len());
            println!("log in as any of them with the password {}:", crate::demo::DEMO_PASSWORD);
            for email in summary.people {
                println!("  {email}");
            }
            Ok(())
        }
        Command::Import { command: ImportCommand::Genesis { file, indicator, dry_run, retrieved } } => {
            use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
            let bytes =
                std::fs::read(&file).map_err(|e| Error::validation("FILE", format!("{}: {e}", file.display())))?;
            let app = App::build(Config::from_env()?).await?;
            let ind = crate::indicators::entities::indicator::Entity::find()
                .filter(crate::indicators::entities::indicator::Column::Code.eq(indicator.trim()))
                .one(&app.state.db)
                .await?
                .ok_or(Error::NotFound("indicator"))?;
            let options = crate::indicators::import::ImportOptions { dry_run, retrieved_on: retrieved };
            let spinner = crate::progress::Terminal::working(&format!("{}: {}", ind.code, file.display()));
            let report = crate::indicators::import::import_genesis(
                &app.state,
                crate::indicators::import::Importer::Operator,
                ind.id,
                &bytes,
                options,
            )
            .await;
            spinner.finish();
            let report = report?;
            for line in import_lines(&report) {
                println!("{line}");
            }
            if report.errors.is_empty() {
                Ok(())
            } else {
                Err(Error::validation("FILE", format!("{} line errors, nothing imported", report.errors.len())))
            }
        }
        Command::Schema => {
            print!("{}", crate::graphql::sdl());
            Ok(())
        }
        Command::User { command: UserCommand::Create { email, name, role, password_stdin } } => {
            let (password, generated) = if password_stdin {
                let mut buf = String::new();
                std::io::stdin().read_to_string(&mut buf).map_err(Error::internal)?;
                (buf.trim_end_matches(['\r', '\n']).to_string(), false)
            } else {
                let mut bytes = [0u8; 18];
                rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
                (base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, bytes), true)
            };
            let app = App::build(Config::from_env()?).await?;
            let user = service::create_user(
                &app.state,
                None,
                NewUser { email, name, password: password.clone(), role, organization_ids: vec![] },
            )
            .await?;
            println!("created {} ({:?}) with id {}", user.email, user.role, user.id);
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
    }
}
