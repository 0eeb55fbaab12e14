//! A thread of its own that runs the model, one job after another.
//!
//! Why not `spawn_blocking`: each blocking thread the model ran on kept the peak of its
//! batches' activations in its own allocator arena (glibc), so a gateway that indexed a
//! thousand tools on a few dozen pool threads held a gigabyte it no longer used (measured
//! +941 MiB at 1,000 tools). One thread keeps one arena, and its queue runs one server's
//! batch at a time, which is all the cores can do anyway.

use std::sync::Arc;
use std::sync::mpsc;

use tokio::sync::oneshot;

use super::Embed;

type Reply = oneshot::Sender<Result<Vec<Vec<f32>>, String>>;

/// The queue of one model thread; the thread ends when this is dropped.
pub(crate) struct Worker {
    jobs: mpsc::Sender<(Vec<String>, Reply)>,
}

impl Worker {
    /// Starts a thread named `name` running `model`.
    pub fn start(name: &str, model: Arc<dyn Embed>) -> Result<Worker, String> {
        let (jobs, queue) = mpsc::channel::<(Vec<String>, Reply)>();
        std::thread::Builder::new()
            .name(name.to_string())
            .spawn(move || {
                while let Ok((texts, reply)) = queue.recv() {
                    // Asked by a server stopped while its job waited its turn: skipped.
                    if reply.is_closed() {
                        continue;
                    }
                    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                    // The asker may have gone (a cancelled request): nothing to tell.
                    let _ = reply.send(model.embed(&refs));
                }
            })
            .map_err(|e| format!("cannot start the {name} thread: {e}"))?;
        Ok(Worker { jobs })
    }

    /// The vectors of `texts`, once the jobs before it are done.
    pub async fn embed(&self, texts: Vec<String>) -> Result<Vec<Vec<f32>>, String> {
        let (reply, answer) = oneshot::channel();
        self.jobs
            .send((texts, reply))
            .map_err(|_| "the embedding thread has stopped".to_string())?;
        answer
            .await
            .map_err(|_| "the embedding thread stopped while embedding".to_string())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lengths as vectors; fails on an empty text.
    struct Lengths;

    impl Embed for Lengths {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
            texts
                .iter()
                .map(|t| {
                    if t.is_empty() {
                        Err("empty".to_string())
                    } else {
                        Ok(vec![t.len() as f32])
                    }
                })
                .collect()
        }

        fn dimensions(&self) -> usize {
            1
        }
    }

    #[tokio::test]
    async fn runs_jobs_in_order_and_passes_errors_back() {
        let worker = Worker::start("test-embedder", Arc::new(Lengths)).expect("thread");
        let (a, b) = tokio::join!(
            worker.embed(vec!["ab".into(), "abc".into()]),
            worker.embed(vec![String::new()])
        );
        assert_eq!(a, Ok(vec![vec![2.0], vec![3.0]]));
        assert_eq!(b, Err("empty".to_string()));
    }

    /// Counts the texts it embeds; its first job waits until `release` opens.
    struct Gate {
        release: std::sync::Mutex<Option<std::sync::mpsc::Receiver<()>>>,
        embedded: std::sync::atomic::AtomicUsize,
    }

    impl Embed for Gate {
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
            if let Some(release) = self.release.lock().expect("lock").take() {
                let _ = release.recv();
            }
            self.embedded
                .fetch_add(texts.len(), std::sync::atomic::Ordering::SeqCst);
            Ok(texts.iter().map(|_| vec![1.0]).collect())
        }

        fn dimensions(&self) -> usize {
            1
        }
    }

    #[tokio::test]
    async fn a_job_whose_asker_left_before_its_turn_is_skipped() {
        let (open, release) = std::sync::mpsc::channel();
        let gate = Arc::new(Gate {
            release: std::sync::Mutex::new(Some(release)),
            embedded: std::sync::atomic::AtomicUsize::new(0),
        });
        let worker = Worker::start("test-gate", gate.clone()).expect("thread");
        // The first job holds the thread; the second is queued behind it, then dropped.
        let first = worker.embed(vec!["a".into()]);
        let second = worker.embed(vec!["b".into(), "c".into()]);
        let mut first = Box::pin(first);
        let mut second = Box::pin(second);
        assert!(futures::poll!(&mut first).is_pending());
        assert!(futures::poll!(&mut second).is_pending());
        drop(second);
        open.send(()).expect("release");
        assert_eq!(first.await, Ok(vec![vec![1.0]]));
        // A third job runs after the skipped one: the count shows what ran.
        assert_eq!(worker.embed(vec!["d".into()]).await, Ok(vec![vec![1.0]]));
        assert_eq!(gate.embedded.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
