//! A fixed pool of OS threads that runs every SQLite call, so a long statement never occupies a
//! tokio worker: health, the control plane and other statements keep answering meanwhile.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

type Job = Box<dyn FnOnce() + Send + 'static>;

/// The threads and the queue in front of them. Dropping the pool closes the queue; each thread
/// ends after the job it is running.
#[derive(Debug)]
pub(crate) struct SqlPool {
    queue: Mutex<Option<mpsc::Sender<Job>>>,
}

impl SqlPool {
    /// Starts `threads` threads (at least one).
    pub fn start(threads: usize) -> Self {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new().name(format!("redbridge-emu-sql-{index}")).spawn(move || {
                loop {
                    let job = {
                        let queue = receiver.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                        queue.recv()
                    };
                    match job {
                        // A panicking job drops its answer channel: the caller gets an error.
                        Ok(job) => drop(std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))),
                        Err(_) => break,
                    }
                }
            });
            // A thread that cannot start leaves the others; with none, every job fails below.
            drop(spawned);
        }
        Self { queue: Mutex::new(Some(sender)) }
    }

    /// Runs `job` on a pool thread and waits for its answer without blocking the async worker.
    pub async fn run<T, F>(&self, job: F) -> Result<T, String>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(job());
        });
        {
            let queue = self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let sender = queue.as_ref().ok_or("the emulator's SQL threads are stopped")?;
            sender.send(job).map_err(|_| "the emulator's SQL threads are stopped".to_owned())?;
        }
        answered.await.map_err(|_| "the emulator's SQL thread failed while running the statement".to_owned())
    }
}

impl Drop for SqlPool {
    fn drop(&mut self) {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
    }
}

/// When a piece of SQLite work must stop: a cancel flag (CancelStatement) and a deadline (the
/// statement timeout). Checked by SQLite's progress handler while the work runs, so a running
/// query really stops.
#[derive(Debug, Clone)]
pub(crate) struct Budget {
    pub cancelled: Arc<AtomicBool>,
    pub deadline: Option<Instant>,
}

impl Budget {
    /// No cancel and no deadline: for the emulator's own bookkeeping (ROLLBACK, session end).
    pub fn unbounded() -> Self {
        Self { cancelled: Arc::new(AtomicBool::new(false)), deadline: None }
    }

    /// Whether the work must stop now.
    pub fn exhausted(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst) || self.deadline.is_some_and(|d| Instant::now() >= d)
    }
}

/// How often (in SQLite virtual machine instructions) the progress handler checks the budget.
const CHECK_EVERY_OPS: i32 = 10_000;

/// How long a pool thread sleeps between tries of a database another statement holds.
const LOCK_RETRY: Duration = Duration::from_millis(2);

/// Locks `database` on the current (pool) thread, giving up when the budget runs out, so a
/// statement queued behind a long one can still be cancelled or time out.
fn lock_within<'a>(
    database: &'a Mutex<rusqlite::Connection>,
    budget: &Budget,
) -> Option<MutexGuard<'a, rusqlite::Connection>> {
    loop {
        match database.try_lock() {
            Ok(guard) => return Some(guard),
            Err(std::sync::TryLockError::Poisoned(poisoned)) => return Some(poisoned.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => {
                if budget.exhausted() {
                    return None;
                }
                std::thread::sleep(LOCK_RETRY);
            }
        }
    }
}

/// The outcome of bounded work: its own answer, or stopped by the budget before or while it ran.
#[derive(Debug)]
pub(crate) enum Bounded<T> {
    Done(T),
    Stopped,
}

/// Runs `work` on the database on the current thread within `budget`: SQLite's progress
/// handler interrupts it (the statement fails with `SQLITE_INTERRUPT`) once the budget is out.
/// When the budget ran out during the work, the answer is [`Bounded::Stopped`] whatever the
/// work returned.
pub(crate) fn within<T>(
    database: &Mutex<rusqlite::Connection>,
    budget: &Budget,
    work: impl FnOnce(&rusqlite::Connection) -> T,
) -> Bounded<T> {
    let Some(connection) = lock_within(database, budget) else { return Bounded::Stopped };
    if budget.exhausted() {
        return Bounded::Stopped;
    }
    let watched = budget.clone();
    connection.progress_handler(CHECK_EVERY_OPS, Some(move || watched.exhausted()));
    let answer = work(&connection);
    connection.progress_handler(0, None::<fn() -> bool>);
    if budget.exhausted() { Bounded::Stopped } else { Bounded::Done(answer) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_budget_interrupts_a_running_query_and_the_connection_stays_usable() {
        let database = Mutex::new(rusqlite::Connection::open_in_memory().unwrap());
        let budget = Budget::unbounded();
        let flag = Arc::clone(&budget.cancelled);
        let canceller = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            flag.store(true, Ordering::SeqCst);
        });
        let outcome = within(&database, &budget, |c| {
            c.query_row(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000000000) SELECT count(*) FROM n",
                [],
                |row| row.get::<_, i64>(0),
            )
        });
        canceller.join().unwrap();
        assert!(matches!(outcome, Bounded::Stopped));
        let after = within(&database, &Budget::unbounded(), |c| c.query_row("SELECT 1", [], |r| r.get::<_, i64>(0)));
        assert!(matches!(after, Bounded::Done(Ok(1))));
    }

    #[test]
    fn a_past_deadline_stops_work_before_it_starts() {
        let database = Mutex::new(rusqlite::Connection::open_in_memory().unwrap());
        let budget = Budget { cancelled: Arc::new(AtomicBool::new(false)), deadline: Some(Instant::now()) };
        let mut ran = false;
        let outcome = within(&database, &budget, |_| ran = true);
        assert!(matches!(outcome, Bounded::Stopped));
        assert!(!ran);
    }

    #[tokio::test(flavor = "current_thread")]
    async fn jobs_run_on_pool_threads_and_answer_the_caller() {
        let pool = SqlPool::start(2);
        let name = pool.run(|| std::thread::current().name().map(str::to_owned)).await.unwrap();
        assert!(name.is_some_and(|n| n.starts_with("redbridge-emu-sql-")));
    }
}
