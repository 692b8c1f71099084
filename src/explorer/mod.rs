//! `sahelsim serve`: a local web application to pick a scenario, design a policy with a form
//! generated from the intervention table, run it against its base with progress, watch the map
//! month by month and read the comparison (docs/explorer.md).
//!
//! The page is three files compiled into the program (`assets/explorer/`); nothing is fetched
//! from outside. Everything the page does goes through files the command line reads: the form
//! writes a scenario file ([`form`]), read by the loader `check` uses, and a run is
//! `sahelsim compare` on that file and its base, started as a child process ([`runs`]), so the
//! run's folder holds what the command writes. What the page plays month by month is counted
//! from the comparison's first replicate ([`watch`]).
//!
//! Safety: the server listens on loopback unless told otherwise and then answers only requests
//! addressed to a loopback name; every browser gets a session (a random cookie) and sees only
//! its own uploads and runs; uploads are size-limited and read by the loader with `extends`
//! confined to the scenarios folder; files are served only from a run's own folder, by names
//! listed there.

pub mod catalog;
pub mod form;
mod http;
pub mod runs;
pub mod watch;

use std::net::IpAddr;
use std::path::PathBuf;

pub use runs::PROGRESS_EVERY_MS_ENV;

/// Where and what the explorer serves.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Address to listen on (default 127.0.0.1).
    pub host: IpAddr,
    /// Port (0: any free port).
    pub port: u16,
    /// Folder of the scenarios offered (and that uploads may extend).
    pub scenarios: PathBuf,
    /// Folder the runs are written to, one subfolder per session.
    pub work: PathBuf,
}

/// Waits for Ctrl-C or, on Unix, SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// Serves the explorer until interrupted (Ctrl-C); prints its address on the first line of
/// standard output.
pub fn serve(options: &ServeOptions) -> anyhow::Result<()> {
    let scenarios = options.scenarios.canonicalize().map_err(|e| {
        anyhow::anyhow!(
            "the scenarios folder `{}` cannot be read: {e}",
            options.scenarios.display()
        )
    })?;
    std::fs::create_dir_all(&options.work).map_err(|e| {
        anyhow::anyhow!(
            "the work folder `{}` cannot be created: {e}",
            options.work.display()
        )
    })?;
    let work = options.work.canonicalize()?;
    if work.starts_with(&scenarios) {
        anyhow::bail!(
            "the work folder `{}` is inside the scenarios folder `{}`: every browser would see \
             the others' files in the list; choose another --work",
            options.work.display(),
            options.scenarios.display()
        );
    }
    let program = std::env::current_exe()
        .map_err(|e| anyhow::anyhow!("cannot find this program to run comparisons: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind((options.host, options.port))
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "cannot listen on {}:{}: {e} (choose another port with --port)",
                    options.host,
                    options.port
                )
            })?;
        let address = listener.local_addr()?;
        let app = http::App::new(scenarios, work, program, address);
        println!("sahelsim explorer: open http://{address}/ in a browser (Ctrl-C stops it)");
        if !options.host.is_loopback() {
            eprintln!(
                "warning: listening on {} — anyone who can reach this machine can run simulations here",
                options.host
            );
        }
        use std::io::Write;
        let _ = std::io::stdout().flush();
        let stopping = app.clone();
        axum::serve(listener, http::router(app))
            .with_graceful_shutdown(async move {
                stop_signal().await;
                eprintln!("stopping: the runs going are cancelled");
                // Ends every run (their processes too), so their progress streams end and the
                // server can close its connections.
                stopping.cancel_all();
            })
            .await?;
        Ok(())
    })
}
