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
    /// In a script, go on after a failed line (and exit non-zero at the end).
    #[arg(short = 'k', long = "keep-going")]
    keep_going: bool,
    /// Responses kept in the history before the oldest are dropped.
    #[arg(long = "keep", value_name = "N", default_value_t = 1000)]
    keep_entries: usize,
    /// Megabytes of responses kept in the history before the oldest are dropped.
    #[arg(long = "keep-mb", value_name = "MB", default_value_t = 256)]
    keep_mb: usize,
    /// Requests of a fan-out (`get $last.id`, a write over a list) in flight at once (Okta allows
    /// an org 75).
    #[arg(long, value_name = "N", default_value_t = oktash::eval::DEFAULT_PARALLEL as u64,
          value_parser = clap::value_parser!(u64).range(1..=75))]
    parallel: u64,
    /// Megabytes of one response body read into memory; a larger answer fails with this cap named.
    #[arg(long = "max-body-mb", value_name = "MB", default_value_t = oktash::http::DEFAULT_MAX_BODY_MB)]
    max_body_mb: u64,
    /// Seconds one request may take, every retry included, before it fails.
    #[arg(long = "timeout", value_name = "SECS", default_value_t = oktash::http::DEFAULT_TIMEOUT.as_secs(), value_parser = clap::value_parser!(u64).range(1..))]
    timeout: u64,
    /// For a room: wider tables of fewer columns, nothing dimmed, short history lines.
    #[arg(long)]
    big: bool,
    /// With --demo: every answer of the demo org waits MS milliseconds, plus up to JITTER more.
    #[arg(long, value_name = "MS[,JITTER]", requires = "demo")]
    latency: Option<oktash_demo::Latency>,
    /// Present a script step by step for a live demo: each command typed onto the prompt, run on
    /// Enter, its comments shown as narration. Away from a terminal: run it, each command printed
    /// before its output.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["commands", "script"])]
    play: Option<String>,
    /// How fast --play and `play` type a step onto the prompt, in characters per second (0: at
    /// once).
    #[arg(long, value_name = "CPS", default_value_t = oktash::play::TypingSpeed::DEFAULT.chars_per_second)]
    speed: u32,
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
    /// The rate-limit window in seconds (Okta's is 60).
    #[arg(long = "rate-window", value_name = "SECS")]
    rate_window: Option<u64>,
    /// Fraction of requests that fail as real servers do (0 to 1).
    #[arg(long)]
    faults: Option<f64>,
    /// The service app's private key (PEM), made there (0600) if missing [default: demo-service-app.pem
    /// in the data directory].
    #[arg(long = "client-key", value_name = "FILE")]
    client_key: Option<std::path::PathBuf>,
    /// Lifetime of issued access tokens, in seconds.
    #[arg(long = "token-ttl", value_name = "SECS")]
    token_ttl: Option<u64>,
    /// Require DPoP-bound access tokens.
    #[arg(long)]
    dpop: bool,
    /// Every answer waits MS milliseconds, plus up to JITTER more, as from an org far away.
    #[arg(long, value_name = "MS[,JITTER]")]
    latency: Option<oktash_demo::Latency>,
    /// Requests in flight at once; the one beyond gets Okta's concurrency 429 [default: 75].
    #[arg(long, value_name = "N")]
    concurrency: Option<std::num::NonZeroUsize>,
    /// Keep the org in FILE across restarts: read at start if there, written (0600) after every
    /// change. `demo reset` goes back to the seed.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
    /// A user's activation and deactivation take MS milliseconds, as Okta's asynchronous
    /// lifecycle does; meanwhile the user shows `transitioningToStatus` [default: 0, at once].
    #[arg(long = "transition-ms", value_name = "MS")]
    transition_ms: Option<u64>,
    /// The most objects one collection of the spec-driven engine holds; creates beyond answer
    /// 400 E0000001 [default: 500].
    #[arg(long = "max-objects", value_name = "N")]
    max_objects: Option<std::num::NonZeroUsize>,
    /// Print every operation of Okta's spec as `hand` (modelled by hand) or `generic` (the
    /// spec-driven engine), with a count, and exit.
    #[arg(long = "list-operations")]
    list_operations: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.sub {
        Some(Sub::Demo {
            action: DemoAction::Serve(args),
        }) => serve_demo(args),
        None => match run_shell(&cli) {
            Ok(code) => code,
            Err(e) => {
                oktash::note!("oktash: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

/// The shell in one of its modes: `-c`, a script file, piped stdin, play, or interactive.
fn run_shell(cli: &Cli) -> anyhow::Result<ExitCode> {
    use std::io::IsTerminal;

    // Read before anything starts: a script that cannot be played is a usage error.
    let play = match cli.play.as_deref().map(oktash::eval::read_script) {
        Some(Err(message)) => {
            oktash::note!("oktash: --play: {message}");
            return Ok(ExitCode::from(2));
        }
        Some(Ok(script)) => Some(script),
        None => None,
    };
    let speed = oktash::play::TypingSpeed {
        chars_per_second: cli.speed,
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let limits = oktash::session::HistoryLimits {
        max_entries: cli.keep_entries,
        max_bytes: cli.keep_mb.saturating_mul(1024 * 1024),
    };
    let mut shell = oktash::eval::Shell::new(oktash::session::Session::new(limits), runtime);
    shell.assume_yes = cli.yes;
    shell.keep_going = cli.keep_going;
    shell.parallel = usize::try_from(cli.parallel).unwrap_or(1);
    shell.set_max_body_mb(cli.max_body_mb);
    shell.set_timeout(std::time::Duration::from_secs(cli.timeout));
    shell.set_big(cli.big);
    oktash::startup::load_environments(&mut shell);
    if cli.demo {
        let defaults = oktash_demo::DemoOptions::default();
        if let Err(failure) = shell.start_demo(oktash_demo::DemoOptions {
            latency: cli.latency.map_or(defaults.latency, |l| l.base),
            jitter: cli.latency.map_or(defaults.jitter, |l| l.jitter),
            ..defaults
        }) {
            return Ok(exit_code(failure));
        }
    }
    if let Some(name) = &cli.env {
        if let Err(failure) = shell.run_line(&format!("use {}", oktash::startup::quote_word(name)))
        {
            return Ok(exit_code(failure));
        }
    }
    if let Some(script) = play {
        if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
            oktash::repl::run(&mut shell, Some(script), speed)?;
            return Ok(ExitCode::SUCCESS);
        }
        return Ok(match shell.play_script(&script.text, &script.name) {
            Ok(_) => ExitCode::SUCCESS,
            Err(failure) => exit_code(failure),
        });
    }
    let script = match (&cli.commands, &cli.script) {
        (Some(commands), _) => Some((commands.clone(), "-c".to_string())),
        (None, Some(path)) if path == "-" => Some((read_stdin()?, "stdin".to_string())),
        (None, Some(path)) => match oktash::eval::read_script(path) {
            Ok(script) => Some((script.text, script.name)),
            Err(message) => anyhow::bail!(message),
        },
        (None, None) if !std::io::stdin().is_terminal() => {
            Some((read_stdin()?, "stdin".to_string()))
        }
        (None, None) => None,
    };
    match script {
        Some((text, name)) => match shell.run_script(&text, &name) {
            Ok(_) => Ok(ExitCode::SUCCESS),
            Err(failure) => Ok(exit_code(failure)),
        },
        None => {
            oktash::repl::run(&mut shell, None, speed)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// How a script that failed ends: the failure reported, status 1 — except when stdout's reader
/// went away (`oktash -c 'ls users' | head -1`): that is how pipes end, so quietly and with 0,
/// as `grep` or `rg` do.
fn exit_code(failure: oktash::eval::Failure) -> ExitCode {
    match failure {
        oktash::eval::Failure::OutputClosed => ExitCode::SUCCESS,
        failure => {
            failure.report();
            ExitCode::FAILURE
        }
    }
}

fn read_stdin() -> anyhow::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    Ok(text)
}

fn serve_demo(args: ServeArgs) -> ExitCode {
    if args.list_operations {
        print!("{}", oktash_demo::operations_listing());
        return ExitCode::SUCCESS;
    }
    let defaults = oktash_demo::DemoOptions::default();
    let options = oktash_demo::DemoOptions {
        port: args.port,
        users: args.users.unwrap_or(defaults.users),
        seed: args.seed.unwrap_or(defaults.seed),
        token: args.token.unwrap_or(defaults.token),
        readonly_token: defaults.readonly_token,
        rate_limit: args.rate_limit.unwrap_or(defaults.rate_limit),
        rate_window_secs: args.rate_window.unwrap_or(defaults.rate_window_secs),
        faults: args.faults.unwrap_or(defaults.faults),
        // A presenter's key stays the same across runs.
        client_key: args
            .client_key
            .or_else(|| oktash::config::data_dir().map(|d| d.join("demo-service-app.pem"))),
        token_ttl_secs: args.token_ttl.unwrap_or(defaults.token_ttl_secs),
        dpop: args.dpop,
        latency: args.latency.map_or(defaults.latency, |l| l.base),
        jitter: args.latency.map_or(defaults.jitter, |l| l.jitter),
        concurrency: args.concurrency.map_or(defaults.concurrency, |n| n.get()),
        state: args.state,
        transition: args
            .transition_ms
            .map_or(defaults.transition, std::time::Duration::from_millis),
        max_objects: args.max_objects.map_or(defaults.max_objects, |n| n.get()),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            oktash::note!("oktash: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(oktash_demo::serve_foreground(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            oktash::note!("oktash demo serve: {e:#}");
            ExitCode::FAILURE
        }
    }
}
