//! Synchronous calls (feature `blocking`): any call of the async client, waited for.
//!
//! Nothing here mirrors the async API, so nothing can be missing from it: [`Wait::wait`]
//! runs any future of the facade (a request builder, an `async fn`'s future) to its
//! result, and [`WaitIter::wait_iter`] turns any of its streams (listings, events,
//! streamed invocations) into an iterator. As in `reqwest::blocking`, the IO runs on one
//! background runtime thread (`connectors-blocking`), started on first use and shared by
//! the whole process; the calling thread waits for the result.
//!
//! ```no_run
//! use std::time::Duration;
//! use connectors::blocking::prelude::*;
//! use connectors::events::GatewayEvent;
//! use connectors::mcp::Source;
//!
//! # fn run() -> Result<(), connectors::Error> {
//! let client = connectors::blocking::Connectors::from_env()?;
//! let selection = client.tools().select("create a pull request").max_tools(5).wait()?;
//! for tool in &selection.tools {
//!     println!("{:.2} {}", tool.score, tool.tool_id);
//! }
//! let args = serde_json::json!({"expression": "2*(3+4)"});
//! println!("{}", client.tools().invoke("math.evaluate", args).wait()?.text());
//! for tool in client.tools().list().stream().wait_iter() {
//!     println!("{}", tool?.tool_id);
//! }
//! let source = Source::stdio("npx", ["-y", "@modelcontextprotocol/server-memory"]);
//! let deployment = client.mcp().add("memory", source, "productivity").wait()?;
//! deployment.wait_until_ready(Duration::from_secs(120)).wait()?;
//! for event in client.events().subscribe().wait()?.wait_iter() {
//!     if let GatewayEvent::Server(server) = event? {
//!         println!("{} is {}", server.name, server.status);
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Inside an async runtime (a task, `block_on`, a `spawn_blocking` closure) a blocking
//! call returns [`Error::Config`] at once rather than block a thread the runtime needs:
//! there, `.await` the call (in `spawn_blocking`, with `Handle::current().block_on`).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::ops::Deref;
use std::pin::Pin;
use std::sync::OnceLock;

use futures::{Stream, StreamExt};
use tokio::runtime::Runtime;

use crate::config::ConnectorsBuilder;
use crate::error::{Error, Result};

/// The setting named by the errors of this module.
const SETTING: &str = "blocking";

/// The process's runtime for blocking calls: one worker thread drives the IO (the
/// connection tasks, timers); each call's future runs on the thread that waits for it,
/// so that it may borrow (a request builder borrows its client).
fn runtime() -> Result<&'static Runtime> {
    static RUNTIME: OnceLock<std::result::Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("connectors-blocking")
                .enable_all()
                .build()
                .map_err(|error| error.to_string())
        })
        .as_ref()
        .map_err(|error| Error::config(SETTING, format!("cannot start its runtime: {error}")))
}

/// Runs `future` to completion on the calling thread.
fn block_on<F: Future>(future: F) -> Result<F::Output> {
    // Blocking a thread of a runtime could stall the very tasks the call waits for (and
    // tokio would panic); refuse instead.
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::config(
            SETTING,
            "a blocking call cannot wait inside an async runtime: use `.await` instead of `.wait()`",
        ));
    }
    Ok(runtime()?.block_on(future))
}

/// `.wait()` for every future of the facade: request builders (`client.tools().select(..)`)
/// and the futures of its `async fn`s (`deployment.wait_until_ready(timeout)`).
///
/// Implemented for everything that can be awaited to a [`crate::Result`].
pub trait Wait: Sized {
    /// What the call gives.
    type Value;

    /// Sends the call and waits for its result. Inside an async runtime it returns
    /// [`Error::Config`] (setting `blocking`) without sending anything.
    fn wait(self) -> Result<Self::Value>;
}

impl<F, T> Wait for F
where
    F: IntoFuture<Output = Result<T>>,
{
    type Value = T;

    fn wait(self) -> Result<T> {
        block_on(self.into_future())?
    }
}

/// `.wait_iter()` for every stream of the facade: listings
/// ([`crate::tools::ListTools::stream`]), the gateway's events and streamed invocations
/// (after `.wait()` on the call that opens them).
pub trait WaitIter: Sized {
    /// The items of the stream.
    type Item;

    /// The stream as an iterator that waits for each item in turn.
    fn wait_iter(self) -> Iter<Self>;
}

impl<S, T> WaitIter for S
where
    S: Stream<Item = Result<T>>,
{
    type Item = T;

    fn wait_iter(self) -> Iter<S> {
        Iter {
            stream: Some(Box::pin(self)),
        }
    }
}

/// A stream of the facade as an iterator (see [`WaitIter`]). It ends after the stream
/// ends, or after the error item of a wait that could not happen (inside a runtime).
pub struct Iter<S> {
    stream: Option<Pin<Box<S>>>,
}

impl<S> fmt::Debug for Iter<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("ended", &self.stream.is_none())
            .finish()
    }
}

impl<S, T> Iterator for Iter<S>
where
    S: Stream<Item = Result<T>>,
{
    type Item = Result<T>;

    fn next(&mut self) -> Option<Result<T>> {
        let stream = self.stream.as_mut()?;
        let item = match block_on(stream.next()) {
            Ok(Some(item)) => return Some(item),
            Ok(None) => None,
            Err(error) => Some(Err(error)),
        };
        self.end();
        item
    }
}

impl<S> Iter<S> {
    /// Drops the stream with the runtime entered: a response body returning its
    /// connection to the pool may spawn the pool's timer task.
    fn end(&mut self) {
        if let Some(stream) = self.stream.take()
            && let Ok(runtime) = runtime()
        {
            let _entered = runtime.enter();
            drop(stream);
        }
    }
}

impl<S> Drop for Iter<S> {
    fn drop(&mut self) {
        self.end();
    }
}

/// The client for synchronous code: the async [`crate::Connectors`] (which it derefs to,
/// with every call of it), made to be used with [`Wait`] and [`WaitIter`].
///
/// Cheap to clone; clones share the connection pool, and all blocking clients share
/// the one runtime thread.
#[derive(Debug, Clone)]
pub struct Connectors(crate::Connectors);

impl Connectors {
    /// A client configured from the `CONNECTORS_*` environment variables (see
    /// [`crate::config`]); starts the runtime, so that a failure to start it shows here.
    pub fn from_env() -> Result<Self> {
        Self::build(crate::Connectors::builder().with_env())
    }

    /// A client from a builder: `Connectors::build(connectors::Connectors::builder().base_url(..))`.
    pub fn build(builder: ConnectorsBuilder) -> Result<Self> {
        runtime()?;
        Ok(Self::new(builder.build()?))
    }

    /// Waits for `client`'s calls.
    pub fn new(client: crate::Connectors) -> Self {
        Connectors(client)
    }

    /// The async client.
    pub fn into_async(self) -> crate::Connectors {
        self.0
    }
}

impl From<crate::Connectors> for Connectors {
    fn from(client: crate::Connectors) -> Self {
        Connectors::new(client)
    }
}

impl Deref for Connectors {
    type Target = crate::Connectors;

    fn deref(&self) -> &crate::Connectors {
        &self.0
    }
}

/// `use connectors::blocking::prelude::*;` for `.wait()` and `.wait_iter()`.
pub mod prelude {
    pub use super::{Wait, WaitIter};
}
