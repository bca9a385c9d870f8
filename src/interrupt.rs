//! Ctrl-C for a whole command.
//!
//! One SIGINT listener is installed for the process when the shell starts; it raises a flag that
//! lives until the next command. Every wait (a request, a rate-limit wait, a retry's backoff)
//! selects on it and every loop (pages, fan-out items, folder runs) checks it, so a signal that
//! arrives between two requests is not lost, as it was with a fresh `ctrl_c()` per request.
//! At the interactive prompt rustyline reads Ctrl-C itself (the terminal is in raw mode there).

use std::sync::Arc;

use tokio::sync::watch;

/// The interrupt state shared by everything one command runs.
#[derive(Clone)]
pub struct Interrupt {
    raised: Arc<watch::Sender<bool>>,
}

impl Interrupt {
    /// Listens for SIGINT (Ctrl-C) for the rest of the process, on `runtime`.
    pub fn install(runtime: &tokio::runtime::Runtime) -> Interrupt {
        let interrupt = Interrupt::unlistened();
        let raised = interrupt.raised.clone();
        let _context = runtime.enter();
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            // Registered here, not in the task, so that a signal right after start-up counts.
            if let Ok(mut sigint) = signal(SignalKind::interrupt()) {
                runtime.spawn(async move {
                    while sigint.recv().await.is_some() {
                        raised.send_replace(true);
                    }
                });
            }
        }
        #[cfg(not(unix))]
        runtime.spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                raised.send_replace(true);
            }
        });
        interrupt
    }

    /// A state no signal raises (for a shell embedded in tests or another program).
    pub fn unlistened() -> Interrupt {
        let (raised, _) = watch::channel(false);
        Interrupt {
            raised: Arc::new(raised),
        }
    }

    pub fn is_raised(&self) -> bool {
        *self.raised.borrow()
    }

    pub fn raise(&self) {
        self.raised.send_replace(true);
    }

    /// Forgets an earlier Ctrl-C: a new command starts.
    pub fn clear(&self) {
        self.raised.send_replace(false);
    }

    /// Returns once Ctrl-C is pressed (at once if it already was).
    pub async fn raised(&self) {
        let mut receiver = self.raised.subscribe();
        if receiver.wait_for(|raised| *raised).await.is_err() {
            // Unreachable while `self` holds the sender; never report a signal that did not come.
            std::future::pending::<()>().await;
        }
    }
}
