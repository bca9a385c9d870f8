//! The server's floor for an export: one keep-alive client that follows `link: rel="next"` from
//! a URL to the end and discards every body. `scripts/bench-export.sh` compares
//! `oktash -c 'ls users --all > FILE'` with it.
//!
//!   cargo run --release --example page_floor -- URL TOKEN

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(token)) = (args.next(), args.next()) else {
        anyhow::bail!("usage: page_floor URL TOKEN");
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::new();
        let mut next = Some(url);
        let (mut pages, mut bytes) = (0u64, 0usize);
        while let Some(url) = next.take() {
            let response = client
                .get(&url)
                .header("Authorization", format!("SSWS {token}"))
                .header("Accept", "application/json")
                .send()
                .await?;
            next = oktash::http::parse_links(
                response
                    .headers()
                    .get_all("link")
                    .iter()
                    .filter_map(|v| v.to_str().ok()),
            )
            .into_iter()
            .find(|(rel, _)| rel == "next")
            .map(|(_, href)| href);
            bytes += response.bytes().await?.len();
            pages += 1;
        }
        eprintln!("{pages} pages, {bytes} bytes");
        Ok(())
    })
}
