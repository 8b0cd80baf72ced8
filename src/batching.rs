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
    collections::HashMap,
    future::{Future, poll_fn},
    hash::Hash,
    pin::{Pin, pin},
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
    task::{ArcWake, AtomicWaker, waker},
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
        let loads_watch = Arc::new(Watch::default());
        let mut loads =
            Loads { running: FuturesUnordered::new(), waker: waker(loads_watch.clone()), watch: loads_watch };
        // Woken to begin with: the request's first poll.
        let watch = Arc::new(Watch { woken: AtomicBool::new(true), ..Watch::default() });
        let request_waker = waker(watch.clone());
        poll_fn(|cx| {
            watch.enter(cx.waker());
            loads.watch.enter(cx.waker());
            let out = self.step(request.as_mut(), &watch, &request_waker, &mut loads);
            // A wake that came after the last look (a load answered while the others were
            // polled, or from another thread) must still reach the task. Both leave.
            let woken = watch.leave() | loads.watch.leave();
            if out.is_pending() && woken {
                cx.waker().wake_by_ref();
            }
            out
        })
        .await
    }

    /// One poll of [`Batcher::run`]. The request and the loads are polled with wakers that,
    /// while this runs, only note a wake: a task woken during its own poll is rescheduled as if
    /// it had yielded, which wakes an idle worker thread to take it over, at every wave
    /// (`FuturesUnordered` alone wakes its task each time it has polled all its futures).
    fn step<F: Future>(
        &self,
        mut request: Pin<&mut F>,
        watch: &Watch,
        request_waker: &Waker,
        loads: &mut Loads,
    ) -> Poll<F::Output> {
        let mut polls = 0;
        // A future that keeps waking itself (one that yields), or a spent tokio budget, gives
        // the scheduler back after a bounded number of polls.
        while polls < MAX_POLLS_IN_A_ROW && tokio::task::coop::has_budget_remaining() {
            polls += 1;
            // Only a request that was woken is polled: a poll walks every field still waiting
            // (async-graphql joins an object's fields with `join_all`), and most of the task's
            // wakes are a load's socket.
            if watch.take() {
                if let Poll::Ready(out) = request.as_mut().poll(&mut Context::from_waker(request_waker)) {
                    return Poll::Ready(out);
                }
                if watch.woken() {
                    // Part of the request can go on at once: it may still ask for keys, so no
                    // wave starts before it has run again.
                    continue;
                }
            }
            if loads.running.is_empty() {
                let wave: Vec<_> = self.queue.lock().unwrap_or_else(PoisonError::into_inner).drain(..).collect();
                if wave.is_empty() {
                    // The request waits for something other than a loader (a direct query).
                    return Poll::Pending;
                }
                loads.running.extend(wave);
            }
            while polls < MAX_POLLS_IN_A_ROW {
                loads.watch.take();
                match loads.running.poll_next_unpin(&mut Context::from_waker(&loads.waker)) {
                    Poll::Ready(Some(())) => continue,
                    // The wave is complete: let the request take the answers in first.
                    Poll::Ready(None) => break,
                    Poll::Pending if watch.woken() => break,
                    Poll::Pending if loads.watch.woken() => polls += 1,
                    Poll::Pending => return Poll::Pending,
                }
            }
        }
        // Leaving as if woken makes `run` wake the task, which the scheduler polls again soon.
        watch.woken.store(true, Ordering::SeqCst);
        Poll::Pending
    }
}

/// Rows grouped by key in their order, each group shared: a DataLoader hands every caller a
/// clone of its value, and an `Arc` makes that a count instead of a copy of every row.
pub fn grouped<K: Hash + Eq, T>(rows: impl IntoIterator<Item = (K, T)>) -> HashMap<K, Arc<[T]>> {
    let mut groups: HashMap<K, Vec<T>> = HashMap::new();
    for (key, row) in rows {
        groups.entry(key).or_default().push(row);
    }
    groups.into_iter().map(|(key, rows)| (key, rows.into())).collect()
}

/// How often one poll of a batcher may poll its request or its loads before it yields.
const MAX_POLLS_IN_A_ROW: usize = 32;

/// The loads of the current wave, polled with their own [`Watch`].
struct Loads {
    running: FuturesUnordered<BoxFuture<'static, ()>>,
    watch: Arc<Watch>,
    waker: Waker,
}

/// A waker that notes wakes that come while the batcher polls, and forwards the others to the
/// task.
#[derive(Default)]
struct Watch {
    woken: AtomicBool,
    inside: AtomicBool,
    task: AtomicWaker,
}

impl Watch {
    fn enter(&self, task: &Waker) {
        self.task.register(task);
        self.inside.store(true, Ordering::SeqCst);
    }

    /// Forgets the wakes so far; a swap, so that one from another thread is read, not lost.
    fn take(&self) -> bool {
        self.woken.swap(false, Ordering::SeqCst)
    }

    fn woken(&self) -> bool {
        self.woken.load(Ordering::SeqCst)
    }

    /// Whether a wake came that the batcher has not taken in.
    fn leave(&self) -> bool {
        self.inside.store(false, Ordering::SeqCst);
        self.woken()
    }
}

impl ArcWake for Watch {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        // SeqCst on both sides: the batcher, leaving, sees this wake or this sees it left.
        arc_self.woken.store(true, Ordering::SeqCst);
        if !arc_self.inside.load(Ordering::SeqCst) {
            arc_self.task.wake();
        }
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

    struct Instant;

    impl Loader<u32> for Instant {
        type Value = u32;
        type Error = ();
        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, ()> {
            Ok(keys.iter().map(|k| (*k, k + 1)).collect())
        }
    }

    struct CountingWaker(AtomicUsize);

    impl ArcWake for CountingWaker {
        fn wake_by_ref(arc_self: &Arc<Self>) {
            arc_self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Loads that answer at once are taken in within the same poll, and the answers' wakes do
    /// not reach the task: a task woken during its own poll is rescheduled as if it had yielded.
    #[test]
    fn answers_that_come_during_a_poll_do_not_wake_the_task() {
        let batcher = Batcher::default();
        let loader = DataLoader::new(Instant, batcher.spawner()).delay(Duration::ZERO);
        let loader = &loader;
        let request = futures_util::future::join_all((0..40u32).map(|i| async move {
            let first = loader.load_one(i).await.ok().flatten().unwrap_or_default();
            loader.load_one(100 + first).await.ok().flatten().unwrap_or_default()
        }));
        let mut run = pin!(batcher.run(request));
        let wakes = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let task = waker(wakes.clone());
        let Poll::Ready(answers) = run.as_mut().poll(&mut Context::from_waker(&task)) else {
            panic!("the request did not finish in one poll");
        };
        assert_eq!(answers[5], 107);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0);
    }

    /// A request that wakes itself without end still hands the thread back to the scheduler.
    #[test]
    fn a_request_that_keeps_yielding_is_polled_a_bounded_number_of_times() {
        let polls = AtomicUsize::new(0);
        let request = poll_fn(|cx| {
            polls.fetch_add(1, Ordering::SeqCst);
            cx.waker().wake_by_ref();
            Poll::<()>::Pending
        });
        let mut run = pin!(Batcher::default().run(request));
        let wakes = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let task = waker(wakes.clone());
        assert!(run.as_mut().poll(&mut Context::from_waker(&task)).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), MAX_POLLS_IN_A_ROW);
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
    }

    /// A load that answers once it has been let through the gate this many times.
    struct Gate(Arc<tokio::sync::Notify>, usize);

    impl Loader<u32> for Gate {
        type Value = u32;
        type Error = ();
        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u32>, ()> {
            for _ in 0..self.1 {
                self.0.notified().await;
            }
            Ok(keys.iter().map(|k| (*k, k + 1)).collect())
        }
    }

    /// A load that wakes the task on its way (a statement's socket does, several times) does not
    /// poll the request, which waits for the load's answer: only that answer does.
    #[test]
    fn a_load_on_its_way_does_not_poll_the_request() {
        let gate = Arc::new(tokio::sync::Notify::new());
        let batcher = Batcher::default();
        let loader = DataLoader::new(Gate(gate.clone(), 2), batcher.spawner()).delay(Duration::ZERO);
        let loader = &loader;
        let polls = AtomicUsize::new(0);
        let mut waiting = pin!(futures_util::future::join_all(
            (0..4u32).map(|i| async move { loader.load_one(i).await.ok().flatten() })
        ));
        let request = poll_fn(|cx| {
            polls.fetch_add(1, Ordering::SeqCst);
            waiting.as_mut().poll(cx)
        });
        let mut run = pin!(batcher.run(request));
        let task = waker(Arc::new(CountingWaker(AtomicUsize::new(0))));
        assert!(run.as_mut().poll(&mut Context::from_waker(&task)).is_pending());
        gate.notify_waiters();
        assert!(run.as_mut().poll(&mut Context::from_waker(&task)).is_pending());
        assert_eq!(polls.load(Ordering::SeqCst), 1, "polled while its load was on its way");
        gate.notify_waiters();
        let Poll::Ready(answers) = run.as_mut().poll(&mut Context::from_waker(&task)) else {
            panic!("the answers came but the request did not finish");
        };
        assert_eq!(answers[2], Some(3));
        assert_eq!(polls.load(Ordering::SeqCst), 2);
    }

    /// A wave that waits for its answers, as one waiting for the database does, leaves the task
    /// asleep until they come; then one wake brings the request to its end.
    #[test]
    fn a_waiting_wave_wakes_the_task_only_when_its_answers_come() {
        let gate = Arc::new(tokio::sync::Notify::new());
        let batcher = Batcher::default();
        let loader = DataLoader::new(Gate(gate.clone(), 1), batcher.spawner()).delay(Duration::ZERO);
        let loader = &loader;
        let request =
            futures_util::future::join_all((0..40u32).map(|i| async move { loader.load_one(i).await.ok().flatten() }));
        let mut run = pin!(batcher.run(request));
        let wakes = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let task = waker(wakes.clone());
        assert!(run.as_mut().poll(&mut Context::from_waker(&task)).is_pending());
        assert_eq!(wakes.0.load(Ordering::SeqCst), 0, "woken while nothing has answered");
        gate.notify_waiters();
        assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
        let Poll::Ready(answers) = run.as_mut().poll(&mut Context::from_waker(&task)) else {
            panic!("the answers came but the request did not finish");
        };
        assert_eq!(answers[7], Some(8));
    }
}
