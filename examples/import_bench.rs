//! Import time of a Postman file: `cargo run --release --example import_bench [FILE] [RUNS]`.
//! `--list DIR…` instead prints what each file under the directories imports as.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use oktash::postman::{import_file, Imported};

const DEFAULT_FILE: &str = "data/okta/postman/advanced-server-access.json";

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--list") {
        for dir in &args[1..] {
            list(Path::new(dir))?;
        }
        return Ok(());
    }
    let file = PathBuf::from(args.first().map_or(DEFAULT_FILE, String::as_str));
    let runs: usize = args.get(1).map_or(Ok(500), |s| s.parse())?;

    // Warm the page cache and the allocator; the first run is not what a user sees twice.
    for _ in 0..10 {
        import_file(&file)?;
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            let imported = import_file(&file).expect("import");
            std::hint::black_box(imported);
            t.elapsed()
        })
        .collect();
    times.sort();
    let pct = |p: usize| times[(times.len() - 1) * p / 100];
    let size = std::fs::metadata(&file)?.len();
    println!(
        "{}: {} bytes, {} runs: median {:.3} ms, p10 {:.3} ms, p90 {:.3} ms, max {:.3} ms",
        file.display(),
        size,
        runs,
        ms(pct(50)),
        ms(pct(10)),
        ms(pct(90)),
        ms(times[times.len() - 1])
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn list(dir: &Path) -> anyhow::Result<()> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e != "md"))
        .collect();
    paths.sort();
    for p in paths {
        match import_file(&p) {
            Ok(Imported::Collection(c)) => println!(
                "{}\t{}\t{} requests\t{} scripts skipped\t{} warnings\t{}",
                p.display(),
                c.format,
                c.request_count(),
                c.skipped_scripts,
                c.warnings.len(),
                c.name
            ),
            Ok(Imported::Environment(e)) => println!(
                "{}\tenvironment\t{} variables + url{}\t{}",
                p.display(),
                e.variables.len(),
                if e.apikey.is_some() { " + apikey" } else { "" },
                e.name
            ),
            Err(e) => println!("{}\trefused\t{e}", p.display()),
        }
    }
    Ok(())
}
