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
    Demo,
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

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => App::build(Config::from_env()?).await?.serve().await,
        Command::Migrate => {
            let config = Config::from_env()?;
            let db = crate::db::connect(&config.database_url, Default::default()).await?;
            crate::db::migrate(&db).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let app = App::build(Config::from_env()?).await?;
            let summary = crate::demo::load(&app.state).await?;
            println!("demo loaded: {} organisations, {} people", summary.organizations, summary.people.len());
            println!("log in as any of them with the password {}:", crate::demo::DEMO_PASSWORD);
            for email in summary.people {
                println!("  {email}");
            }
            Ok(())
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
