//! Compile-time proof that the client, its errors, its request futures and its streams
//! are as thread-safe as the docs say: `Connectors` and `Error` are `Send + Sync`, every
//! future and stream is `Send`, so each can be moved into `tokio::spawn`. A change that
//! breaks one of these fails the build of `cargo test`, not a user's build.
//!
//! Nothing here runs: the functions only have to type-check.
#![allow(dead_code)]

use std::future::IntoFuture;
use std::time::Duration;

use serde_json::json;

use connectors::{Connectors, Error, RequestOptions, RetryPolicy};

const fn send_sync<T: Send + Sync + 'static>() {}
fn send<T: Send>(_: &T) {}

const _: () = {
    send_sync::<Connectors>();
    send_sync::<Error>();
    send_sync::<connectors::ConnectorsBuilder>();
    send_sync::<connectors::Config>();
    send_sync::<RequestOptions>();
    send_sync::<RetryPolicy>();
    send_sync::<connectors::deployments::Deployment>();
    send_sync::<connectors::mcp::Server>();
    send_sync::<connectors::tools::ToolResult>();
    send_sync::<connectors::tools::Selection>();
    send_sync::<connectors::api::Client>();
};

#[cfg(feature = "blocking")]
const _: () = {
    send_sync::<connectors::blocking::Connectors>();
};

/// The futures of every area and the streams they hand out are `Send`.
fn futures_and_streams_are_send(client: &Connectors) {
    let tools = client.tools();
    send(&tools.select("q").into_future());
    send(&tools.list().into_future());
    send(&tools.list().stream());
    send(&tools.get("math.evaluate"));
    send(&tools.related("math.evaluate"));
    send(&tools.categories());
    send(&tools.invoke("math.evaluate", json!({})).into_future());
    send(&tools.invoke_batch([("math.evaluate", json!({}))]));
    send(&tools.invoke_stream("math.count_primes", json!({})));

    let mcp = client.mcp();
    send(&mcp.list().into_future());
    send(&mcp.list().stream());
    send(&mcp.custom());
    send(&mcp.remove("notes"));
    send(&mcp.health());
    send(
        &mcp.add(
            "notes",
            connectors::mcp::Source::http("http://127.0.0.1:1/mcp"),
            "c",
        )
        .into_future(),
    );
    let server = mcp.server("notes");
    send(&server.info());
    send(&server.tools());
    send(&server.health());
    send(&server.call("add_note", json!({})));

    let deployment = client.deployments().deployment("dep-1");
    send(&deployment.status());
    send(&deployment.logs());
    send(&deployment.events());
    send(&deployment.wait_until_ready(Duration::from_secs(1)));
    send(&client.deployments().get("dep-1"));
    send(&client.deployments().list().into_future());
    send(&client.deployments().list().stream());

    let health = client.health();
    send(&health.check());
    send(&health.detailed());
    send(&health.ready());

    let identities = client.identities();
    send(&identities.list().into_future());
    send(&identities.list().stream());
    send(&identities.get("id"));

    send(&client.events().subscribe());
    send(&client.tenants().integrations());
}
