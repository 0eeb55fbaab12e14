//! A child process the test talks to while it runs: started, waited for until it prints
//! that it is ready, killed when dropped.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// How long a child may take to say it is ready.
pub const READY_WITHIN: Duration = Duration::from_secs(60);

/// The pipe on which a child says it is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pipe {
    /// Its standard output (the other pipe is left as `command` has it).
    Stdout,
    /// Its standard error.
    Stderr,
}

/// Starts `command` (stdin closed, killed on drop) and reads `pipe` until a line for
/// which `ready` is true, at most [`READY_WITHIN`]. Returns the child and the lines read,
/// the ready line last. The pipe is read on afterwards, each line handed to `forward`
/// (e.g. to print it), so that the child never blocks on a full pipe.
pub async fn spawn_until(
    mut command: Command,
    pipe: Pipe,
    mut ready: impl FnMut(&str) -> bool,
    forward: fn(&str),
) -> (Child, Vec<String>) {
    command.stdin(Stdio::null()).kill_on_drop(true);
    match pipe {
        Pipe::Stdout => command.stdout(Stdio::piped()),
        Pipe::Stderr => command.stderr(Stdio::piped()),
    };
    let program = command
        .as_std()
        .get_program()
        .to_string_lossy()
        .into_owned();
    let mut child = command
        .spawn()
        .unwrap_or_else(|e| panic!("start {program}: {e}"));
    let output: Box<dyn AsyncRead + Send + Unpin> = match pipe {
        Pipe::Stdout => Box::new(child.stdout.take().expect("piped stdout")),
        Pipe::Stderr => Box::new(child.stderr.take().expect("piped stderr")),
    };
    let mut lines = BufReader::new(output).lines();
    let mut printed = Vec::new();
    let read = async {
        while let Some(line) = lines.next_line().await.expect("read the child's output") {
            let done = ready(&line);
            printed.push(line);
            if done {
                return;
            }
        }
        panic!("{program} ended its output before it was ready, after {printed:?}");
    };
    tokio::time::timeout(READY_WITHIN, read)
        .await
        .unwrap_or_else(|_| panic!("{program} was not ready within {READY_WITHIN:?}"));
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            forward(&line);
        }
    });
    (child, printed)
}

/// [`spawn_until`] the first line that starts with `prefix`; returns the child and the
/// rest of that line.
pub async fn spawn_until_prefix(
    command: Command,
    pipe: Pipe,
    prefix: &str,
    forward: fn(&str),
) -> (Child, String) {
    let (child, printed) =
        spawn_until(command, pipe, |line| line.starts_with(prefix), forward).await;
    let rest = printed
        .last()
        .and_then(|line| line.strip_prefix(prefix))
        .unwrap_or_default()
        .to_string();
    (child, rest)
}
