//! Turn-taking between the writers of one index inside this process.
//!
//! tantivy's lock refuses a second writer at once. That is right between processes (the user
//! is told the index is locked), but inside one process the write API and the folder watcher
//! of a single `vigie serve` must wait for each other instead. Imports only `std`.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// Shared by every clone of one opened index.
#[derive(Clone, Default)]
pub(crate) struct WriteGate {
    busy: Arc<(Mutex<bool>, Condvar)>,
}

/// The right to write, held by a [`super::DocumentWriter`]; released on drop.
pub(crate) struct Turn {
    gate: WriteGate,
}

impl WriteGate {
    /// Waits until no other writer of this process holds a turn, then takes it.
    pub(crate) fn wait_turn(&self) -> Turn {
        let (busy, released) = &*self.busy;
        let mut taken = busy.lock().unwrap_or_else(PoisonError::into_inner);
        while *taken {
            taken = released.wait(taken).unwrap_or_else(PoisonError::into_inner);
        }
        *taken = true;
        Turn { gate: self.clone() }
    }

    /// Takes the turn if no other writer of this process holds it; `None` otherwise.
    pub(crate) fn try_turn(&self) -> Option<Turn> {
        let (busy, _) = &*self.busy;
        let mut taken = busy.lock().unwrap_or_else(PoisonError::into_inner);
        if *taken {
            return None;
        }
        *taken = true;
        Some(Turn { gate: self.clone() })
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let (busy, released) = &*self.gate.busy;
        *busy.lock().unwrap_or_else(PoisonError::into_inner) = false;
        released.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_turn_waits_for_the_first_to_end() {
        let gate = WriteGate::default();
        let first = gate.wait_turn();
        let waiting = gate.clone();
        let second = std::thread::spawn(move || drop(waiting.wait_turn()));
        drop(first);
        second.join().expect("the second writer gets its turn");
    }

    #[test]
    fn a_turn_is_not_taken_while_another_is_held() {
        let gate = WriteGate::default();
        let first = gate.try_turn().expect("a free gate gives its turn");
        assert!(gate.try_turn().is_none());
        drop(first);
        assert!(gate.try_turn().is_some());
    }
}
