//! [`StateCell`]: a simulator's platform state behind one lock, with the fixture it
//! starts from and comes back to.

use std::sync::{Mutex, MutexGuard};

/// The state of one simulator instance and its fixture.
///
/// A std `Mutex`: every operation on a platform state is short and synchronous, and no
/// guard is held across an `.await` (clippy's `await_holding_lock` is on). A panic while
/// the lock was held does not poison it for the requests after: the state is whole
/// (handlers change it only after every check) and the next request goes on.
#[derive(Debug)]
pub struct StateCell<S> {
    state: Mutex<S>,
    fixture: S,
}

impl<S: Clone> StateCell<S> {
    /// A cell holding a copy of `fixture`.
    pub fn new(fixture: S) -> Self {
        Self {
            state: Mutex::new(fixture.clone()),
            fixture,
        }
    }

    /// The state, locked.
    pub fn lock(&self) -> MutexGuard<'_, S> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A copy of the current state.
    pub fn snapshot(&self) -> S {
        self.lock().clone()
    }

    /// Replaces the whole state (an import that has been checked).
    pub fn replace(&self, state: S) {
        *self.lock() = state;
    }

    /// Back to the fixture.
    pub fn reset(&self) {
        self.replace(self.fixture.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_resets_to_its_fixture_and_survives_a_panic_under_its_lock() {
        let cell = std::sync::Arc::new(StateCell::new(vec![1]));
        cell.lock().push(2);
        assert_eq!(cell.snapshot(), [1, 2]);
        let c = cell.clone();
        let _ = std::thread::spawn(move || {
            let _guard = c.lock();
            panic!("a handler bug");
        })
        .join();
        cell.lock().push(3);
        assert_eq!(cell.snapshot(), [1, 2, 3]);
        cell.reset();
        assert_eq!(cell.snapshot(), [1]);
        cell.replace(vec![9]);
        assert_eq!(cell.snapshot(), [9]);
    }
}
