//! Runs a request's DataLoader batches in waves inside the request's own task, so that the
//! number of statements a query costs does not depend on how busy the machine is.
//!
//! async-graphql's DataLoader collects keys for a fixed delay (1 ms) in a spawned task and then
//! loads them. Under load the request's resolvers are not all polled within that delay, so one
//! batch becomes several (8 statements per edition page alone, 23 at 64 connections). Here the
//! loader's tasks are not spawned: they wait in a queue until the request's future has made all
//! the progress it can (it returned `Pending`), and a new wave starts only when every load of
//! the previous wave has answered. Every resolver that can ask for a key by then has asked, so a
//! batch holds every key of its kind and level, whatever the scheduler does.

use std::{
    future::{Future, poll_fn},
    pin::pin,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll, Waker},
};

use futures_util::{
    StreamExt,
    future::BoxFuture,
    stream::FuturesUnordered,
    task::{ArcWake, waker},
};

type Queue = Arc<Mutex<Vec<BoxFuture<'static, ()>>>>;

/// The loader tasks of one request, started in waves by [`Batcher::run`].
#[derive(Default)]
pub struct Batcher {
    queue: Queue,
}

impl Batcher {
    /// The spawner to give each of the request's DataLoaders.
    pub fn spawner(&self) -> impl Fn(BoxFuture<'static, ()>) + Clone + Send + Sync + 'static {
        let queue = self.queue.clone();
        move |task| queue.lock().unwrap_or_else(PoisonError::into_inner).push(task)
    }

    /// Drives `request` and, whenever it waits, the queued loads: all that queued up while
    /// no load was running start together, and the next wave waits for the request to take in
    /// their answers and ask again.
    pub async fn run<F: Future>(self, request: F) -> F::Output {
        let mut request = pin!(request);
        let mut running: FuturesUnordered<BoxFuture<'static, ()>> = FuturesUnordered::new();
        poll_fn(|cx| {
            loop {
                let watch = Arc::new(Watch { woken: AtomicBool::new(false), waker: cx.waker().clone() });
                if let Poll::Ready(out) = request.as_mut().poll(&mut Context::from_waker(&waker(watch.clone()))) {
                    return Poll::Ready(out);
                }
                if watch.woken.load(Ordering::Acquire) {
                    // Part of the request can go on at once (it yielded): it may still ask for
                    // keys, so no wave starts before it has run again. The wake already reached
                    // the task, so the scheduler polls again soon.
                    return Poll::Pending;
                }
                if running.is_empty() {
                    let wave: Vec<_> = self.queue.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect();
                    if wave.is_empty() {
                        // The request waits for something other than a loader (a direct query).
                        return Poll::Pending;
                    }
                    running.extend(wave);
                }
                loop {
                    match running.poll_next_unpin(cx) {
                        Poll::Ready(Some(())) => continue,
                        // The wave is complete: let the request take the answers in first.
                        Poll::Ready(None) => break,
                        Poll::Pending => return Poll::Pending,
                    }
                }
            }
        })
        .await
    }
}

/// Forwards wakes to the task and notes whether one came while the request was polled.
struct Watch {
    woken: AtomicBool,
    waker: Waker,
}

impl ArcWake for Watch {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        arc_self.woken.store(true, Ordering::Release);
        arc_self.waker.wake_by_ref();
    }
}

#[cfg(test)]
mod tests {
    use std::{
        collections::HashMap,
        sync::atomic::{AtomicUsize, Ordering},
        time::Duration,
    };

    use async_graphql::dataloader::{DataLoader, Loader};

    use super::*;

    struct Counting(Arc<AtomicUsize>);

    impl Loader<u32> for Counting {
        type Value = u32;
        type Error = ();
        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, ()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            // A load that takes a while, as a database round trip does.
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok(keys.iter().map(|k| (*k, k * 2)).collect())
        }
    }

    /// Returns `Pending` once after waking its task, as a future that yields does.
    async fn bounce() {
        let mut yielded = false;
        poll_fn(|cx| {
            if yielded {
                return Poll::Ready(());
            }
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        })
        .await
    }

    /// Two levels of keys, each asked for by many concurrent resolvers that are slow to get to
    /// their key, take exactly one load per level.
    #[tokio::test]
    async fn each_level_is_one_batch_however_late_its_resolvers_ask() {
        let loads = Arc::new(AtomicUsize::new(0));
        let batcher = Batcher::default();
        let loader = DataLoader::new(Counting(loads.clone()), batcher.spawner()).delay(Duration::ZERO);
        let loader = &loader;
        let request = futures_util::future::join_all((0..50u32).map(|i| async move {
            // Resolvers reach their key after different amounts of other work; with a 1 ms
            // timer some would miss the batch.
            for _ in 0..(i % 7) {
                bounce().await;
            }
            let first = loader.load_one(i).await.ok().flatten().unwrap_or_default();
            loader.load_one(1000 + first).await.ok().flatten().unwrap_or_default()
        }));
        let answers = batcher.run(request).await;
        assert_eq!(answers[3], 2 * (1000 + 6));
        assert_eq!(loads.load(Ordering::SeqCst), 2);
    }
}
