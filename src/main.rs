//! Flags and the choice of mode; everything else lives in the library.

use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "oktash",
    version,
    about = "A line-editing shell for the Okta management APIs"
)]
struct Cli {
    /// Start the built-in demo org on loopback and use it as environment "demo".
    #[arg(long)]
    demo: bool,
    /// Start in environment NAME.
    #[arg(short = 'e', long = "env", value_name = "NAME")]
    env: Option<String>,
    /// Run commands (separated by `;`), print, exit.
    #[arg(short = 'c', value_name = "COMMANDS", conflicts_with = "script")]
    commands: Option<String>,
    /// Answer yes to every confirmation (for scripts against protected environments).
    #[arg(long)]
    yes: bool,
    /// A script of commands to run (`-` reads stdin).
    script: Option<String>,
    #[command(subcommand)]
    sub: Option<Sub>,
}

#[derive(Subcommand)]
enum Sub {
    /// The built-in demo org.
    Demo {
        #[command(subcommand)]
        action: DemoAction,
    },
}

#[derive(Subcommand)]
enum DemoAction {
    /// Run the demo org alone in the foreground; prints its URL and tokens first.
    Serve(ServeArgs),
}

#[derive(Args)]
struct ServeArgs {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Number of users to seed.
    #[arg(long)]
    users: Option<usize>,
    /// Seed for the generated data.
    #[arg(long)]
    seed: Option<u64>,
    /// The admin API token.
    #[arg(long)]
    token: Option<String>,
    /// Requests per minute per rate-limit bucket.
    #[arg(long = "rate-limit")]
    rate_limit: Option<u32>,
    /// Fraction of requests that fail as real servers do (0 to 1).
    #[arg(long)]
    faults: Option<f64>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.sub {
        Some(Sub::Demo {
            action: DemoAction::Serve(args),
        }) => serve_demo(args),
        None => {
            eprintln!("oktash: the shell is not written yet");
            ExitCode::FAILURE
        }
    }
}

fn serve_demo(args: ServeArgs) -> ExitCode {
    let defaults = oktash::demo::DemoOptions::default();
    let options = oktash::demo::DemoOptions {
        port: args.port,
        users: args.users.unwrap_or(defaults.users),
        seed: args.seed.unwrap_or(defaults.seed),
        token: args.token.unwrap_or(defaults.token),
        readonly_token: defaults.readonly_token,
        rate_limit: args.rate_limit.unwrap_or(defaults.rate_limit),
        faults: args.faults.unwrap_or(defaults.faults),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("oktash: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(oktash::demo::serve_foreground(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oktash demo serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
